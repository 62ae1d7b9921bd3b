/**
 * Task nodes at the edge (issue 13 items 5 and 6), under workerd (`wrangler dev`): a node
 * scheduled over the API runs at a Cron Trigger tick and writes its job-log rows; JavaScript task
 * code runs in the QuickJS sandbox inside the Worker, and what must not run fails cleanly.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createContext, type E2EContext } from "./steps";
import { startWorkerRuntime, workerPrerequisites } from "./support/runtimes";

const LABEL = "e2e · task nodes in the Worker under workerd";
const START_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 30_000;
const SANDBOX_TIMEOUT_MS = 1000;
const MINUTE = 60_000;

const problem = await workerPrerequisites();

async function jobRows(ctx: E2EContext, nodeId: number) {
  const { task_job } = ctx.rt.db.t;
  return ctx.rt.db.orm
    .select()
    .from(task_job)
    .where(eq(task_job.job_id, String(nodeId)))
    .orderBy(task_job.id);
}

/** Polls the job-log rows of a node until `done` holds (the Worker writes them over HTTP). */
async function rowsUntil(
  ctx: E2EContext,
  nodeId: number,
  done: (rows: Awaited<ReturnType<typeof jobRows>>) => boolean,
) {
  const deadline = Date.now() + 15_000;
  let rows = await jobRows(ctx, nodeId);
  while (!done(rows) && Date.now() < deadline) {
    await Bun.sleep(200);
    rows = await jobRows(ctx, nodeId);
  }
  return rows;
}

if (problem) {
  if (process.env.CI && process.env.CI !== "false") {
    test(`${LABEL}: prerequisites`, () => {
      throw new Error(`${LABEL} cannot run on this machine: ${problem}`);
    });
  } else {
    console.warn(`skipping ${LABEL}: ${problem}`);
    describe.skip(LABEL, () => {
      test("task nodes at the edge", () => {});
    });
  }
} else {
  describe(LABEL, () => {
    let ctx: E2EContext | undefined;
    let startError: unknown;
    let token = "";
    let n = 0;

    beforeAll(async () => {
      try {
        ctx = createContext(
          await startWorkerRuntime({ TASK_SANDBOX_TIMEOUT_MS: String(SANDBOX_TIMEOUT_MS) }),
        );
        token = (await ctx.tokensFor("admin")).access_token;
      } catch (err) {
        startError = err;
      }
    }, START_TIMEOUT_MS);
    afterAll(async () => {
      await ctx?.rt.stop();
    }, 30_000);

    const started = () => {
      if (!ctx) throw new Error(`${LABEL} did not start: ${(startError as Error)?.message ?? startError}`);
      return ctx;
    };

    async function createNode(c: E2EContext, func: string, fields: Record<string, unknown> = {}) {
      n++;
      const res = await c.api("POST", "/task/cronjob/node/create", {
        token,
        json: { name: `边缘任务${n}`, code: `edge_e2e_${n}`, func, ...fields },
      });
      expect(res.body).toMatchObject({ code: 0 });
      return res.body.data as { id: number; func_kind: string };
    }

    /** Runs a node now through the API; the Worker records the run before it answers. */
    async function runNow(c: E2EContext, func: string) {
      const node = await createNode(c, func);
      const res = await c.api("POST", `/task/cronjob/node/execute/${node.id}`, {
        token,
        json: { trigger: "now" },
      });
      expect(res.body).toMatchObject({ code: 0, msg: "调试节点成功" });
      const rows = await rowsUntil(c, node.id, (r) => r.some((x) => x.status !== "running"));
      expect(rows).toHaveLength(1);
      return rows[0];
    }

    test(
      "a task node created over the API runs at a scheduled tick: its job-log rows appear",
      async () => {
        const c = started();
        const node = await createNode(
          c,
          "function handler(args, kwargs, ctx) { ctx.log('tick', args[0]); return { edge: true, k: kwargs.k }; }",
          {
            args: "x",
            kwargs: '{"k": 7}',
          },
        );
        expect(node.func_kind).toBe("javascript");
        const scheduled = await c.api("POST", `/task/cronjob/node/execute/${node.id}`, {
          token,
          json: { trigger: "cron", trigger_args: "0 * * * * ?" },
        });
        expect(scheduled.body).toMatchObject({ code: 0 });
        // no timers in the Worker: only the pending row until a tick comes
        expect((await jobRows(c, node.id)).map((r) => r.status)).toEqual(["pending"]);

        const tick = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 2 * MINUTE);
        // two deliveries of one tick: the per-firing lock lets one run
        await Promise.all([c.rt.tick(tick), c.rt.tick(tick)]);
        const rows = await rowsUntil(c, node.id, (r) => r.some((x) => x.status === "success"));
        expect(rows.map((r) => [r.status, r.trigger_type])).toEqual([
          ["success", "cron"],
          ["pending", "cron"],
        ]);
        expect(JSON.parse(rows[0].result!)).toEqual({ edge: true, k: 7 });
        expect(JSON.parse(rows[0].job_state!).logs).toEqual(["tick x"]);

        // paused over the API: the next tick does not run it
        const paused = await c.api("POST", `/task/cronjob/job/task/pause/${node.id}`, { token });
        expect(paused.body).toMatchObject({ code: 0 });
        await c.rt.tick(new Date(tick.getTime() + MINUTE));
        await Bun.sleep(500);
        expect((await jobRows(c, node.id)).filter((r) => r.status === "success")).toHaveLength(1);

        const detail = await c.api("GET", `/task/cronjob/node/detail/${node.id}`, { token });
        expect(detail.body.data).toMatchObject({
          trigger: "cron",
          edge_schedule: null,
          func_kind: "javascript",
        });
      },
      STEP_TIMEOUT_MS,
    );

    test(
      "JavaScript task code in the Worker: the result lands in the job log",
      async () => {
        const row = await runNow(
          started(),
          "export default function (args, kwargs, ctx) { ctx.log('in workerd'); return [1, 2, 3].map((x) => x * 2); }",
        );
        expect(row).toMatchObject({ status: "success", result: "[2,4,6]", trigger_type: "manual" });
        expect(JSON.parse(row.job_state!).logs).toEqual(["in workerd"]);
      },
      STEP_TIMEOUT_MS,
    );

    test("in the Worker, an endless loop, a memory bomb, huge output and escapes fail cleanly; the Worker goes on", async () => {
      const c = started();
      const loop = await runNow(c, "function handler() { for (;;) {} }");
      expect(loop).toMatchObject({
        status: "failed",
        error: `任务代码执行超时（超过 ${SANDBOX_TIMEOUT_MS} ms），已中止`,
      });
      const bomb = await runNow(
        c,
        "function handler() { const a = []; for (;;) a.push(new ArrayBuffer(1 << 20)); }",
      );
      expect(bomb).toMatchObject({ status: "failed", error: "任务代码超出内存上限（32 MB），已中止" });
      const huge = await runNow(c, "function handler() { return 'x'.repeat(1 << 20); }");
      expect(huge).toMatchObject({ status: "failed", error: "返回值超过输出上限（65536 字节），已丢弃" });
      for (const [func, error] of [
        ["function handler() { return require('fs'); }", "ReferenceError: 'require' is not defined"],
        ["function handler() { return process.env; }", "ReferenceError: 'process' is not defined"],
        [
          "async function handler() { return await fetch('https://example.com/'); }",
          "ReferenceError: 'fetch' is not defined",
        ],
        ["function handler() { return Bun.version; }", "ReferenceError: 'Bun' is not defined"],
        [
          "function handler() { return globalThis.caches.default; }",
          "TypeError: cannot read property 'default' of undefined",
        ],
      ] as const) {
        const row = await runNow(c, func);
        expect({ func, status: row.status, error: row.error }).toEqual({ func, status: "failed", error });
      }
      const health = await c.api("GET", "/common/health/");
      expect(health.status).toBe(200);
      const after = await runNow(c, "function handler() { return 'still here'; }");
      expect(after).toMatchObject({ status: "success", result: "still here" });
    }, 90_000);
  });
}
