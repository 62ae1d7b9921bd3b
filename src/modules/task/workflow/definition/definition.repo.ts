import type { SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { liveRows } from "@/core/db/live-rows";

export type WorkflowRow = Database["t"]["task_workflow"]["$inferSelect"];
type WorkflowInsert = Database["t"]["task_workflow"]["$inferInsert"];

const workflows = liveRows("task_workflow");

export const pageWorkflows = workflows.page;
export const findWorkflow = workflows.find;
export const workflowById = workflows.byId;
export const insertWorkflow = workflows.insert;
export const softDeleteWorkflows = workflows.softDelete;

/** Whether a row (deleted ones included) other than `exceptId` holds this code. */
export const workflowCodeTaken = async (db: Database, code: string, exceptId?: number) =>
  (await workflows.valueHeld(db, "code", code, exceptId)) !== undefined;

export const updateWorkflowRow = (db: Database, id: number, values: Partial<WorkflowInsert>) =>
  workflows.update(db, [id], values);

export const liveWorkflowIds = (db: Database, ids: number[], scope?: SQL) =>
  workflows.liveIds(db, ids, scope);
