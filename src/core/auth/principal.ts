import { and, eq, inArray, type SQL } from "drizzle-orm";
import { type Cache, getJson, setJson } from "@/core/cache/cache";
import type { Database } from "@/core/db/database";
import { readTogether } from "@/core/db/query";

/**
 * What authorisation needs to know about a user, loaded in four small queries and cached for a
 * few minutes. Only enabled roles and enabled menus grant anything; every write that changes
 * users, roles or menus drops the cached copies (`forgetPrincipals`).
 */
export interface Principal {
  id: number;
  username: string;
  name: string;
  status: string;
  is_superuser: boolean;
  dept_id: number | null;
  /** the user's tenant (issue 14): every tenant-owned row the user reads or writes is this tenant's */
  tenant_id: number;
  role_ids: number[];
  /** data_scope of each enabled role (1 self, 2 dept, 3 dept and below, 4 all, 5 custom) */
  scopes: number[];
  /** departments granted by roles with data_scope 5 */
  custom_dept_ids: number[];
  /** enabled menus of enabled roles (any type) */
  menu_ids: number[];
  permissions: string[];
}

const TTL_SECONDS = 300;
/** The cache key of a user's principal (read together with the session by the guard). */
export const principalKey = (userId: number) => `principal:${userId}`;
const key = principalKey;

/**
 * The user's principal from the cache, else from the database (then cached). `cached`: the cache
 * entry when the caller has read it already (`undefined`: not read yet).
 */
export async function loadPrincipal(
  db: Database,
  cache: Cache,
  userId: number,
  cached?: string | null,
): Promise<Principal | null> {
  const hit = cached === undefined ? await getJson<Principal>(cache, key(userId)) : parseCached(cached);
  if (hit) return hit;
  const principal = await queryPrincipal(db, userId);
  if (principal) await setJson(cache, key(userId), principal, TTL_SECONDS);
  return principal;
}

function parseCached(raw: string | null): Principal | null {
  if (raw === null || raw === "") return null;
  try {
    return JSON.parse(raw) as Principal;
  } catch {
    return null;
  }
}

/**
 * Prefix of cached lookups derived from roles, menus and departments (e.g. the roles the user
 * list shows): dropped with everyone's principals, so whatever changes those drops them too.
 */
export const LOOKUP_PREFIX = "lookup:";

/**
 * Drops cached principals: one user's, or everyone's together with every cached lookup (after
 * role, menu or department changes).
 */
export async function forgetPrincipals(cache: Cache, userId?: number): Promise<void> {
  if (userId !== undefined) {
    await cache.del(key(userId));
    return;
  }
  const [principals, lookups] = await Promise.all([cache.keys("principal:"), cache.keys(LOOKUP_PREFIX)]);
  const keys = [...principals, ...lookups];
  if (keys.length) await cache.del(...keys);
}

/**
 * The four reads in one database round trip (a libSQL batch at the edge): the menus and the
 * custom departments select the user's enabled roles in a subquery instead of waiting for them.
 */
async function queryPrincipal(db: Database, userId: number): Promise<Principal | null> {
  const { sys_user, sys_user_roles, sys_role, sys_role_menus, sys_menu, sys_role_depts } = db.t;
  const userQ = db.orm
    .select({
      id: sys_user.id,
      username: sys_user.username,
      name: sys_user.name,
      status: sys_user.status,
      is_superuser: sys_user.is_superuser,
      dept_id: sys_user.dept_id,
      tenant_id: sys_user.tenant_id,
    })
    .from(sys_user)
    .where(and(eq(sys_user.id, userId), eq(sys_user.is_deleted, false)))
    .limit(1);
  const enabledRoles = and(
    eq(sys_user_roles.user_id, userId),
    eq(sys_role.status, "0"),
    eq(sys_role.is_deleted, false),
  );
  const rolesQ = db.orm
    .select({ id: sys_role.id, data_scope: sys_role.data_scope })
    .from(sys_user_roles)
    .innerJoin(sys_role, eq(sys_role.id, sys_user_roles.role_id))
    .where(enabledRoles);
  const roleIdsOf = (scope?: SQL) =>
    db.orm
      .select({ id: sys_role.id })
      .from(sys_user_roles)
      .innerJoin(sys_role, eq(sys_role.id, sys_user_roles.role_id))
      .where(scope ? and(enabledRoles, scope) : enabledRoles);
  const menusQ = db.orm
    .selectDistinct({ id: sys_menu.id, permission: sys_menu.permission })
    .from(sys_role_menus)
    .innerJoin(sys_menu, eq(sys_menu.id, sys_role_menus.menu_id))
    .where(
      and(
        inArray(sys_role_menus.role_id, roleIdsOf()),
        eq(sys_menu.status, "0"),
        eq(sys_menu.is_deleted, false),
      ),
    );
  const deptsQ = db.orm
    .selectDistinct({ dept_id: sys_role_depts.dept_id })
    .from(sys_role_depts)
    .where(inArray(sys_role_depts.role_id, roleIdsOf(eq(sys_role.data_scope, 5))));
  const [[user], roles, menus, depts] = await readTogether(db, [userQ, rolesQ, menusQ, deptsQ] as const);
  if (!user) return null;

  return {
    ...user,
    role_ids: roles.map((r) => r.id),
    scopes: [...new Set(roles.map((r) => r.data_scope))],
    custom_dept_ids: depts.map((d) => d.dept_id),
    menu_ids: menus.map((m) => m.id),
    permissions: [...new Set(menus.map((m) => m.permission).filter((p): p is string => !!p))],
  };
}
