import { describe, expect, test } from "bun:test";
import type { Database } from "@/core/db/database";
import { optimizeDatabase } from "@/core/db/optimize";
import { createTestDatabase } from "../support/db";

/* The planner-statistics step at start and in the db-optimize job, per kind of database. */

/** A database whose every statement is recorded and refused, as a libSQL server refuses these. */
function refusingDatabase(dialect: "sqlite" | "mysql", url: string) {
  const sent: string[] = [];
  const refuse = async (sql: string) => {
    sent.push(sql);
    throw new Error("SQL_PARSE_ERROR: unsupported statement");
  };
  const db = { dialect, url, raw: { run: refuse, all: refuse } } as unknown as Database;
  return { db, sent };
}

describe("optimizeDatabase", () => {
  test("a libSQL server (sqld, Turso) gets no ANALYZE or PRAGMA: it would refuse them", async () => {
    for (const url of ["http://127.0.0.1:8080", "libsql://db-org.turso.io"]) {
      const { db, sent } = refusingDatabase("sqlite", url);
      expect(await optimizeDatabase(db, true)).toBe("skipped (libSQL server)");
      expect(await optimizeDatabase(db)).toBe("skipped (libSQL server)");
      expect(sent).toEqual([]);
    }
  });

  test("a local database file is analysed", async () => {
    const { db, drop } = await createTestDatabase({ seed: false });
    try {
      const done = await optimizeDatabase(db, true);
      expect(done).toBe(db.dialect === "mysql" ? "analyze table" : "analyze");
      expect(await optimizeDatabase(db)).toBe(db.dialect === "mysql" ? "analyze table" : "pragma optimize");
    } finally {
      await drop();
    }
  });
});
