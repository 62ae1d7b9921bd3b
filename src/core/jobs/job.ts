import { Cron } from "croner";
import type { AppDeps } from "@/core/context";

/**
 * A scheduled job. `cron` is a five-field pattern read in UTC (Cloudflare's Cron Triggers are UTC,
 * so the Bun server uses UTC too and both runtimes run a job at the same instant).
 */
export interface Job {
  name: string;
  cron: string;
  /** Does the work; what it returns goes into the run's log line (keep it small). */
  run(deps: AppDeps, tick: Date): Promise<unknown>;
}

export type JobRun =
  | { job: string; tick: string; status: "ok"; started: string; ms: number; result: unknown }
  | { job: string; tick: string; status: "failed"; started: string; ms: number; error: string }
  | { job: string; tick: string; status: "skipped" };

/*
 * The lock marks "this job's run for this tick is taken"; it is not released when the run ends,
 * so a duplicate invocation arriving after the first one finished still skips. It only has to
 * outlive the spread of duplicate deliveries of one tick; the key names the minute, so it never
 * blocks the next tick.
 */
const TICK_LOCK_MS = 10 * 60_000;

/** The tick's minute (jobs are minute-granular): the seconds a trigger arrives late do not count. */
export function tickMinute(tick: Date): Date {
  return new Date(Math.floor(tick.getTime() / 60_000) * 60_000);
}

/** The cache key that makes one job run once per tick across processes and isolates. */
export const jobLockKey = (name: string, tick: Date) =>
  `job:${name}:${tickMinute(tick).toISOString().slice(0, 16)}`;

/** A paused croner instance used only to test patterns (it never schedules anything). */
export function cronOf(job: Pick<Job, "cron">): Cron {
  return new Cron(job.cron, { paused: true, timezone: "UTC" });
}

/** True when the job's pattern matches the tick's minute. */
export function isDue(job: Job, tick: Date): boolean {
  return cronOf(job).match(tickMinute(tick));
}

/**
 * Runs one job for one tick, unless another invocation already took that tick, and logs the
 * outcome (job, tick, started, ms, result or error). Never throws: a failing job is a log line.
 */
export async function runJob(deps: AppDeps, job: Job, tick: Date): Promise<JobRun> {
  const minute = tickMinute(tick).toISOString();
  const logger = deps.logger.child({ job: job.name, tick: minute });
  const startedAt = Date.now();
  const started = new Date(startedAt).toISOString();
  const elapsed = () => Date.now() - startedAt;
  try {
    const lock = await deps.cache.lock(jobLockKey(job.name, tick), TICK_LOCK_MS);
    if (!lock) {
      logger.info("job skipped: this tick already ran elsewhere");
      return { job: job.name, tick: minute, status: "skipped" };
    }
    const result = await job.run(deps, tickMinute(tick));
    const ms = elapsed();
    logger.info("job finished", { started, ms, result });
    return { job: job.name, tick: minute, status: "ok", started, ms, result };
  } catch (err) {
    const ms = elapsed();
    const error = err instanceof Error ? err.message : String(err);
    logger.error("job failed", { started, ms, err });
    return { job: job.name, tick: minute, status: "failed", started, ms, error };
  }
}

/**
 * Runs every job of `registry` whose pattern matches `tick`, concurrently, each under its
 * per-tick lock. The Worker's `scheduled()` calls this for its one `* * * * *` trigger.
 */
export async function runDueJobs(deps: AppDeps, tick: Date, registry: readonly Job[]): Promise<JobRun[]> {
  const due = registry.filter((job) => isDue(job, tick));
  return Promise.all(due.map((job) => runJob(deps, job, tick)));
}
