import { asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, notDeleted, selectPage, softDeleted } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type NoticeRow = Database["t"]["sys_notice"]["$inferSelect"];
type NoticeInsert = Database["t"]["sys_notice"]["$inferInsert"];

export function pageNotices(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  const { sys_notice } = db.t;
  return selectPage<NoticeRow>(db, sys_notice, allOf(notDeleted(sys_notice), where), orderBy, page);
}

/** Every matching notice in id order (exports). */
export function selectNotices(db: Database, where: SQL | undefined): Promise<NoticeRow[]> {
  const { sys_notice } = db.t;
  return db.orm
    .select()
    .from(sys_notice)
    .where(allOf(notDeleted(sys_notice), where))
    .orderBy(asc(sys_notice.id));
}

export async function findNotice(db: Database, id: number, scope?: SQL): Promise<NoticeRow | undefined> {
  const { sys_notice } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_notice)
    .where(allOf(eq(sys_notice.id, id), notDeleted(sys_notice), scope))
    .limit(1);
  return row;
}

/** Ids among `ids` that are live notices within `scope`. */
export async function existingNoticeIds(db: Database, ids: number[], scope?: SQL): Promise<number[]> {
  const { sys_notice } = db.t;
  const rows = await db.orm
    .select({ id: sys_notice.id })
    .from(sys_notice)
    .where(allOf(inArray(sys_notice.id, ids), notDeleted(sys_notice), scope));
  return rows.map((r) => r.id);
}

/** Whether a live notice other than `exceptId` has this title (within `tenant`, not the caller's scope). */
export async function titleTaken(
  db: Database,
  title: string,
  exceptId?: number,
  tenant?: SQL,
): Promise<boolean> {
  const { sys_notice } = db.t;
  const [row] = await db.orm
    .select({ id: sys_notice.id })
    .from(sys_notice)
    .where(
      allOf(
        eq(sys_notice.notice_title, title),
        notDeleted(sys_notice),
        exceptId === undefined ? undefined : ne(sys_notice.id, exceptId),
        tenant,
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function insertNotice(db: Database, values: NoticeInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.sys_notice).values(values));
}

export async function updateNotice(db: Database, id: number, values: Partial<NoticeInsert>) {
  await db.orm.update(db.t.sys_notice).set(values).where(eq(db.t.sys_notice.id, id));
}

export async function setNoticeStatus(db: Database, ids: number[], status: string, userId: number) {
  await db.orm
    .update(db.t.sys_notice)
    .set({ status, updated_id: userId })
    .where(inArray(db.t.sys_notice.id, ids));
}

export async function softDeleteNotices(db: Database, ids: number[], userId: number) {
  await db.orm.update(db.t.sys_notice).set(softDeleted(userId)).where(inArray(db.t.sys_notice.id, ids));
}
