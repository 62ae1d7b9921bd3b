import { eq } from "drizzle-orm";
import { dataScopeFilter, ownedBy } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, withAuditUsers, within } from "@/core/db/query";
import { batchIds } from "@/core/http/batch";
import { conflict, notFound } from "@/core/http/errors";
import { type Page, type PageQuery, pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import { parseKwargs } from "@/modules/task/cronjob/runner/kwargs";
import { checkTaskCode } from "@/modules/task/cronjob/runner/task-code";
import * as repo from "./node-type.repo";
import type { NodeTypeFilter, NodeTypeInput, NodeTypeOut } from "./node-type.schema";

export type NodeTypeRow = repo.NodeTypeRow;

export const nodeTypeScope = (deps: AppDeps, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "creator", creator: deps.db.t.task_workflow_node_type.created_id });

async function toOut(deps: AppDeps, rows: NodeTypeRow[]): Promise<NodeTypeOut[]> {
  return (await withAuditUsers(deps.db, rows)).map((r) => ({
    ...toBaseOut(r),
    name: r.name,
    code: r.code,
    category: r.category,
    func: r.func,
    args: r.args,
    kwargs: r.kwargs,
    sort_order: r.sort_order,
    is_active: Boolean(r.is_active),
    created_id: r.created_id,
    created_by: r.created_by,
    updated_id: r.updated_id,
    updated_by: r.updated_by,
    deleted_id: r.deleted_id,
    deleted_by: r.deleted_by,
  }));
}

/** The caller's visible live node types with these codes, active or not (workflow runs). */
export async function visibleNodeTypesByCode(deps: AppDeps, p: Principal, codes: string[]) {
  return repo.nodeTypesByCode(deps.db, codes, await nodeTypeScope(deps, p));
}

async function find(deps: AppDeps, p: Principal, id: number) {
  return repo.findNodeType(deps.db, id, await nodeTypeScope(deps, p));
}

const one = async (deps: AppDeps, id: number) => (await toOut(deps, await repo.nodeTypeById(deps.db, id)))[0];

export async function nodeTypeOptions(deps: AppDeps, p: Principal) {
  const rows = await repo.activeNodeTypes(deps.db, await nodeTypeScope(deps, p));
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    category: r.category,
    args: r.args || "",
    kwargs: r.kwargs || "{}",
  }));
}

export async function listNodeTypes(
  deps: AppDeps,
  p: Principal,
  q: NodeTypeFilter & PageQuery,
): Promise<Page<NodeTypeOut>> {
  const t = deps.db.t.task_workflow_node_type;
  const where = allOf(
    await nodeTypeScope(deps, p),
    contains(t.name, q.name),
    contains(t.code, q.code),
    equals(t.category, q.category),
    q.is_active === undefined ? undefined : eq(t.is_active, q.is_active),
    within(t.created_time, q.created_time),
    within(t.updated_time, q.updated_time),
    equals(t.created_id, q.created_id),
    equals(t.updated_id, q.updated_id),
  );
  const { rows, total } = await repo.pageNodeTypes(deps.db, where, orderByOf(t, q.order_by), q);
  return pageOf(await toOut(deps, rows), total, q);
}

export async function nodeTypeDetail(deps: AppDeps, p: Principal, id: number) {
  if (!(await find(deps, p, id))) throw notFound("编排节点类型不存在");
  return one(deps, id);
}

/** Codes are unique over all rows: the UNIQUE constraint keeps a deleted type's code (§14 #9). */
async function requireFreeCode(deps: AppDeps, code: string, exceptId?: number) {
  if (await repo.nodeTypeCodeTaken(deps.db, code, exceptId)) throw conflict("节点编码已存在");
}

async function checkRunnable(deps: AppDeps, input: NodeTypeInput) {
  await checkTaskCode(deps.settings, input.func);
  parseKwargs(input.kwargs);
}

export async function createNodeType(deps: AppDeps, p: Principal, input: NodeTypeInput) {
  await checkRunnable(deps, input);
  await requireFreeCode(deps, input.code);
  const id = await conflictOnDuplicate(deps.db, "节点编码已存在", async () =>
    repo.insertNodeType(deps.db, {
      name: input.name,
      code: input.code,
      category: input.category,
      func: input.func,
      args: input.args ?? null,
      kwargs: input.kwargs ?? null,
      sort_order: input.sort_order ?? 0,
      is_active: input.is_active ?? true,
      created_id: p.id,
      updated_id: p.id,
      ...ownedBy(p),
    }),
  );
  return one(deps, id);
}

export async function updateNodeType(deps: AppDeps, p: Principal, id: number, input: NodeTypeInput) {
  if (!(await find(deps, p, id))) throw notFound("编排节点类型不存在");
  await checkRunnable(deps, input);
  await requireFreeCode(deps, input.code, id);
  const values: Partial<NodeTypeRow> = {
    name: input.name,
    code: input.code,
    category: input.category,
    func: input.func,
    updated_id: p.id,
  };
  if (input.args !== undefined) values.args = input.args;
  if (input.kwargs !== undefined) values.kwargs = input.kwargs;
  if (input.sort_order != null) values.sort_order = input.sort_order;
  if (input.is_active != null) values.is_active = input.is_active;
  await conflictOnDuplicate(deps.db, "节点编码已存在", () => repo.updateNodeTypeRow(deps.db, id, values));
  return one(deps, id);
}

export async function deleteNodeTypes(deps: AppDeps, p: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除ID不能为空");
  const found = await repo.liveNodeTypeIds(deps.db, unique, await nodeTypeScope(deps, p));
  if (found.length < unique.length) throw notFound("编排节点类型不存在");
  await repo.softDeleteNodeTypes(deps.db, unique, p.id);
}
