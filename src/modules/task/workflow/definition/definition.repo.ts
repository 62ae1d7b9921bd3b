import { eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, selectPage, softDeleted } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type WorkflowRow = Database["t"]["task_workflow"]["$inferSelect"];
type WorkflowInsert = Database["t"]["task_workflow"]["$inferInsert"];

const live = (db: Database, where?: SQL) => allOf(eq(db.t.task_workflow.is_deleted, false), where);

export function pageWorkflows(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  return selectPage<WorkflowRow>(db, db.t.task_workflow, live(db, where), orderBy, page);
}

export async function findWorkflow(db: Database, id: number, scope?: SQL): Promise<WorkflowRow | undefined> {
  const t = db.t.task_workflow;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(live(db, allOf(eq(t.id, id), scope)))
    .limit(1);
  return row;
}

export function workflowById(db: Database, id: number): Promise<WorkflowRow[]> {
  const t = db.t.task_workflow;
  return db.orm.select().from(t).where(eq(t.id, id));
}

/** Whether a row (deleted ones included) other than `exceptId` holds this code. */
export async function workflowCodeTaken(db: Database, code: string, exceptId?: number): Promise<boolean> {
  const t = db.t.task_workflow;
  const [row] = await db.orm
    .select({ id: t.id })
    .from(t)
    .where(allOf(eq(t.code, code), exceptId === undefined ? undefined : ne(t.id, exceptId)))
    .limit(1);
  return row !== undefined;
}

export async function insertWorkflow(db: Database, values: WorkflowInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.task_workflow).values(values));
}

export async function updateWorkflowRow(db: Database, id: number, values: Partial<WorkflowInsert>) {
  const t = db.t.task_workflow;
  await db.orm.update(t).set(values).where(eq(t.id, id));
}

export async function liveWorkflowIds(db: Database, ids: number[], scope?: SQL): Promise<number[]> {
  const t = db.t.task_workflow;
  const rows = await db.orm
    .select({ id: t.id })
    .from(t)
    .where(live(db, allOf(inArray(t.id, ids), scope)));
  return rows.map((r) => r.id);
}

export async function softDeleteWorkflows(db: Database, ids: number[], userId: number) {
  const t = db.t.task_workflow;
  await db.orm
    .update(t)
    .set({ ...softDeleted(userId), updated_id: userId })
    .where(inArray(t.id, ids));
}
