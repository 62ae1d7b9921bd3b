import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { inputsKey, reused } from "@/core/db/reuse";
import { createTestDatabase, type TestDatabase } from "../support/db";

/*
 * `reused` keeps a list statement, built once, under the name of its exact inputs. What it keeps
 * is the statement, never its result: every run reads the data as it is now. Runs on the
 * suite's backend (libSQL file, or MariaDB in the second CI pass).
 */

let t: TestDatabase;
let db: Database;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});
afterAll(() => t.drop());

/** The dict types of `status`, by a statement kept under `name`; counts how often it was built. */
function typesOf(status: string, name = inputsKey(eq(db.t.sys_dict_type.status, status))) {
  const { sys_dict_type } = db.t;
  let built = 0;
  const rows = reused(db, `test ${name}`, () => {
    built++;
    return db.orm
      .select({ name: sys_dict_type.dict_name })
      .from(sys_dict_type)
      .where(eq(sys_dict_type.status, status))
      .orderBy(asc(sys_dict_type.id));
  });
  return { rows, built: () => built };
}

describe("statements kept by their inputs", () => {
  test("built once for the same inputs, and each run reads the rows as they are now", async () => {
    const first = typesOf("0");
    const before = await first.rows;
    expect(first.built()).toBe(1);
    const { sys_dict_type } = db.t;
    await db.orm
      .insert(sys_dict_type)
      .values({ dict_name: "kept-statement test", dict_type: `kept_${Date.now()}`, status: "0" });
    const second = typesOf("0");
    const after = await second.rows;
    expect(second.built()).toBe(0);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)?.name).toBe("kept-statement test");
  });

  test("other inputs are another statement", async () => {
    const disabled = typesOf("1");
    expect(await disabled.rows).toEqual([]);
    expect(disabled.built()).toBe(1);
    expect(inputsKey(eq(db.t.sys_dict_type.status, "0"))).not.toBe(
      inputsKey(eq(db.t.sys_dict_type.status, "1")),
    );
    expect(inputsKey(undefined, [], 1, 10)).not.toBe(inputsKey(undefined, [], 1, 20));
    // a bigint value (a large id from a driver) names a statement too, apart from the string
    expect(inputsKey(eq(db.t.sys_dict_type.id, 7n as never))).not.toBe(
      inputsKey(eq(db.t.sys_dict_type.id, "7n" as never)),
    );
    expect(inputsKey(undefined, [asc(db.t.sys_dict_type.id)], 1)).toBe(
      inputsKey(undefined, [asc(db.t.sys_dict_type.id)], 1),
    );
  });

  test("beyond 500 names the least recently used is dropped and built again", async () => {
    const kept = typesOf("0", "lru-0");
    await kept.rows;
    for (let i = 1; i <= 500; i++) await typesOf("0", `lru-${i}`).rows;
    const again = typesOf("0", "lru-0");
    await again.rows;
    expect(again.built()).toBe(1);
    const recent = typesOf("0", "lru-500");
    await recent.rows;
    expect(recent.built()).toBe(0);
  });

  test("at a libSQL server nothing is kept: the builder itself goes into the request's batch", () => {
    const server = { ...db, dialect: "sqlite", url: "libsql://example.turso.io" } as Database;
    let built = 0;
    for (let i = 0; i < 2; i++) {
      const builder = db.orm.select().from(db.t.sys_dict_type);
      const answer = reused(server, "remote", () => {
        built++;
        return builder;
      });
      expect(answer).toBe(builder);
    }
    expect(built).toBe(2);
  });
});
