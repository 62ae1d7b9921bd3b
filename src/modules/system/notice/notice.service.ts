import { asc, eq } from "drizzle-orm";
import { dataScopeFilter, ownedBy, tenantFilter, withoutTenant } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, withAuditUsers, within } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { conflict, notFound } from "@/core/http/errors";
import { type PageQuery, pageOf } from "@/core/http/pagination";
import * as repo from "./notice.repo";
import type { NoticeInput, NoticeQuery } from "./notice.schema";

/** Notices are visible by their creator's department (contract §6.4). */
function scopeOf(deps: AppDeps, principal: Principal) {
  const { sys_notice } = deps.db.t;
  return dataScopeFilter(deps.db, principal, { kind: "creator", creator: sys_notice.created_id });
}

function filterOf(deps: AppDeps, q: NoticeQuery) {
  const { sys_notice: t } = deps.db.t;
  return allOf(
    contains(t.notice_title, q.notice_title),
    equals(t.notice_type, q.notice_type),
    contains(t.description, q.description),
    equals(t.status, q.status),
    within(t.created_time, q.created_time),
    within(t.updated_time, q.updated_time),
    equals(t.created_id, q.created_id),
    equals(t.updated_id, q.updated_id),
  );
}

async function present(deps: AppDeps, rows: repo.NoticeRow[]) {
  return withAuditUsers(deps.db, rows.map(withoutTenant));
}

export async function listNotices(deps: AppDeps, principal: Principal, q: NoticeQuery & PageQuery) {
  const { sys_notice } = deps.db.t;
  const where = allOf(filterOf(deps, q), await scopeOf(deps, principal));
  const { rows, total } = await repo.pageNotices(deps.db, where, orderByOf(sys_notice, q.order_by), q);
  return pageOf(await present(deps, rows), total, q);
}

/** Enabled notices of the caller's tenant for every signed-in user (the SPA's notice bell): no data scope, oldest first. */
export async function availableNotices(deps: AppDeps, principal: Principal, q: PageQuery) {
  const { sys_notice } = deps.db.t;
  const orderBy = q.order_by ? orderByOf(sys_notice, q.order_by) : [asc(sys_notice.id)];
  const where = allOf(eq(sys_notice.status, "0"), tenantFilter(sys_notice, principal));
  const { rows, total } = await repo.pageNotices(deps.db, where, orderBy, q);
  return pageOf(await present(deps, rows), total, q);
}

export async function getNotice(deps: AppDeps, principal: Principal, id: number) {
  const row = await repo.findNotice(deps.db, id, await scopeOf(deps, principal));
  if (!row) throw notFound("该公告通知不存在");
  const [out] = await present(deps, [row]);
  return out;
}

/** The row just written, returned to its writer whatever their scope says about reading it. */
async function written(deps: AppDeps, id: number) {
  const row = await repo.findNotice(deps.db, id);
  if (!row) throw notFound("该公告通知不存在");
  const [out] = await present(deps, [row]);
  return out;
}

export async function createNotice(deps: AppDeps, principal: Principal, input: NoticeInput) {
  const inTenant = tenantFilter(deps.db.t.sys_notice, principal);
  if (await repo.titleTaken(deps.db, input.notice_title, undefined, inTenant))
    throw conflict("创建失败，该公告通知已存在");
  const id = await repo.insertNotice(deps.db, {
    notice_title: input.notice_title,
    notice_type: input.notice_type,
    notice_content: input.notice_content,
    status: input.status ?? "0",
    description: input.description ?? null,
    created_id: principal.id,
    updated_id: principal.id,
    ...ownedBy(principal),
  });
  return written(deps, id);
}

export async function updateNotice(deps: AppDeps, principal: Principal, id: number, input: NoticeInput) {
  const existing = await repo.findNotice(deps.db, id, await scopeOf(deps, principal));
  if (!existing) throw notFound("更新失败，该公告通知不存在");
  if (await repo.titleTaken(deps.db, input.notice_title, id, tenantFilter(deps.db.t.sys_notice, principal)))
    throw conflict("更新失败，公告通知标题重复");
  await repo.updateNotice(deps.db, id, {
    notice_title: input.notice_title,
    notice_type: input.notice_type,
    notice_content: input.notice_content,
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    updated_id: principal.id,
  });
  return written(deps, id);
}

/** Live notices among `ids` the caller can see. */
async function visibleNoticeIds(deps: AppDeps, principal: Principal, ids: number[]) {
  return repo.existingNoticeIds(deps.db, ids, await scopeOf(deps, principal));
}

export async function deleteNotices(deps: AppDeps, principal: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  await requireAll(unique, (w) => visibleNoticeIds(deps, principal, w), "删除失败，该公告通知不存在");
  await repo.softDeleteNotices(deps.db, unique, principal.id);
}

export async function setNoticeStatus(deps: AppDeps, principal: Principal, ids: number[], status: string) {
  const unique = batchIds(ids, "修改失败，修改对象不能为空");
  await requireAll(unique, (w) => visibleNoticeIds(deps, principal, w), "修改失败，该公告通知不存在");
  await repo.setNoticeStatus(deps.db, unique, status, principal.id);
}

export async function exportNotices(deps: AppDeps, principal: Principal, q: NoticeQuery) {
  return repo.selectNotices(deps.db, allOf(filterOf(deps, q), await scopeOf(deps, principal)));
}
