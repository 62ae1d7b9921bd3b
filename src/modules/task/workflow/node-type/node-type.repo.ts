import { asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, selectPage, softDeleted } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type NodeTypeRow = Database["t"]["task_workflow_node_type"]["$inferSelect"];
type NodeTypeInsert = Database["t"]["task_workflow_node_type"]["$inferInsert"];

const live = (db: Database, where?: SQL) => allOf(eq(db.t.task_workflow_node_type.is_deleted, false), where);

export function pageNodeTypes(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  return selectPage<NodeTypeRow>(db, db.t.task_workflow_node_type, live(db, where), orderBy, page);
}

export async function findNodeType(db: Database, id: number, scope?: SQL): Promise<NodeTypeRow | undefined> {
  const t = db.t.task_workflow_node_type;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(live(db, allOf(eq(t.id, id), scope)))
    .limit(1);
  return row;
}

export function nodeTypeById(db: Database, id: number): Promise<NodeTypeRow[]> {
  const t = db.t.task_workflow_node_type;
  return db.orm.select().from(t).where(eq(t.id, id));
}

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
export async function nodeTypeCodeTaken(db: Database, code: string, exceptId?: number): Promise<boolean> {
  const t = db.t.task_workflow_node_type;
  const [row] = await db.orm
    .select({ id: t.id })
    .from(t)
    .where(allOf(eq(t.code, code), exceptId === undefined ? undefined : ne(t.id, exceptId)))
    .limit(1);
  return row !== undefined;
}

export async function insertNodeType(db: Database, values: NodeTypeInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.task_workflow_node_type).values(values));
}

export async function updateNodeTypeRow(db: Database, id: number, values: Partial<NodeTypeInsert>) {
  const t = db.t.task_workflow_node_type;
  await db.orm.update(t).set(values).where(eq(t.id, id));
}

export async function liveNodeTypeIds(db: Database, ids: number[], scope?: SQL): Promise<number[]> {
  const t = db.t.task_workflow_node_type;
  const rows = await db.orm
    .select({ id: t.id })
    .from(t)
    .where(live(db, allOf(inArray(t.id, ids), scope)));
  return rows.map((r) => r.id);
}

export async function softDeleteNodeTypes(db: Database, ids: number[], userId: number) {
  const t = db.t.task_workflow_node_type;
  await db.orm
    .update(t)
    .set({ ...softDeleted(userId), updated_id: userId })
    .where(inArray(t.id, ids));
}
