import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { forbidden, notFound } from "@/core/http/errors";
import {
  DATA_SCOPE,
  type DeptReach,
  dataScopeFilter,
  deptLinks,
  PLATFORM_TENANT_ID,
  reachOf,
  reachWithin,
  tenantOf,
} from "./data-scope";
import type { Principal } from "./principal";

/*
 * Authority over another account. A non-superuser who can manage users must not be able to take
 * over (reset, edit, switch, delete, unlock) an account that can do more than they can, nor
 * make one by handing out roles. "Can do more" is measured on two things:
 *
 * - permissions: the permission strings of the enabled menus of the account's enabled roles
 *   must all be among the caller's own;
 * - data scope: the rows the account's roles reach (`reachOf`: every row for scope 4, else the
 *   departments of scopes 2, 3 and 5 computed for the account's own department) must all be
 *   reached by the caller's roles too. Scope 1 (own rows only) is the floor everyone has.
 *
 * Superusers are managed by superusers only; superusers pass every check.
 */

const TARGET_TOO_STRONG = "无权操作该用户：其权限或数据范围超出您自己的权限";
const ROLE_TOO_STRONG = "无权分配该角色：其权限或数据范围超出您自己的权限";
const SUPERUSER_TARGET = "无权操作超级管理员";

interface Grant {
  id: number;
  enabled: boolean;
  data_scope: number;
  permissions: string[];
  custom_dept_ids: number[];
}

interface Authority {
  permissions: Set<string>;
  reach: DeptReach;
}

type Tree = Awaited<ReturnType<typeof deptLinks>>;

/** Roles (not deleted) among `ids` with what each grants: three queries for any number. */
async function loadGrants(db: Database, ids: number[]): Promise<Map<number, Grant>> {
  const out = new Map<number, Grant>();
  if (!ids.length) return out;
  const { sys_role, sys_role_menus, sys_menu, sys_role_depts } = db.t;
  const roles = await db.orm
    .select({ id: sys_role.id, status: sys_role.status, data_scope: sys_role.data_scope })
    .from(sys_role)
    .where(and(inArray(sys_role.id, ids), eq(sys_role.is_deleted, false)));
  if (!roles.length) return out;
  const roleIds = roles.map((r) => r.id);
  const [menus, depts] = await Promise.all([
    db.orm
      .selectDistinct({ role_id: sys_role_menus.role_id, permission: sys_menu.permission })
      .from(sys_role_menus)
      .innerJoin(sys_menu, eq(sys_menu.id, sys_role_menus.menu_id))
      .where(
        and(
          inArray(sys_role_menus.role_id, roleIds),
          eq(sys_menu.status, "0"),
          eq(sys_menu.is_deleted, false),
        ),
      ),
    db.orm
      .select({ role_id: sys_role_depts.role_id, dept_id: sys_role_depts.dept_id })
      .from(sys_role_depts)
      .where(inArray(sys_role_depts.role_id, roleIds)),
  ]);
  for (const r of roles)
    out.set(r.id, {
      id: r.id,
      enabled: r.status === "0",
      data_scope: r.data_scope,
      permissions: menus.filter((m) => m.role_id === r.id && m.permission).map((m) => m.permission as string),
      custom_dept_ids: depts.filter((d) => d.role_id === r.id).map((d) => d.dept_id),
    });
  return out;
}

/** What holding `grants` in department `deptId` lets an account do. */
function authorityOf(grants: Grant[], deptId: number | null, tree: Tree): Authority {
  return {
    permissions: new Set(grants.flatMap((g) => g.permissions)),
    reach: reachOf(
      {
        scopes: grants.map((g) => g.data_scope),
        dept_id: deptId,
        // a role's departments count only while its scope is custom, as in the principal
        custom_dept_ids: grants
          .filter((g) => g.data_scope === DATA_SCOPE.CUSTOM)
          .flatMap((g) => g.custom_dept_ids),
      },
      tree,
    ),
  };
}

const callerAuthority = (p: Principal, tree: Tree): Authority => ({
  permissions: new Set(p.permissions),
  reach: reachOf(p, tree),
});

/** True when `a` can do something `caller` cannot. */
function exceeds(a: Authority, caller: Authority): boolean {
  for (const perm of a.permissions) if (!caller.permissions.has(perm)) return true;
  return !reachWithin(a.reach, caller.reach);
}

/**
 * Refuses (403) unless the caller may act on every one of `userIds` as they are now: superusers
 * only by superusers; anyone else only when their enabled roles grant no permission and reach no
 * row the caller's do not. Call it after the ids were found within the caller's data scope.
 */
export async function assertAuthorityOverUsers(db: Database, caller: Principal, userIds: number[]) {
  if (caller.is_superuser || !userIds.length) return;
  const { sys_user, sys_user_roles, sys_role } = db.t;
  const ids = [...new Set(userIds)];
  const users = await db.orm
    .select({ id: sys_user.id, is_superuser: sys_user.is_superuser, dept_id: sys_user.dept_id })
    .from(sys_user)
    .where(inArray(sys_user.id, ids));
  if (users.some((u) => u.is_superuser)) throw forbidden(SUPERUSER_TARGET);
  const links = await db.orm
    .select({ user_id: sys_user_roles.user_id, role_id: sys_user_roles.role_id })
    .from(sys_user_roles)
    .innerJoin(sys_role, eq(sys_role.id, sys_user_roles.role_id))
    .where(
      and(inArray(sys_user_roles.user_id, ids), eq(sys_role.status, "0"), eq(sys_role.is_deleted, false)),
    );
  const [grants, tree] = await Promise.all([
    loadGrants(db, [...new Set(links.map((l) => l.role_id))]),
    deptLinks(db),
  ]);
  const heldBy = new Map<number, Grant[]>();
  for (const l of links) {
    const grant = grants.get(l.role_id);
    if (grant) heldBy.set(l.user_id, [...(heldBy.get(l.user_id) ?? []), grant]);
  }
  const mine = callerAuthority(caller, tree);
  for (const u of users) {
    if (exceeds(authorityOf(heldBy.get(u.id) ?? [], u.dept_id, tree), mine))
      throw forbidden(TARGET_TOO_STRONG);
  }
}

/**
 * Refuses (403) handing out roles beyond the caller's own authority. The account will hold
 * `roleIds` in department `deptId`; those in `held` it holds already (they count while enabled),
 * the others are being assigned (they count even while disabled: enabling one later must not
 * make the account stronger than the caller who assigned it). Each assigned role must be within
 * the caller's authority, and so must the account as a whole (a new department can widen the
 * reach of roles it keeps). Unknown ids are left to the caller's own "not found" check.
 */
export async function assertMayAssignRoles(
  db: Database,
  caller: Principal,
  account: { roleIds: number[]; deptId: number | null; held?: number[] },
) {
  if (caller.is_superuser) return;
  const held = new Set(account.held ?? []);
  const [grants, tree] = await Promise.all([loadGrants(db, [...new Set(account.roleIds)]), deptLinks(db)]);
  const mine = callerAuthority(caller, tree);
  const counted: Grant[] = [];
  for (const g of grants.values()) {
    if (!held.has(g.id)) {
      if (exceeds(authorityOf([g], account.deptId, tree), mine)) throw forbidden(ROLE_TOO_STRONG);
      counted.push(g);
    } else if (g.enabled) counted.push(g);
  }
  if (exceeds(authorityOf(counted, account.deptId, tree), mine)) throw forbidden(TARGET_TOO_STRONG);
}

/**
 * For lifting a login lockout by account name: every live account the name may stand for (equal
 * under the database's collation, or ignoring case) must be within the caller's data scope (else
 * 404, as if unknown) and authority (else 403). Superusers may lift any lock.
 */
export async function assertMayUnlock(db: Database, caller: Principal, username: string) {
  // a tenant's superuser lifts locks of its own tenant's accounts only (the scope below holds it)
  if (caller.is_superuser && tenantOf(caller) === PLATFORM_TENANT_ID) return;
  const { sys_user } = db.t;
  const named = and(
    or(eq(sys_user.username, username), sql`lower(${sys_user.username}) = ${username.trim().toLowerCase()}`),
    eq(sys_user.is_deleted, false),
  );
  const scope = await dataScopeFilter(db, caller, {
    kind: "user",
    dept: sys_user.dept_id,
    creator: sys_user.created_id,
  });
  const [all, visible] = await Promise.all([
    db.orm.select({ id: sys_user.id }).from(sys_user).where(named),
    db.orm
      .select({ id: sys_user.id })
      .from(sys_user)
      .where(scope ? and(named, scope) : named),
  ]);
  if (!all.length || visible.length < all.length) throw notFound("用户不存在");
  await assertAuthorityOverUsers(
    db,
    caller,
    visible.map((u) => u.id),
  );
}

/**
 * The data scope a non-superuser holds, as the two things a role grant is checked against: the
 * level (`checkGrantableScope` in the role module: the widest of scopes 1-4) and the reach.
 */
export interface OwnScope {
  level: number;
  reach: DeptReach;
}

/**
 * The caller's own scope now, and as it would be if the roles in `changes` (of those the caller
 * holds) had the given data scope and custom departments.
 */
export async function ownScopeBeforeAndAfter(
  db: Database,
  caller: Principal,
  changes: Map<number, { data_scope: number; custom_dept_ids?: number[] }>,
): Promise<{ before: OwnScope; after: OwnScope }> {
  const [grants, tree] = await Promise.all([loadGrants(db, caller.role_ids), deptLinks(db)]);
  const now = [...grants.values()].filter((g) => g.enabled);
  const then = now.map((g) => {
    const change = changes.get(g.id);
    return change ? { ...g, ...change } : g;
  });
  const scopeOf = (gs: Grant[]): OwnScope => ({
    level: Math.max(DATA_SCOPE.SELF, ...gs.map((g) => g.data_scope).filter((s) => s <= DATA_SCOPE.ALL)),
    reach: authorityOf(gs, caller.dept_id, tree).reach,
  });
  return { before: scopeOf(now), after: scopeOf(then) };
}

/** Whether `after` is narrower than `before` in level or in reach. */
export const ownScopeNarrowed = (s: { before: OwnScope; after: OwnScope }): boolean =>
  s.after.level < s.before.level || !reachWithin(s.before.reach, s.after.reach);
