import { afterAll, describe, expect, test } from "bun:test";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { DatabaseStepError, describeDriverError, maskCredentials, prepareDatabase } from "@/core/db/prepare";
import { createTestDatabase } from "../support/db";
import { mysqlFixture, type ScratchDatabase, sqliteFixture } from "./fastapiadmin-fixture";

/* Start-up failures of the database steps name the step and the driver's own code and message. */

describe("a migration that fails at start", () => {
  test("names the step, the driver's code and message, and the statement (not its parameters)", async () => {
    const { db, drop } = await createTestDatabase({ seed: false });
    try {
      // As if the last two migrations (0007, the tenant columns; 0008, their list indexes) had
      // never been recorded: the migrator runs 0007 again and its first ALTER TABLE … ADD fails.
      await db.raw.run(
        "DELETE FROM __drizzle_migrations WHERE created_at IN (SELECT created_at FROM (SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 2) AS last_two)",
      );
      let error: unknown;
      await prepareDatabase(db).catch((err) => {
        error = err;
      });
      expect(error).toBeInstanceOf(DatabaseStepError);
      const e = error as DatabaseStepError;
      expect(e.step).toBe("migrate");
      if (db.dialect === "mysql") {
        expect(e.message).toMatch(
          /^database migrate failed: ER_DUP_FIELDNAME \(errno 1060\): Duplicate column name 'tenant_id'/,
        );
      } else {
        expect(e.message).toMatch(/^database migrate failed: SQLITE_ERROR: duplicate column name: tenant_id/);
      }
      // mysql2 fails one statement (drizzle names it); libSQL fails the migration's batch
      if (db.dialect === "mysql")
        expect(e.message).toContain("[statement: ALTER TABLE `sys_dept` ADD `tenant_id`");
      expect(e.message).not.toContain("params:");
    } finally {
      await drop();
    }
  }, 30_000);

  test("credentials in a driver's message are masked", () => {
    const err = new Error("Failed query: select 1\nparams: $argon2id$v=19$secret-hash", {
      cause: Object.assign(new Error("cannot reach mysql://app:s3cret@db.internal:3306/x?authToken=tok123"), {
        code: "ECONNREFUSED",
      }),
    });
    const text = describeDriverError(err);
    expect(text).toStartWith("ECONNREFUSED: cannot reach mysql://app:***@db.internal:3306/x?authToken=***");
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("tok123");
    expect(text).not.toContain("argon2id");
    expect(maskCredentials("libsql://x.turso.io?authToken=abc")).toBe("libsql://x.turso.io?authToken=***");
  });
});

const dialects: ("sqlite" | "mysql")[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

for (const dialect of dialects) {
  describe(`the empty history table an earlier failed start left behind (${dialect})`, () => {
    let fx: ScratchDatabase;
    let db: Database;
    afterAll(async () => {
      await db?.close();
      await fx?.drop();
    });

    test("does not stop the adoption", async () => {
      fx = dialect === "sqlite" ? await sqliteFixture() : await mysqlFixture(process.env.TEST_MYSQL_URL!);
      await fx.exec(
        dialect === "sqlite"
          ? "CREATE TABLE __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)"
          : "create table __drizzle_migrations (id serial primary key, hash text not null, created_at bigint)",
      );
      db = await openDatabase({ url: fx.url });
      const result = await prepareDatabase(db);
      expect(result.state.kind).toBe("existing");
      expect(result.adoption?.adopted.map((m) => m.tag)).toEqual([
        "0000_init",
        "0001_portal_example",
        "0002_task",
        "0003_ai_chat",
        "0004_list_indexes",
        "0005_gencode",
        "0006_totp",
        "0007_tenants",
      ]);
      // 0008 drops and re-creates list indexes, which adoption does not judge: the migrator runs it
      expect(result.applied).toBe(1);
      const [row] = await db.raw.all("SELECT COUNT(*) AS n FROM __drizzle_migrations");
      expect(Number(row.n)).toBe(9);
    }, 30_000);
  });
}
