import { asc, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { liveRows } from "@/core/db/live-rows";

export type NodeRow = Database["t"]["task_node"]["$inferSelect"];
type NodeInsert = Database["t"]["task_node"]["$inferInsert"];

const nodes = liveRows("task_node");

export const pageNodes = nodes.page;
/** A live node within `scope`. */
export const findNode = nodes.find;
/** A node by id, deleted or not (to answer what was just written). */
export const nodeById = nodes.byId;
export const insertNode = nodes.insert;
export const softDeleteNodes = nodes.softDelete;

export function selectNodeOptions(db: Database, scope?: SQL) {
  const { task_node: t } = db.t;
  return db.orm
    .select({ id: t.id, name: t.name, code: t.code, func: t.func, args: t.args, kwargs: t.kwargs })
    .from(t)
    .where(nodes.live(db, scope))
    .orderBy(asc(t.id));
}

/** Whether a live node other than `exceptId` (within `tenant`) has this name. */
export const nameTaken = (db: Database, name: string, exceptId?: number, tenant?: SQL) =>
  nodes.taken(db, "name", name, exceptId, tenant);

/** The row (deleted ones included) other than `exceptId` holding this code. */
export const codeHolder = (db: Database, code: string, exceptId?: number) =>
  nodes.valueHeld(db, "code", code, exceptId);

export const updateNode = (db: Database, id: number, values: Partial<NodeInsert>) =>
  nodes.update(db, [id], values);

/** Ids of live nodes within `scope`, among `ids` when given. */
export const liveNodeIds = (db: Database, scope: SQL | undefined, ids?: number[]) =>
  nodes.liveIds(db, ids, scope);
