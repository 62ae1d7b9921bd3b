import { asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, selectPage, softDeleted } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type NodeRow = Database["t"]["task_node"]["$inferSelect"];
type NodeInsert = Database["t"]["task_node"]["$inferInsert"];

const live = (db: Database, where?: SQL) => allOf(eq(db.t.task_node.is_deleted, false), where);

export function pageNodes(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  return selectPage<NodeRow>(db, db.t.task_node, live(db, where), orderBy, page);
}

/** A live node within `scope`. */
export async function findNode(db: Database, id: number, scope?: SQL): Promise<NodeRow | undefined> {
  const { task_node: t } = db.t;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(live(db, allOf(eq(t.id, id), scope)))
    .limit(1);
  return row;
}

/** A node by id, deleted or not (to answer what was just written). */
export async function nodeById(db: Database, id: number): Promise<NodeRow[]> {
  const { task_node: t } = db.t;
  return db.orm.select().from(t).where(eq(t.id, id));
}

export function selectNodeOptions(db: Database, scope?: SQL) {
  const { task_node: t } = db.t;
  return db.orm
    .select({ id: t.id, name: t.name, code: t.code, func: t.func, args: t.args, kwargs: t.kwargs })
    .from(t)
    .where(live(db, scope))
    .orderBy(asc(t.id));
}

/** Whether a live node other than `exceptId` has this name. */
export async function nameTaken(
  db: Database,
  name: string,
  exceptId?: number,
  tenant?: SQL,
): Promise<boolean> {
  const { task_node: t } = db.t;
  const [row] = await db.orm
    .select({ id: t.id })
    .from(t)
    .where(live(db, allOf(eq(t.name, name), exceptId === undefined ? undefined : ne(t.id, exceptId), tenant)))
    .limit(1);
  return row !== undefined;
}

/** The row (deleted ones included) other than `exceptId` holding this code. */
export async function codeHolder(db: Database, code: string, exceptId?: number) {
  const { task_node: t } = db.t;
  const [row] = await db.orm
    .select({ id: t.id, is_deleted: t.is_deleted })
    .from(t)
    .where(allOf(eq(t.code, code), exceptId === undefined ? undefined : ne(t.id, exceptId)))
    .limit(1);
  return row;
}

export async function insertNode(db: Database, values: NodeInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.task_node).values(values));
}

export async function updateNode(db: Database, id: number, values: Partial<NodeInsert>) {
  await db.orm.update(db.t.task_node).set(values).where(eq(db.t.task_node.id, id));
}

/** Ids of live nodes within `scope`, among `ids` when given. */
export async function liveNodeIds(db: Database, scope: SQL | undefined, ids?: number[]): Promise<number[]> {
  const { task_node: t } = db.t;
  const rows = await db.orm
    .select({ id: t.id })
    .from(t)
    .where(live(db, allOf(ids ? inArray(t.id, ids) : undefined, scope)));
  return rows.map((r) => r.id);
}

export async function softDeleteNodes(db: Database, ids: number[], userId: number) {
  const { task_node: t } = db.t;
  await db.orm
    .update(t)
    .set({ ...softDeleted(userId), updated_id: userId })
    .where(inArray(t.id, ids));
}
