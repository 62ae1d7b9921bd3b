import { asc, desc, eq, getTableColumns, inArray, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "@/core/db/database";
import {
  allOf,
  contains,
  liveCountOf,
  notDeleted,
  pageIds,
  readTogether,
  softDeleted,
} from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type LogRow = Database["t"]["sys_log"]["$inferSelect"];

/** A listed log row with the names of its audit users. */
export type ListedLog = LogRow & {
  created_name: string | null;
  updated_name: string | null;
  deleted_name: string | null;
};

/**
 * One page of log rows and the total in one round trip. The page's ids come from an index
 * (deferred join: a deep page skips index entries, and only the page's rows, with their large
 * payload columns, are read), ties broken by id; the total reads an index only (`liveCountOf`).
 */
export async function pageLogs(
  db: Database,
  where: SQL | undefined,
  orderBy: SQL[],
  page: PageQuery,
): Promise<{ rows: ListedLog[]; total: number }> {
  const { sys_log } = db.t;
  const order = [...orderBy, desc(sys_log.id)];
  const live = allOf(notDeleted(sys_log), where);
  const ids = pageIds(db, sys_log, live, order, page);
  const creator = alias(db.t.sys_user, "created_user");
  const updater = alias(db.t.sys_user, "updated_user");
  const deleter = alias(db.t.sys_user, "deleted_user");
  const rows = db.orm
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
  const count = liveCountOf(db, sys_log, where);
  const [list, [{ total }]] = await readTogether(db, [rows, count] as const);
  return { rows: list as ListedLog[], total: Number(total) };
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
