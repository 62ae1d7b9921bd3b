import type { z } from "@hono/zod-openapi";
import { desc, type SQL } from "drizzle-orm";
import { assertAuthorityOverUsers, assertMayAssignRoles } from "@/core/auth/authority";
import { dataScopeFilter, PLATFORM_TENANT_ID, tenantOf, withoutTenant } from "@/core/auth/data-scope";
import { authServices } from "@/core/auth/guard";
import { assertAcceptablePassword } from "@/core/auth/password-policy";
import { forgetPrincipals, type Principal } from "@/core/auth/principal";
import type { AppDeps, AuthContext } from "@/core/context";
import { allOf, contains, equals, notDeleted, orderByOf, withAuditUsers, within } from "@/core/db/query";
import { badRequest, conflict, notFound } from "@/core/http/errors";
import { type Page, pageOf, parseOrderBy } from "@/core/http/pagination";
import { hit, rateLimited } from "@/core/http/rate-limit";
import { buildTree, type TreeNode } from "@/core/http/tree";
import { storeUpload } from "@/core/storage/upload";
import { verifyPasswordUnderLockout } from "@/modules/system/auth/auth.lockout";
import { roleDetails, withoutPlatformPages } from "./user.lookups";
import type { MenuRow, UserInsert, UserRow } from "./user.repo";
import * as repo from "./user.repo";
import type {
  currentUserUpdate,
  ExportQuery,
  UserQuery,
  userCreate,
  userOut,
  userUpdate,
} from "./user.schema";

type Db = AppDeps["db"];

/* ---------- data scope ---------- */

const userScope = (db: Db, p: Principal) =>
  dataScopeFilter(db, p, { kind: "user", dept: db.t.sys_user.dept_id, creator: db.t.sys_user.created_id });
const roleScope = (db: Db, p: Principal) => dataScopeFilter(db, p, { kind: "role", id: db.t.sys_role.id });
const deptScope = (db: Db, p: Principal) => dataScopeFilter(db, p, { kind: "dept", id: db.t.sys_dept.id });
const positionScope = (db: Db, p: Principal) =>
  dataScopeFilter(db, p, { kind: "creator", creator: db.t.sys_position.created_id });

/* ---------- output ---------- */

type Ref = { id: number; name: string } | null;
type MenuOut = MenuRow & { parent_name: string | null };
type RoleOut = UserOut["roles"][number];

/** A user object as answered (contract §12.2.2): the `userOut` schema's type. */
export type UserOut = z.infer<typeof userOut>;

const groupBy = <T, K>(items: T[], key: (t: T) => K) => {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const list = map.get(key(item));
    if (list) list.push(item);
    else map.set(key(item), [item]);
  }
  return map;
};

/**
 * User objects (contract §12.2.2) with their relations in a fixed number of queries. The
 * password hash never leaves (§16 #6). For the caller's own info (`current`), only enabled roles
 * with their enabled menus are listed — exactly what the server grants — and `menus` is the
 * route tree.
 */
async function present(deps: AppDeps, rows: UserRow[], current = false): Promise<UserOut[]> {
  const { db } = deps;
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [audited, depts, tenants, positions, roleLinks] = await Promise.all([
    withAuditUsers(db, rows),
    repo.deptNames(db, [...new Set(rows.map((r) => r.dept_id).filter((d): d is number => d !== null))]),
    repo.tenantNames(db, [...new Set(rows.map((r) => r.tenant_id))]),
    repo.positionsOf(db, ids),
    repo.rolesOf(db, ids, current),
  ]);
  const roleIds = [...new Set(roleLinks.map((l) => l.role.id))];
  const [roleMenus, roleDepts] = await Promise.all([
    repo.menusOfRoles(db, roleIds, current),
    repo.deptsOfRoles(db, roleIds),
  ]);
  const menusByRole = groupBy(roleMenus, (m) => m.role_id);
  const deptsByRole = groupBy(roleDepts, (d) => d.role_id);
  const roles = new Map<number, RoleOut>();
  for (const { role } of roleLinks) {
    if (roles.has(role.id)) continue;
    roles.set(role.id, {
      ...withoutTenant(role),
      menus: (menusByRole.get(role.id) ?? []).map((m) => ({ ...m.menu, parent_name: null })),
      depts: (deptsByRole.get(role.id) ?? []).map((d) => ({ ...withoutTenant(d.dept), parent_name: null })),
    });
  }
  const rolesByUser = groupBy(roleLinks, (l) => l.user_id);
  const positionsByUser = groupBy(positions, (p) => p.user_id);
  const deptById = new Map(depts.map((d) => [d.id, d]));
  const tenantById = new Map(tenants.map((t) => [t.id, t]));

  let menus: TreeNode<MenuOut>[] = [];
  if (current) {
    const user = rows[0];
    const menuIds = [...new Set(roleMenus.map((m) => m.menu.id))];
    const routeMenus = await repo.routeMenus(db, user.is_superuser ? "all" : menuIds);
    const rowsOfMenus = user.tenant_id === PLATFORM_TENANT_ID ? routeMenus : withoutPlatformPages(routeMenus);
    menus = buildTree(rowsOfMenus.map((m) => ({ ...m, parent_name: null })));
  }

  return audited.map((u) => {
    const dept = u.dept_id !== null ? (deptById.get(u.dept_id) ?? null) : null;
    const userRoles = (rolesByUser.get(u.id) ?? []).flatMap((l) => roles.get(l.role.id) ?? []);
    const userPositions = (positionsByUser.get(u.id) ?? []).map((p) => ({ id: p.id, name: p.name }));
    return {
      tenant: tenantById.get(u.tenant_id) ?? null,
      created_id: u.created_id,
      created_by: u.created_by,
      updated_id: u.updated_id,
      updated_by: u.updated_by,
      deleted_id: u.deleted_id,
      deleted_by: u.deleted_by,
      ...ownColumns(u),
      role_ids: userRoles.map((r) => r.id),
      position_ids: userPositions.map((x) => x.id),
      dept_name: dept?.name ?? null,
      dept,
      positions: userPositions,
      roles: userRoles,
      menus: current ? menus : [],
    };
  });
}

async function presentOne(deps: AppDeps, id: number, current = false): Promise<UserOut> {
  const row = await repo.findUser(deps.db, id);
  if (!row) throw notFound("用户不存在");
  const [user] = await present(deps, [row], current);
  return user;
}

/* ---------- checks shared by the writes ---------- */

const uniq = (ids: number[]) => [...new Set(ids)];

async function assertDeptAssignable(deps: AppDeps, p: Principal, deptId: number) {
  const [dept] = await repo.visibleDepts(deps.db, [deptId], await deptScope(deps.db, p));
  if (!dept) throw badRequest("部门不存在");
  if (dept.status !== "0") throw badRequest("部门已被禁用");
}

/** Users are created and kept in the caller's tenant (issue 14): another tenant is refused as unknown. */
async function assertTenant(deps: AppDeps, p: Principal, tenantId: number) {
  if (tenantId !== tenantOf(p) || !(await repo.tenantExists(deps.db, tenantId)))
    throw badRequest("租户不存在");
}

/**
 * The link ids to store when the caller submits `wanted` for a user who has `existing`: ids the
 * caller cannot see (data scope) may not be added, and existing links the caller cannot see are
 * kept (they are not the caller's to manage).
 */
async function resolveLinks(
  wanted: number[],
  existing: number[],
  visible: (ids: number[]) => Promise<number[]>,
  message: string,
): Promise<number[]> {
  const seen = new Set(await visible(uniq([...wanted, ...existing])));
  const held = new Set(existing);
  if (wanted.some((id) => !seen.has(id) && !held.has(id))) throw badRequest(message);
  return uniq([...wanted, ...existing.filter((id) => !seen.has(id))]);
}

type Identity = { username?: string; mobile?: string | null; email?: string | null };

async function assertUnique(deps: AppDeps, values: Identity, exceptId: number | undefined, msgs: Messages) {
  const taken = await repo.takenFields(deps.db, values, exceptId);
  if (taken.has("username")) throw conflict(msgs.username);
  if (taken.has("mobile")) throw conflict(msgs.mobile);
  if (taken.has("email")) throw conflict(msgs.email);
}

type Messages = { username: string; mobile: string; email: string };
const CREATE_MSGS: Messages = {
  username: "已存在相同用户名称的账号",
  mobile: "创建失败，手机号已存在",
  email: "创建失败，邮箱已存在",
};
const UPDATE_MSGS: Messages = {
  username: "已存在相同的账号",
  mobile: "更新失败，手机号已存在",
  email: "更新失败，邮箱已存在",
};

/** A unique index firing after the pre-check passed (a concurrent write) still reads well. */
async function uniqueGuard<T>(deps: AppDeps, work: () => Promise<T>, values: Identity, exceptId?: number) {
  try {
    return await work();
  } catch (err) {
    if (!deps.db.isUniqueViolation(err)) throw err;
    await assertUnique(deps, values, exceptId, exceptId === undefined ? CREATE_MSGS : UPDATE_MSGS);
    throw conflict("账号、手机号或邮箱已存在");
  }
}

async function endSessions(deps: AppDeps, userIds: number[]) {
  const { sessions } = authServices(deps);
  for (const id of userIds) {
    await sessions.endAllOf(id);
    await forgetPrincipals(deps.cache, id);
  }
}

/** LOGIN_IP_LIMIT_PER_MINUTE attempts per minute per key (an IP, or a user for password checks). */
async function limit(deps: AppDeps, bucket: string, key: string) {
  const result = await hit(deps.cache, `${bucket}:${key}`, deps.settings.LOGIN_IP_LIMIT_PER_MINUTE, 60);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

/* ---------- current user (login only) ---------- */

export function currentInfo(deps: AppDeps, p: Principal): Promise<UserOut> {
  return presentOne(deps, p.id, true);
}

/** The profile fields a user edits on their own account (`currentUserUpdate` without the password). */
export type ProfileInput = Omit<z.infer<typeof currentUserUpdate>, "current_password">;

/**
 * Re-authentication: the caller's password, typed again, for a change that could hand the
 * account to someone else (mobile, email, password). Per-user rate limited; a wrong one counts
 * towards the account lockout, so a stolen session is no free oracle for the password.
 */
async function verifyCurrentPassword(deps: AppDeps, user: UserRow, plain: string, wrongMsg: string) {
  await limit(deps, "change-password", String(user.id));
  const right = await verifyPasswordUnderLockout(deps, user, () => deps.hasher.verify(user.password, plain));
  if (!right) throw badRequest(wrongMsg);
}

/** Only the fields sent are written (upstream nulled the missing ones, §16 #35). */
function profileValues(input: ProfileInput): Partial<UserInsert> {
  const values: Partial<UserInsert> = {};
  if (input.name !== undefined) values.name = input.name;
  if (input.mobile !== undefined) values.mobile = input.mobile;
  if (input.email !== undefined) values.email = input.email;
  if (input.gender !== undefined) values.gender = input.gender ?? "2";
  if (input.avatar !== undefined) values.avatar = input.avatar;
  return values;
}

export async function updateCurrentInfo(
  deps: AppDeps,
  p: Principal,
  input: ProfileInput & { current_password?: string | null },
): Promise<UserOut> {
  if (p.is_superuser) throw badRequest("超级管理员不能修改个人信息");
  const values = profileValues(input);
  // The SPA posts its whole profile form: only a real change of mobile or email needs the password.
  const user = await repo.findUser(deps.db, p.id);
  if (!user) throw notFound("用户不存在");
  const changesContact =
    (values.mobile !== undefined && (values.mobile ?? null) !== user.mobile) ||
    (values.email !== undefined && (values.email ?? null) !== user.email);
  if (changesContact) {
    if (!input.current_password) throw badRequest("修改手机号或邮箱需要输入当前密码");
    await verifyCurrentPassword(deps, user, input.current_password, "当前密码错误");
  }
  const identity = { mobile: values.mobile, email: values.email };
  await assertUnique(deps, identity, p.id, UPDATE_MSGS);
  await uniqueGuard(
    deps,
    () => repo.updateUser(deps.db.orm, deps.db, p.id, { ...values, updated_id: p.id }),
    identity,
    p.id,
  );
  await forgetPrincipals(deps.cache, p.id);
  return presentOne(deps, p.id);
}

const IMAGE_EXTENSIONS = new Set([".gif", ".jpg", ".jpeg", ".png", ".ico", ".svg", ".webp", ".bmp"]);

/** Stores an avatar image; the SPA then saves its URL through the profile update. */
export function uploadAvatar(deps: AppDeps, file: unknown, baseUrl: string) {
  const images = deps.settings.ALLOWED_EXTENSIONS.filter((e) => IMAGE_EXTENSIONS.has(e.toLowerCase()));
  return storeUpload(
    deps.storage,
    { ALLOWED_EXTENSIONS: images, MAX_FILE_SIZE: deps.settings.MAX_FILE_SIZE },
    file instanceof File ? file : null,
    baseUrl,
  );
}

/**
 * Every other session of the caller ends (upstream kept them all, §16 #17); the one making the
 * change stays, so the SPA's next call still works.
 */
export async function changePassword(
  deps: AppDeps,
  auth: AuthContext,
  input: { old_password: string; new_password: string },
): Promise<UserOut> {
  const p = auth.principal;
  const user = await repo.findUser(deps.db, p.id);
  if (!user) throw notFound("用户不存在");
  await verifyCurrentPassword(deps, user, input.old_password, "原密码输入错误");
  assertAcceptablePassword(input.new_password, user);
  const password = await deps.hasher.hash(input.new_password);
  await repo.updateUser(deps.db.orm, deps.db, p.id, { password, updated_id: p.id });
  await authServices(deps).sessions.endOthersOf(p.id, auth.session.session_id);
  await forgetPrincipals(deps.cache, p.id);
  return presentOne(deps, p.id);
}

/* ---------- public: register, forgotten password ---------- */

/** Self-registration: off unless REGISTER_ENABLE; never grants roles (upstream gave ADMIN, §16 #3). */
export async function register(
  deps: AppDeps,
  ip: string,
  input: { username: string; password: string; mobile?: string | null; description?: string | null },
): Promise<UserOut> {
  if (!deps.settings.REGISTER_ENABLE) throw notFound("注册功能未开启");
  await limit(deps, "register", ip);
  assertAcceptablePassword(input.password, { username: input.username });
  const identity = { username: input.username, mobile: input.mobile };
  await assertUnique(deps, identity, undefined, {
    username: "账号已存在",
    mobile: "手机号已存在",
    email: "邮箱已存在",
  });
  const password = await deps.hasher.hash(input.password);
  const id = await uniqueGuard(
    deps,
    () =>
      repo.insertUser(deps.db.orm, deps.db, {
        username: input.username,
        password,
        name: input.username.slice(0, 32),
        mobile: input.mobile ?? null,
        description: input.description ?? null,
        status: "0",
        gender: "2",
        tenant_id: 1,
      }),
    identity,
  );
  return presentOne(deps, id);
}

/* Forgotten passwords: two steps with an out-of-band code, in user.recovery.ts. */

/* ---------- management (permission + data scope) ---------- */

/** Ordering by the hash column would leak information about it: refused like an unknown field. */
function userOrderBy(deps: AppDeps, raw: string | undefined): SQL[] {
  if (parseOrderBy(raw).some((k) => k.field === "password")) throw badRequest("排序字段不存在: password");
  const { sys_user } = deps.db.t;
  return [...orderByOf(sys_user, raw), desc(sys_user.id)];
}

async function listWhere(deps: AppDeps, p: Principal, q: Omit<ExportQuery, "order_by">) {
  return allOf(notDeleted(deps.db.t.sys_user), await listFilter(deps, p, q));
}

/** The list's filters and data scope, without the soft-delete condition. */
async function listFilter(deps: AppDeps, p: Principal, q: Omit<ExportQuery, "order_by">) {
  const { sys_user: u } = deps.db.t;
  return allOf(
    contains(u.username, q.username),
    contains(u.name, q.name),
    contains(u.mobile, q.mobile),
    contains(u.email, q.email),
    equals(u.dept_id, q.dept_id),
    equals(u.tenant_id, q.tenant_id),
    equals(u.status, q.status),
    within(u.created_time, q.created_time),
    within(u.updated_time, q.updated_time),
    equals(u.created_id, q.created_id),
    equals(u.updated_id, q.updated_id),
    await userScope(deps.db, p),
  );
}

/** The user's own columns as the wire shows them (never the password), for detail and list alike. */
const OWN_COLUMNS = [
  "id",
  "uuid",
  "status",
  "description",
  "created_time",
  "updated_time",
  "is_deleted",
  "deleted_time",
  "name",
  "mobile",
  "email",
  "gender",
  "avatar",
  "username",
  "is_superuser",
  "dept_id",
  "last_login",
  "gitee_login",
  "github_login",
  "wx_login",
  "qq_login",
] as const;
type OwnColumn = (typeof OWN_COLUMNS)[number];

function ownColumns<T extends Record<OwnColumn, unknown>>(u: T): Pick<T, OwnColumn> {
  return Object.fromEntries(OWN_COLUMNS.map((k) => [k, u[k]])) as Pick<T, OwnColumn>;
}

/**
 * One page of users, the same objects `present` builds, from three statements in one database
 * round trip (the page with its names, the total, the page's role ids and positions); the
 * roles' details (menus, departments) come from the cache.
 */
export async function listUsers(deps: AppDeps, p: Principal, q: UserQuery): Promise<Page<UserOut>> {
  const orderBy = userOrderBy(deps, q.order_by);
  const { rows, total, links } = await repo.pageUsers(deps.db, await listFilter(deps, p, q), orderBy, q);
  const roles = await roleDetails(deps, [...new Set(links.filter((l) => l.kind === 1).map((l) => l.id))]);
  const linksByUser = groupBy(links, (l) => l.user_id);
  const ref = (id: number | null, name: string | null): Ref =>
    id !== null && name !== null ? { id, name } : null;
  const items = rows.map((u): UserOut => {
    const own = linksByUser.get(u.id) ?? [];
    const userRoles = own.flatMap((l) => (l.kind === 1 ? (roles.get(l.id) ?? []) : []));
    const userPositions = own.filter((l) => l.kind === 2).map((l) => ({ id: l.id, name: l.name }));
    const dept = ref(u.dept_id, u.dept_name);
    return {
      tenant: ref(u.tenant_id, u.tenant_name),
      created_id: u.created_id,
      created_by: ref(u.created_id || null, u.created_name),
      updated_id: u.updated_id,
      updated_by: ref(u.updated_id || null, u.updated_name),
      deleted_id: u.deleted_id,
      deleted_by: ref(u.deleted_id || null, u.deleted_name),
      ...ownColumns(u),
      role_ids: userRoles.map((r) => r.id),
      position_ids: userPositions.map((x) => x.id),
      dept_name: dept?.name ?? null,
      dept,
      positions: userPositions,
      roles: userRoles,
      menus: [],
    };
  });
  return pageOf(items, total, q);
}

async function findInScope(deps: AppDeps, p: Principal, id: number): Promise<UserRow> {
  const row = await repo.findUser(deps.db, id, await userScope(deps.db, p));
  if (!row) throw notFound("用户不存在");
  return row;
}

export async function getUser(deps: AppDeps, p: Principal, id: number): Promise<UserOut> {
  const [user] = await present(deps, [await findInScope(deps, p, id)]);
  return user;
}

export type CreateInput = z.infer<typeof userCreate>;

export async function createUser(deps: AppDeps, p: Principal, input: CreateInput): Promise<UserOut> {
  const { db } = deps;
  if (input.is_superuser) throw badRequest("不允许创建超级管理员");
  assertAcceptablePassword(input.password, input);
  const identity = { username: input.username, mobile: input.mobile, email: input.email };
  await assertUnique(deps, identity, undefined, CREATE_MSGS);
  if (input.dept_id != null) await assertDeptAssignable(deps, p, input.dept_id);
  if (input.tenant_id != null) await assertTenant(deps, p, input.tenant_id);
  await assertMayAssignRoles(db, p, { roleIds: uniq(input.role_ids ?? []), deptId: input.dept_id ?? null });
  const roleIds = await resolveLinks(
    uniq(input.role_ids ?? []),
    [],
    async (ids) => repo.visibleRoleIds(db, ids, await roleScope(db, p)),
    "部分角色不存在",
  );
  const positionIds = await resolveLinks(
    uniq(input.position_ids ?? []),
    [],
    async (ids) => repo.visiblePositionIds(db, ids, await positionScope(db, p)),
    "部分岗位不存在",
  );
  const password = await deps.hasher.hash(input.password);
  const id = await uniqueGuard(
    deps,
    () =>
      db.transaction(async (tx) => {
        const newId = await repo.insertUser(tx, db, {
          ...profileValues(input),
          username: input.username,
          password,
          name: input.name,
          status: input.status,
          description: input.description ?? null,
          is_superuser: false,
          dept_id: input.dept_id ?? null,
          tenant_id: tenantOf(p),
          created_id: p.id,
          updated_id: p.id,
        });
        await repo.replaceRoles(tx, db, newId, roleIds);
        await repo.replacePositions(tx, db, newId, positionIds);
        return newId;
      }),
    identity,
  );
  return presentOne(deps, id);
}

export type UpdateInput = z.infer<typeof userUpdate>;

/**
 * Updates the fields sent. `is_superuser` can never be granted (§16 #2); role and position lists,
 * when sent, replace the links (an empty list clears them, §16 #33).
 */
export async function updateUser(
  deps: AppDeps,
  p: Principal,
  id: number,
  input: UpdateInput,
): Promise<UserOut> {
  const { db } = deps;
  const target = await findInScope(deps, p, id);
  await assertAuthorityOverUsers(db, p, [id]);
  if (target.is_superuser) throw badRequest("超级管理员不允许修改");
  if (input.is_superuser) throw badRequest("不允许设置超级管理员");
  const identity = {
    username: input.username !== target.username ? input.username : undefined,
    mobile: input.mobile !== undefined && input.mobile !== target.mobile ? input.mobile : undefined,
    email: input.email !== undefined && input.email !== target.email ? input.email : undefined,
  };
  await assertUnique(deps, identity, id, UPDATE_MSGS);
  if (input.dept_id != null && input.dept_id !== target.dept_id)
    await assertDeptAssignable(deps, p, input.dept_id);
  if (input.tenant_id != null && input.tenant_id !== target.tenant_id)
    await assertTenant(deps, p, input.tenant_id);

  let roleIds: number[] | undefined;
  const deptAfter = input.dept_id !== undefined ? input.dept_id : target.dept_id;
  if (Array.isArray(input.role_ids) || deptAfter !== target.dept_id) {
    const held = (await repo.rolesOf(db, [id], false)).map((l) => l.role.id);
    if (Array.isArray(input.role_ids)) {
      const wanted = uniq(input.role_ids);
      // a role beyond the caller's authority is refused as such, before "not found" for unseen ones
      const added = wanted.filter((r) => !held.includes(r));
      await assertMayAssignRoles(db, p, { roleIds: added, deptId: deptAfter });
      const scope = await roleScope(db, p);
      roleIds = await resolveLinks(
        wanted,
        held,
        (ids) => repo.visibleRoleIds(db, ids, scope),
        "部分角色不存在",
      );
    }
    // the account as it will be: its roles in its (possibly new) department
    await assertMayAssignRoles(db, p, { roleIds: roleIds ?? held, deptId: deptAfter, held });
  }
  let positionIds: number[] | undefined;
  if (Array.isArray(input.position_ids)) {
    const scope = await positionScope(db, p);
    positionIds = await resolveLinks(
      uniq(input.position_ids),
      (await repo.positionsOf(db, [id])).map((l) => l.id),
      (ids) => repo.visiblePositionIds(db, ids, scope),
      "部分岗位不存在",
    );
  }

  const values: Partial<UserInsert> = { ...profileValues(input), username: input.username, updated_id: p.id };
  if (input.status !== undefined) values.status = input.status;
  if (input.description !== undefined) values.description = input.description;
  if (input.dept_id !== undefined) values.dept_id = input.dept_id;
  if (input.tenant_id != null) values.tenant_id = input.tenant_id;

  await uniqueGuard(
    deps,
    () =>
      db.transaction(async (tx) => {
        await repo.updateUser(tx, db, id, values);
        if (roleIds) await repo.replaceRoles(tx, db, id, roleIds);
        if (positionIds) await repo.replacePositions(tx, db, id, positionIds);
      }),
    identity,
    id,
  );
  if (values.status === "1" && target.status !== "1") await endSessions(deps, [id]);
  else await forgetPrincipals(deps.cache, id);
  return presentOne(deps, id);
}

export async function resetPassword(
  deps: AppDeps,
  p: Principal,
  input: { id: number; password: string },
): Promise<UserOut> {
  const target = await findInScope(deps, p, input.id);
  await assertAuthorityOverUsers(deps.db, p, [target.id]);
  if (target.is_superuser) throw badRequest("超级管理员密码不能重置");
  assertAcceptablePassword(input.password, target);
  const password = await deps.hasher.hash(input.password);
  await repo.updateUser(deps.db.orm, deps.db, target.id, { password, updated_id: p.id });
  await endSessions(deps, [target.id]);
  return presentOne(deps, target.id);
}

/** Checks every id before deleting any: one refused id deletes nothing. */
export async function deleteUsers(deps: AppDeps, p: Principal, ids: number[]): Promise<void> {
  const { db } = deps;
  if (!ids.length) throw badRequest("删除失败，删除对象不能为空");
  const wanted = uniq(ids);
  const rows = new Map((await repo.findUsers(db, wanted, await userScope(db, p))).map((r) => [r.id, r]));
  await assertAuthorityOverUsers(db, p, [...rows.keys()]);
  for (const id of wanted) {
    const row = rows.get(id);
    if (!row) throw notFound("用户不存在");
    if (row.is_superuser) throw badRequest("超级管理员不能删除");
    if (row.status === "0") throw badRequest("用户已启用,不能删除");
    if (row.id === p.id) throw badRequest("不能删除当前登陆用户");
  }
  await db.transaction((tx) => repo.softDeleteUsers(tx, db, wanted, p.id));
  await endSessions(deps, wanted);
}

export async function setStatus(deps: AppDeps, p: Principal, ids: number[], status: string): Promise<void> {
  const { db } = deps;
  const wanted = uniq(ids);
  if (!wanted.length) return;
  const rows = new Map((await repo.findUsers(db, wanted, await userScope(db, p))).map((r) => [r.id, r]));
  await assertAuthorityOverUsers(db, p, [...rows.keys()]);
  for (const id of wanted) {
    const row = rows.get(id);
    if (!row) throw notFound(`用户ID ${id} 不存在`);
    if (row.is_superuser) throw badRequest("超级管理员状态不能修改");
  }
  await repo.setUsersStatus(db, wanted, status, p.id);
  if (status === "1") await endSessions(deps, wanted);
  else for (const id of wanted) await forgetPrincipals(deps.cache, id);
}

/* ---------- export / import ---------- */

export async function exportRows(deps: AppDeps, p: Principal, q: ExportQuery) {
  const orderBy = userOrderBy(deps, q.order_by);
  const rows = await repo.listUsers(deps.db, await listWhere(deps, p, q), orderBy);
  if (!rows.length) throw badRequest("没有数据可导出");
  const depts = await repo.deptNames(deps.db, [
    ...new Set(rows.map((r) => r.dept_id).filter((d): d is number => d !== null)),
  ]);
  const deptName = new Map(depts.map((d) => [d.id, d.name]));
  return rows.map((r) => ({
    id: r.id,
    avatar: r.avatar,
    username: r.username,
    name: r.name,
    dept_name: r.dept_id !== null ? (deptName.get(r.dept_id) ?? null) : null,
    dept_id: r.dept_id,
    email: r.email,
    mobile: r.mobile,
    gender: r.gender,
    status: r.status,
    is_superuser: r.is_superuser,
    last_login: r.last_login,
    description: r.description,
    created_time: r.created_time,
    updated_time: r.updated_time,
    updated_id: r.updated_id,
  }));
}
