import { asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Database } from "../../../core/db/database";
import { allOf, contains, notDeleted, selectPage, softDeleted } from "../../../core/db/query";
import type { PageQuery } from "../../../core/http/pagination";

export type LogRow = Database["t"]["sys_log"]["$inferSelect"];

export function pageLogs(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  const { sys_log } = db.t;
  return selectPage<LogRow>(db, sys_log, allOf(notDeleted(sys_log), where), orderBy, page);
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
