import { Cron } from "croner";
import type { AppDeps } from "@/core/context";
import { type Job, type JobRun, runJob } from "./job";

export interface JobScheduler {
  /** Schedules nothing more and waits for the runs in progress. */
  stop(): Promise<void>;
}

/**
 * The in-process scheduler of a long-running server: one croner timer per job. `protect` keeps a
 * slow run from overlapping its own next tick here; the per-tick cache lock in `runJob` keeps
 * several servers sharing one Redis from running the same tick twice.
 */
export function startJobScheduler(deps: AppDeps, registry: readonly Job[]): JobScheduler {
  const running = new Set<Promise<JobRun>>();
  const timers = registry.map(
    (job) =>
      new Cron(job.cron, { timezone: "UTC", protect: true }, async (self) => {
        const run = runJob(deps, job, self.currentRun() ?? new Date());
        running.add(run);
        try {
          await run;
        } finally {
          running.delete(run);
        }
      }),
  );
  deps.logger.info("job scheduler started", {
    jobs: registry.map((job, i) => ({
      name: job.name,
      cron: job.cron,
      next: timers[i].nextRun()?.toISOString() ?? null,
    })),
  });
  return {
    async stop() {
      for (const timer of timers) timer.stop();
      await Promise.allSettled([...running]);
    },
  };
}
