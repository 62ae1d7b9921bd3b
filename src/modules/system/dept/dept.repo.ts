import { and, asc, count, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database, Orm } from "@/core/db/database";
import { allOf, notDeleted } from "@/core/db/query";

export type DeptRow = Database["t"]["sys_dept"]["$inferSelect"];
type DeptInsert = Database["t"]["sys_dept"]["$inferInsert"];

/** Departments matching `where`, in tree order (siblings by `order`, then id for stability). */
export function selectDepts(db: Database, where: SQL | undefined): Promise<DeptRow[]> {
  const { sys_dept } = db.t;
  return db.orm
    .select()
    .from(sys_dept)
    .where(allOf(notDeleted(sys_dept), where))
    .orderBy(asc(sys_dept.order), asc(sys_dept.id));
}

export async function findDept(db: Database, id: number, scope?: SQL): Promise<DeptRow | undefined> {
  const { sys_dept } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_dept)
    .where(allOf(eq(sys_dept.id, id), notDeleted(sys_dept), scope))
    .limit(1);
  return row;
}

/** Another department (not `exceptId`) already holding `column = value`. */
export async function findOtherWith(
  db: Database,
  column: "name" | "code",
  value: string,
  exceptId?: number,
  tenant?: SQL,
): Promise<boolean> {
  const { sys_dept } = db.t;
  const [row] = await db.orm
    .select({ id: sys_dept.id })
    .from(sys_dept)
    .where(
      allOf(
        eq(sys_dept[column], value),
        notDeleted(sys_dept),
        exceptId === undefined ? undefined : ne(sys_dept.id, exceptId),
        tenant,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** The whole hierarchy in one query: enough to walk ancestors and descendants in memory. */
export function selectHierarchy(db: Database) {
  const { sys_dept } = db.t;
  return db.orm
    .select({ id: sys_dept.id, parent_id: sys_dept.parent_id, status: sys_dept.status, name: sys_dept.name })
    .from(sys_dept)
    .where(notDeleted(sys_dept));
}

export async function insertDept(db: Database, values: DeptInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.sys_dept).values(values));
}

export async function updateDept(db: Database, id: number, values: Partial<DeptInsert>, orm: Orm = db.orm) {
  await orm.update(db.t.sys_dept).set(values).where(eq(db.t.sys_dept.id, id));
}

export async function setDeptStatus(db: Database, ids: number[], status: string, orm: Orm = db.orm) {
  if (!ids.length) return;
  await orm.update(db.t.sys_dept).set({ status }).where(inArray(db.t.sys_dept.id, ids));
}

/** Role grants (sys_role_depts) go with the rows through their cascading foreign key. */
export async function deleteDepts(db: Database, ids: number[], orm: Orm = db.orm) {
  await orm.delete(db.t.sys_dept).where(inArray(db.t.sys_dept.id, ids));
}

/** Live (not soft-deleted) users in any of the departments, grouped by department. */
export async function countUsersByDept(db: Database, deptIds: number[]): Promise<Map<number, number>> {
  const { sys_user } = db.t;
  const rows = await db.orm
    .select({ dept_id: sys_user.dept_id, n: count() })
    .from(sys_user)
    .where(and(inArray(sys_user.dept_id, deptIds), notDeleted(sys_user)))
    .groupBy(sys_user.dept_id);
  return new Map(rows.map((r) => [r.dept_id as number, Number(r.n)]));
}
