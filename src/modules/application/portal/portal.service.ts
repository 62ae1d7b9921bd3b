import { inArray, type SQL } from "drizzle-orm";
import { dataScopeFilter, ownedBy, tenantFilter } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, softDeleted, withAuditUsers, within } from "@/core/db/query";
import { batchIds } from "@/core/http/batch";
import { conflict, found, notFound } from "@/core/http/errors";
import { type Page, type PageQuery, pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import * as repo from "./portal.repo";
import type { PortalFilter, PortalInput, PortalOut } from "./portal.schema";

/* Applications are visible through their creator's department (data scope strategy "creator"). */
const scopeOf = (deps: AppDeps, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "creator", creator: deps.db.t.app_portal.created_id });

function filterOf(deps: AppDeps, q: PortalFilter, scope: SQL | undefined) {
  const { app_portal: t } = deps.db.t;
  return allOf(
    scope,
    contains(t.name, q.name),
    equals(t.status, q.status),
    within(t.created_time, q.created_time),
    within(t.updated_time, q.updated_time),
    equals(t.created_id, q.created_id),
    equals(t.updated_id, q.updated_id),
  );
}

async function toOut(deps: AppDeps, rows: repo.PortalRow[]): Promise<PortalOut[]> {
  const withUsers = await withAuditUsers(deps.db, rows);
  return withUsers.map((r) => ({
    ...toBaseOut(r),
    name: r.name,
    access_url: r.access_url,
    icon_url: r.icon_url,
    tenant_id: r.tenant_id,
    tenant: null,
    created_id: r.created_id,
    created_by: r.created_by,
    updated_id: r.updated_id,
    updated_by: r.updated_by,
    deleted_id: r.deleted_id,
    deleted_by: r.deleted_by,
  }));
}

const one = async (deps: AppDeps, id: number) =>
  (await toOut(deps, [found(await repo.findPortal(deps.db, id), `portal ${id}`)]))[0];

export async function listPortals(
  deps: AppDeps,
  p: Principal,
  q: PortalFilter & PageQuery,
): Promise<Page<PortalOut>> {
  const where = filterOf(deps, q, await scopeOf(deps, p));
  const orderBy = orderByOf(deps.db.t.app_portal, q.order_by);
  const { rows, total } = await repo.selectPortalPage(deps.db, where, orderBy, q);
  return pageOf(await toOut(deps, rows), total, q);
}

export async function portalDetail(deps: AppDeps, p: Principal, id: number): Promise<PortalOut> {
  const row = await repo.findPortal(deps.db, id, await scopeOf(deps, p));
  if (!row) throw notFound("应用不存在");
  return (await toOut(deps, [row]))[0];
}

/**
 * Names are unique among live applications (soft-deleted names may come back, so there is no
 * unique index); the check is global rather than per data scope, so two users cannot create
 * look-alike entries in the portal.
 */
export async function createPortal(deps: AppDeps, p: Principal, input: PortalInput): Promise<PortalOut> {
  const { db } = deps;
  if (await repo.nameTaken(db, input.name, undefined, tenantFilter(db.t.app_portal, p)))
    throw conflict("创建失败，应用名称已存在");
  const id = await repo.insertPortal(db, {
    name: input.name,
    access_url: input.access_url,
    icon_url: input.icon_url ?? null,
    status: input.status ?? "0",
    description: input.description ?? null,
    created_id: p.id,
    updated_id: p.id,
    ...ownedBy(p),
  });
  return one(deps, id);
}

export async function updatePortal(
  deps: AppDeps,
  p: Principal,
  id: number,
  input: PortalInput,
): Promise<PortalOut> {
  const { db } = deps;
  const current = await repo.findPortal(db, id, await scopeOf(deps, p));
  if (!current) throw notFound("更新失败，该应用不存在");
  if (await repo.nameTaken(db, input.name, id, tenantFilter(db.t.app_portal, p)))
    throw conflict("更新失败，应用名称重复");
  const values: Parameters<typeof repo.updatePortals>[2] = {
    name: input.name,
    access_url: input.access_url,
    updated_id: p.id,
  };
  if (input.icon_url !== undefined) values.icon_url = input.icon_url;
  if (input.status !== undefined) values.status = input.status;
  if (input.description !== undefined) values.description = input.description;
  await repo.updatePortals(db, [id], values);
  return one(deps, id);
}

/**
 * The distinct live applications among `ids` that the caller can see; the first id that is not
 * one of them refuses the whole batch (404) — upstream skipped the scope check here (§14 #10).
 */
async function requireVisible(deps: AppDeps, p: Principal, ids: number[], missing: (id: number) => string) {
  const scope = await scopeOf(deps, p);
  const rows = await repo.selectPortals(deps.db, allOf(inArray(deps.db.t.app_portal.id, ids), scope));
  const found = new Set(rows.map((r) => r.id));
  const absent = ids.find((id) => !found.has(id));
  if (absent !== undefined) throw notFound(missing(absent));
}

/** Soft delete; one UPDATE over all ids, so the batch is atomic. */
export async function deletePortals(deps: AppDeps, p: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  await requireVisible(deps, p, unique, (id) => `删除失败，应用 ${id} 不存在`);
  await repo.updatePortals(deps.db, unique, { ...softDeleted(p.id), updated_id: p.id });
}

export async function setPortalsStatus(deps: AppDeps, p: Principal, ids: number[], status: string) {
  const unique = batchIds(ids, "修改失败，修改对象不能为空");
  await requireVisible(deps, p, unique, (id) => `修改失败，应用 ${id} 不存在`);
  await repo.updatePortals(deps.db, unique, { status, updated_id: p.id });
}
