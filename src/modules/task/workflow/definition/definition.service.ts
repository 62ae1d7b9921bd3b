import { dataScopeFilter, ownedBy } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, withAuditUsers, within } from "@/core/db/query";
import { batchIds } from "@/core/http/batch";
import { badRequest, conflict, notFound } from "@/core/http/errors";
import { type Page, type PageQuery, pageOf } from "@/core/http/pagination";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import { taskHandlerOf } from "@/modules/task/cronjob/runner/task-code";
import { visibleNodeTypesByCode } from "@/modules/task/workflow/node-type/node-type.service";
import { type NodeTemplate, orderedGraph, runGraph } from "./definition.engine";
import * as repo from "./definition.repo";
import type {
  WorkflowCreate,
  WorkflowExecuteInput,
  WorkflowFilter,
  WorkflowOut,
  WorkflowUpdate,
} from "./definition.schema";

type WorkflowRow = repo.WorkflowRow;

const scopeOf = (deps: AppDeps, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "creator", creator: deps.db.t.task_workflow.created_id });

/** `status` is the workflow state; `created_by`/`updated_by` are filled (upstream dropped them, §14 #30). */
async function toOut(deps: AppDeps, rows: WorkflowRow[]): Promise<WorkflowOut[]> {
  return (await withAuditUsers(deps.db, rows)).map((r) => ({
    id: r.id,
    uuid: r.uuid,
    name: r.name,
    code: r.code,
    status: r.workflow_status,
    description: r.description,
    nodes: r.nodes ?? null,
    edges: r.edges ?? null,
    created_time: r.created_time,
    updated_time: r.updated_time,
    created_id: r.created_id,
    created_by: r.created_by,
    updated_id: r.updated_id,
    updated_by: r.updated_by,
    deleted_id: r.deleted_id,
    deleted_by: r.deleted_by,
  }));
}

async function find(deps: AppDeps, p: Principal, id: number) {
  const row = await repo.findWorkflow(deps.db, id, await scopeOf(deps, p));
  if (!row) throw notFound("工作流不存在");
  return row;
}

const one = async (deps: AppDeps, id: number) => (await toOut(deps, await repo.workflowById(deps.db, id)))[0];

export async function listWorkflows(
  deps: AppDeps,
  p: Principal,
  q: WorkflowFilter & PageQuery,
): Promise<Page<WorkflowOut>> {
  const t = deps.db.t.task_workflow;
  const where = allOf(
    await scopeOf(deps, p),
    contains(t.name, q.name),
    contains(t.code, q.code),
    equals(t.workflow_status, q.status),
    within(t.created_time, q.created_time),
    within(t.updated_time, q.updated_time),
    equals(t.created_id, q.created_id),
    equals(t.updated_id, q.updated_id),
  );
  const { rows, total } = await repo.pageWorkflows(deps.db, where, orderByOf(t, q.order_by), q);
  return pageOf(await toOut(deps, rows), total, q);
}

export async function workflowDetail(deps: AppDeps, p: Principal, id: number) {
  await find(deps, p, id);
  return one(deps, id);
}

/** Over all rows: the UNIQUE constraint keeps a deleted workflow's code (§14 #9). */
async function requireFreeCode(deps: AppDeps, code: string, exceptId?: number) {
  if (await repo.workflowCodeTaken(deps.db, code, exceptId)) throw conflict("流程编码已存在");
}

export async function createWorkflow(deps: AppDeps, p: Principal, input: WorkflowCreate) {
  await requireFreeCode(deps, input.code);
  const id = await conflictOnDuplicate(deps.db, "流程编码已存在", async () =>
    repo.insertWorkflow(deps.db, {
      name: input.name,
      code: input.code,
      description: input.description ?? null,
      nodes: input.nodes ?? null,
      edges: input.edges ?? null,
      workflow_status: "draft",
      created_id: p.id,
      updated_id: p.id,
      ...ownedBy(p),
    }),
  );
  return one(deps, id);
}

export async function updateWorkflow(deps: AppDeps, p: Principal, id: number, input: WorkflowUpdate) {
  const row = await find(deps, p, id);
  if (input.code !== undefined && input.code !== row.code) await requireFreeCode(deps, input.code, id);
  const values: Partial<WorkflowRow> = { updated_id: p.id };
  if (input.name !== undefined) values.name = input.name;
  if (input.code !== undefined) values.code = input.code;
  if (input.description !== undefined) values.description = input.description;
  if (input.nodes !== undefined) values.nodes = input.nodes;
  if (input.edges !== undefined) values.edges = input.edges;
  if (input.workflow_status !== undefined) values.workflow_status = input.workflow_status;
  await conflictOnDuplicate(deps.db, "流程编码已存在", () => repo.updateWorkflowRow(deps.db, id, values));
  return one(deps, id);
}

/** Existence and scope are checked (upstream deleted any id, §14 #33). */
export async function deleteWorkflows(deps: AppDeps, p: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除ID不能为空");
  const found = await repo.liveWorkflowIds(deps.db, unique, await scopeOf(deps, p));
  if (found.length < unique.length) throw notFound("工作流不存在");
  await repo.softDeleteWorkflows(deps.db, unique, p.id);
}

export async function publishWorkflow(deps: AppDeps, p: Principal, id: number) {
  const row = await find(deps, p, id);
  orderedGraph(row.nodes, row.edges);
  await repo.updateWorkflowRow(deps.db, id, { workflow_status: "published", updated_id: p.id });
  return one(deps, id);
}

/** Python-style UTC ISO text with microseconds, as upstream's start/end times. */
const utcIso = (d: Date) => d.toISOString().replace("Z", "000+00:00");

export async function executeWorkflow(deps: AppDeps, p: Principal, input: WorkflowExecuteInput) {
  const row = await find(deps, p, input.workflow_id);
  if (row.workflow_status !== "published") throw badRequest("仅已发布的工作流可执行");
  if (!row.nodes?.length) throw badRequest("工作流没有节点");
  const graph = orderedGraph(row.nodes, row.edges);
  const codes = [...new Set(graph.nodes.map((n) => n.type))];
  const missingType = graph.nodes.find((n) => !n.type);
  if (missingType) throw badRequest(`工作流节点未指定类型: ${missingType.id}`);
  const types = await visibleNodeTypesByCode(deps, p, codes);
  const templates = new Map<string, NodeTemplate>();
  for (const code of codes) {
    const type = types.find((x) => x.code === code);
    if (!type)
      throw badRequest(`编排节点类型未注册（请在「工作流编排节点类型」中维护，非定时任务节点）: ${code}`);
    // inactive types were still executable upstream (§14 #32)
    if (!type.is_active) throw badRequest(`编排节点类型已停用: ${code}`);
    if (!type.func?.trim()) throw badRequest(`编排节点类型未配置 func 代码块: ${code}`);
    templates.set(code, {
      handler: taskHandlerOf(deps, type.func),
      args: type.args,
      kwargs: type.kwargs,
    });
  }
  const variables = input.variables ?? {};
  const start = new Date();
  const outcome = await runGraph(graph, templates, variables);
  const end = new Date();
  return {
    workflow_id: row.id,
    workflow_name: row.name,
    status: "error" in outcome ? ("failed" as const) : ("completed" as const),
    start_time: utcIso(start),
    end_time: utcIso(end),
    variables,
    node_results: "error" in outcome ? null : outcome.results,
    error: "error" in outcome ? outcome.error : null,
  };
}
