import { eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/database";
import type { Principal } from "./principal";

/** Role data scopes (contract §6.1). */
export const DATA_SCOPE = { SELF: 1, DEPT: 2, DEPT_AND_BELOW: 3, ALL: 4, CUSTOM: 5 } as const;

/**
 * How a table is filtered (contract §6.4):
 * - `user`: rows of users in the accessible departments, else rows the caller created (sys_user);
 * - `creator`: rows whose creator is in the accessible departments, else the caller's own rows;
 * - `dept`: departments themselves;
 * - `menu` / `role`: only menus / roles granted to the caller's roles.
 */
export type ScopeStrategy =
  | { kind: "user"; dept: SQLiteColumn; creator: SQLiteColumn }
  | { kind: "creator"; creator: SQLiteColumn }
  | { kind: "dept"; id: SQLiteColumn }
  | { kind: "menu"; id: SQLiteColumn }
  | { kind: "role"; id: SQLiteColumn };

const NOTHING = sql`1 = 0`;

/** Departments whose rows the caller may see through scopes 2, 3 and 5 (one query at most). */
export async function accessibleDeptIds(db: Database, p: Principal): Promise<number[]> {
  const ids = new Set<number>();
  if (p.scopes.includes(DATA_SCOPE.CUSTOM)) for (const id of p.custom_dept_ids) ids.add(id);
  if (p.dept_id !== null && p.scopes.includes(DATA_SCOPE.DEPT)) ids.add(p.dept_id);
  if (p.dept_id !== null && p.scopes.includes(DATA_SCOPE.DEPT_AND_BELOW)) {
    const { sys_dept } = db.t;
    const all = await db.orm.select({ id: sys_dept.id, parent_id: sys_dept.parent_id }).from(sys_dept);
    for (const id of descendantsOf(p.dept_id, all)) ids.add(id);
  }
  return [...ids];
}

/** `root` and every department below it. */
export function descendantsOf(root: number, depts: { id: number; parent_id: number | null }[]): number[] {
  const children = new Map<number, number[]>();
  for (const d of depts) {
    if (d.parent_id === null) continue;
    const list = children.get(d.parent_id) ?? [];
    list.push(d.id);
    children.set(d.parent_id, list);
  }
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue; // a corrupt cycle must not loop forever
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/**
 * The row filter for the caller on a table, or `undefined` when the caller sees every row
 * (superuser, or a role with "all data"). It fails closed: a caller that matches no rule sees
 * only their own rows (or nothing, where rows have no owner).
 */
export async function dataScopeFilter(
  db: Database,
  p: Principal,
  strategy: ScopeStrategy,
): Promise<SQL | undefined> {
  if (p.is_superuser) return undefined;
  switch (strategy.kind) {
    case "menu":
      return p.menu_ids.length ? inArray(strategy.id, p.menu_ids) : NOTHING;
    case "role":
      return p.role_ids.length ? inArray(strategy.id, p.role_ids) : NOTHING;
  }
  if (p.scopes.includes(DATA_SCOPE.ALL)) return undefined;
  const depts = p.role_ids.length ? await accessibleDeptIds(db, p) : [];
  switch (strategy.kind) {
    case "user":
      return depts.length ? inArray(strategy.dept, depts) : eq(strategy.creator, p.id);
    case "creator": {
      if (!depts.length) return eq(strategy.creator, p.id);
      const { sys_user } = db.t;
      return inArray(
        strategy.creator,
        db.orm.select({ id: sys_user.id }).from(sys_user).where(inArray(sys_user.dept_id, depts)),
      );
    }
    case "dept":
      if (depts.length) return inArray(strategy.id, depts);
      return p.dept_id !== null ? eq(strategy.id, p.dept_id) : NOTHING;
  }
}
