import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { createApp } from "@/app";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { optimizeDatabase } from "@/core/db/optimize";
import { allOf, contains, equals, liveCountOf, notDeleted, scans, tenantIs, within } from "@/core/db/query";
import { memoryLogger } from "@/core/log/logger";
import { seedBulk } from "../../scripts/bench";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

/*
 * The list totals and pages computed by the shortcuts of issue 10 equal the plain statements:
 * a tenant's filtered count (the matches minus the deleted ones, while no other tenant has live
 * rows and few rows are deleted), and the log list's page tried among the newest rows first.
 */

let t: TestApp;
let db: Database;

beforeAll(async () => {
  t = await createTestApp();
  db = t.deps.db;
  await seedBulk(db, { users: 6000, logs: 3000 });
  await optimizeDatabase(db, true);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Counted = SQLiteTable & { id: SQLiteColumn; is_deleted: SQLiteColumn };

const plainCount = async (table: Counted, where: SQL | undefined) => {
  const [row] = await db.orm
    .select({ n: sql<number>`count(*)` })
    .from(table)
    .where(and(notDeleted(table), where));
  return Number(row.n);
};
const liveCount = async (table: Counted, where: SQL | undefined) =>
  Number((await liveCountOf(db, table, where))[0].total);

/** Marks the log rows `rows` deleted, or live again. */
const setLogsDeleted = async (rows: { id: number }[], deleted: boolean) => {
  const { sys_log } = db.t;
  await db.orm
    .update(sys_log)
    .set({ is_deleted: deleted })
    .where(
      inArray(
        sys_log.id,
        rows.map((r) => r.id),
      ),
    );
};

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 19).replace("T", " ");

describe("liveCountOf", () => {
  /** Filters of a tenant's lists, each with the count it must give. */
  const cases = (tenant: number) => {
    const { sys_log, sys_user } = db.t;
    return [
      allOf(equals(sys_log.type, 2), tenantIs(sys_log.tenant_id, tenant)),
      allOf(within(sys_log.created_time, [day(-7), day(0)]), tenantIs(sys_log.tenant_id, tenant)),
      allOf(
        equals(sys_log.type, 1),
        within(sys_log.created_time, [day(-30), day(0)]),
        tenantIs(sys_log.tenant_id, tenant),
      ),
    ]
      .map((where) => ({ table: sys_log as Counted, where }))
      .concat(
        [
          allOf(contains(sys_user.username, "u00001"), tenantIs(sys_user.tenant_id, tenant)),
          allOf(contains(sys_user.mobile, "1390000"), tenantIs(sys_user.tenant_id, tenant)),
          allOf(
            contains(sys_user.name, "用户1"),
            equals(sys_user.status, "0"),
            tenantIs(sys_user.tenant_id, tenant),
          ),
        ].map((where) => ({ table: sys_user as Counted, where })),
      );
  };
  const expectPlainCounts = async (tenant: number) => {
    for (const { table, where } of cases(tenant)) {
      const expected = await plainCount(table, where);
      expect(await liveCount(table, where)).toBe(expected);
    }
  };

  test("a tenant and more: the matches minus the deleted ones, in one CASE statement", () => {
    const { sys_log } = db.t;
    const filtered = liveCountOf(db, sys_log, allOf(equals(sys_log.type, 2), tenantIs(sys_log.tenant_id, 1)));
    expect(filtered.toSQL().sql).toContain("case when");
    // no tenant among the conditions: the plain count
    expect(liveCountOf(db, sys_log, equals(sys_log.type, 2)).toSQL().sql).not.toContain("case when");
  });

  test("equals the plain count with no deleted rows, a few, many, and other tenants' live rows", async () => {
    const { sys_log, sys_user } = db.t;
    expect(
      await plainCount(sys_log, allOf(equals(sys_log.type, 2), tenantIs(sys_log.tenant_id, 1))),
    ).toBeGreaterThan(1000);
    await expectPlainCounts(1);

    // a few deleted rows, among them matches of every filter: subtracted
    const recent = await db.orm
      .select({ id: sys_log.id })
      .from(sys_log)
      .where(within(sys_log.created_time, [day(-3), day(0)]))
      .limit(20);
    await setLogsDeleted(recent, true);
    await db.orm
      .update(sys_user)
      .set({ is_deleted: true })
      .where(inArray(sys_user.username, ["bench_u0000010", "bench_u0000011", "bench_u0000100"]));
    await expectPlainCounts(1);

    // more deleted rows than the shortcut probes: the plain count
    const many = await db.orm.select({ id: sys_log.id }).from(sys_log).where(eq(sys_log.type, 2)).limit(1200);
    await setLogsDeleted(many, true);
    await expectPlainCounts(1);
    await setLogsDeleted(many, false);
    await expectPlainCounts(1);

    // live rows of another tenant: each tenant counts its own
    await db.orm.insert(db.t.sys_tenant).values({ id: 2, name: "第二租户", code: "second" });
    const moved = await db.orm.select({ id: sys_log.id }).from(sys_log).where(eq(sys_log.type, 2)).limit(50);
    await db.orm
      .update(sys_log)
      .set({ tenant_id: 2 })
      .where(
        inArray(
          sys_log.id,
          moved.map((r) => r.id),
        ),
      );
    await db.orm.update(sys_user).set({ tenant_id: 2 }).where(eq(sys_user.username, "bench_u0000012"));
    await expectPlainCounts(1);
    await expectPlainCounts(2);
    expect(await liveCount(sys_log, allOf(equals(sys_log.type, 2), tenantIs(sys_log.tenant_id, 2)))).toBe(50);
    // back to one tenant
    await db.orm.update(sys_log).set({ tenant_id: 1 }).where(eq(sys_log.tenant_id, 2));
    await db.orm.update(sys_user).set({ tenant_id: 1 }).where(eq(sys_user.tenant_id, 2));
  }, 60_000);

  test("scans: a LIKE condition, also inside nested allOf", () => {
    const { sys_user } = db.t;
    expect(scans(contains(sys_user.name, "x"))).toBe(true);
    expect(
      scans(allOf(equals(sys_user.status, "0"), allOf(contains(sys_user.name, "x"), eq(sys_user.id, 1)))),
    ).toBe(true);
    expect(scans(allOf(equals(sys_user.status, "0"), eq(sys_user.id, 1)))).toBe(false);
    expect(scans(undefined)).toBe(false);
  });
});

describe("user list with a LIKE filter: the matches read in order, up to 1,000 of them, then counted", () => {
  test("the same page, total and links as the plain statements", async () => {
    const headers = await authHeaders(t, "admin");
    const { sys_user, sys_user_positions } = db.t;
    for (const [query, like] of [
      ["username=u00001", "%u00001%"], // 10 matches: all read, no count
      ["username=bench_u0001", "%bench!_u0001%"], // 1,000: still all read
      ["username=bench", "%bench%"], // 6,000: the first 1,001 (more on deep pages), then the count
    ] as const) {
      for (const pageNo of [1, 7, 100, 101, 150, 600]) {
        const res = await t.request(`/api/v1/system/user/list?page_no=${pageNo}&page_size=10&${query}`, {
          headers,
        });
        const { data } = await body(res);
        const where = and(notDeleted(sys_user), sql`${sys_user.username} like ${like} escape '!'`);
        const expected = await db.orm
          .select({ id: sys_user.id })
          .from(sys_user)
          .where(where)
          .orderBy(sql`${sys_user.updated_time} desc`, sql`${sys_user.id} desc`)
          .limit(10)
          .offset((pageNo - 1) * 10);
        const ids = data.items.map((u: { id: number }) => u.id);
        expect(ids).toEqual(expected.map((r) => r.id));
        expect(data.total).toBe(await plainCount(sys_user, where));
        if (!ids.length) continue;
        const positions = await db.orm
          .select({ user_id: sys_user_positions.user_id, id: sys_user_positions.position_id })
          .from(sys_user_positions)
          .where(inArray(sys_user_positions.user_id, ids));
        for (const u of data.items as { id: number; positions: { id: number }[] }[])
          expect(u.positions.map((p) => p.id).sort()).toEqual(
            positions
              .filter((p) => p.user_id === u.id)
              .map((p) => p.id)
              .sort(),
          );
      }
    }
  });
});

test("a LIKE-filtered user list runs at most three statements, few matches or many, a deep page", async () => {
  const sqlLog = memoryLogger("debug");
  const logged = await openDatabase({ url: db.url, logger: sqlLog });
  try {
    const app = createApp({ ...t.deps, db: logged });
    const headers = await authHeaders(t, "admin");
    for (const query of [
      "page_no=2&username=u00001",
      "page_no=2&username=bench",
      "page_no=150&username=bench",
    ]) {
      const path = `/api/v1/system/user/list?page_size=10&${query}`;
      await app.request(path, { headers }, { clientIp: "127.0.0.1" }); // fills the caches
      const before = sqlLog.lines.length;
      const res = await app.request(path, { headers }, { clientIp: "127.0.0.1" });
      expect((await body(res)).data.items.length).toBeGreaterThan(0);
      expect(sqlLog.lines.slice(before).filter((l) => l.msg === "sql").length).toBeLessThanOrEqual(3);
    }
  } finally {
    await logged.close();
  }
});

describe("log list: a created_time range in the default order tries the newest rows first", () => {
  const sqlLog = memoryLogger("debug");
  let logged: Database;
  let app: ReturnType<typeof createApp>;
  let headers: Record<string, string>;

  beforeAll(async () => {
    logged = await openDatabase({ url: db.url, logger: sqlLog });
    app = createApp({ ...t.deps, db: logged });
    headers = await authHeaders(t, "admin");
  });
  afterAll(async () => {
    await logged?.close();
  });

  /** The page answered, and how many statements read the log rows' page. */
  async function list(query: string) {
    const before = sqlLog.lines.length;
    const res = await app.request(`/api/v1/system/log/list?${query}`, { headers }, { clientIp: "127.0.0.1" });
    expect(res.status).toBe(200);
    const pages = sqlLog.lines
      .slice(before)
      .filter((l) => l.msg === "sql" && /created_user\W+name/.test(String(l.query))).length;
    return { data: (await body(res)).data, pages };
  }
  const range = (from: number, to: number) =>
    `created_time=${encodeURIComponent(day(from))}&created_time=${encodeURIComponent(day(to))}`;
  // the same order spelled with two keys: the plain statements
  const plainOrder = `order_by=${encodeURIComponent('[{"updated_time":"desc"},{"id":"desc"}]')}`;

  test("the same pages and totals as the plain statements", async () => {
    for (const query of [
      `page_no=1&page_size=10&${range(-7, 0)}`, // found among the newest
      `page_no=2&page_size=50&${range(-7, 0)}`, // a deeper page, still there
      `page_no=1&page_size=10&${range(-85, -80)}`, // old rows: the plain page follows
      `page_no=1&page_size=10&type=2&${range(-7, 0)}`,
      `page_no=3&page_size=100&${range(-7, 0)}`, // the last page, partly filled
      `page_no=99&page_size=10&${range(-7, 0)}`, // past the end
    ]) {
      const tried = await list(query);
      const plain = await list(`${query}&${plainOrder}`);
      expect(plain.pages).toBe(1);
      expect(tried.data.total).toBe(plain.data.total);
      expect(tried.data.items).toEqual(plain.data.items);
      expect(tried.data.has_next).toBe(plain.data.has_next);
    }
  });

  test("one page statement when the newest rows hold the page, two when they cannot tell", async () => {
    // the rows updated above (deleted and restored) are the newest by update; as seeded, a log
    // row's update is its creation
    await db.orm.update(db.t.sys_log).set({ updated_time: sql`${db.t.sys_log.created_time}` });
    const recent = await list(`page_no=1&page_size=10&${range(-7, 0)}`);
    expect(recent.data.items).toHaveLength(10);
    const last = await list(`page_no=3&page_size=100&${range(-7, 0)}`);
    expect(last.data.items.length).toBe(last.data.total - 200);
    expect(last.data.items.length).toBeGreaterThan(0);
    const old = await list(`page_no=1&page_size=10&${range(-85, -80)}`);
    expect(old.data.items).toHaveLength(10);
    const past = await list(`page_no=99&page_size=10&${range(-7, 0)}`);
    expect(past.data.items).toHaveLength(0);
    // the libSQL planner sorts a range's matches; MySQL keeps its own plan (one statement)
    const sqlite = db.dialect === "sqlite";
    expect([recent.pages, last.pages, old.pages, past.pages]).toEqual(sqlite ? [1, 1, 2, 2] : [1, 1, 1, 1]);
  });
});
