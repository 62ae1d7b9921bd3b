import { dataScopeFilter, ownedBy, tenantFilter } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, withAuditUsers, within } from "@/core/db/query";
import { batchIds } from "@/core/http/batch";
import { parseDateTime } from "@/core/http/datetime";
import { conflict, notFound } from "@/core/http/errors";
import { type Page, type PageQuery, pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import { runDate } from "@/modules/task/cronjob/cron";
import { edgeScheduleNote } from "@/modules/task/cronjob/runner/edge-tick";
import { parseKwargs } from "@/modules/task/cronjob/runner/kwargs";
import { type Schedule, taskScheduler } from "@/modules/task/cronjob/runner/node-scheduler";
import { checkTaskCode, taskCodeKind } from "@/modules/task/cronjob/runner/task-code";
import * as repo from "./node.repo";
import type { ExecuteInput, NodeFilter, NodeInput, NodeOut } from "./node.schema";

type NodeRow = repo.NodeRow;

const scopeOf = (deps: AppDeps, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "creator", creator: deps.db.t.task_node.created_id });

async function toOut(deps: AppDeps, rows: NodeRow[]): Promise<NodeOut[]> {
  return (await withAuditUsers(deps.db, rows)).map((r) => ({
    ...toBaseOut(r),
    name: r.name,
    code: r.code,
    func: r.func,
    args: r.args,
    kwargs: r.kwargs,
    coalesce: r.coalesce === null ? null : Boolean(r.coalesce),
    max_instances: r.max_instances,
    jobstore: r.jobstore,
    executor: r.executor,
    start_date: r.start_date,
    end_date: r.end_date,
    trigger: r.trigger,
    trigger_args: r.trigger_args,
    func_kind: taskCodeKind(r.func),
    edge_schedule: edgeScheduleNote(r.trigger, r.trigger_args),
    created_id: r.created_id,
    created_by: r.created_by,
    updated_id: r.updated_id,
    updated_by: r.updated_by,
    deleted_id: r.deleted_id,
    deleted_by: r.deleted_by,
  }));
}

async function findNode(deps: AppDeps, p: Principal, id: number): Promise<NodeRow | undefined> {
  return repo.findNode(deps.db, id, await scopeOf(deps, p));
}

const one = async (deps: AppDeps, id: number) => (await toOut(deps, await repo.nodeById(deps.db, id)))[0];

/** Visible live nodes for the SPA's select, by id (soft-deleted ones no longer leak, §14 #8). */
export async function nodeOptions(deps: AppDeps, p: Principal) {
  return repo.selectNodeOptions(deps.db, await scopeOf(deps, p));
}

export async function listNodes(
  deps: AppDeps,
  p: Principal,
  q: NodeFilter & PageQuery,
): Promise<Page<NodeOut>> {
  const { task_node: t } = deps.db.t;
  const where = allOf(
    await scopeOf(deps, p),
    contains(t.name, q.name),
    contains(t.code, q.code),
    equals(t.status, q.status),
    within(t.created_time, q.created_time),
    within(t.updated_time, q.updated_time),
    equals(t.created_id, q.created_id),
    equals(t.updated_id, q.updated_id),
  );
  const { rows, total } = await repo.pageNodes(deps.db, where, orderByOf(t, q.order_by), q);
  return pageOf(await toOut(deps, rows), total, q);
}

/** Upstream answered a missing id with a raw Pydantic text (§14 #26). */
export async function nodeDetail(deps: AppDeps, p: Principal, id: number): Promise<NodeOut> {
  if (!(await findNode(deps, p, id))) throw notFound("该节点不存在");
  return one(deps, id);
}

/**
 * Names are unique among live nodes; codes among all rows, deleted ones included, because the
 * column's UNIQUE constraint keeps a deleted node's code (§14 #9) — refused readably here.
 */
async function requireUnique(
  deps: AppDeps,
  p: Principal,
  input: NodeInput,
  prefix: string,
  exceptId?: number,
) {
  if (await repo.nameTaken(deps.db, input.name, exceptId, tenantFilter(deps.db.t.task_node, p)))
    throw conflict(`${prefix}，该节点已存在`);
  const byCode = await repo.codeHolder(deps.db, input.code, exceptId);
  if (byCode) {
    throw conflict(
      byCode.is_deleted ? `${prefix}，节点编码已被已删除的节点占用` : `${prefix}，节点编码已存在`,
    );
  }
}

async function checkRunnable(deps: AppDeps, input: NodeInput) {
  await checkTaskCode(deps.settings, input.func);
  parseKwargs(input.kwargs);
}

export async function createNode(deps: AppDeps, p: Principal, input: NodeInput): Promise<NodeOut> {
  await checkRunnable(deps, input);
  await requireUnique(deps, p, input, "创建失败");
  const id = await conflictOnDuplicate(deps.db, "创建失败，节点编码已存在", async () =>
    repo.insertNode(deps.db, {
      name: input.name,
      code: input.code,
      func: input.func,
      args: input.args ?? null,
      kwargs: input.kwargs ?? null,
      coalesce: input.coalesce ?? false,
      max_instances: input.max_instances ?? 1,
      jobstore: input.jobstore || "default",
      executor: input.executor || "default",
      start_date: input.start_date ?? null,
      end_date: input.end_date ?? null,
      created_id: p.id,
      updated_id: p.id,
      ...ownedBy(p),
    }),
  );
  return one(deps, id);
}

/** A scheduled job reads the node at every run, so updates apply from its next run on (§14 #21). */
export async function updateNode(
  deps: AppDeps,
  p: Principal,
  id: number,
  input: NodeInput,
): Promise<NodeOut> {
  if (!(await findNode(deps, p, id))) throw notFound("更新失败，该节点不存在");
  await checkRunnable(deps, input);
  await requireUnique(deps, p, input, "更新失败", id);
  const values: Partial<NodeRow> = {
    name: input.name,
    code: input.code,
    func: input.func,
    updated_id: p.id,
  };
  if (input.args !== undefined) values.args = input.args;
  if (input.kwargs !== undefined) values.kwargs = input.kwargs;
  if (input.coalesce != null) values.coalesce = input.coalesce;
  if (input.max_instances != null) values.max_instances = input.max_instances;
  if (input.jobstore != null) values.jobstore = input.jobstore || "default";
  if (input.executor != null) values.executor = input.executor || "default";
  if (input.start_date !== undefined) values.start_date = input.start_date;
  if (input.end_date !== undefined) values.end_date = input.end_date;
  await conflictOnDuplicate(deps.db, "更新失败，节点编码已存在", () => repo.updateNode(deps.db, id, values));
  return one(deps, id);
}

async function softDelete(deps: AppDeps, p: Principal, ids: number[]) {
  if (!ids.length) return;
  await taskScheduler(deps).unschedule(ids);
  await repo.softDeleteNodes(deps.db, ids, p.id);
}

export async function deleteNodes(deps: AppDeps, p: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  const found = await repo.liveNodeIds(deps.db, await scopeOf(deps, p), unique);
  if (found.length < unique.length) throw notFound("删除失败，该节点不存在");
  await softDelete(deps, p, unique);
}

/** Only the caller's visible nodes and their jobs (upstream cleared everything, §14 #25). */
export async function clearNodes(deps: AppDeps, p: Principal) {
  await softDelete(deps, p, await repo.liveNodeIds(deps.db, await scopeOf(deps, p)));
}

export async function executeNode(deps: AppDeps, p: Principal, id: number, input: ExecuteInput) {
  const node = await findNode(deps, p, id);
  if (!node) throw notFound("调试失败，该节点不存在");
  await checkTaskCode(deps.settings, node.func ?? "");
  parseKwargs(node.kwargs);
  const scheduler = taskScheduler(deps);
  if (input.trigger === "now") {
    const run = scheduler.runNow(node.id);
    // A Worker's work ends with its response: the run is recorded before answering there.
    if (deps.runtime === "workerd") await run;
  } else {
    const dateOr = (v: string | null | undefined, fallback: string | null) =>
      v ? parseDateTime(v) : fallback ? parseDateTime(fallback) : null;
    const schedule: Schedule = {
      kind: input.trigger,
      // The schema requires trigger_args for every trigger but "now".
      args: (input.trigger_args ?? "").trim(),
      start: dateOr(input.start_date, node.start_date),
      end: dateOr(input.end_date, node.end_date),
    };
    if (schedule.kind === "date") runDate(schedule.args);
    await scheduler.schedule(node, schedule);
  }
  return { job_id: node.id, status: "executed", trigger: input.trigger };
}
