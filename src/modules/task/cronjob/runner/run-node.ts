import type { AppDeps } from "@/core/context";
import { requireHandler, resultText, splitArgs } from "./builtin-handlers";
import { parseKwargs } from "./kwargs";
import * as repo from "./runner.repo";

export interface RunNodeOptions {
  jobId: string;
  triggerType: string;
  /** Periodic runs take over the job's `pending` row instead of inserting one. */
  periodic: boolean;
  nameSuffix?: string;
}

/**
 * Runs a node's code once and records it in `task_job` (running → success/failed). Answers the
 * node, or undefined when it no longer exists (nothing ran). Shared by the Bun scheduler's timers
 * and the Worker's Cron Trigger, so both write the same rows.
 */
export async function runTaskNode(
  deps: AppDeps,
  nodeId: number,
  opts: RunNodeOptions,
): Promise<repo.TaskNodeRow | undefined> {
  const { db } = deps;
  const node = await repo.findLiveNode(db, nodeId);
  if (!node) return undefined;
  const jobName = `${node.name}${opts.nameSuffix ?? ""}`;
  let logId = opts.periodic ? await repo.takePendingJobLog(db, opts.jobId, jobName) : undefined;
  logId ??= await repo.insertJobLog(db, {
    job_id: opts.jobId,
    job_name: jobName,
    trigger_type: opts.triggerType,
    status: "running",
  });
  try {
    const handler = requireHandler(node.func ?? "");
    const value = await handler(splitArgs(node.args), parseKwargs(node.kwargs));
    await repo.updateJobLog(db, logId, { status: "success", result: resultText(value), error: null });
  } catch (err) {
    await repo.updateJobLog(db, logId, {
      status: "failed",
      result: "failed",
      error: err instanceof Error ? err.message : "未知错误",
    });
  }
  return node;
}
