import { inArray, type SQL } from "drizzle-orm";
import { dataScopeFilter, ownedBy, tenantFilter } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, softDeleted, withAuditUsers, within } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { conflict, found, notFound } from "@/core/http/errors";
import { type Page, type PageQuery, pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import { positionWorkbook } from "./position.export";
import * as repo from "./position.repo";
import type { PositionFilter, PositionInput, PositionOut } from "./position.schema";

/* Positions are visible through their creator's department (data scope strategy "creator"). */
const scopeOf = (deps: AppDeps, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "creator", creator: deps.db.t.sys_position.created_id });

function filterOf(deps: AppDeps, q: PositionFilter, scope: SQL | undefined) {
  const { sys_position: t } = deps.db.t;
  return allOf(
    scope,
    contains(t.name, q.name),
    contains(t.description, q.description),
    equals(t.status, q.status),
    within(t.created_time, q.created_time),
    within(t.updated_time, q.updated_time),
    equals(t.created_id, q.created_id),
    equals(t.updated_id, q.updated_id),
  );
}

async function toOut(deps: AppDeps, rows: repo.PositionRow[]): Promise<PositionOut[]> {
  const withUsers = await withAuditUsers(deps.db, rows);
  return withUsers.map((r) => ({
    created_id: r.created_id,
    created_by: r.created_by,
    updated_id: r.updated_id,
    updated_by: r.updated_by,
    deleted_id: r.deleted_id,
    deleted_by: r.deleted_by,
    ...toBaseOut(r),
    name: r.name,
    order: r.order,
  }));
}

export async function listPositions(
  deps: AppDeps,
  p: Principal,
  q: PositionFilter & PageQuery,
): Promise<Page<PositionOut>> {
  const where = filterOf(deps, q, await scopeOf(deps, p));
  const orderBy = orderByOf(deps.db.t.sys_position, q.order_by);
  const { rows, total } = await repo.selectPositionPage(deps.db, where, orderBy, q);
  return pageOf(await toOut(deps, rows), total, q);
}

export async function positionDetail(deps: AppDeps, p: Principal, id: number): Promise<PositionOut> {
  const row = await repo.findPosition(deps.db, id, await scopeOf(deps, p));
  if (!row) throw notFound("该岗位不存在");
  return (await toOut(deps, [row]))[0];
}

export async function createPosition(
  deps: AppDeps,
  p: Principal,
  input: PositionInput,
): Promise<PositionOut> {
  const { db } = deps;
  // Names are unique among live positions; there is no DB index (soft-deleted names may return).
  if (await repo.nameTaken(db, input.name, undefined, tenantFilter(db.t.sys_position, p)))
    throw conflict("创建失败，该岗位已存在");
  const id = await repo.insertPosition(db, {
    name: input.name,
    order: input.order ?? 1,
    status: input.status ?? "0",
    description: input.description ?? null,
    created_id: p.id,
    updated_id: p.id,
    ...ownedBy(p),
  });
  return (await toOut(deps, [found(await repo.findPosition(db, id), `position ${id}`)]))[0];
}

export async function updatePosition(
  deps: AppDeps,
  p: Principal,
  id: number,
  input: PositionInput,
): Promise<PositionOut> {
  const { db } = deps;
  const current = await repo.findPosition(db, id, await scopeOf(deps, p));
  if (!current) throw notFound("更新失败，该岗位不存在");
  if (await repo.nameTaken(db, input.name, id, tenantFilter(db.t.sys_position, p)))
    throw conflict("更新失败，岗位名称重复");
  const values: Parameters<typeof repo.updatePositions>[2] = { name: input.name, updated_id: p.id };
  if (input.order !== undefined) values.order = input.order;
  if (input.status !== undefined) values.status = input.status;
  if (input.description !== undefined) values.description = input.description;
  await repo.updatePositions(db, [id], values);
  return (await toOut(deps, [found(await repo.findPosition(db, id), `position ${id}`)]))[0];
}

/** Live positions among `ids` the caller can see. */
async function visiblePositions(deps: AppDeps, p: Principal, ids: number[]) {
  const scope = await scopeOf(deps, p);
  return repo.selectPositions(deps.db, allOf(inArray(deps.db.t.sys_position.id, ids), scope));
}

/** Soft delete (contract §10.4); user links stay, readers of users' positions skip deleted rows. */
export async function deletePositions(deps: AppDeps, p: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  await requireAll(unique, (wanted) => visiblePositions(deps, p, wanted), "删除失败，该岗位不存在");
  // One UPDATE over all ids: the batch is atomic without a transaction.
  await repo.updatePositions(deps.db, unique, { ...softDeleted(p.id), updated_id: p.id });
}

export async function setPositionsStatus(deps: AppDeps, p: Principal, ids: number[], status: string) {
  const unique = batchIds(ids, "修改失败，修改对象不能为空");
  await requireAll(unique, (wanted) => visiblePositions(deps, p, wanted), "修改失败，该岗位不存在");
  await repo.updatePositions(deps.db, unique, { status, updated_id: p.id });
}

/** Every matching position the caller can see, ordered by id (exports are not paged). */
export async function exportPositions(deps: AppDeps, p: Principal, q: PositionFilter): Promise<Uint8Array> {
  const rows = await repo.selectPositions(deps.db, filterOf(deps, q, await scopeOf(deps, p)));
  return positionWorkbook(rows);
}
