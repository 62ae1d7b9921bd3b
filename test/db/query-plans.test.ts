import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "@/app";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { optimizeDatabase } from "@/core/db/optimize";
import { seedBulk } from "../../scripts/bench";
import { createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

/*
 * Every list's statements, as the app really runs them, checked against the planner (issue 10):
 * with 20k users and 20k log rows, no statement may read a big table whole (a full table scan)
 * or sort a whole big table (a temp B-tree / filesort over it). Scanning a covering index (a
 * count, a LIKE filter) and an index scan in the list's order (the page stops at its LIMIT) are
 * fine; so is sorting the page's few rows after a deferred join.
 *
 * SQLite: EXPLAIN QUERY PLAN; MySQL/MariaDB (TEST_MYSQL_URL): EXPLAIN.
 */

const BIG = new Set(["sys_user", "sys_log", "sys_user_roles", "sys_user_positions"]);
const ROWS = 20_000;

let t: TestApp;
let observed: Database;
let app: ReturnType<typeof createApp>;
let headers: Record<string, string>;
const captured: { sql: string; params: unknown[] }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await seedBulk(t.deps.db, { users: ROWS, logs: ROWS });
  await optimizeDatabase(t.deps.db, true); // what start-up does
  observed = await openDatabase({
    url: t.deps.db.url,
    onQuery: (sql, params) => captured.push({ sql, params }),
  });
  app = createApp({ ...t.deps, db: observed });
  headers = await authHeaders(t, "admin");
}, 120_000);
afterAll(async () => {
  await observed?.close();
  await t?.close();
});

/** The GET list/tree routes of the app. */
function listRoutes(): string[] {
  const defs = (
    app as unknown as {
      openAPIRegistry: { definitions: { type: string; route?: { method: string; path: string } }[] };
    }
  ).openAPIRegistry.definitions;
  return defs
    .filter((d) => d.type === "route" && d.route?.method === "get" && /\/(list|tree)$/.test(d.route.path))
    .map((d) => d.route!.path);
}

const day = (offset: number) =>
  encodeURIComponent(new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 19).replace("T", " "));
const range = (days: number) => `created_time=${day(-days)}&created_time=${day(0)}`;

/** Each list with its default query, and the big lists with each filter the SPA sends. */
function calls(): string[] {
  const out = listRoutes().map((p) => `${p}?page_no=1&page_size=10`);
  const user = "/api/v1/system/user/list?page_size=10";
  for (const q of [
    "page_no=1000",
    "page_no=1&username=u0004",
    `page_no=1&name=${encodeURIComponent("用户42")}`,
    "page_no=1&mobile=1390001",
    "page_no=1&email=u42",
    "page_no=1&dept_id=1",
    "page_no=1&status=1",
    `page_no=1&${range(30)}`,
  ])
    out.push(`${user}&${q}`);
  const log = "/api/v1/system/log/list?page_size=10";
  for (const q of [
    "page_no=1000",
    "page_no=1&type=2",
    `page_no=1&${range(7)}`,
    "page_no=1&request_ip=10.0.7.49",
  ])
    out.push(`${log}&${q}`);
  return out;
}

type PlanRow = Record<string, unknown>;

/** What is wrong with a SQLite plan (EXPLAIN QUERY PLAN rows: id, parent, detail). */
function sqlitePlanProblems(plan: PlanRow[]): string[] {
  const problems: string[] = [];
  const byParent = new Map<number, string[]>();
  for (const r of plan) {
    const list = byParent.get(Number(r.parent)) ?? [];
    list.push(String(r.detail));
    byParent.set(Number(r.parent), list);
  }
  for (const details of byParent.values()) {
    let wholeBigTable: string | undefined;
    for (const d of details) {
      const m = /^(SCAN|SEARCH) (\w+)(?: AS \w+)?(?: USING (.*?))?(?: \((.*)\))?$/.exec(d);
      if (!m || !BIG.has(m[2])) continue;
      const [, how, table, using, constraint] = m;
      if (how === "SCAN" && !using) problems.push(`full scan of ${table}: ${d}`);
      // the whole table: a scan, or a search on the soft-delete flag alone (every live row)
      if (how === "SCAN" || /^is_deleted=\?$/.test(constraint ?? "")) wholeBigTable = d;
    }
    const sort = details.find((d) => d.startsWith("USE TEMP B-TREE"));
    if (sort && wholeBigTable) problems.push(`${sort} of a whole big table: ${wholeBigTable}`);
  }
  return problems;
}

/** What is wrong with a MySQL/MariaDB EXPLAIN (one row per table access). */
function mysqlPlanProblems(plan: PlanRow[]): string[] {
  const problems: string[] = [];
  for (const r of plan) {
    const table = String(r.table);
    if (!BIG.has(table)) continue;
    const extra = String(r.Extra ?? "");
    const rows = Number(r.rows ?? 0);
    if (r.type === "ALL" && rows > 1000) problems.push(`full scan of ${table} (${rows} rows)`);
    if (/Using (filesort|temporary)/.test(extra) && rows > 1000)
      problems.push(`${extra} over ${rows} rows of ${table} (key ${r.key})`);
  }
  return problems;
}

describe(`every list's statements use an index (${ROWS} users and log rows)`, () => {
  test("no full scan and no sort of a big table", async () => {
    const paths = calls();
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      const res = await app.request(path, { headers }, { clientIp: "127.0.0.1" });
      // the AI assistant answers only when configured (AI_BASE_URL, AI_MODEL): not here
      if (path.startsWith("/api/v1/ai/") && res.status !== 200) continue;
      const msg = res.status === 200 ? "" : ` ${(await res.json()).msg}`;
      expect(`${path} → ${res.status}${msg}`).toBe(`${path} → 200`);
    }
    const seen = new Set<string>();
    const problems: string[] = [];
    let checked = 0;
    for (const { sql, params } of captured) {
      if (!/^\s*select/i.test(sql)) continue;
      const key = `${sql}\n${JSON.stringify(params)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      checked++;
      const { raw } = t.deps.db;
      const found =
        raw.dialect === "sqlite"
          ? sqlitePlanProblems(await raw.all(`EXPLAIN QUERY PLAN ${sql}`, params))
          : mysqlPlanProblems(await raw.all(`EXPLAIN ${sql}`, params));
      for (const p of found) problems.push(`${p}\n    in: ${sql}`);
    }
    expect(checked).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  }, 120_000);

  test("the checker catches the plans it exists for", () => {
    // the original user list: every live row through the is_deleted index, then sorted
    expect(
      sqlitePlanProblems([
        { id: 3, parent: 0, detail: "SEARCH sys_user USING INDEX ix_sys_user_is_deleted (is_deleted=?)" },
        { id: 9, parent: 0, detail: "USE TEMP B-TREE FOR ORDER BY" },
      ]),
    ).toHaveLength(1);
    expect(sqlitePlanProblems([{ id: 2, parent: 0, detail: "SCAN sys_log" }])).toHaveLength(1);
    // a deferred join sorts only the page: fine
    expect(
      sqlitePlanProblems([
        { id: 2, parent: 0, detail: "CO-ROUTINE page_ids" },
        { id: 5, parent: 2, detail: "SEARCH sys_user USING INDEX ix_sys_user_list (is_deleted=?)" },
        { id: 20, parent: 0, detail: "SCAN page_ids" },
        { id: 22, parent: 0, detail: "SEARCH sys_user USING INTEGER PRIMARY KEY (rowid=?)" },
        { id: 40, parent: 0, detail: "USE TEMP B-TREE FOR ORDER BY" },
      ]),
    ).toEqual([]);
    expect(
      mysqlPlanProblems([
        {
          table: "sys_user",
          type: "ref",
          key: "ix_sys_user_is_deleted",
          rows: 19000,
          Extra: "Using where; Using filesort",
        },
      ]),
    ).toHaveLength(1);
  });
});
