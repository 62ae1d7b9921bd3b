import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";

/*
 * patches/@libsql%2Fclient@0.18.0.patch keeps each local connection's prepared statements (by SQL
 * text) instead of preparing every statement again: about a third of the CPU of a seed-sized list
 * request went to preparing. A reused statement must behave exactly like a fresh one: new
 * arguments, after a failed run, after the schema under it changed, and past the cache's size.
 */

let dir: string;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hono-admin-stmt-cache-"));
  client = createClient({ url: `file:${join(dir, "cache.db")}` });
  await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
});

afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = async () => (await client.execute("SELECT * FROM t ORDER BY id")).rows.map((r) => r.name);

describe("prepared statements reused by the local libSQL client", () => {
  test("the same text with other arguments reads and writes what those arguments say", async () => {
    for (const name of ["a", "b", "c"])
      await client.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: [name] });
    const one = await client.execute({ sql: "SELECT name FROM t WHERE id = ?", args: [2] });
    const other = await client.execute({ sql: "SELECT name FROM t WHERE id = ?", args: [3] });
    expect(one.rows[0]?.name).toBe("b");
    expect(other.rows[0]?.name).toBe("c");
    expect(await names()).toEqual(["a", "b", "c"]);
  });

  test("a statement that failed (constraint) runs again with good arguments", async () => {
    const insert = "INSERT INTO t (name) VALUES (?)";
    await expect(client.execute({ sql: insert, args: ["a"] })).rejects.toThrow(/UNIQUE/);
    const ok = await client.execute({ sql: insert, args: ["d"] });
    expect(ok.rowsAffected).toBe(1);
    expect(await names()).toEqual(["a", "b", "c", "d"]);
  });

  test("after ALTER TABLE a reused SELECT * answers the new columns under their new names", async () => {
    await names(); // the statement is prepared before the change
    await client.execute("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    let r = await client.execute("SELECT * FROM t ORDER BY id");
    expect(r.columns).toEqual(["id", "name", "extra"]);
    expect(r.rows[0]?.extra).toBe("x");
    await client.execute("ALTER TABLE t RENAME COLUMN extra TO other");
    r = await client.execute("SELECT * FROM t ORDER BY id");
    expect(r.columns).toEqual(["id", "name", "other"]);
    expect(r.rows[0]?.other).toBe("x");
    expect(r.rows[0]?.extra).toBeUndefined();
  });

  test("more distinct statements than the cache holds: each still answers its own query", async () => {
    for (let i = 0; i < 600; i++) {
      const r = await client.execute({ sql: `SELECT ? + ${i} AS v`, args: [1] });
      expect(Number(r.rows[0]?.v)).toBe(i + 1);
    }
    expect(await names()).toEqual(["a", "b", "c", "d"]);
  });

  test("inside a transaction and after it, reads see the transaction's outcome", async () => {
    const tx = await client.transaction("write");
    await tx.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: ["e"] });
    expect((await tx.execute("SELECT * FROM t ORDER BY id")).rows.map((r) => r.name)).toContain("e");
    await tx.rollback();
    expect(await names()).toEqual(["a", "b", "c", "d"]);
  });
});
