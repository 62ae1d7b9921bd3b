import { eq, inArray, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, selectPage } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type JobRow = Database["t"]["task_job"]["$inferSelect"];

const live = (db: Database, where?: SQL) => allOf(eq(db.t.task_job.is_deleted, false), where);

export function pageJobLogs(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  return selectPage<JobRow>(db, db.t.task_job, live(db, where), orderBy, page);
}

export async function findJobLog(db: Database, id: number): Promise<JobRow | undefined> {
  const { task_job: t } = db.t;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(live(db, eq(t.id, id)))
    .limit(1);
  return row;
}

/** The rows among `ids` that exist (deleted flag ignored: deletes are physical). */
export function jobLogIds(db: Database, ids: number[]) {
  const { task_job: t } = db.t;
  return db.orm.select({ id: t.id }).from(t).where(inArray(t.id, ids));
}

export async function deleteJobLogRows(db: Database, ids: number[]) {
  const { task_job: t } = db.t;
  await db.orm.delete(t).where(inArray(t.id, ids));
}
