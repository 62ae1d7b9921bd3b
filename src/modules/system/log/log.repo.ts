import { asc, desc, eq, getTableColumns, gte, inArray, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "@/core/db/database";
import { allOf, contains, liveCountOf, notDeleted, pageIds, softDeleted } from "@/core/db/query";
import { inputsKey, reused } from "@/core/db/reuse";
import type { PageQuery } from "@/core/http/pagination";

export type LogRow = Database["t"]["sys_log"]["$inferSelect"];

/** A listed log row with the names of its audit users. */
export type ListedLog = LogRow & {
  created_name: string | null;
  updated_name: string | null;
  deleted_name: string | null;
};

/**
 * One page of log rows and the total, read side by side. The page's ids come from an index
 * (deferred join: a deep page skips index entries, and only the page's rows, with their large
 * payload columns, are read), ties broken by id; the total reads an index only (`liveCountOf`),
 * and is remembered until the table is written (`Totals`).
 *
 * `newest`, when given (the list's default order only), is `where` restated for a first try
 * among the newest rows: rows updated since the `window`-th newest, which the list index reads
 * in order and stops early — instead of a plan that sorts every match (SQLite picks that for a
 * `created_time` range: 80k rows sorted for the default 7 days of 1M rows). When that try cannot
 * tell (the window held too few matches), the plain page follows in a second round trip.
 */
export async function pageLogs(
  db: Database,
  where: SQL | undefined,
  orderBy: SQL[],
  page: PageQuery,
  newest?: SQL,
): Promise<{ rows: ListedLog[]; total: number }> {
  const { sys_log } = db.t;
  const order = [...orderBy, desc(sys_log.id)];
  const count = () => liveCountOf(db, sys_log, where);
  if (newest) {
    const offset = (page.page_no - 1) * page.page_size;
    const window = Math.min(Math.max(100 * (offset + page.page_size), 1000), 20_000);
    // Rows at least as new as the window's oldest come first in the list's order (newest update
    // first): the matches among them are the first matches of all, whatever the threshold.
    const threshold = db.orm
      .select({ updated_time: sys_log.updated_time })
      .from(sys_log)
      .orderBy(desc(sys_log.updated_time))
      .limit(1)
      .offset(window - 1);
    // Fewer rows than the window: all of them (every stored time sorts after '').
    const since = sql`coalesce((${threshold}), '')`;
    const recent = allOf(notDeleted(sys_log), newest, gte(sys_log.updated_time, since));
    const [list, total] = await Promise.all([
      pageOf(db, recent, order, page),
      db.totals.count(sys_log, where, count),
    ]);
    // A full page, or the last one (the window held every match): the page itself.
    if (list.length === page.page_size || (list.length > 0 && offset + list.length === total))
      return { rows: list as ListedLog[], total };
    const rows = await pageOf(db, allOf(notDeleted(sys_log), where), order, page);
    return { rows: rows as ListedLog[], total };
  }
  const [list, total] = await Promise.all([
    pageOf(db, allOf(notDeleted(sys_log), where), order, page),
    db.totals.count(sys_log, where, count),
  ]);
  return { rows: list as ListedLog[], total };
}

/** `rowsOf`, its statement built once per filter, order and page (`reused`). */
const pageOf = (db: Database, live: SQL | undefined, order: SQL[], page: PageQuery) =>
  reused(db, `logs ${inputsKey(live, order, page.page_no, page.page_size)}`, () =>
    rowsOf(db, live, order, page),
  );

/** The rows of one page of `live` (live rows matching the filter) with their audit users' names. */
function rowsOf(db: Database, live: SQL | undefined, order: SQL[], page: PageQuery) {
  const { sys_log } = db.t;
  const ids = pageIds(db, sys_log, live, order, page);
  const creator = alias(db.t.sys_user, "created_user");
  const updater = alias(db.t.sys_user, "updated_user");
  const deleter = alias(db.t.sys_user, "deleted_user");
  return db.orm
    .select({
      ...getTableColumns(sys_log),
      created_name: creator.name,
      updated_name: updater.name,
      deleted_name: deleter.name,
    })
    .from(ids)
    .innerJoin(sys_log, eq(sys_log.id, ids.id))
    .leftJoin(creator, eq(creator.id, sys_log.created_id))
    .leftJoin(updater, eq(updater.id, sys_log.updated_id))
    .leftJoin(deleter, eq(deleter.id, sys_log.deleted_id))
    .orderBy(...order);
}

/** The newest `limit` matching rows, returned oldest first (exports). */
export async function selectNewestLogs(
  db: Database,
  where: SQL | undefined,
  limit: number,
): Promise<LogRow[]> {
  const { sys_log } = db.t;
  const rows = await db.orm
    .select()
    .from(sys_log)
    .where(allOf(notDeleted(sys_log), where))
    .orderBy(desc(sys_log.id))
    .limit(limit);
  return rows.reverse();
}

export async function findLog(db: Database, id: number, scope?: SQL): Promise<LogRow | undefined> {
  const { sys_log } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_log)
    .where(allOf(eq(sys_log.id, id), notDeleted(sys_log), scope))
    .limit(1);
  return row;
}

/** Ids among `ids` that are live log rows within `scope`. */
export async function existingLogIds(db: Database, ids: number[], scope?: SQL): Promise<number[]> {
  const { sys_log } = db.t;
  const rows = await db.orm
    .select({ id: sys_log.id })
    .from(sys_log)
    .where(allOf(inArray(sys_log.id, ids), notDeleted(sys_log), scope))
    .orderBy(asc(sys_log.id));
  return rows.map((r) => r.id);
}

/** Rows written by users whose name contains `name`. */
export function createdByName(db: Database, name: string | undefined): SQL | undefined {
  const where = contains(db.t.sys_user.name, name);
  if (!where) return undefined;
  const { sys_user, sys_log } = db.t;
  return inArray(sys_log.created_id, db.orm.select({ id: sys_user.id }).from(sys_user).where(where));
}

export async function softDeleteLogs(db: Database, ids: number[], userId: number) {
  await db.orm.update(db.t.sys_log).set(softDeleted(userId)).where(inArray(db.t.sys_log.id, ids));
}
