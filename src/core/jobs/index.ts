import { dbOptimizeJob } from "./db-optimize";
import type { Job } from "./job";
import { logRetentionJob } from "./log-retention";

export type { Job, JobRun } from "./job";
export { runDueJobs, runJob } from "./job";

/**
 * Every scheduled job, run by the Bun server's in-process scheduler and by the Worker's Cron
 * Trigger alike.
 *
 * There is deliberately no cache-sweeping job: every key that should expire (sessions, captchas,
 * rate-limit and lockout counters, job locks) is written with a TTL, Redis and Upstash expire
 * keys themselves, and the memory cache sweeps itself on a timer.
 */
export const jobs: readonly Job[] = [logRetentionJob, dbOptimizeJob];
