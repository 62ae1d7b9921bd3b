import { and, type Column, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "@/core/db/database";
import { tenantIs } from "@/core/db/query";
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

/** The platform tenant (seeded with id 1): the owner of every row written before tenants existed. */
export const PLATFORM_TENANT_ID = 1;

/** The caller's tenant; a principal cached before tenants existed carries none: the platform's. */
export const tenantOf = (p: Pick<Principal, "tenant_id">): number => p.tenant_id ?? PLATFORM_TENANT_ID;

/** The `tenant_id` column of a table, or `undefined` for platform-wide tables (menus, dictionaries, …). */
export function tenantColumnOf(table: SQLiteTable | unknown): SQLiteColumn | undefined {
  const column = (table as Record<string, unknown> | null)?.tenant_id;
  return column && typeof column === "object" && "columnType" in column
    ? (column as SQLiteColumn)
    : undefined;
}

/**
 * `tenant_id = the caller's tenant` on a table that has the column, else `undefined`. Every
 * caller, superusers included, is held to their own tenant: a tenant's superuser is a superuser
 * inside that tenant only.
 */
export function tenantFilter(table: SQLiteTable | unknown, p: Pick<Principal, "tenant_id">): SQL | undefined {
  const column = tenantColumnOf(table);
  return column ? tenantIs(column, tenantOf(p)) : undefined;
}

/** A row as the wire shows it: the tenant is the caller's own, not a field of the contract. */
export function withoutTenant<T extends { tenant_id: number }>(row: T): Omit<T, "tenant_id"> {
  const { tenant_id: _, ...rest } = row;
  return rest;
}

/** The values that stamp a new row of a tenant-owned table with the caller's tenant. */
export const ownedBy = (p: Pick<Principal, "tenant_id">) => ({ tenant_id: tenantOf(p) });

const tableOf = (column: SQLiteColumn): unknown => (column as unknown as Column).table;

/** Departments whose rows the caller may see through scopes 2, 3 and 5 (one query at most). */
export async function accessibleDeptIds(db: Database, p: Principal): Promise<number[]> {
  const tree = p.dept_id !== null && p.scopes.includes(DATA_SCOPE.DEPT_AND_BELOW) ? await deptLinks(db) : [];
  return [...reachedDepts(p, tree)];
}

/** What `reachOf` needs to know about a holder of roles. */
export interface ScopeHolder {
  /** data_scope of each enabled role */
  scopes: number[];
  dept_id: number | null;
  /** departments granted by roles with data_scope 5 */
  custom_dept_ids: number[];
}

/**
 * Whose rows a data scope reaches: every row (`"all"`, scope 4), or the rows of a set of
 * departments (2: own, 3: own and below, 5: the role's; 1 adds none, only the holder's own rows).
 */
export type DeptReach = "all" | Set<number>;

/** Every department's id and parent: enough to walk a subtree in memory. */
export function deptLinks(db: Database): Promise<{ id: number; parent_id: number | null }[]> {
  const { sys_dept } = db.t;
  return db.orm.select({ id: sys_dept.id, parent_id: sys_dept.parent_id }).from(sys_dept);
}

/** The reach of a holder, computed against `tree` (from `deptLinks`). */
export function reachOf(h: ScopeHolder, tree: { id: number; parent_id: number | null }[]): DeptReach {
  return h.scopes.includes(DATA_SCOPE.ALL) ? "all" : reachedDepts(h, tree);
}

/** Whether `inner` reaches no row that `outer` does not: "not wider". */
export function reachWithin(inner: DeptReach, outer: DeptReach): boolean {
  if (outer === "all") return true;
  if (inner === "all") return false;
  for (const id of inner) if (!outer.has(id)) return false;
  return true;
}

/** Superusers and holders of an "all data" role: the only ones who may act at the department root. */
export const hasAllData = (p: Principal): boolean => p.is_superuser || p.scopes.includes(DATA_SCOPE.ALL);

function reachedDepts(h: ScopeHolder, tree: { id: number; parent_id: number | null }[]): Set<number> {
  const ids = new Set<number>();
  if (h.scopes.includes(DATA_SCOPE.CUSTOM)) for (const id of h.custom_dept_ids) ids.add(id);
  if (h.dept_id !== null && h.scopes.includes(DATA_SCOPE.DEPT)) ids.add(h.dept_id);
  if (h.dept_id !== null && h.scopes.includes(DATA_SCOPE.DEPT_AND_BELOW))
    for (const id of descendantsOf(h.dept_id, tree)) ids.add(id);
  return ids;
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
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue; // a corrupt cycle must not loop forever
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/**
 * The row filter for the caller on a table: the caller's tenant (on tables with `tenant_id`,
 * found from the strategy's column) AND the data scope, or `undefined` when the caller sees every
 * row (superuser, or a role with "all data", on a platform-wide table). The scope fails closed: a
 * caller that matches no rule sees only their own rows (or nothing, where rows have no owner).
 */
export async function dataScopeFilter(
  db: Database,
  p: Principal,
  strategy: ScopeStrategy,
): Promise<SQL | undefined> {
  const column =
    strategy.kind === "user" ? strategy.dept : strategy.kind === "creator" ? strategy.creator : strategy.id;
  const tenant = tenantFilter(tableOf(column), p);
  const scope = await scopeFilter(db, p, strategy);
  return tenant && scope ? and(tenant, scope) : (tenant ?? scope);
}

async function scopeFilter(db: Database, p: Principal, strategy: ScopeStrategy): Promise<SQL | undefined> {
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
