import { inArray, type SQL } from "drizzle-orm";
import { dataScopeFilter, descendantsOf } from "@/core/auth/data-scope";
import { forgetPrincipals, type Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, within } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { badRequest, conflict, found, notFound, validationError } from "@/core/http/errors";
import { toBaseOut } from "@/core/http/schemas";
import { buildTree } from "@/core/http/tree";
import type { MenuRow, MenuValues } from "./menu.repo";
import * as repo from "./menu.repo";
import { MENU_TYPE, type MenuInput, type MenuOut, type MenuQuery } from "./menu.schema";

/** The Menu object of the wire (contract §12.5), keys in upstream's order. */
export function toMenuOut(row: MenuRow, parentName: string | null = null): MenuOut {
  return {
    ...toBaseOut(row),
    name: row.name,
    type: row.type,
    order: row.order,
    permission: row.permission,
    icon: row.icon,
    route_name: row.route_name,
    route_path: row.route_path,
    component_path: row.component_path,
    redirect: row.redirect,
    hidden: !!row.hidden,
    keep_alive: !!row.keep_alive,
    always_show: !!row.always_show,
    title: row.title,
    params: (row.params as Record<string, string>[] | null) ?? null,
    affix: !!row.affix,
    parent_id: row.parent_id,
    client: row.client,
    parent_name: parentName,
  };
}

/** Non-superusers see (and may touch) only menus granted to their enabled roles (§6.4). */
function menuScope(deps: AppDeps, principal: Principal): Promise<SQL | undefined> {
  return dataScopeFilter(deps.db, principal, { kind: "menu", id: deps.db.t.sys_menu.id });
}

export async function menuTree(deps: AppDeps, principal: Principal, q: MenuQuery) {
  const { sys_menu } = deps.db.t;
  const rows = await repo.selectMenus(
    deps.db,
    allOf(
      contains(sys_menu.name, q.name),
      contains(sys_menu.route_path, q.route_path),
      contains(sys_menu.component_path, q.component_path),
      contains(sys_menu.permission, q.permission),
      equals(sys_menu.type, q.type),
      contains(sys_menu.description, q.description),
      equals(sys_menu.status, q.status),
      equals(sys_menu.client, q.menu_client),
      within(sys_menu.created_time, q.created_time),
      within(sys_menu.updated_time, q.updated_time),
      await menuScope(deps, principal),
    ),
  );
  return buildTree(rows.map((r) => toMenuOut(r)));
}

export async function menuDetail(deps: AppDeps, principal: Principal, id: number): Promise<MenuOut> {
  const scope = await menuScope(deps, principal);
  const row = await repo.selectMenu(deps.db, id, scope);
  if (!row) throw notFound("菜单不存在");
  const parent = row.parent_id === null ? null : await repo.selectMenu(deps.db, row.parent_id, scope);
  return toMenuOut(row, parent?.name ?? null);
}

type MenuFields = Omit<MenuValues, "is_deleted" | "deleted_time">;

const DEFAULTS = {
  permission: null,
  icon: null,
  route_name: null,
  route_path: null,
  component_path: null,
  redirect: null,
  hidden: false,
  keep_alive: true,
  always_show: false,
  title: null,
  params: null,
  affix: false,
  parent_id: null,
  status: "0",
  description: null,
  client: "pc",
} satisfies Partial<MenuFields>;

type Merged = Required<Pick<MenuFields, keyof typeof DEFAULTS | "name" | "type" | "order">>;

/** The input over a base row; keys the request left out keep the base's value. */
function merge(base: Merged, input: MenuInput): Merged & { title: string } {
  const merged = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(input)) if (v !== undefined) merged[k] = v;
  const m = merged as Merged;
  // A menu without a title shows nothing in the SPA (and upstream's duplicate check then
  // matched every sibling), so the name stands in for it.
  return { ...m, title: m.title || m.name.slice(0, 50) };
}

function pickFields(row: MenuRow): Merged {
  const { name, type, order } = row;
  const out: Record<string, unknown> = { name, type, order };
  for (const k of Object.keys(DEFAULTS)) out[k] = row[k as keyof MenuRow];
  return out as Merged;
}

/**
 * Field rules that need several fields (422, code 1, upstream's texts). Children may use a path
 * relative to their parent, as the seeded platform pages do (`menu`, `tenant` …): Vue Router
 * resolves it against the parent, so only top-level paths must be absolute.
 */
function checkShape(m: Merged) {
  if (m.route_path && m.parent_id === null && !m.route_path.startsWith("/")) {
    throw validationError("路由路径需以 / 开头");
  }
  if (m.type === MENU_TYPE.DIRECTORY || m.type === MENU_TYPE.PAGE) {
    if (!m.route_name) throw validationError("路由名称不能为空");
    if (!m.route_path) throw validationError("路由路径不能为空");
  }
  if (m.type === MENU_TYPE.DIRECTORY && !m.redirect) throw validationError("目录类型必须填写重定向地址");
  if (m.type === MENU_TYPE.PAGE && !m.component_path) throw validationError("组件路径不能为空");
}

/** Why a menu of `childType` may not sit under a parent of `parentType` (null: top level). */
function placementError(parentType: number | null, childType: number): string | null {
  const dirChild = [MENU_TYPE.DIRECTORY, MENU_TYPE.PAGE, MENU_TYPE.LINK] as number[];
  if (parentType === null) return dirChild.includes(childType) ? null : "顶级菜单仅允许目录、菜单或外链类型";
  if (parentType === MENU_TYPE.DIRECTORY)
    return dirChild.includes(childType) ? null : "目录下仅允许新增目录、菜单或外链";
  if (parentType === MENU_TYPE.PAGE) return childType === MENU_TYPE.BUTTON ? null : "菜单下仅允许新增按钮";
  return "菜单或链接类型下不允许新增子菜单";
}

const CLIENT_MISMATCH = "子菜单终端须与父菜单一致（均为 pc 或均为 app）";

function checkPlacement(parent: MenuRow | null, m: Merged) {
  const error = placementError(parent?.type ?? null, m.type);
  if (error) throw badRequest(error);
  if (parent && parent.client !== m.client) throw badRequest(CLIENT_MISMATCH);
}

/**
 * Changing a menu's permission string changes what its holders may do, so a non-superuser may
 * only set one they already hold (else menu:update would be a way to any permission).
 */
function checkPermissionGrant(principal: Principal, permission: string | null, before: string | null) {
  if (principal.is_superuser || !permission || permission === before) return;
  if (!principal.permissions.includes(permission))
    throw badRequest(`无权设置未拥有的权限标识: ${permission}`);
}

export async function createMenu(deps: AppDeps, principal: Principal, input: MenuInput): Promise<MenuOut> {
  const { db } = deps;
  const m = merge({ ...DEFAULTS, name: "", type: MENU_TYPE.PAGE, order: 999 }, input);
  checkShape(m);
  const scope = await menuScope(deps, principal);
  let parent: MenuRow | null = null;
  if (m.parent_id !== null) {
    parent = await repo.selectMenu(db, m.parent_id, scope);
    if (!parent) throw badRequest("父级菜单不存在");
  }
  checkPlacement(parent, m);
  checkPermissionGrant(principal, m.permission, null);
  if (await repo.titleTaken(db, m.title, m.parent_id)) throw conflict("创建失败，该菜单已存在");
  const id = await repo.insertMenu(db, m);
  return toMenuOut(found(await repo.selectMenu(db, id, undefined), `menu ${id}`));
}

export async function updateMenu(
  deps: AppDeps,
  principal: Principal,
  id: number,
  input: MenuInput,
): Promise<MenuOut> {
  const { db } = deps;
  const scope = await menuScope(deps, principal);
  const existing = await repo.selectMenu(db, id, scope);
  if (!existing) throw notFound("更新失败，该菜单不存在");
  const m = merge(pickFields(existing), input);
  checkShape(m);

  let parent: MenuRow | null = null;
  if (m.parent_id !== null) {
    if (m.parent_id === id || descendantsOf(id, await repo.selectMenuLinks(db)).includes(m.parent_id)) {
      throw badRequest("上级菜单不能是自身或其下级菜单");
    }
    parent = await repo.selectMenu(db, m.parent_id, scope);
    if (!parent) throw badRequest("更新失败，父级菜单不存在");
  }
  checkPlacement(parent, m);
  if (m.type !== existing.type || m.client !== existing.client) {
    for (const child of await repo.selectChildren(db, id)) {
      if (placementError(m.type, child.type)) throw badRequest("该菜单下已有子菜单，不能改为此类型");
      if (child.client !== m.client) throw badRequest(CLIENT_MISMATCH);
    }
  }
  checkPermissionGrant(principal, m.permission, existing.permission);
  // Only a changed title or parent is checked: the seed itself has sibling buttons sharing a
  // title, and saving them unchanged must keep working.
  if (
    (m.title !== existing.title || m.parent_id !== existing.parent_id) &&
    (await repo.titleTaken(db, m.title, m.parent_id, id))
  ) {
    throw conflict("更新失败，菜单标题重复");
  }

  await repo.updateMenu(db, id, m);
  if (m.status !== existing.status) await cascadeStatus(deps, scope, [id], m.status);
  await forgetPrincipals(deps.cache);
  return toMenuOut(found(await repo.selectMenu(db, id, undefined), `menu ${id}`));
}

/** Menus among `ids` within `scope` (out-of-scope ids behave as missing). */
const menusAmong = (deps: AppDeps, ids: number[], scope: SQL | undefined) =>
  repo.selectMenus(deps.db, allOf(inArray(deps.db.t.sys_menu.id, ids), scope));

/**
 * Physical delete. Unlike upstream (which silently took every descendant along), a menu that
 * still has children outside the request is refused: buttons and pages are not lost by accident.
 */
export async function deleteMenus(deps: AppDeps, principal: Principal, ids: number[]): Promise<void> {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  const scope = await menuScope(deps, principal);
  const rows = await requireAll(unique, (w) => menusAmong(deps, w, scope), "删除失败，该菜单不存在");
  const targets = rows.map((r) => r.id);
  const [child] = await repo.selectOutsideChildren(deps.db, targets);
  if (child) {
    const parent = rows.find((r) => r.id === child.parent_id);
    throw badRequest(`删除失败，菜单「${parent?.name ?? child.parent_id}」下存在子菜单，请先删除子菜单`);
  }
  await repo.deleteMenus(deps.db, targets);
  await forgetPrincipals(deps.cache);
}

/**
 * Enabling also enables the ancestors (a visible page needs its directory); disabling also
 * disables the descendants. Limited to the caller's scope.
 */
async function cascadeStatus(deps: AppDeps, scope: SQL | undefined, ids: number[], status: string) {
  const links = await repo.selectMenuLinks(deps.db);
  const targets = new Set<number>();
  if (status === "0") {
    const parentOf = new Map(links.map((l) => [l.id, l.parent_id]));
    for (const id of ids) {
      let cur: number | null | undefined = id;
      while (cur !== null && cur !== undefined && !targets.has(cur)) {
        targets.add(cur);
        cur = parentOf.get(cur);
      }
    }
  } else {
    for (const id of ids) for (const d of descendantsOf(id, links)) targets.add(d);
  }
  await repo.updateMenuStatus(deps.db, [...targets], status, scope);
}

export async function setMenuStatus(
  deps: AppDeps,
  principal: Principal,
  ids: number[],
  status: string,
): Promise<void> {
  const unique = batchIds(ids, "批量修改失败，修改对象不能为空");
  const scope = await menuScope(deps, principal);
  await requireAll(unique, (w) => menusAmong(deps, w, scope), "批量修改失败，该菜单不存在");
  await cascadeStatus(deps, scope, ids, status);
  await forgetPrincipals(deps.cache);
}
