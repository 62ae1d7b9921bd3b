import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Database } from "@/core/db/database";

/* The task runner's queries: schedules persisted on `task_node`, run records in `task_job`. */

export type TaskNodeRow = Database["t"]["task_node"]["$inferSelect"];
type TaskNodeInsert = Database["t"]["task_node"]["$inferInsert"];
type JobLogInsert = Database["t"]["task_job"]["$inferInsert"];

/** `task_node.status` of a node whose scheduled job is paused (persisted, so a pause outlives restarts and holds at the edge). */
export const PAUSED_STATUS = "1";
export const ACTIVE_STATUS = "0";

/** Live nodes that carry a schedule. */
export function scheduledNodes(db: Database): Promise<TaskNodeRow[]> {
  const { task_node: t } = db.t;
  return db.orm
    .select()
    .from(t)
    .where(and(eq(t.is_deleted, false), isNotNull(t.trigger)));
}

export async function findLiveNode(db: Database, id: number): Promise<TaskNodeRow | undefined> {
  const { task_node: t } = db.t;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(and(eq(t.id, id), eq(t.is_deleted, false)))
    .limit(1);
  return row;
}

/** Writes a node's schedule columns (and unpauses it: a new schedule starts running). */
export async function saveNodeSchedule(db: Database, id: number, values: Partial<TaskNodeInsert>) {
  const { task_node: t } = db.t;
  await db.orm
    .update(t)
    .set({ ...values, status: ACTIVE_STATUS })
    .where(eq(t.id, id));
}

/** Clears the schedules of these nodes (and their pause). */
export async function clearNodeSchedules(db: Database, ids: number[]) {
  if (!ids.length) return;
  const { task_node: t } = db.t;
  await db.orm
    .update(t)
    .set({ trigger: null, trigger_args: null, status: ACTIVE_STATUS })
    .where(inArray(t.id, ids));
}

export async function setNodePaused(db: Database, id: number, paused: boolean) {
  const { task_node: t } = db.t;
  await db.orm
    .update(t)
    .set({ status: paused ? PAUSED_STATUS : ACTIVE_STATUS })
    .where(eq(t.id, id));
}

export async function insertJobLog(db: Database, values: JobLogInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.task_job).values(values));
}

export async function updateJobLog(db: Database, id: number, values: Partial<JobLogInsert>) {
  const { task_job: j } = db.t;
  await db.orm.update(j).set(values).where(eq(j.id, id));
}

/** The job's newest `pending` row, taken over as `running` under this name; its id, if any. */
export async function takePendingJobLog(db: Database, jobId: string, jobName: string) {
  const { task_job: j } = db.t;
  const [pending] = await db.orm
    .select({ id: j.id })
    .from(j)
    .where(and(eq(j.job_id, jobId), eq(j.status, "pending")))
    .orderBy(desc(j.id))
    .limit(1);
  if (!pending) return undefined;
  await updateJobLog(db, pending.id, { status: "running", job_name: jobName, next_run_time: null });
  return pending.id;
}

/** Marks the `pending` rows of these jobs (all jobs when omitted) `cancelled`. */
export async function cancelPendingJobLogs(db: Database, jobIds?: string[]) {
  if (jobIds && !jobIds.length) return;
  const { task_job: j } = db.t;
  const where = jobIds ? and(eq(j.status, "pending"), inArray(j.job_id, jobIds)) : eq(j.status, "pending");
  await db.orm.update(j).set({ status: "cancelled" }).where(where);
}

/** Which of these jobs have a `pending` row. */
export async function jobsWithPendingLog(db: Database, jobIds: string[]): Promise<Set<string>> {
  if (!jobIds.length) return new Set();
  const { task_job: j } = db.t;
  const rows = await db.orm
    .select({ job_id: j.job_id })
    .from(j)
    .where(and(eq(j.status, "pending"), inArray(j.job_id, jobIds)));
  return new Set(rows.map((r) => r.job_id));
}
