import { inArray, type SQL } from "drizzle-orm";
import { dataScopeFilter } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, softDeleted, withAuditUsers, within } from "@/core/db/query";
import { batchIds } from "@/core/http/batch";
import { conflict, found, notFound } from "@/core/http/errors";
import { type Page, type PageQuery, pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import { exportWorkbook } from "./demo.excel";
import * as repo from "./demo.repo";
import type { ExampleFilter, ExampleInput, ExampleOut } from "./demo.schema";
import { type ExampleSpec, TYPED_FIELDS } from "./demo.spec";

/* Rows are visible through their creator's department (data scope strategy "creator"). */
export const scopeOf = (deps: AppDeps, spec: ExampleSpec, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "creator", creator: repo.tableOf(deps.db, spec).created_id });

function filterOf(deps: AppDeps, spec: ExampleSpec, q: ExampleFilter, scope: SQL | undefined) {
  const t = repo.tableOf(deps.db, spec);
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

async function toOut(deps: AppDeps, spec: ExampleSpec, rows: repo.DemoRow[]): Promise<ExampleOut[]> {
  const withUsers = await withAuditUsers(deps.db, rows);
  return withUsers.map((r) => {
    const out: ExampleOut = {
      ...toBaseOut(r),
      name: r.name,
      created_id: r.created_id,
      created_by: r.created_by,
      updated_id: r.updated_id,
      updated_by: r.updated_by,
      deleted_id: r.deleted_id,
      deleted_by: r.deleted_by,
    };
    if (!spec.typedFields) return out;
    return {
      ...out,
      a: r.a ?? null,
      b: r.b ?? null,
      c: r.c ?? null,
      d: Boolean(r.d),
      e: r.e ?? null,
      f: r.f ?? null,
      g: r.g ?? null,
      h: r.h ?? null,
      i: r.i ?? null,
    };
  });
}

const one = async (deps: AppDeps, spec: ExampleSpec, id: number) =>
  (await toOut(deps, spec, [found(await repo.findDemo(deps.db, spec, id), `${spec.table} ${id}`)]))[0];

export async function listDemos(
  deps: AppDeps,
  spec: ExampleSpec,
  p: Principal,
  q: ExampleFilter & PageQuery,
): Promise<Page<ExampleOut>> {
  const where = filterOf(deps, spec, q, await scopeOf(deps, spec, p));
  const orderBy = orderByOf(repo.tableOf(deps.db, spec), q.order_by);
  const { rows, total } = await repo.selectDemoPage(deps.db, spec, where, orderBy, q);
  return pageOf(await toOut(deps, spec, rows), total, q);
}

export async function demoDetail(
  deps: AppDeps,
  spec: ExampleSpec,
  p: Principal,
  id: number,
): Promise<ExampleOut> {
  const row = await repo.findDemo(deps.db, spec, id, await scopeOf(deps, spec, p));
  if (!row) throw notFound("该数据不存在");
  return (await toOut(deps, spec, [row]))[0];
}

/** A new row's columns: the body's values with create's defaults (status "0", d true, else null). */
export function newRow(spec: ExampleSpec, p: Principal, input: ExampleInput): repo.DemoInsert {
  const row: repo.DemoInsert = {
    name: input.name,
    status: input.status ?? "0",
    description: input.description ?? null,
    created_id: p.id,
    updated_id: p.id,
  };
  if (!spec.typedFields) return row;
  return {
    ...row,
    a: input.a ?? null,
    b: input.b ?? null,
    c: input.c ?? null,
    d: input.d ?? true,
    e: input.e ?? null,
    f: input.f ?? null,
    g: input.g ?? null,
    h: input.h ?? null,
    i: input.i ?? null,
  };
}

/**
 * Names are unique among live rows of the table (soft-deleted names may come back, so there is
 * no unique index); the check is global, not per data scope, like the other modules'.
 */
export async function createDemo(deps: AppDeps, spec: ExampleSpec, p: Principal, input: ExampleInput) {
  const { db } = deps;
  if (await repo.nameTaken(db, spec, input.name)) throw conflict("创建失败，名称已存在");
  const id = await repo.insertDemo(db, spec, newRow(spec, p, input));
  return one(deps, spec, id);
}

export async function updateDemo(
  deps: AppDeps,
  spec: ExampleSpec,
  p: Principal,
  id: number,
  input: ExampleInput,
): Promise<ExampleOut> {
  const { db } = deps;
  const current = await repo.findDemo(db, spec, id, await scopeOf(deps, spec, p));
  if (!current) throw notFound("更新失败，该数据不存在");
  if (await repo.nameTaken(db, spec, input.name, id)) throw conflict("更新失败，名称重复");
  const values: Partial<repo.DemoInsert> = { name: input.name, updated_id: p.id };
  if (input.status !== undefined) values.status = input.status;
  if (input.description !== undefined) values.description = input.description;
  if (spec.typedFields) {
    // only the keys the body carried (partial update)
    const typed = values as Record<string, unknown>;
    for (const key of TYPED_FIELDS) if (input[key] !== undefined) typed[key] = input[key];
  }
  await repo.updateDemos(db, spec, [id], values);
  return one(deps, spec, id);
}

/**
 * The distinct live rows among `ids` the caller can see; the first id that is not one of them
 * refuses the whole batch (404). Upstream's status update skipped this check (§14 #10).
 */
async function requireVisible(
  deps: AppDeps,
  spec: ExampleSpec,
  p: Principal,
  ids: number[],
  missing: (id: number) => string,
) {
  const scope = await scopeOf(deps, spec, p);
  const rows = await repo.selectDemos(
    deps.db,
    spec,
    allOf(inArray(repo.tableOf(deps.db, spec).id, ids), scope),
  );
  const found = new Set(rows.map((r) => r.id));
  const absent = ids.find((id) => !found.has(id));
  if (absent !== undefined) throw notFound(missing(absent));
}

/** Soft delete; one UPDATE over all ids, so the batch is atomic. */
export async function deleteDemos(deps: AppDeps, spec: ExampleSpec, p: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  await requireVisible(deps, spec, p, unique, (id) => `删除失败，ID为${id}的数据不存在`);
  await repo.updateDemos(deps.db, spec, unique, { ...softDeleted(p.id), updated_id: p.id });
}

export async function setDemosStatus(
  deps: AppDeps,
  spec: ExampleSpec,
  p: Principal,
  ids: number[],
  status: string,
) {
  const unique = batchIds(ids, "修改失败，修改对象不能为空");
  await requireVisible(deps, spec, p, unique, (id) => `修改失败，ID为${id}的数据不存在`);
  await repo.updateDemos(deps.db, spec, unique, { status, updated_id: p.id });
}

/** Every matching row the caller can see, ordered by id (exports are not paged). */
export async function exportDemos(
  deps: AppDeps,
  spec: ExampleSpec,
  p: Principal,
  q: ExampleFilter,
): Promise<Uint8Array> {
  const rows = await repo.selectDemos(deps.db, spec, filterOf(deps, spec, q, await scopeOf(deps, spec, p)));
  const withUsers = await withAuditUsers(deps.db, rows);
  return exportWorkbook(
    withUsers.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      description: r.description,
      created_time: r.created_time,
      updated_time: r.updated_time,
      creator: r.created_by?.name ?? null,
    })),
  );
}
