import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { formatDateTime } from "@/core/http/datetime";
import { runDueTaskNodes } from "@/modules/task/cronjob/runner/edge-tick";
import { SHARED_KEY, stopTaskScheduler, taskScheduler } from "@/modules/task/cronjob/runner/node-scheduler";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client } from "../../support/auth";

/*
 * Task nodes on Workers: an app built as the Worker builds it (runtime "workerd": the task
 * scheduler keeps no timers) and the Cron Trigger's pass, `runDueTaskNodes`, called per tick.
 */

let t: TestApp;
let admin: ReturnType<typeof client>;
let n = 0;

const NODE = "/task/cronjob/node";
const JOB = "/task/cronjob/job";
const MINUTE = 60_000;
/** A minute boundary a few minutes ahead: ticks are placed relative to it. */
let T: number;

beforeAll(async () => {
  t = await createTestApp({}, { runtime: "workerd" });
  admin = client(t, await authHeaders(t, "admin"));
  T = Math.floor(Date.now() / MINUTE) * MINUTE + 3 * MINUTE;
});
afterAll(async () => {
  await stopTaskScheduler(t.deps);
  await t.close();
});

async function scheduledNode(trigger: string, trigger_args: string, fields: Record<string, unknown> = {}) {
  n++;
  const created = await body(
    await admin.post(`${NODE}/create`, {
      name: `边缘${n}`,
      code: `edge_${n}`,
      func: "echo",
      args: `run${n}`,
      ...fields,
    }),
  );
  expect(created.code).toBe(0);
  const { start_date, end_date } = fields as { start_date?: string; end_date?: string };
  const res = await admin.post(`${NODE}/execute/${created.data.id}`, {
    trigger,
    trigger_args,
    start_date,
    end_date,
  });
  expect((await body(res)).msg).toBe("调试节点成功");
  return created.data as { id: number; name: string };
}

async function rowsOf(id: number) {
  const { task_job } = t.deps.db.t;
  return t.deps.db.orm
    .select()
    .from(task_job)
    .where(eq(task_job.job_id, String(id)))
    .orderBy(task_job.id);
}

const ranIn = (ticks: { node: number; status: string }[], id: number) =>
  ticks.filter((x) => x.node === id).map((x) => x.status);

describe("the Cron Trigger runs the task nodes due in its minute", () => {
  test("no timers on Workers: scheduling only writes the schedule and its pending row", async () => {
    const node = await scheduledNode("cron", "0 * * * * ?");
    await Bun.sleep(50);
    const rows = await rowsOf(node.id);
    expect(rows.map((r) => r.status)).toEqual(["pending"]);
    await admin.delete(`${JOB}/task/remove/${node.id}`);
  });

  test("a due cron node runs once with the Bun scheduler's rows; a duplicate tick is skipped by the lock", async () => {
    const node = await scheduledNode("cron", "0 * * * * ?");
    const [first, second] = await Promise.all([
      runDueTaskNodes(t.deps, new Date(T + 2_500)),
      runDueTaskNodes(t.deps, new Date(T + 7_000)),
    ]);
    expect([...ranIn(first, node.id), ...ranIn(second, node.id)].sort()).toEqual(["ran", "skipped"]);
    const rows = await rowsOf(node.id);
    // the pending row written at scheduling is taken over, and a new one waits for the next minute
    expect(rows.map((r) => [r.status, r.trigger_type])).toEqual([
      ["success", "cron"],
      ["pending", "cron"],
    ]);
    expect(JSON.parse(rows[0].result!)).toEqual({ args: [`run${n}`], kwargs: {} });
    expect(rows[1].next_run_time).toStartWith(formatDateTime(new Date(T + MINUTE)));
    // the next minute runs again
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + MINUTE)), node.id)).toEqual(["ran"]);
    expect((await rowsOf(node.id)).map((r) => r.status)).toEqual(["success", "success", "pending"]);
    await admin.delete(`${JOB}/task/remove/${node.id}`);
  });

  test("a cron node runs only in the minutes its pattern matches", async () => {
    const minute = new Date(T + 10 * MINUTE).getMinutes();
    const node = await scheduledNode("cron", `0 ${minute} * * * ?`);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 9 * MINUTE)), node.id)).toEqual([]);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 10 * MINUTE)), node.id)).toEqual(["ran"]);
    await admin.delete(`${JOB}/task/remove/${node.id}`);
  });

  test("seconds-level schedules are rounded to the minute, and the detail says so", async () => {
    const node = await scheduledNode("cron", "0/10 * * * * ?");
    const detail = (await body(await admin.get(`${NODE}/detail/${node.id}`))).data;
    expect(detail.edge_schedule).toBe(
      'Workers 上按分钟执行：每个匹配的分钟只运行一次（秒级调度 "0/10" 取整到分钟）',
    );
    // six firings a minute under Bun, one per tick here
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 20 * MINUTE)), node.id)).toEqual(["ran"]);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 21 * MINUTE)), node.id)).toEqual(["ran"]);
    expect((await rowsOf(node.id)).filter((r) => r.status === "success")).toHaveLength(2);
    await admin.delete(`${JOB}/task/remove/${node.id}`);

    const plain = await scheduledNode("cron", "0 0 2 * * ?");
    expect((await body(await admin.get(`${NODE}/detail/${plain.id}`))).data.edge_schedule).toBeNull();
    await admin.delete(`${JOB}/task/remove/${plain.id}`);
    const fast = await scheduledNode("interval", "30 * * * *");
    expect((await body(await admin.get(`${NODE}/detail/${fast.id}`))).data.edge_schedule).toBe(
      "Workers 上按分钟执行：每分钟运行一次（间隔 30 秒小于 1 分钟）",
    );
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 22 * MINUTE)), fast.id)).toEqual(["ran"]);
    await admin.delete(`${JOB}/task/remove/${fast.id}`);
  });

  test("an interval counts from its start date", async () => {
    const node = await scheduledNode("interval", "* 5 * * *", {
      start_date: formatDateTime(new Date(T + 30 * MINUTE)),
    });
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 34 * MINUTE)), node.id)).toEqual([]);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 35 * MINUTE)), node.id)).toEqual(["ran"]);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 36 * MINUTE)), node.id)).toEqual([]);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 40 * MINUTE)), node.id)).toEqual(["ran"]);
    await admin.delete(`${JOB}/task/remove/${node.id}`);
  });

  test("a date node runs in its minute and is done; one whose minute passed is recorded as missed", async () => {
    const at = new Date(T + 40 * MINUTE + 30_000);
    const node = await scheduledNode("date", formatDateTime(at));
    expect((await body(await admin.get(`${NODE}/detail/${node.id}`))).data.edge_schedule).toBe(
      `Workers 上按分钟执行：在 ${formatDateTime(at).slice(0, 16)} 这一分钟的开始运行`,
    );
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 39 * MINUTE)), node.id)).toEqual([]);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 40 * MINUTE)), node.id)).toEqual(["ran"]);
    expect((await rowsOf(node.id)).map((r) => [r.status, r.trigger_type])).toEqual([["success", "date"]]);
    expect((await body(await admin.get(`${NODE}/detail/${node.id}`))).data.trigger).toBeNull();
    // the API's view follows what the tick did
    const jobs = (await body(await admin.get(`${JOB}/scheduler/jobs`))).data as { id: string }[];
    expect(jobs.map((j) => j.id)).not.toContain(String(node.id));

    const late = await scheduledNode("date", formatDateTime(new Date(T + 41 * MINUTE)));
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 45 * MINUTE)), late.id)).toEqual(["missed"]);
    expect((await rowsOf(late.id)).map((r) => [r.status, r.error])).toEqual([
      ["timeout", "任务错过执行时间"],
    ]);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 46 * MINUTE)), late.id)).toEqual([]);
  });

  test("JavaScript task code runs at the tick, its ctx.log in the job log", async () => {
    const node = await scheduledNode("cron", "0 * * * * ?", {
      func: "function handler(args, kwargs, ctx) { ctx.log('边缘', args[0]); return { at: 'edge' }; }",
    });
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 50 * MINUTE)), node.id)).toEqual(["ran"]);
    const [done] = await rowsOf(node.id);
    expect(done).toMatchObject({ status: "success", result: '{"at":"edge"}' });
    expect(JSON.parse(done.job_state!).logs).toEqual([`边缘 run${n}`]);
    await admin.delete(`${JOB}/task/remove/${node.id}`);
  });
});

describe("what administrators do through the API holds at the edge", () => {
  test("pause / resume of one job, persisted on the node", async () => {
    const node = await scheduledNode("cron", "0 * * * * ?");
    expect((await body(await admin.post(`${JOB}/task/pause/${node.id}`))).msg).toBe("暂停任务成功");
    const { task_node } = t.deps.db.t;
    const [row] = await t.deps.db.orm.select().from(task_node).where(eq(task_node.id, node.id));
    expect(row.status).toBe("1");
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 60 * MINUTE)), node.id)).toEqual([]);
    // the pause outlives the shared cache state (a restart with a memory cache, a flushed Redis)
    await stopTaskScheduler(t.deps);
    await t.deps.cache.del(SHARED_KEY);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 61 * MINUTE)), node.id)).toEqual([]);
    const jobs = (await body(await admin.get(`${JOB}/scheduler/jobs`))).data as {
      id: string;
      status: string;
    }[];
    expect(jobs.find((j) => j.id === String(node.id))?.status).toBe("暂停中");

    expect((await body(await admin.post(`${JOB}/task/resume/${node.id}`))).msg).toBe("恢复任务成功");
    const [resumed] = await t.deps.db.orm.select().from(task_node).where(eq(task_node.id, node.id));
    expect(resumed.status).toBe("0");
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 62 * MINUTE)), node.id)).toEqual(["ran"]);
    await admin.delete(`${JOB}/task/remove/${node.id}`);
  });

  test("remove clears the schedule: nothing runs", async () => {
    const node = await scheduledNode("cron", "0 * * * * ?");
    expect((await body(await admin.delete(`${JOB}/task/remove/${node.id}`))).msg).toBe("移除任务成功");
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 70 * MINUTE)), node.id)).toEqual([]);
    expect((await rowsOf(node.id)).map((r) => r.status)).toEqual(["cancelled"]);
  });

  test("a paused or stopped scheduler runs nothing; started again, it runs", async () => {
    const node = await scheduledNode("cron", "0 * * * * ?");
    expect((await body(await admin.post(`${JOB}/scheduler/pause`))).msg).toBe("调度器已暂停");
    expect(await runDueTaskNodes(t.deps, new Date(T + 80 * MINUTE))).toEqual([]);
    expect((await body(await admin.post(`${JOB}/scheduler/shutdown`))).code).toBe(0);
    expect(await runDueTaskNodes(t.deps, new Date(T + 81 * MINUTE))).toEqual([]);
    expect((await body(await admin.post(`${JOB}/scheduler/start`))).code).toBe(0);
    expect(ranIn(await runDueTaskNodes(t.deps, new Date(T + 82 * MINUTE)), node.id)).toEqual(["ran"]);
    await admin.delete(`${JOB}/task/remove/${node.id}`);
  });

  test("run now on Workers records the run before answering", async () => {
    const created = await body(
      await admin.post(`${NODE}/create`, { name: "立即", code: "edge_now", func: "echo" }),
    );
    await admin.post(`${NODE}/execute/${created.data.id}`, { trigger: "now" });
    // no waiting for background work: the row is there when the answer is
    expect((await rowsOf(created.data.id)).map((r) => [r.status, r.trigger_type])).toEqual([
      ["success", "manual"],
    ]);
    expect(taskScheduler(t.deps).has(String(created.data.id))).toBeFalse();
  });
});
