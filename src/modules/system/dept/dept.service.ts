import { inArray, type SQL } from "drizzle-orm";
import { dataScopeFilter, descendantsOf, hasAllData, ownedBy, tenantFilter } from "@/core/auth/data-scope";
import { forgetPrincipals, type Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, within } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { badRequest, conflict, forbidden, found, notFound } from "@/core/http/errors";
import { toBaseOut } from "@/core/http/schemas";
import { buildTree } from "@/core/http/tree";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import * as repo from "./dept.repo";
import type { DeptInput, DeptNode, DeptOut } from "./dept.schema";

/*
 * Departments form one hierarchy with an invariant every write keeps: no cycles, and no enabled
 * department below a disabled one. Visibility follows the caller's data scope (contract §6.4).
 */

export interface DeptFilter {
  name?: string;
  status?: string;
  created_time?: [string, string];
  updated_time?: [string, string];
}

type Hierarchy = Awaited<ReturnType<typeof repo.selectHierarchy>>;

const scopeOf = (deps: AppDeps, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "dept", id: deps.db.t.sys_dept.id });

export function toDeptOut(row: repo.DeptRow, parentName: string | null = null): DeptOut {
  return {
    ...toBaseOut(row),
    name: row.name,
    order: row.order,
    code: row.code,
    leader: row.leader,
    phone: row.phone,
    email: row.email,
    parent_id: row.parent_id,
    parent_name: parentName,
  };
}

/** Parent chain of `id`, nearest first; stops at a repeated id so corrupt data cannot loop. */
function ancestorsOf(id: number, hierarchy: Hierarchy): number[] {
  const parentOf = new Map(hierarchy.map((d) => [d.id, d.parent_id]));
  const out: number[] = [];
  const seen = new Set([id]);
  let current = parentOf.get(id) ?? null;
  while (current !== null && !seen.has(current)) {
    seen.add(current);
    out.push(current);
    current = parentOf.get(current) ?? null;
  }
  return out;
}

export async function deptTree(deps: AppDeps, p: Principal, q: DeptFilter): Promise<DeptNode[]> {
  const { sys_dept } = deps.db.t;
  const where = allOf(
    await scopeOf(deps, p),
    contains(sys_dept.name, q.name),
    equals(sys_dept.status, q.status),
    within(sys_dept.created_time, q.created_time),
    within(sys_dept.updated_time, q.updated_time),
  );
  const rows = await repo.selectDepts(deps.db, where);
  // A department whose parent is filtered out or out of scope becomes a root, so a scoped caller
  // still sees their part of the tree.
  return buildTree(rows.map((r) => toDeptOut(r)));
}

export async function deptDetail(deps: AppDeps, p: Principal, id: number): Promise<DeptOut> {
  const row = await repo.findDept(deps.db, id, await scopeOf(deps, p));
  if (!row) throw notFound("该部门不存在");
  // The parent's name is shown even when the parent itself is outside the caller's scope.
  const parent = row.parent_id === null ? undefined : await repo.findDept(deps.db, row.parent_id);
  return toDeptOut(row, parent?.name ?? null);
}

/**
 * The root lies outside every scope narrower than "all data": only superusers and holders of an
 * "all data" role may put a department there (create it there, or move one there).
 */
function checkRootAllowed(p: Principal) {
  if (!hasAllData(p)) throw forbidden("无权操作顶级部门：仅全部数据权限可新增或移入顶级部门");
}

/**
 * Disabling takes the whole subtree along; every department in it must be within the caller's
 * scope, else the switch is refused (rather than leaving enabled departments below a disabled one).
 */
async function checkSubtreeInScope(deps: AppDeps, scope: SQL | undefined, subtree: number[]) {
  if (!scope || !subtree.length) return;
  const inScope = await deptsAmong(deps, subtree, scope);
  if (inScope.length < new Set(subtree).size)
    throw forbidden("无权停用该部门：其下级部门超出您的数据权限范围");
}

/** A new parent must be visible to the caller, and cannot hold an enabled child while disabled. */
async function checkParent(
  deps: AppDeps,
  scope: SQL | undefined,
  parentId: number,
  childStatus: string,
  disabledMessage: string,
) {
  const parent = await repo.findDept(deps.db, parentId, scope);
  if (!parent) throw badRequest("上级部门不存在");
  if (parent.status !== "0" && childStatus === "0") throw badRequest(disabledMessage);
}

export async function createDept(deps: AppDeps, p: Principal, input: DeptInput): Promise<DeptOut> {
  const { db } = deps;
  // names are unique within the tenant; codes everywhere (a unique index on sys_dept.code)
  if (await repo.findOtherWith(db, "name", input.name, undefined, tenantFilter(db.t.sys_dept, p)))
    throw conflict("创建失败，该部门已存在");
  if (await repo.findOtherWith(db, "code", input.code)) throw conflict("创建失败，编码已存在");
  const status = input.status ?? "0";
  const parentId = input.parent_id ?? null;
  if (parentId === null) checkRootAllowed(p);
  else
    await checkParent(
      deps,
      await scopeOf(deps, p),
      parentId,
      status,
      "上级部门已停用，不能新增启用的下级部门",
    );
  const id = await conflictOnDuplicate(db, "创建失败，编码已存在", () =>
    repo.insertDept(db, {
      name: input.name,
      code: input.code,
      order: input.order ?? 1,
      leader: input.leader ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      parent_id: parentId,
      status,
      description: input.description ?? null,
      ...ownedBy(p),
    }),
  );
  return toDeptOut(found(await repo.findDept(db, id), `dept ${id}`));
}

export async function updateDept(
  deps: AppDeps,
  p: Principal,
  id: number,
  input: DeptInput,
): Promise<DeptOut> {
  const { db } = deps;
  const scope = await scopeOf(deps, p);
  const current = await repo.findDept(db, id, scope);
  if (!current) throw notFound("更新失败，该部门不存在");
  if (await repo.findOtherWith(db, "name", input.name, id, tenantFilter(db.t.sys_dept, p)))
    throw conflict("更新失败，部门名称重复");
  if (await repo.findOtherWith(db, "code", input.code, id)) throw conflict("更新失败，部门编码已存在");

  const parentId = input.parent_id === undefined ? current.parent_id : input.parent_id;
  const status = input.status ?? current.status;
  const moved = parentId !== current.parent_id;
  const hierarchy = await repo.selectHierarchy(db);
  if (moved && parentId === null) checkRootAllowed(p);
  if (moved && parentId !== null) {
    if (parentId === id) throw badRequest("上级部门不能是部门自身");
    if (descendantsOf(id, hierarchy).includes(parentId)) throw badRequest("上级部门不能是当前部门的下级部门");
    await checkParent(deps, scope, parentId, status, "上级部门已停用，不能移入启用的部门");
  }

  // A status change through the form follows the same cascade as the status switch, along the
  // parent chain the department will have after this update.
  let cascade: { ids: number[]; status: string } | null = null;
  if (status !== current.status) {
    const after = hierarchy.map((d) => (d.id === id ? { ...d, parent_id: parentId } : d));
    cascade =
      status === "0"
        ? { ids: await enabledChain(deps, scope, [id], after), status }
        : { ids: descendantsOf(id, after), status };
    if (status !== "0") await checkSubtreeInScope(deps, scope, cascade.ids);
  }

  const values: Partial<repo.DeptRow> = { name: input.name, code: input.code, parent_id: parentId, status };
  for (const key of ["order", "leader", "phone", "email", "description"] as const) {
    if (input[key] !== undefined) (values as Record<string, unknown>)[key] = input[key];
  }
  await conflictOnDuplicate(db, "更新失败，部门编码已存在", () =>
    db.transaction(async (tx) => {
      await repo.updateDept(db, id, values, tx);
      if (cascade) await repo.setDeptStatus(db, cascade.ids, cascade.status, tx);
    }),
  );
  // Scope 3 (department and below) depends on the hierarchy.
  if (moved) await forgetPrincipals(deps.cache);
  return toDeptOut(found(await repo.findDept(db, id), `dept ${id}`));
}

/**
 * `ids` plus every ancestor, for enabling: a department cannot be enabled under a disabled one.
 * Disabled ancestors the caller cannot see are not switched on behind their back.
 */
async function enabledChain(
  deps: AppDeps,
  scope: SQL | undefined,
  ids: number[],
  hierarchy: Hierarchy,
): Promise<number[]> {
  const statusOf = new Map(hierarchy.map((d) => [d.id, d.status]));
  const targets = new Set(ids);
  const disabledAncestors = new Set<number>();
  for (const id of ids)
    for (const a of ancestorsOf(id, hierarchy)) {
      if (statusOf.get(a) !== "0" && !targets.has(a)) disabledAncestors.add(a);
    }
  if (disabledAncestors.size && scope) {
    const visible = await deptsAmong(deps, [...disabledAncestors], scope);
    if (visible.length < disabledAncestors.size) throw badRequest("上级部门已停用，请先启用上级部门");
  }
  return [...targets, ...disabledAncestors];
}

/** Departments among `ids` within `scope`. */
const deptsAmong = (deps: AppDeps, ids: number[], scope: SQL | undefined) =>
  repo.selectDepts(deps.db, allOf(inArray(deps.db.t.sys_dept.id, ids), scope));

/**
 * Disabling switches off the whole subtree; enabling switches on the parent chain
 * (contract D6), so the status invariant holds after either.
 */
export async function setDeptsStatus(deps: AppDeps, p: Principal, ids: number[], status: string) {
  const unique = batchIds(ids, "修改失败，修改对象不能为空");
  const scope = await scopeOf(deps, p);
  await requireAll(unique, (w) => deptsAmong(deps, w, scope), "修改失败，该部门不存在");
  const hierarchy = await repo.selectHierarchy(deps.db);
  const targets =
    status === "0"
      ? await enabledChain(deps, scope, unique, hierarchy)
      : [...new Set(unique.flatMap((id) => descendantsOf(id, hierarchy)))];
  if (status !== "0") await checkSubtreeInScope(deps, scope, targets);
  await repo.setDeptStatus(deps.db, targets, status); // one UPDATE: atomic as it is
}

/**
 * Physical delete, refused while a department still has sub-departments (outside the batch) or
 * users: silently dropping a subtree or orphaning users is what upstream did and nobody wants.
 */
export async function deleteDepts(deps: AppDeps, p: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  const scope = await scopeOf(deps, p);
  await requireAll(unique, (w) => deptsAmong(deps, w, scope), "删除失败，该部门不存在");
  const doomed = new Set(unique);
  const hierarchy = await repo.selectHierarchy(deps.db);
  if (hierarchy.some((d) => d.parent_id !== null && doomed.has(d.parent_id) && !doomed.has(d.id)))
    throw badRequest("该部门下存在子部门，不能删除");
  const users = await repo.countUsersByDept(deps.db, unique);
  if (users.size) throw badRequest("该部门下存在用户，不能删除");
  await repo.deleteDepts(deps.db, unique);
  // Custom data scopes (sys_role_depts) just lost rows.
  await forgetPrincipals(deps.cache);
}
