import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray, type SQL } from "drizzle-orm";
import type { Cache } from "@/core/cache/cache";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { allOf, liveCountOf } from "@/core/db/query";
import { Totals, writtenTable } from "@/core/db/totals";
import { clearCache, createTestCache } from "../support/cache";
import { createTestDatabase, type TestDatabase } from "../support/db";

/*
 * List totals are remembered per process under a change token in the shared cache, which every
 * committed write of the table replaces (src/core/db/totals.ts). Two handles on one database and
 * one cache stand for two instances: what one writes, the other's next total must count — on
 * libSQL, and on MariaDB + Redis in the second CI pass. Counting statements are observed, so a
 * test also fails when a total is counted again without need.
 */

let base: TestDatabase;
let shared: { cache: Cache; cleanup(): Promise<void> };
/** The writer and the reader: two handles on the same database, like two instances. */
let writer: Database;
let reader: Database;
let counted = 0;

beforeAll(async () => {
  base = await createTestDatabase();
  shared = await createTestCache();
  writer = await openDatabase({ url: base.db.url });
  reader = await openDatabase({
    url: base.db.url,
    onQuery: (query) => {
      if (/count\(\*\)/i.test(query)) counted++;
    },
  });
  writer.totals.useCache(shared.cache);
  reader.totals.useCache(shared.cache);
});

afterAll(async () => {
  await Promise.allSettled([writer.close(), reader.close()]);
  await shared.cleanup();
  await base.drop();
});

/** The live log rows of `type`, counted plainly (no Totals). */
async function plainLogs(type?: number): Promise<number> {
  const rows = await base.db.raw.all(
    `select count(*) as n from sys_log where is_deleted = 0${type === undefined ? "" : ` and type = ${type}`}`,
  );
  return Number(rows[0].n);
}

/** The total the log list would show, through the reader's Totals; and whether it was counted. */
async function listed(type?: number): Promise<{ total: number; counted: boolean }> {
  const { sys_log } = reader.t;
  return listedWhere(type === undefined ? undefined : allOf(eq(sys_log.type, type)));
}

async function listedWhere(filter: SQL | undefined): Promise<{ total: number; counted: boolean }> {
  const { sys_log } = reader.t;
  const before = counted;
  const total = await reader.totals.count(sys_log, filter, () => liveCountOf(reader, sys_log, filter));
  return { total, counted: counted > before };
}

const logRow = (type: number) => ({
  type,
  request_path: "/api/v1/test",
  request_method: "GET",
  response_code: 200,
});

describe("list totals remembered until the table is written", () => {
  test("counted once while nobody writes: the same total, no second count", async () => {
    const first = await listed(1);
    expect(first).toEqual({ total: await plainLogs(1), counted: true });
    expect(await listed(1)).toEqual({ total: first.total, counted: false });
    // another filter is another total
    expect((await listed(2)).counted).toBe(true);
    expect((await listed(2)).counted).toBe(false);
  });

  test("an insert on the other instance (a statement of its own) is in the next total", async () => {
    const before = (await listed(1)).total;
    await writer.orm.insert(writer.t.sys_log).values(logRow(1));
    expect(await listed(1)).toEqual({ total: before + 1, counted: true });
    expect(await listed(1)).toEqual({ total: before + 1, counted: false });
    expect((await listed(2)).total).toBe(await plainLogs(2));
  });

  test("a committed transaction is in the next total; a rolled-back one counts nothing again", async () => {
    const before = (await listed(1)).total;
    await writer.transaction(async (tx) => {
      await tx.insert(writer.t.sys_log).values(logRow(1));
      await tx.insert(writer.t.sys_log).values(logRow(1));
    });
    expect(await listed(1)).toEqual({ total: before + 2, counted: true });
    await expect(
      writer.transaction(async (tx) => {
        await tx.insert(writer.t.sys_log).values(logRow(1));
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await listed(1)).toEqual({ total: before + 2, counted: false });
    expect(before + 2).toBe(await plainLogs(1));
  });

  test("an update and a soft delete change filtered totals: both are seen", async () => {
    const { sys_log } = writer.t;
    const [row] = await writer.orm
      .select({ id: sys_log.id })
      .from(sys_log)
      .where(allOf(eq(sys_log.type, 1), eq(sys_log.is_deleted, false)))
      .limit(1);
    const ones = (await listed(1)).total;
    const twos = (await listed(2)).total;
    await writer.orm.update(sys_log).set({ type: 2 }).where(eq(sys_log.id, row.id));
    expect((await listed(1)).total).toBe(ones - 1);
    expect((await listed(2)).total).toBe(twos + 1);
    await writer.orm.update(sys_log).set({ is_deleted: true }).where(eq(sys_log.id, row.id));
    expect((await listed(2)).total).toBe(twos);
    expect((await listed()).total).toBe(await plainLogs());
  });

  test("plain SQL through db.raw (single statements and a batch) is seen too", async () => {
    const before = (await listed(1)).total;
    await writer.raw.run(
      "insert into sys_log (uuid, type, request_path, request_method, response_code, created_time, updated_time) values (?, 1, '/x', 'GET', 200, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
      [crypto.randomUUID()],
    );
    expect((await listed(1)).total).toBe(before + 1);
    await writer.raw.batch([
      { sql: "update sys_log set type = 2 where type = 1 and request_path = '/x'" },
      { sql: "select 1" },
    ]);
    expect((await listed(1)).total).toBe(before);
  });

  test("a write to another table keeps the totals", async () => {
    await listed(1);
    await writer.orm
      .update(writer.t.sys_dict_type)
      .set({ description: `touched ${Date.now()}` })
      .where(eq(writer.t.sys_dict_type.id, 1));
    expect((await listed(1)).counted).toBe(false);
  });

  test("a filter that reads another table (a subquery) is counted again after that table is written", async () => {
    const { sys_log, sys_user } = writer.t;
    await writer.orm.insert(sys_log).values({ ...logRow(1), created_id: 1 });
    const [{ name }] = await writer.orm
      .select({ name: sys_user.name })
      .from(sys_user)
      .where(eq(sys_user.id, 1));
    const byCreator = (creator: string) =>
      inArray(
        reader.t.sys_log.created_id,
        reader.orm
          .select({ id: reader.t.sys_user.id })
          .from(reader.t.sys_user)
          .where(eq(reader.t.sys_user.name, creator)),
      );
    const theirs = await listedWhere(byCreator(name));
    expect(theirs.total).toBeGreaterThan(0);
    expect((await listedWhere(byCreator(name))).counted).toBe(false);
    await writer.orm.update(sys_user).set({ name: "改了名字" }).where(eq(sys_user.id, 1));
    try {
      expect(await listedWhere(byCreator(name))).toEqual({ total: 0, counted: true });
      expect((await listedWhere(byCreator("改了名字"))).total).toBe(theirs.total);
    } finally {
      await writer.orm.update(sys_user).set({ name }).where(eq(sys_user.id, 1));
    }
  });

  test("a statement whose table is not named up front (DDL) drops every token", async () => {
    await listed(1);
    await writer.raw.run("create index ix_totals_test on sys_dict_data (dict_sort)");
    await writer.raw.run(`drop index ix_totals_test${writer.dialect === "mysql" ? " on sys_dict_data" : ""}`);
    expect((await listed(1)).counted).toBe(true);
  });

  test("a token the cache lost (flushed, evicted) is replaced, never matched by an old total", async () => {
    await listed(1);
    await clearCache(shared.cache);
    expect((await listed(1)).counted).toBe(true);
    expect((await listed(1)).counted).toBe(false);
  });

  test("without a cache, or when the cache fails, every total is counted and right", async () => {
    const { sys_log } = reader.t;
    const alone = new Totals();
    const broken = new Totals();
    broken.useCache({
      ...shared.cache,
      get: () => Promise.reject(new Error("cache down")),
      pipeline: () => Promise.reject(new Error("cache down")),
    } as Cache);
    for (const totals of [alone, broken]) {
      const before = counted;
      const count = () => liveCountOf(reader, sys_log, undefined);
      expect(await totals.count(sys_log, undefined, count)).toBe(await plainLogs());
      expect(await totals.count(sys_log, undefined, count)).toBe(await plainLogs());
      expect(counted - before).toBe(2);
    }
  });
});

describe("writtenTable", () => {
  test.each([
    ['insert into "sys_log" ("id") values (?)', "sys_log"],
    ["insert into `sys_user` (`id`) values (?)", "sys_user"],
    ["INSERT OR REPLACE INTO sys_dept (id) VALUES (1)", "sys_dept"],
    ["insert ignore into `sys_user_roles` values (1, 2)", "sys_user_roles"],
    ["replace into sys_role values (1)", "sys_role"],
    ['update "sys_user" set "status" = ?', "sys_user"],
    ["/* note */ delete from `sys_log` where id = 1", "sys_log"],
    ["truncate table sys_log", "sys_log"],
    ["alter table sys_user add column x int", "sys_user"],
    ["create table if not exists gen_demo (id int)", "gen_demo"],
    ["create index ix on sys_log (type)", "*"],
    ["with ids as (select 1) delete from sys_log where id in (select * from ids)", "*"],
    ["select * from sys_user", null],
    ["with x as (select 1) select * from x", null],
    ["begin", null],
    ["commit", null],
    ["rollback", null],
    ["PRAGMA optimize", null],
    ["SET NAMES utf8mb4", null],
    ["savepoint sp1", null],
  ])("%s → %p", (sql, table) => {
    expect(writtenTable(sql)).toBe(table);
  });
});
