import { PLATFORM_TENANT_ID, tenantOf } from "@/core/auth/data-scope";
import { authServices } from "@/core/auth/guard";
import { assertAcceptablePassword } from "@/core/auth/password-policy";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, within } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { AppError, badRequest, conflict, forbidden, notFound, validationError } from "@/core/http/errors";
import { type PageQuery, pageOf } from "@/core/http/pagination";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import * as repo from "./tenant.repo";
import {
  endsBeforeStart,
  type TenantCreate,
  type TenantQuery,
  type TenantUpdate,
  TIME_ORDER_MESSAGE,
} from "./tenant.schema";

/** The platform tenant (seeded with id 1): every user belongs to it unless told otherwise. */
export const SYSTEM_TENANT_ID = PLATFORM_TENANT_ID;

/**
 * Tenants are managed from the platform tenant only (issue 14). The guard already refuses the
 * tenant permissions outside it; this holds for any caller that reaches the service another way.
 */
export function assertPlatformCaller(p: Principal) {
  if (tenantOf(p) !== PLATFORM_TENANT_ID) throw forbidden("仅平台租户可管理租户");
}

export async function listTenants(deps: AppDeps, q: TenantQuery & PageQuery) {
  const { sys_tenant: t } = deps.db.t;
  const where = allOf(
    contains(t.name, q.name),
    contains(t.code, q.code),
    equals(t.status, q.status),
    within(t.created_time, q.created_time),
    within(t.updated_time, q.updated_time),
  );
  const { rows, total } = await repo.pageTenants(deps.db, where, orderByOf(t, q.order_by), q);
  return pageOf(rows, total, q);
}

export async function getTenant(deps: AppDeps, id: number) {
  const row = await repo.findTenant(deps.db, id);
  if (!row) throw notFound("租户不存在");
  return row;
}

/**
 * Creates the tenant and, when `admin` is sent, its first administrator: a superuser inside the
 * new tenant only, with the password the caller chose. (Upstream created a `{code}_admin` user
 * whose random password went to the server log, contract §16 #12.)
 */
export async function createTenant(deps: AppDeps, caller: Principal, input: TenantCreate) {
  assertPlatformCaller(caller);
  if (await repo.tenantTaken(deps.db, "name", input.name)) throw conflict("创建失败，名称已存在");
  if (await repo.tenantTaken(deps.db, "code", input.code)) throw conflict("创建失败，编码已存在");
  const values = {
    name: input.name,
    code: input.code,
    status: input.status ?? "0",
    description: input.description ?? null,
    start_time: input.start_time ?? null,
    end_time: input.end_time ?? null,
  };
  const { admin } = input;
  if (!admin) {
    const id = await conflictOnDuplicate(deps.db, "创建失败，名称或编码已存在", () =>
      repo.insertTenant(deps.db, values),
    );
    return getTenant(deps, id);
  }
  assertAcceptablePassword(admin.password, { username: admin.username, name: admin.name });
  if (await repo.usernameTaken(deps.db, admin.username)) throw conflict("创建失败，管理员账号已存在");
  const password = await deps.hasher.hash(admin.password);
  const id = await conflictOnDuplicate(deps.db, "创建失败，名称、编码或管理员账号已存在", () =>
    repo.insertTenantWithAdmin(deps.db, values, {
      username: admin.username,
      password,
      name: admin.name,
      status: "0",
      is_superuser: true,
      created_id: caller.id,
      updated_id: caller.id,
    }),
  );
  return getTenant(deps, id);
}

export async function updateTenant(deps: AppDeps, id: number, input: TenantUpdate) {
  const existing = await getTenant(deps, id);
  if (id === SYSTEM_TENANT_ID) {
    if (input.code !== undefined && input.code !== existing.code) throw badRequest("系统租户编码不可修改");
    if (input.status === "1") throw badRequest("系统租户不允许禁用");
  }
  // The stored end of the range counts when only the other end is sent.
  const start = input.start_time !== undefined ? input.start_time : existing.start_time;
  const end = input.end_time !== undefined ? input.end_time : existing.end_time;
  if (endsBeforeStart(start, end)) throw validationError(TIME_ORDER_MESSAGE);
  if (input.name !== undefined && (await repo.tenantTaken(deps.db, "name", input.name, id))) {
    throw conflict("更新失败，名称重复");
  }
  if (input.code !== undefined && (await repo.tenantTaken(deps.db, "code", input.code, id))) {
    throw conflict("更新失败，编码重复");
  }
  const values = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (Object.keys(values).length) {
    await conflictOnDuplicate(deps.db, "更新失败，名称或编码重复", () =>
      repo.updateTenant(deps.db, id, values),
    );
  }
  return getTenant(deps, id);
}

/**
 * Refused for the platform tenant and for any tenant that still has live users or other live
 * rows (departments, roles, positions, notices, portal entries, task nodes, workflows); its log
 * goes with it.
 */
export async function deleteTenants(deps: AppDeps, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  if (unique.includes(SYSTEM_TENANT_ID)) throw badRequest("系统租户不允许删除");
  await requireAll(unique, (w) => repo.existingTenantIds(deps.db, w), "删除失败，该租户不存在");
  await deps.db.transaction(async (tx) => {
    const users = await repo.liveUsersByTenant(tx, deps.db, unique);
    const busy = unique.find((id) => (users.get(id) ?? 0) > 0);
    if (busy !== undefined) {
      throw new AppError("bad_request", `租户 ID=${busy} 下仍有关联数据（用户），请先清理后再删除`);
    }
    const [owned] = await repo.liveRowsByTenant(deps.db, unique);
    if (owned) {
      throw new AppError(
        "bad_request",
        `租户 ID=${owned.tenant_id} 下仍有关联数据（${owned.table}），请先清理后再删除`,
      );
    }
    await repo.deleteTenantLogs(tx, deps.db, unique);
    await repo.moveDeletedUsers(tx, deps.db, unique, SYSTEM_TENANT_ID);
    await repo.deleteTenants(tx, deps.db, unique);
  });
}

export async function setTenantStatus(deps: AppDeps, ids: number[], status: string) {
  const unique = batchIds(ids, "修改失败，修改对象不能为空");
  if (status === "1" && unique.includes(SYSTEM_TENANT_ID)) throw badRequest("系统租户不允许禁用");
  await requireAll(unique, (w) => repo.existingTenantIds(deps.db, w), "租户不存在");
  await repo.setTenantStatus(deps.db, unique, status);
  // Disabling ends every session of the tenant's users (login is refused from now on).
  if (status !== "0") {
    const { sessions } = authServices(deps);
    for (const userId of await repo.userIdsOfTenants(deps.db, unique)) await sessions.endAllOf(userId);
  }
}
