import { desc, inArray, type SQL } from "drizzle-orm";
import { ownScopeBeforeAndAfter, ownScopeNarrowed } from "@/core/auth/authority";
import { DATA_SCOPE, dataScopeFilter, ownedBy, tenantFilter } from "@/core/auth/data-scope";
import { forgetPrincipals, type Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, within } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { badRequest, conflict, notFound } from "@/core/http/errors";
import { pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import { toDeptOut } from "@/modules/system/dept/dept.service";
import { toMenuOut } from "@/modules/system/menu/menu.service";
import type { RoleRow } from "./role.repo";
import * as repo from "./role.repo";
import type { RoleFilter, RoleInput, RoleOut, RolePermissionInput, RoleQuery } from "./role.schema";

const unique = (ids: number[]) => [...new Set(ids)];

/** Non-superusers see (and may touch) only the roles they hold (§6.4, USER_ROLE). */
function roleScope(deps: AppDeps, principal: Principal): Promise<SQL | undefined> {
  return dataScopeFilter(deps.db, principal, { kind: "role", id: deps.db.t.sys_role.id });
}

function deptScope(deps: AppDeps, principal: Principal): Promise<SQL | undefined> {
  return dataScopeFilter(deps.db, principal, { kind: "dept", id: deps.db.t.sys_dept.id });
}

/**
 * Role objects (contract §12.4) with their menus and departments, two queries for any number of
 * roles. Also what the user module embeds as a user's `roles`.
 */
export async function toRoleObjects(deps: AppDeps, rows: RoleRow[]): Promise<RoleOut[]> {
  const ids = rows.map((r) => r.id);
  const [menus, depts, totpRequired] = await Promise.all([
    repo.selectRoleMenus(deps.db, ids),
    repo.selectRoleDepts(deps.db, ids),
    repo.selectTotpRequired(deps.db, ids),
  ]);
  return rows.map((r) => ({
    ...toBaseOut(r),
    name: r.name,
    code: r.code,
    order: r.order,
    data_scope: r.data_scope,
    totp_required: totpRequired.has(r.id),
    menus: menus.filter((m) => m.role_id === r.id).map((m) => toMenuOut(m.menu)),
    depts: depts.filter((d) => d.role_id === r.id).map((d) => toDeptOut(d.dept)),
  }));
}

async function roleObject(deps: AppDeps, id: number): Promise<RoleOut> {
  const row = await repo.selectRole(deps.db, id, undefined);
  if (!row) throw notFound("角色不存在");
  const [out] = await toRoleObjects(deps, [row]);
  return out;
}

function filterOf(deps: AppDeps, q: RoleFilter) {
  const { sys_role } = deps.db.t;
  return [
    contains(sys_role.name, q.name),
    contains(sys_role.description, q.description),
    equals(sys_role.status, q.status),
    within(sys_role.created_time, q.created_time),
    within(sys_role.updated_time, q.updated_time),
  ];
}

export async function listRoles(deps: AppDeps, principal: Principal, q: RoleQuery) {
  const { db } = deps;
  const where = allOf(...filterOf(deps, q), await roleScope(deps, principal));
  // id breaks ties so that rows written in the same second page stably
  const orderBy = [...orderByOf(db.t.sys_role, q.order_by), desc(db.t.sys_role.id)];
  const { rows, total } = await repo.selectRolePage(db, where, orderBy, q);
  return pageOf(await toRoleObjects(deps, rows), total, q);
}

export async function roleDetail(deps: AppDeps, principal: Principal, id: number): Promise<RoleOut> {
  const row = await repo.selectRole(deps.db, id, await roleScope(deps, principal));
  if (!row) throw notFound("角色不存在");
  const [out] = await toRoleObjects(deps, [row]);
  return out;
}

/** Rows for the export, in id order (contract §3.1). */
export async function exportRows(deps: AppDeps, principal: Principal, q: RoleFilter): Promise<RoleRow[]> {
  return repo.selectRoles(deps.db, allOf(...filterOf(deps, q), await roleScope(deps, principal)));
}

/**
 * A non-superuser may not hand out wider data access than they have themselves: "all data" needs
 * "all data", "department and below" needs at least that. Custom (5) is checked per department.
 */
function checkGrantableScope(principal: Principal, scope: number) {
  if (principal.is_superuser || scope === DATA_SCOPE.SELF || scope === DATA_SCOPE.CUSTOM) return;
  const held = Math.max(DATA_SCOPE.SELF, ...principal.scopes.filter((s) => s >= 1 && s <= DATA_SCOPE.ALL));
  if (scope > held) throw badRequest("授权失败，不能授予超出自身数据权限的数据范围");
}

/**
 * A non-superuser may not narrow their own data scope through a role they hold: afterwards they
 * could not grant the old scope back (`checkGrantableScope` measures them by what they hold then),
 * and only a superuser could repair it. So a change of data scope or custom departments on one of
 * the caller's own roles must leave the caller's widest scope level and the departments they
 * reach at least what they are now.
 */
async function checkOwnScopeKept(
  deps: AppDeps,
  principal: Principal,
  changes: Map<number, { data_scope: number; custom_dept_ids?: number[] }>,
  prefix: string,
) {
  if (principal.is_superuser) return;
  const own = new Map([...changes].filter(([id]) => principal.role_ids.includes(id)));
  if (!own.size) return;
  if (ownScopeNarrowed(await ownScopeBeforeAndAfter(deps.db, principal, own)))
    throw badRequest(`${prefix}，不能缩小自己所持角色的数据范围`);
}

export async function createRole(deps: AppDeps, principal: Principal, input: RoleInput): Promise<RoleOut> {
  const { db } = deps;
  const values = {
    name: input.name,
    code: input.code,
    order: input.order ?? 1,
    data_scope: input.data_scope ?? DATA_SCOPE.SELF,
    status: input.status ?? "0",
    description: input.description ?? null,
    ...ownedBy(principal),
  };
  checkGrantableScope(principal, values.data_scope);
  // names are unique within the tenant; codes everywhere (a unique index on sys_role.code)
  if (await repo.roleTaken(db, "name", values.name, undefined, tenantFilter(db.t.sys_role, principal)))
    throw conflict("创建失败，该角色已存在");
  if (await repo.roleTaken(db, "code", values.code)) throw conflict("创建失败，编码已存在");
  const id = await conflictOnDuplicate(db, "创建失败，编码已存在", () =>
    repo.insertRole(db, values, input.totp_required ?? false),
  );
  return roleObject(deps, id);
}

export async function updateRole(
  deps: AppDeps,
  principal: Principal,
  id: number,
  input: RoleInput,
): Promise<RoleOut> {
  const { db } = deps;
  const existing = await repo.selectRole(db, id, await roleScope(deps, principal));
  if (!existing) throw notFound("更新失败，该角色不存在");
  const values = {
    name: input.name,
    code: input.code,
    order: input.order ?? existing.order,
    data_scope: input.data_scope ?? existing.data_scope,
    status: input.status ?? existing.status,
    description: input.description === undefined ? existing.description : input.description,
  };
  if (values.data_scope !== existing.data_scope) {
    checkGrantableScope(principal, values.data_scope);
    await checkOwnScopeKept(deps, principal, new Map([[id, { data_scope: values.data_scope }]]), "更新失败");
  }
  if (
    values.name !== existing.name &&
    (await repo.roleTaken(db, "name", values.name, id, tenantFilter(db.t.sys_role, principal)))
  ) {
    throw conflict("更新失败，角色名称重复");
  }
  if (values.code !== existing.code && (await repo.roleTaken(db, "code", values.code, id))) {
    throw conflict("更新失败，角色编码已存在");
  }
  // custom departments only mean something under scope 5 (as R7 does, they go with it)
  const dropDepts = values.data_scope !== DATA_SCOPE.CUSTOM;
  await conflictOnDuplicate(db, "更新失败，角色编码已存在", () =>
    repo.updateRole(db, id, values, dropDepts, input.totp_required ?? undefined),
  );
  // status and data scope feed every holder's permissions and row filters
  await forgetPrincipals(deps.cache);
  return roleObject(deps, id);
}

/** The roles of `ids` (distinct) the caller can see; any other id is not found (`msg`). */
async function requireVisible(deps: AppDeps, principal: Principal, ids: number[], msg: string) {
  const scope = await roleScope(deps, principal);
  const among = (wanted: number[]) =>
    repo.selectRoles(deps.db, allOf(inArray(deps.db.t.sys_role.id, wanted), scope));
  return requireAll(unique(ids), among, msg);
}

export async function deleteRoles(deps: AppDeps, principal: Principal, ids: number[]): Promise<void> {
  const wanted = batchIds(ids, "删除失败，删除对象不能为空");
  const rows = await requireVisible(deps, principal, wanted, "删除失败，该角色不存在");
  await repo.deleteRoles(
    deps.db,
    rows.map((r) => r.id),
  );
  await forgetPrincipals(deps.cache);
}

export async function setRoleStatus(deps: AppDeps, principal: Principal, ids: number[], status: string) {
  const wanted = batchIds(ids, "批量修改失败，修改对象不能为空");
  const rows = await requireVisible(deps, principal, wanted, "批量修改失败，该角色不存在");
  await repo.updateRoleStatus(
    deps.db,
    rows.map((r) => r.id),
    status,
  );
  await forgetPrincipals(deps.cache);
}

/**
 * R7: sets the roles' menus, data scope and custom departments. Unknown ids are refused, not
 * skipped. A non-superuser can only grant menus they hold and departments they can see; links
 * of a role that lie outside the caller's view are kept as they are (the caller never saw them,
 * so leaving them out of the request is not a decision to remove them).
 */
export async function setRolePermissions(
  deps: AppDeps,
  principal: Principal,
  input: RolePermissionInput,
): Promise<void> {
  const { db } = deps;
  const roles = await requireVisible(deps, principal, input.role_ids, "授权失败，该角色不存在");
  const menuIds = unique(input.menu_ids);
  const existingMenus = new Set(await repo.selectMenuIds(db, menuIds));
  const missingMenus = menuIds.filter((id) => !existingMenus.has(id));
  if (missingMenus.length) throw badRequest(`授权失败，菜单不存在: ${missingMenus.join(",")}`);

  const custom = input.data_scope === DATA_SCOPE.CUSTOM;
  const deptIds = custom ? unique(input.dept_ids) : [];
  const existingDepts = new Set(await repo.selectDeptIds(db, deptIds, undefined));
  const missingDepts = deptIds.filter((id) => !existingDepts.has(id));
  if (missingDepts.length) throw badRequest(`授权失败，部门不存在: ${missingDepts.join(",")}`);

  for (const role of roles) {
    if (role.data_scope !== input.data_scope) checkGrantableScope(principal, input.data_scope);
  }

  let keep = (_roleId: number) => ({ menuIds: [] as number[], deptIds: [] as number[] });
  if (!principal.is_superuser) {
    const heldMenus = new Set(principal.menu_ids);
    const foreignMenus = menuIds.filter((id) => !heldMenus.has(id));
    if (foreignMenus.length) {
      throw badRequest(`授权失败，不能授予自己未拥有的菜单: ${foreignMenus.join(",")}`);
    }
    const visibleDepts = new Set(await repo.selectDeptIds(db, null, await deptScope(deps, principal)));
    const foreignDepts = deptIds.filter((id) => !visibleDepts.has(id));
    if (foreignDepts.length) {
      throw badRequest(`授权失败，不能授予数据权限范围以外的部门: ${foreignDepts.join(",")}`);
    }
    const roleIds = roles.map((r) => r.id);
    const [linkedMenus, linkedDepts] = await Promise.all([
      repo.selectRoleMenus(db, roleIds),
      custom ? repo.selectRoleDepts(db, roleIds) : [],
    ]);
    keep = (roleId) => ({
      menuIds: linkedMenus
        .filter((l) => l.role_id === roleId && !heldMenus.has(l.menu.id))
        .map((l) => l.menu.id),
      deptIds: linkedDepts
        .filter((l) => l.role_id === roleId && !visibleDepts.has(l.dept.id))
        .map((l) => l.dept.id),
    });
    const changes = new Map(
      roles.map((r) => [
        r.id,
        { data_scope: input.data_scope, custom_dept_ids: unique([...deptIds, ...keep(r.id).deptIds]) },
      ]),
    );
    await checkOwnScopeKept(deps, principal, changes, "授权失败");
  }

  await repo.replaceGrants(
    db,
    input.data_scope,
    roles.map((r) => {
      const kept = keep(r.id);
      return {
        roleId: r.id,
        menuIds: unique([...menuIds, ...kept.menuIds]),
        deptIds: unique([...deptIds, ...kept.deptIds]),
      };
    }),
  );
  await forgetPrincipals(deps.cache);
}
