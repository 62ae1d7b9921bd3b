import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testSettings } from "@/config";
import type { Cache } from "@/core/cache/cache";
import { createMemoryCache } from "@/core/cache/memory";
import { createRedisCache } from "@/core/cache/redis";
import { createUpstashCache } from "@/core/cache/upstash";
import type { AppDeps } from "@/core/context";
import { jobs } from "@/core/jobs";
import { cronOf, isDue, type Job, jobLockKey, runDueJobs, tickMinute } from "@/core/jobs/job";
import { startJobScheduler } from "@/core/jobs/scheduler";
import { memoryLogger } from "@/core/log/logger";
import { clearCache, redisUnavailable } from "../support/cache";
import { startUpstashProxy } from "../support/upstash-proxy";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

const redisProblem = await redisUnavailable(REDIS_URL);
const inCI = Boolean(process.env.CI) && process.env.CI !== "false";

/** Only what the job runner touches: cache and logger (jobs under test ignore the rest). */
function depsWith(cache: Cache) {
  const logger = memoryLogger("debug");
  return { deps: { cache, logger, settings: testSettings() } as unknown as AppDeps, logger };
}

/** A job that counts its runs and takes a while, so concurrent invocations overlap. */
function countingJob(name: string, cron = "17 * * * *", ms = 150) {
  const runs: Date[] = [];
  const job: Job = {
    name,
    cron,
    async run(_deps, tick) {
      runs.push(tick);
      await Bun.sleep(ms);
      return { n: runs.length };
    },
  };
  return { job, runs };
}

const DUE = new Date(Date.UTC(2026, 0, 1, 3, 17, 0));

describe("job schedule", () => {
  test("patterns are read in UTC at minute granularity; a late trigger still counts for its minute", () => {
    const { job } = countingJob("x", "17 3 * * *");
    expect(isDue(job, DUE)).toBe(true);
    expect(isDue(job, new Date(DUE.getTime() + 42_000))).toBe(true);
    expect(isDue(job, new Date(DUE.getTime() + 60_000))).toBe(false);
    expect(tickMinute(new Date("2026-01-01T03:17:59.999Z")).toISOString()).toBe("2026-01-01T03:17:00.000Z");
    expect(jobLockKey("x", new Date("2026-01-01T03:17:31Z"))).toBe("job:x:2026-01-01T03:17");
  });

  test("the shipped registry: unique names, valid five-field patterns", () => {
    expect(new Set(jobs.map((j) => j.name)).size).toBe(jobs.length);
    for (const job of jobs) {
      expect(job.cron.trim().split(/\s+/)).toHaveLength(5);
      expect(cronOf(job).nextRun()).toBeInstanceOf(Date);
    }
  });
});

/** The once-per-tick guarantee, on one driver. */
function onceContract(name: string, makeCache: () => Promise<{ cache: Cache; cleanup(): Promise<void> }>) {
  describe(`runDueJobs on the ${name} cache`, () => {
    let cache: Cache;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ cache, cleanup } = await makeCache());
    });
    afterAll(() => cleanup());

    test("two overlapping invocations for the same tick run each due job exactly once", async () => {
      const a = countingJob(`a-${crypto.randomUUID()}`);
      const b = countingJob(`b-${crypto.randomUUID()}`, "*/5 * * * *");
      const notDue = countingJob(`c-${crypto.randomUUID()}`, "0 0 1 1 *");
      const registry = [a.job, b.job, notDue.job];
      const { deps, logger } = depsWith(cache);

      const [first, second] = await Promise.all([
        runDueJobs(deps, DUE, registry),
        runDueJobs(deps, new Date(DUE.getTime() + 1500), registry),
      ]);

      expect(a.runs).toHaveLength(1);
      expect(b.runs).toHaveLength(0); // 17 is not a multiple of 5
      expect(notDue.runs).toHaveLength(0);
      const statuses = [...first, ...second].map((r) => r.status).sort();
      expect(statuses).toEqual(["ok", "skipped"]);
      const finished = logger.lines.filter((l) => l.msg === "job finished");
      expect(finished).toHaveLength(1);
      expect(finished[0]).toMatchObject({ job: a.job.name, tick: DUE.toISOString(), result: { n: 1 } });
      expect(typeof finished[0].ms).toBe("number");
      expect(typeof finished[0].started).toBe("string");

      // A late duplicate, after the first run finished, still skips: the tick stays taken.
      const late = await runDueJobs(deps, DUE, registry);
      expect(late.map((r) => r.status)).toEqual(["skipped"]);
      expect(a.runs).toHaveLength(1);

      // The next due tick runs again.
      const nextHour = new Date(DUE.getTime() + 3_600_000);
      expect((await runDueJobs(deps, nextHour, registry)).map((r) => r.status)).toEqual(["ok"]);
      expect(a.runs.map((d) => d.toISOString())).toEqual([DUE.toISOString(), nextHour.toISOString()]);
    });

    test("a failing job is logged with its error and does not stop the others", async () => {
      const ok = countingJob(`ok-${crypto.randomUUID()}`, "* * * * *", 0);
      const broken: Job = {
        name: `broken-${crypto.randomUUID()}`,
        cron: "* * * * *",
        async run() {
          throw new Error("disk on fire");
        },
      };
      const { deps, logger } = depsWith(cache);
      const runs = await runDueJobs(deps, DUE, [broken, ok.job]);
      expect(runs.map((r) => r.status)).toEqual(["failed", "ok"]);
      expect(runs[0]).toMatchObject({ status: "failed", error: "disk on fire" });
      const failed = logger.lines.find((l) => l.msg === "job failed");
      expect(failed).toMatchObject({ job: broken.name, err: { message: "disk on fire" } });
      expect(ok.runs).toHaveLength(1);
    });
  });
}

onceContract("memory", async () => {
  const cache = createMemoryCache();
  return { cache, cleanup: () => cache.close() };
});

const redisPrefix = `test:jobs:${crypto.randomUUID()}:`;
if (redisProblem && inCI) {
  test("Redis is reachable", () => {
    throw new Error(`Redis at ${REDIS_URL} is required under CI: ${redisProblem}`);
  });
} else if (redisProblem) {
  console.warn(`skipping the Redis/Upstash job-lock tests: ${redisProblem}`);
} else {
  onceContract("redis", async () => {
    const cache = await createRedisCache({ url: REDIS_URL, prefix: redisPrefix });
    return {
      cache,
      async cleanup() {
        await clearCache(cache);
        await cache.close();
      },
    };
  });
  onceContract("upstash (REST proxy in front of Redis)", async () => {
    const proxy = await startUpstashProxy({ redisUrl: REDIS_URL, token: "jobs-test" });
    const cache = createUpstashCache({ url: proxy.url, token: "jobs-test", prefix: `${redisPrefix}u:` });
    return {
      cache,
      async cleanup() {
        await clearCache(cache);
        await proxy.stop();
      },
    };
  });
}

describe("in-process scheduler", () => {
  test("runs a due job from its timer, and stop() waits for the run in progress", async () => {
    const cache = createMemoryCache();
    const { deps, logger } = depsWith(cache);
    // Six fields: every second, so the test need not wait for a minute boundary.
    const slow = countingJob(`s-${crypto.randomUUID()}`, "* * * * * *", 400);
    const scheduler = startJobScheduler(deps, [slow.job]);
    const deadline = Date.now() + 3000;
    while (slow.runs.length === 0 && Date.now() < deadline) await Bun.sleep(20);
    await scheduler.stop();
    expect(slow.runs.length).toBeGreaterThanOrEqual(1);
    // Every run that started has been logged by the time stop() resolves.
    expect(logger.lines.some((l) => l.msg === "job finished" && l.job === slow.job.name)).toBe(true);
    // Several ticks of one minute share one lock: at most one run per minute.
    expect(new Set(slow.runs.map((d) => d.toISOString())).size).toBe(slow.runs.length);
    await cache.close();
  });
});
