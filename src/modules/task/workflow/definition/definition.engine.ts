import { badRequest, found } from "@/core/http/errors";
import type { TaskHandler } from "@/modules/task/cronjob/runner/builtin-handlers";
import { splitArgs } from "@/modules/task/cronjob/runner/builtin-handlers";

/*
 * The workflow engine (contract §6.6, upstream ran it as a Prefect flow): Kahn's topological
 * order (in-degree-0 nodes in array order, FIFO), every node once, sequentially. A node gets its
 * args/kwargs from its canvas data or else from its node type, plus `kwargs.upstream` (results of
 * the sources of its incoming edges) and `kwargs.variables` (the request's variables).
 */

export interface GraphNode {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface Graph {
  nodes: GraphNode[];
  edges: { source: string; target: string }[];
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Checks a stored graph (publish, execute) and returns it in execution order. */
export function orderedGraph(
  nodes: Record<string, unknown>[] | null,
  edges: Record<string, unknown>[] | null,
): Graph {
  if (!nodes?.length) throw badRequest("工作流至少需要一个节点");
  const list: GraphNode[] = nodes.map((n) => {
    if (typeof n.id !== "string" || !n.id) throw badRequest("工作流节点缺少 id");
    return { id: n.id, type: typeof n.type === "string" ? n.type : "", data: asRecord(n.data) };
  });
  const ids = new Set<string>();
  for (const n of list) {
    if (ids.has(n.id)) throw badRequest(`工作流节点 id 重复: ${n.id}`);
    ids.add(n.id);
  }
  const links = (edges ?? []).map((e) => ({
    source: String(e.source ?? ""),
    target: String(e.target ?? ""),
  }));
  if (links.some((e) => !ids.has(e.source) || !ids.has(e.target))) throw badRequest("连线引用了不存在的节点");
  const indegree = new Map(list.map((n) => [n.id, 0]));
  for (const e of links) indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
  const queue = list.filter((n) => indegree.get(n.id) === 0);
  const byId = new Map(list.map((n) => [n.id, n]));
  const order: GraphNode[] = [];
  for (let n = queue.shift(); n; n = queue.shift()) {
    order.push(n);
    for (const e of links) {
      if (e.source !== n.id) continue;
      const left = (indegree.get(e.target) ?? 0) - 1;
      indegree.set(e.target, left);
      const next = byId.get(e.target);
      if (left === 0 && next) queue.push(next);
    }
  }
  if (order.length !== list.length) throw badRequest("工作流图存在环路，无法执行");
  return { nodes: order, edges: links };
}

export interface NodeTemplate {
  handler: TaskHandler;
  args: string | null;
  kwargs: string | null;
}

function kwargsOf(text: unknown): Record<string, unknown> {
  if (typeof text !== "string" || !text.trim()) return {};
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return {};
  }
}

/** Runs the ordered graph; a failing node stops the run with `{ error }`. */
export async function runGraph(
  graph: Graph,
  templates: Map<string, NodeTemplate>,
  variables: Record<string, unknown>,
): Promise<{ results: Record<string, unknown> } | { error: string }> {
  const results: Record<string, unknown> = {};
  for (const node of graph.nodes) {
    // The caller builds a template for every node type of the graph.
    const template = found(templates.get(node.type), `template of node type ${node.type}`);
    const argsText = node.data.args ?? template.args;
    const kwargs = kwargsOf(node.data.kwargs ?? template.kwargs);
    if (!("upstream" in kwargs)) {
      const upstream: Record<string, unknown> = {};
      for (const e of graph.edges)
        if (e.target === node.id && e.source in results) upstream[e.source] = results[e.source];
      kwargs.upstream = upstream;
    }
    if (!("variables" in kwargs)) kwargs.variables = variables;
    try {
      results[node.id] =
        (await template.handler(splitArgs(typeof argsText === "string" ? argsText : null), kwargs)) ?? null;
    } catch (err) {
      return { error: `节点 ${node.id} 执行失败: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { results };
}
