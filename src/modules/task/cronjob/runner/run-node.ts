import type { AppDeps } from "@/core/context";
import { resultText, splitArgs } from "./builtin-handlers";
import { parseKwargs } from "./kwargs";
import * as repo from "./runner.repo";
import { runTaskCode, type TaskCodeRun, taskCodeKind } from "./task-code";

export interface RunNodeOptions {
  jobId: string;
  triggerType: string;
  /** Periodic runs take over the job's `pending` row instead of inserting one. */
  periodic: boolean;
  nameSuffix?: string;
}

/**
 * Runs a node's code (built-in handler or sandboxed JavaScript) once and records it in `task_job` (running → success/failed). Answers the
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
  let run: TaskCodeRun;
  try {
    run = await runTaskCode(deps, node.func ?? "", splitArgs(node.args), parseKwargs(node.kwargs));
  } catch (err) {
    const error = err instanceof Error ? err.message : "未知错误";
    run = { kind: taskCodeKind(node.func), ok: false, value: null, error, logs: [], ms: 0 };
  }
  // JavaScript runs keep their ctx.log lines and duration in job_state (the SPA's 执行元数据).
  const jobState =
    run.kind === "javascript"
      ? JSON.stringify({ kind: run.kind, ms: run.ms, logs: run.logs }, null, 2)
      : null;
  await repo.updateJobLog(
    db,
    logId,
    run.ok
      ? { status: "success", result: resultText(run.value), error: null, job_state: jobState }
      : { status: "failed", result: "failed", error: run.error ?? "未知错误", job_state: jobState },
  );
  return node;
}

/** A `date` job whose moment passed while nothing ran: recorded as missed, its schedule cleared. */
export async function recordMissedRun(deps: AppDeps, jobId: string, name: string) {
  await repo.insertJobLog(deps.db, {
    job_id: jobId,
    job_name: name,
    trigger_type: "date",
    status: "timeout",
    result: "timeout",
    error: "任务错过执行时间",
  });
  await repo.clearNodeSchedules(deps.db, [Number(jobId)]);
}
