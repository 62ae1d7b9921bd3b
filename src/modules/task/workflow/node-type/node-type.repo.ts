import { asc, eq, inArray, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { liveRows } from "@/core/db/live-rows";
import { allOf } from "@/core/db/query";

export type NodeTypeRow = Database["t"]["task_workflow_node_type"]["$inferSelect"];
type NodeTypeInsert = Database["t"]["task_workflow_node_type"]["$inferInsert"];

const nodeTypes = liveRows("task_workflow_node_type");
const live = nodeTypes.live;

export const pageNodeTypes = nodeTypes.page;
export const findNodeType = nodeTypes.find;
export const nodeTypeById = nodeTypes.byId;
export const insertNodeType = nodeTypes.insert;
export const softDeleteNodeTypes = nodeTypes.softDelete;

/** Active live types within `scope`, in palette order. */
export function activeNodeTypes(db: Database, scope?: SQL): Promise<NodeTypeRow[]> {
  const t = db.t.task_workflow_node_type;
  return db.orm
    .select()
    .from(t)
    .where(live(db, allOf(eq(t.is_active, true), scope)))
    .orderBy(asc(t.sort_order), asc(t.id));
}

/** Live types with these codes within `scope` (active or not). */
export function nodeTypesByCode(db: Database, codes: string[], scope?: SQL): Promise<NodeTypeRow[]> {
  const t = db.t.task_workflow_node_type;
  return db.orm
    .select()
    .from(t)
    .where(live(db, allOf(inArray(t.code, codes), scope)));
}

/** Whether a row (deleted ones included) other than `exceptId` holds this code. */
export const nodeTypeCodeTaken = async (db: Database, code: string, exceptId?: number) =>
  (await nodeTypes.valueHeld(db, "code", code, exceptId)) !== undefined;

export const updateNodeTypeRow = (db: Database, id: number, values: Partial<NodeTypeInsert>) =>
  nodeTypes.update(db, [id], values);

export const liveNodeTypeIds = (db: Database, ids: number[], scope?: SQL) =>
  nodeTypes.liveIds(db, ids, scope);
