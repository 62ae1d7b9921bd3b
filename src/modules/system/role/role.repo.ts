import { and, asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, notDeleted, selectPage } from "@/core/db/query";

type RoleTable = Database["t"]["sys_role"];
export type RoleRow = RoleTable["$inferSelect"];
export type RoleValues = Omit<RoleTable["$inferInsert"], "id" | "uuid" | "created_time" | "updated_time">;
export type MenuRow = Database["t"]["sys_menu"]["$inferSelect"];
export type DeptRow = Database["t"]["sys_dept"]["$inferSelect"];

export function selectRolePage(
  db: Database,
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
) {
  return selectPage<RoleRow>(db, db.t.sys_role, allOf(notDeleted(db.t.sys_role), where), orderBy, page);
}

export function selectRoles(db: Database, where: SQL | undefined): Promise<RoleRow[]> {
  const { sys_role } = db.t;
  return db.orm
    .select()
    .from(sys_role)
    .where(allOf(notDeleted(sys_role), where))
    .orderBy(asc(sys_role.id));
}

export async function selectRole(db: Database, id: number, scope: SQL | undefined): Promise<RoleRow | null> {
  const [row] = await selectRoles(db, allOf(eq(db.t.sys_role.id, id), scope));
  return row ?? null;
}

/** The menus linked to each role, in menu order. */
export async function selectRoleMenus(db: Database, roleIds: number[]) {
  if (!roleIds.length) return [];
  const { sys_role_menus, sys_menu } = db.t;
  return db.orm
    .select({ role_id: sys_role_menus.role_id, menu: sys_menu })
    .from(sys_role_menus)
    .innerJoin(sys_menu, eq(sys_menu.id, sys_role_menus.menu_id))
    .where(and(inArray(sys_role_menus.role_id, roleIds), notDeleted(sys_menu)))
    .orderBy(asc(sys_menu.order), asc(sys_menu.id));
}

/** The custom-scope departments linked to each role. */
export async function selectRoleDepts(db: Database, roleIds: number[]) {
  if (!roleIds.length) return [];
  const { sys_role_depts, sys_dept } = db.t;
  return db.orm
    .select({ role_id: sys_role_depts.role_id, dept: sys_dept })
    .from(sys_role_depts)
    .innerJoin(sys_dept, eq(sys_dept.id, sys_role_depts.dept_id))
    .where(and(inArray(sys_role_depts.role_id, roleIds), notDeleted(sys_dept)))
    .orderBy(asc(sys_dept.order), asc(sys_dept.id));
}

/** Which of `ids` are existing (not deleted) menus. */
export async function selectMenuIds(db: Database, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  const { sys_menu } = db.t;
  const rows = await db.orm
    .select({ id: sys_menu.id })
    .from(sys_menu)
    .where(and(inArray(sys_menu.id, ids), notDeleted(sys_menu)));
  return rows.map((r) => r.id);
}

/** Existing departments within `scope`, limited to `ids` when given. */
export async function selectDeptIds(
  db: Database,
  ids: number[] | null,
  scope: SQL | undefined,
): Promise<number[]> {
  if (ids && !ids.length) return [];
  const { sys_dept } = db.t;
  const rows = await db.orm
    .select({ id: sys_dept.id })
    .from(sys_dept)
    .where(allOf(ids ? inArray(sys_dept.id, ids) : undefined, notDeleted(sys_dept), scope));
  return rows.map((r) => r.id);
}

/** Whether another role already uses this value of a unique-by-rule column. */
export async function roleTaken(
  db: Database,
  column: "name" | "code",
  value: string,
  exceptId?: number,
  tenant?: SQL,
): Promise<boolean> {
  const { sys_role } = db.t;
  const [row] = await db.orm
    .select({ id: sys_role.id })
    .from(sys_role)
    .where(
      allOf(
        eq(sys_role[column], value),
        exceptId === undefined ? undefined : ne(sys_role.id, exceptId),
        tenant,
      ),
    )
    .limit(1);
  return !!row;
}

/** Inserts a role and, when `totpRequired`, its second-factor requirement, in one transaction. */
export async function insertRole(db: Database, values: RoleValues, totpRequired = false): Promise<number> {
  return db.transaction(async (tx) => {
    const id = db.insertId(await tx.insert(db.t.sys_role).values(values));
    if (totpRequired) await tx.insert(db.t.sys_role_totp).values({ role_id: id });
    return id;
  });
}

/** The ids among `roleIds` whose members must enrol a second factor. */
export async function selectTotpRequired(db: Database, roleIds: number[]): Promise<Set<number>> {
  if (!roleIds.length) return new Set();
  const { sys_role_totp } = db.t;
  const rows = await db.orm
    .select({ role_id: sys_role_totp.role_id })
    .from(sys_role_totp)
    .where(inArray(sys_role_totp.role_id, roleIds));
  return new Set(rows.map((r) => r.role_id));
}

/** Updates a role; `dropDepts` also removes its custom departments, in the same transaction. */
export async function updateRole(
  db: Database,
  id: number,
  values: Partial<RoleValues>,
  dropDepts: boolean,
  totpRequired?: boolean,
): Promise<void> {
  const { sys_role, sys_role_depts, sys_role_totp } = db.t;
  await db.transaction(async (tx) => {
    await tx.update(sys_role).set(values).where(eq(sys_role.id, id));
    if (dropDepts) await tx.delete(sys_role_depts).where(eq(sys_role_depts.role_id, id));
    // `totpRequired` left out: the requirement stays as it is
    if (totpRequired !== undefined) await tx.delete(sys_role_totp).where(eq(sys_role_totp.role_id, id));
    if (totpRequired) await tx.insert(sys_role_totp).values({ role_id: id });
  });
}

export async function updateRoleStatus(db: Database, ids: number[], status: string): Promise<void> {
  const { sys_role } = db.t;
  await db.orm.update(sys_role).set({ status }).where(inArray(sys_role.id, ids));
}

/** Physical delete with every link (users, menus, departments), in one transaction. */
export async function deleteRoles(db: Database, ids: number[]): Promise<void> {
  const { sys_role, sys_role_menus, sys_role_depts, sys_role_totp, sys_user_roles } = db.t;
  await db.transaction(async (tx) => {
    await tx.delete(sys_user_roles).where(inArray(sys_user_roles.role_id, ids));
    await tx.delete(sys_role_totp).where(inArray(sys_role_totp.role_id, ids));
    await tx.delete(sys_role_menus).where(inArray(sys_role_menus.role_id, ids));
    await tx.delete(sys_role_depts).where(inArray(sys_role_depts.role_id, ids));
    await tx.delete(sys_role).where(inArray(sys_role.id, ids));
  });
}

export interface RoleGrant {
  roleId: number;
  menuIds: number[];
  deptIds: number[];
}

/** Replaces the menu and department links of the roles and sets their data scope, atomically. */
export async function replaceGrants(db: Database, dataScope: number, grants: RoleGrant[]): Promise<void> {
  const { sys_role, sys_role_menus, sys_role_depts } = db.t;
  const roleIds = grants.map((g) => g.roleId);
  const menuLinks = grants.flatMap((g) => g.menuIds.map((menu_id) => ({ role_id: g.roleId, menu_id })));
  const deptLinks = grants.flatMap((g) => g.deptIds.map((dept_id) => ({ role_id: g.roleId, dept_id })));
  await db.transaction(async (tx) => {
    await tx.delete(sys_role_menus).where(inArray(sys_role_menus.role_id, roleIds));
    await tx.delete(sys_role_depts).where(inArray(sys_role_depts.role_id, roleIds));
    if (menuLinks.length) await tx.insert(sys_role_menus).values(menuLinks);
    if (deptLinks.length) await tx.insert(sys_role_depts).values(deptLinks);
    await tx.update(sys_role).set({ data_scope: dataScope }).where(inArray(sys_role.id, roleIds));
  });
}
