import { Cron } from "croner";
import type { AppDeps } from "@/core/context";
import { parseDateTime } from "@/core/http/datetime";
import { tickMinute } from "@/core/jobs/job";
import { cronOptions, cronPattern, intervalSeconds, withOffset } from "@/modules/task/cronjob/cron";
import { recordMissedRun, runTaskNode } from "./run-node";
import * as repo from "./runner.repo";
import { FIRING_LOCK_MS, firingLockKey, parseShared, SHARED_KEY } from "./shared-state";

/*
 * Task nodes on Workers: no timers live between invocations, so the one `* * * * *` Cron Trigger
 * runs, at each tick, every scheduled node whose schedule is due in that minute. Schedules are
 * the ones the Bun scheduler reads (persisted on `task_node`), pauses are persisted there too
 * (`status`) and in the shared cache, the run state (running / paused / stopped) comes from the
 * shared cache — so whatever an administrator did through the API holds here. Each firing takes
 * the same lock as under Bun (job id + firing time, here the tick's minute) and writes the same
 * `task_job` rows (the pending row taken over, a new pending row for the next run).
 *
 * Granularity is the minute: a schedule with seconds (a Quartz cron with a seconds step, an interval
 * under a minute, a date at 08:00:30) runs at most once per matching minute, at the tick. The node's
 * detail reports this (`edge_schedule`, from edgeScheduleNote).
 */

const MINUTE = 60_000;

interface DueSchedule {
  kind: "cron" | "interval" | "date";
  start: Date | null;
  end: Date | null;
  pattern?: string;
  periodMs?: number;
  at?: Date;
}

function dueScheduleOf(row: repo.TaskNodeRow): DueSchedule {
  const kind = row.trigger as DueSchedule["kind"];
  const start = row.start_date ? parseDateTime(row.start_date) : null;
  const end = row.end_date ? parseDateTime(row.end_date) : null;
  const args = row.trigger_args ?? "";
  if (kind === "cron") return { kind, start, end, pattern: cronPattern(args) };
  if (kind === "interval") return { kind, start, end, periodMs: intervalSeconds(args) * 1000 };
  if (kind === "date") {
    const at = parseDateTime(args);
    if (!at) throw new Error(`bad date trigger ${args}`);
    return { kind, start, end, at };
  }
  throw new Error(`unknown trigger ${kind}`);
}

/** The first firing at or after `from` (minute precision is applied by the caller); null: none. */
function firstFiring(s: DueSchedule, from: number, anchor: number): number | null {
  if (s.pattern) {
    const probe = new Cron(s.pattern, {
      ...cronOptions(),
      paused: true,
      ...(s.start ? { startAt: s.start } : {}),
      ...(s.end ? { stopAt: s.end } : {}),
    });
    const next = probe.nextRun(new Date(from - 1));
    probe.stop();
    return next ? next.getTime() : null;
  }
  if (s.periodMs) {
    const k = Math.max(1, Math.ceil((from - anchor) / s.periodMs));
    const t = anchor + k * s.periodMs;
    return s.end && t > s.end.getTime() ? null : t;
  }
  return s.at && s.at.getTime() >= from ? s.at.getTime() : null;
}

/** Whether a firing falls in the minute starting at `minute` (several count once). */
const dueIn = (s: DueSchedule, minute: number, anchor: number) => {
  const t = firstFiring(s, minute, anchor);
  return t !== null && t < minute + MINUTE;
};

/** When the Worker runs this schedule next after the minute `minute` (for the pending row). */
function nextEdgeRun(s: DueSchedule, minute: number, anchor: number): Date | null {
  if (s.at) return null;
  const t = firstFiring(s, minute + MINUTE, anchor);
  return t === null ? null : new Date(tickMinute(new Date(t)).getTime());
}

export interface TaskNodeTick {
  node: number;
  status: "ran" | "skipped" | "missed" | "invalid";
}

/**
 * Runs every scheduled task node due in the minute of `tick` (the Worker's `scheduled()`), one
 * after another, each under its per-firing lock. Never throws for one node's sake.
 */
export async function runDueTaskNodes(deps: AppDeps, tick: Date): Promise<TaskNodeTick[]> {
  const minute = tickMinute(tick).getTime();
  const logger = deps.logger.child({ tick: new Date(minute).toISOString() });
  const shared = parseShared(await deps.cache.get(SHARED_KEY));
  if (shared.state !== "running") {
    logger.info("task nodes not run: the task scheduler is not running", { state: shared.state });
    return [];
  }
  const paused = new Set(shared.paused);
  const out: TaskNodeTick[] = [];
  for (const row of await repo.scheduledNodes(deps.db)) {
    const id = String(row.id);
    if (paused.has(id) || row.status === repo.PAUSED_STATUS) continue;
    let schedule: DueSchedule;
    try {
      schedule = dueScheduleOf(row);
    } catch (err) {
      logger.warn("task schedule not runnable", { node: row.id, err });
      out.push({ node: row.id, status: "invalid" });
      continue;
    }
    // Interval jobs count from their start date, or from the anchor the scheduling process shared.
    const anchor = schedule.start?.getTime() ?? shared.anchors[id] ?? 0;
    if (schedule.at && schedule.at.getTime() < minute) {
      // Its minute passed without a tick that ran it: recorded once as missed, as under Bun.
      if (await deps.cache.lock(`task:missed:${id}:${schedule.at.getTime()}`, FIRING_LOCK_MS)) {
        await recordMissedRun(deps, id, row.name);
      }
      out.push({ node: row.id, status: "missed" });
      continue;
    }
    if (!dueIn(schedule, minute, anchor)) continue;
    if (!(await deps.cache.lock(firingLockKey(id, minute), FIRING_LOCK_MS))) {
      out.push({ node: row.id, status: "skipped" });
      continue;
    }
    try {
      const periodic = !schedule.at;
      const node = await runTaskNode(deps, row.id, { jobId: id, triggerType: schedule.kind, periodic });
      if (node && periodic) {
        const next = nextEdgeRun(schedule, minute, anchor);
        if (next) {
          await repo.insertJobLog(deps.db, {
            job_id: id,
            job_name: node.name,
            trigger_type: schedule.kind,
            status: "pending",
            next_run_time: withOffset(next),
          });
        }
      }
      if (!periodic) await repo.clearNodeSchedules(deps.db, [row.id]);
      out.push({ node: row.id, status: "ran" });
    } catch (err) {
      logger.error("task node run failed", { node: row.id, err });
    }
  }
  if (out.length) logger.info("task nodes ticked", { nodes: out });
  return out;
}

/**
 * How a schedule runs on Workers when that differs from the schedule itself (seconds rounded to
 * the minute); null when it runs as written (or there is no schedule).
 */
export function edgeScheduleNote(trigger: string | null, args: string | null): string | null {
  if (!trigger || !args) return null;
  try {
    if (trigger === "cron") {
      const second = args.trim().split(/\s+/)[0];
      if (second === "0") return null;
      if (/^\d+$/.test(second))
        return `Workers 上按分钟执行：在每个匹配分钟的开始运行（秒字段 ${second} 取整到分钟）`;
      return `Workers 上按分钟执行：每个匹配的分钟只运行一次（秒级调度 "${second}" 取整到分钟）`;
    }
    if (trigger === "interval") {
      const seconds = intervalSeconds(args);
      if (seconds < 60) return `Workers 上按分钟执行：每分钟运行一次（间隔 ${seconds} 秒小于 1 分钟）`;
      if (seconds % 60 !== 0) return "Workers 上按分钟执行：在每次触发所在分钟的开始运行（间隔取整到分钟）";
      return null;
    }
    if (trigger === "date") {
      const at = parseDateTime(args);
      if (at && at.getSeconds() !== 0)
        return `Workers 上按分钟执行：在 ${args.trim().slice(0, 16)} 这一分钟的开始运行`;
    }
  } catch {
    // a schedule that no longer parses is reported where it runs, not here
  }
  return null;
}
