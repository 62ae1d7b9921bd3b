import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { cronPattern, describeInterval, intervalSeconds } from "@/modules/task/cronjob/cron";
import { HANDLERS } from "@/modules/task/cronjob/runner/builtin-handlers";
import { stopTaskScheduler, taskScheduler } from "@/modules/task/cronjob/runner/node-scheduler";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

let t: TestApp;
let admin: ReturnType<typeof client>;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
});
afterAll(async () => {
  await stopTaskScheduler(t.deps);
  await t.close();
});

const NODE = "/task/cronjob/node";
const JOB = "/task/cronjob/job";

async function makeNode(fields: Record<string, unknown> = {}, c = admin) {
  n++;
  const res = await c.post(`${NODE}/create`, {
    name: `节点${n}`,
    code: `n_${n}`,
    func: "echo",
    args: "a,b",
    kwargs: '{"k": 1}',
    ...fields,
  });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data as { id: number; name: string; code: string; trigger: string | null };
}

async function logsOf(jobId: string) {
  const { task_job } = t.deps.db.t;
  return t.deps.db.orm.select().from(task_job).where(eq(task_job.job_id, jobId)).orderBy(task_job.id);
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 4000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("cron validation (§6.2)", () => {
  test("accepts Quartz forms and maps ? to *", () => {
    expect(cronPattern("0 0 2 * * ?")).toBe("0 0 2 * * *");
    expect(cronPattern("0/5 * * * * ? *")).toBe("0/5 * * * * * *");
    expect(cronPattern("0 0 2 L * ?")).toBe("0 0 2 L * *");
    expect(cronPattern("0 0 2 ? * 2#3")).toBe("0 0 2 * * 2#3");
    expect(cronPattern("0 0 2 ? * 6L")).toBe("0 0 2 * * 6L");
    expect(cronPattern("0 0 2 15W * ?")).toBe("0 0 2 15W * *");
    expect(cronPattern(`0 0 0 1 1 ? ${new Date().getFullYear() + 1}`)).toBeString();
    expect(() => cronPattern("0 0 0 1 1 ? 2099")).toThrow("Cron表达式不正确");
  });
  test("refuses every-second, */n, out-of-range and malformed expressions", () => {
    expect(() => cronPattern("* * * * * *")).toThrow("Cron表达式不允许每秒执行");
    expect(() => cronPattern("* * * * * ?")).toThrow("Cron表达式不允许每秒执行");
    for (const bad of [
      "*/5 * * * * ?",
      "60 * * * * ?",
      "0 0 24 * * ?",
      "0 0 0 32 * ?",
      "0 0 0 * 13 ?",
      "0 0 0 ? * 8",
      "0 0 0 ? * 2#5",
      "0 5-1 * * * ?",
      "0 0/60 * * * ?",
      "1 2 3",
      "0 0 0 1 1 ? 1999",
      "a * * * * ?",
    ]) {
      expect(() => cronPattern(bad)).toThrow("Cron表达式不正确");
    }
  });
  test("interval fields are seconds minutes hours days weeks", () => {
    expect(intervalSeconds("0 0 1 * *")).toBe(3600);
    expect(intervalSeconds("30 * * 1 *")).toBe(86_430);
    expect(describeInterval(3600)).toBe("interval[1:00:00]");
    expect(describeInterval(86_430)).toBe("interval[1 day, 0:00:30]");
    expect(() => intervalSeconds("0 0 0 0 0")).toThrow("间隔时间必须大于0秒");
    expect(() => intervalSeconds("1 2 3")).toThrow("间隔触发器参数不正确");
  });
});

describe("built-in handlers", () => {
  test("demo_handler and process_data behave as §6.3", async () => {
    const demo = (await HANDLERS.demo_handler.run(["x"], { k: 1 })) as Record<string, unknown>;
    expect(demo.message).toBe("Hello from demo_handler!");
    expect(demo.args).toEqual(["x"]);
    expect(demo.kwargs).toEqual({ k: 1 });
    expect(typeof demo.time).toBe("string");
    const p = HANDLERS.process_data.run;
    expect(await p([], { data: [1, 2, 3, 6] })).toEqual({ operation: "sum", result: 12 });
    expect(await p([], { data: [1, 2, 3, 6], operation: "avg" })).toEqual({ operation: "avg", result: 3 });
    expect(await p(["4", "9"], { operation: "max" })).toEqual({ operation: "max", result: 9 });
    expect(await p([], { data: [] })).toEqual({ error: "数据为空" });
    expect(await p([], { data: [1], operation: "median" })).toEqual({ error: "不支持的操作: median" });
    expect(await HANDLERS.sleep_ms.run([], { ms: 20 })).toEqual({ slept_ms: 20 });
    expect(await HANDLERS.sleep_ms.run(["-5"], {})).toEqual({ slept_ms: 0 });
  });
});

describe("nodes", () => {
  test("create → detail → list → options → update", async () => {
    const res = await admin.post(`${NODE}/create`, {
      name: "参考节点ref",
      code: "n_ref",
      func: "echo",
      args: "a,b",
      kwargs: '{"k": 1}',
      coalesce: false,
      max_instances: 1,
      jobstore: "default",
      executor: "default",
    });
    const b = await body(res);
    expect(res.status).toBe(200);
    expect(b.msg).toBe("创建节点成功");
    expect(b.data).toMatchObject({
      name: "参考节点ref",
      code: "n_ref",
      func: "echo",
      args: "a,b",
      kwargs: '{"k": 1}',
      coalesce: false,
      max_instances: 1,
      jobstore: "default",
      executor: "default",
      start_date: null,
      end_date: null,
      trigger: null,
      trigger_args: null,
      status: "0",
      is_deleted: false,
      created_id: 2,
      created_by: { id: 2, name: "管理员" },
    });
    const id = b.data.id;
    const d = await body(await admin.get(`${NODE}/detail/${id}`));
    expect(d.msg).toBe("获取节点详情成功");
    expect(d.data.code).toBe("n_ref");
    const l = await body(await admin.get(`${NODE}/list?name=参考&code=n_re`));
    expect(l.msg).toBe("查询节点列表成功");
    expect(l.data.items.map((i: { id: number }) => i.id)).toEqual([id]);
    const o = await body(await admin.get(`${NODE}/options`));
    expect(o.msg).toBe("获取定时任务节点选项成功");
    expect(o.data.find((x: { id: number }) => x.id === id)).toEqual({
      id,
      name: "参考节点ref",
      code: "n_ref",
      func: "echo",
      args: "a,b",
      kwargs: '{"k": 1}',
    });
    const u = await body(
      await admin.put(`${NODE}/update/${id}`, {
        name: "参考节点ref",
        code: "n_ref",
        func: "demo_handler",
        args: "x",
      }),
    );
    expect(u.msg).toBe("修改节点成功");
    expect(u.data).toMatchObject({ func: "demo_handler", args: "x", kwargs: '{"k": 1}' });
  });

  test("validation: func names a registered handler or holds JavaScript (Python refused); code required; kwargs JSON; dates", async () => {
    const r1 = await admin.post(`${NODE}/create`, { name: "x1", code: "x1", func: "def handler(): pass" });
    expect(r1.status).toBe(422);
    expect((await body(r1)).msg).toContain(
      "不支持 Python 代码。请改用 JavaScript：function handler(args, kwargs, ctx)",
    );
    const r0 = await admin.post(`${NODE}/create`, { name: "x1", code: "x1", func: "no_such_handler" });
    expect(r0.status).toBe(422);
    expect((await body(r0)).msg).toContain("未注册的任务处理函数: no_such_handler，可用: demo_handler");
    expect((await body(await admin.post(`${NODE}/create`, { name: "x1", code: "x1", func: "  " }))).msg).toBe(
      "必须提供代码块(func)",
    );
    expect((await body(await admin.post(`${NODE}/create`, { name: "x1", func: "echo" }))).msg).toBe(
      "节点编码不能为空",
    );
    const r4 = await admin.post(`${NODE}/create`, { name: "x1", code: "x1", func: "echo", kwargs: "{bad" });
    expect(r4.status).toBe(400);
    expect((await body(r4)).msg).toBe("关键字参数JSON格式无效: {bad");
    const r5 = await admin.post(`${NODE}/create`, {
      name: "x1",
      code: "x1",
      func: "echo",
      start_date: "tomorrow",
    });
    expect((await body(r5)).msg).toBe("时间格式必须为 YYYY-MM-DD HH:MM:SS");
  });

  test("duplicates (also a deleted node's code) are 409; missing ids are 404", async () => {
    const a = await makeNode();
    const dupName = await admin.post(`${NODE}/create`, { name: a.name, code: "other1", func: "echo" });
    expect(dupName.status).toBe(409);
    expect((await body(dupName)).msg).toBe("创建失败，该节点已存在");
    const dupCode = await admin.post(`${NODE}/create`, { name: "other", code: a.code, func: "echo" });
    expect((await body(dupCode)).msg).toBe("创建失败，节点编码已存在");
    await admin.delete(`${NODE}/delete`, [a.id]);
    const reused = await admin.post(`${NODE}/create`, { name: a.name, code: a.code, func: "echo" });
    expect(reused.status).toBe(409);
    expect((await body(reused)).msg).toBe("创建失败，节点编码已被已删除的节点占用");
    expect((await admin.get(`${NODE}/detail/${a.id}`)).status).toBe(404);
    expect((await body(await admin.get(`${NODE}/detail/999999`))).msg).toBe("该节点不存在");
    const up = await admin.put(`${NODE}/update/999999`, { name: "q", code: "q", func: "echo" });
    expect((await body(up)).msg).toBe("更新失败，该节点不存在");
    expect((await body(await admin.delete(`${NODE}/delete`, []))).msg).toBe("删除失败，删除对象不能为空");
    expect((await body(await admin.delete(`${NODE}/delete`, [999999]))).msg).toBe("删除失败，该节点不存在");
    const opts = await body(await admin.get(`${NODE}/options`));
    expect(opts.data.some((o: { id: number }) => o.id === a.id)).toBe(false);
  });

  test("execute now writes a manual success row with the handler's JSON result", async () => {
    const a = await makeNode({
      func: "process_data",
      args: "",
      kwargs: '{"data": [1, 2, 3], "operation": "sum"}',
    });
    const res = await admin.post(`${NODE}/execute/${a.id}`, { trigger: "now" });
    expect(await body(res)).toMatchObject({
      code: 0,
      msg: "调试节点成功",
      data: { job_id: a.id, status: "executed", trigger: "now" },
    });
    await taskScheduler(t.deps).idle();
    const rows = await logsOf(String(a.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      job_name: a.name,
      trigger_type: "manual",
      status: "success",
      error: null,
    });
    expect(JSON.parse(rows[0].result!)).toEqual({ operation: "sum", result: 6 });
  });

  test("a failing handler writes a failed row with the error", async () => {
    const a = await makeNode({ func: "raise_error", args: "", kwargs: '{"message": "坏了"}' });
    await admin.post(`${NODE}/execute/${a.id}`, {});
    await taskScheduler(t.deps).idle();
    const [row] = await logsOf(String(a.id));
    expect(row).toMatchObject({ status: "failed", result: "failed", error: "坏了", trigger_type: "manual" });
  });

  test("execute validation and refusals", async () => {
    const a = await makeNode();
    const cases: [unknown, number, string][] = [
      [{ trigger: "weekly" }, 422, "触发器必须为 now/cron/interval/date"],
      [{ trigger: "cron" }, 422, "非立即执行时必须提供触发器参数"],
      [
        { trigger: "cron", trigger_args: "0 0 2 * * ?", start_date: "x" },
        422,
        "时间格式必须为 YYYY-MM-DD HH:MM:SS",
      ],
      [
        {
          trigger: "cron",
          trigger_args: "0 0 2 * * ?",
          start_date: "2030-01-02 00:00:00",
          end_date: "2030-01-01 00:00:00",
        },
        422,
        "结束时间不能早于开始时间",
      ],
      [{ trigger: "cron", trigger_args: "*/5 * * * * ?" }, 400, "Cron表达式不正确: */5 * * * * ?"],
      [
        { trigger: "cron", trigger_args: "* * * * * *" },
        400,
        "Cron表达式不允许每秒执行，请至少指定秒数（如：0 * * * * ? * 表示每分钟执行）",
      ],
      [{ trigger: "interval", trigger_args: "0 0 0 0 0" }, 400, "间隔时间必须大于0秒"],
      [{ trigger: "date", trigger_args: "2000-01-01 00:00:00" }, 400, "执行时间不能早于当前时间"],
    ];
    for (const [payload, status, msg] of cases) {
      const res = await admin.post(`${NODE}/execute/${a.id}`, payload);
      expect({ payload, status: res.status, msg: (await body(res)).msg }).toEqual({ payload, status, msg });
    }
    const missing = await admin.post(`${NODE}/execute/999999`, { trigger: "now" });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("调试失败，该节点不存在");
  });
});

describe("scheduling", () => {
  test("a seconds-level cron fires, writes success rows, keeps one pending row and persists on the node", async () => {
    const a = await makeNode({ func: "echo", args: "tick" });
    const res = await admin.post(`${NODE}/execute/${a.id}`, {
      trigger: "cron",
      trigger_args: "0/1 * * * * ?",
    });
    expect((await body(res)).data.trigger).toBe("cron");
    const node = (await body(await admin.get(`${NODE}/detail/${a.id}`))).data;
    expect(node).toMatchObject({ trigger: "cron", trigger_args: "0/1 * * * * ?" });
    const rows = await until(
      () => logsOf(String(a.id)),
      (r) => r.filter((x) => x.status === "success").length >= 2,
    );
    const ok = rows.filter((x) => x.status === "success");
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(ok[0]).toMatchObject({ trigger_type: "cron", job_name: a.name });
    expect(JSON.parse(ok[0].result!)).toEqual({ args: ["tick"], kwargs: { k: 1 } });
    const jobs = await body(await admin.get(`${JOB}/scheduler/jobs`));
    expect(jobs.msg).toBe("获取调度器任务列表成功");
    const job = jobs.data.find((j: { id: string }) => j.id === String(a.id));
    expect(job).toMatchObject({
      name: a.name,
      trigger: "cron[month='*', day='*', day_of_week='*', hour='*', minute='*', second='0/1']",
      status: "运行中",
    });
    expect(job.next_run_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

    // task pause: no more runs; resume: runs again
    expect((await body(await admin.post(`${JOB}/task/pause/${a.id}`))).msg).toBe("暂停任务成功");
    await taskScheduler(t.deps).idle();
    const paused = (await body(await admin.get(`${JOB}/scheduler/jobs`))).data.find(
      (j: { id: string }) => j.id === String(a.id),
    );
    expect(paused).toMatchObject({ status: "暂停中", next_run_time: null });
    const before = (await logsOf(String(a.id))).filter((x) => x.status === "success").length;
    await new Promise((r) => setTimeout(r, 1300));
    expect((await logsOf(String(a.id))).filter((x) => x.status === "success").length).toBe(before);
    expect((await body(await admin.post(`${JOB}/task/resume/${a.id}`))).msg).toBe("恢复任务成功");
    await until(
      () => logsOf(String(a.id)),
      (r) => r.filter((x) => x.status === "success").length > before,
    );

    // remove: job gone, node schedule cleared, pending rows cancelled
    expect((await body(await admin.delete(`${JOB}/task/remove/${a.id}`))).msg).toBe("移除任务成功");
    await taskScheduler(t.deps).idle();
    expect((await body(await admin.get(`${NODE}/detail/${a.id}`))).data.trigger).toBeNull();
    expect((await logsOf(String(a.id))).some((x) => x.status === "pending")).toBe(false);
    expect((await logsOf(String(a.id))).some((x) => x.status === "cancelled")).toBe(true);
  });

  test("an interval job fires and run-now adds a manual row without touching the schedule", async () => {
    const a = await makeNode({ func: "demo_handler", args: "", kwargs: "" });
    await admin.post(`${NODE}/execute/${a.id}`, { trigger: "interval", trigger_args: "1 * * * *" });
    const rows = await until(
      () => logsOf(String(a.id)),
      (r) => r.some((x) => x.status === "success"),
    );
    expect(rows.find((x) => x.status === "success")).toMatchObject({ trigger_type: "interval" });
    expect((await body(await admin.post(`${JOB}/task/run/${a.id}`))).msg).toBe("立即执行任务成功");
    await taskScheduler(t.deps).idle();
    const manual = (await logsOf(String(a.id))).filter((x) => x.trigger_type === "manual");
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ job_name: `${a.name}(立即执行)`, status: "success" });
    const jobs = (await body(await admin.get(`${JOB}/scheduler/jobs`))).data;
    expect(jobs.find((j: { id: string }) => j.id === String(a.id)).trigger).toBe("interval[0:00:01]");
    await admin.delete(`${JOB}/task/remove/${a.id}`);
  });

  test("schedules persist on the node and are restored by a fresh scheduler", async () => {
    const a = await makeNode();
    await admin.post(`${NODE}/execute/${a.id}`, { trigger: "cron", trigger_args: "0 0 3 * * ?" });
    await stopTaskScheduler(t.deps);
    const jobs = (await body(await admin.get(`${JOB}/scheduler/jobs`))).data;
    expect(jobs.find((j: { id: string }) => j.id === String(a.id))).toMatchObject({
      trigger: "cron[month='*', day='*', day_of_week='*', hour='3', minute='0', second='0']",
    });
    // node delete removes the job too
    await admin.delete(`${NODE}/delete`, [a.id]);
    const after = (await body(await admin.get(`${JOB}/scheduler/jobs`))).data;
    expect(after.some((j: { id: string }) => j.id === String(a.id))).toBe(false);
  });

  test("scheduler status / pause / resume / shutdown / start / console / sync / clear", async () => {
    const a = await makeNode();
    await admin.post(`${NODE}/execute/${a.id}`, { trigger: "cron", trigger_args: "0 0 4 * * ?" });
    const st = await body(await admin.get(`${JOB}/scheduler/status`));
    expect(st).toMatchObject({ msg: "获取调度器状态成功", data: { status: "运行中", is_running: true } });
    expect(st.data.job_count).toBeGreaterThanOrEqual(1);
    const start = await admin.post(`${JOB}/scheduler/start`);
    expect(start.status).toBe(400);
    expect((await body(start)).msg).toBe("调度器已在运行中");
    expect((await body(await admin.post(`${JOB}/scheduler/pause`))).msg).toBe("调度器已暂停");
    expect((await body(await admin.get(`${JOB}/scheduler/status`))).data).toMatchObject({
      status: "暂停",
      is_running: true,
    });
    expect((await body(await admin.post(`${JOB}/scheduler/resume`))).msg).toBe("调度器已恢复");
    const con = await body(await admin.get(`${JOB}/scheduler/console`));
    expect(con.msg).toBe("获取控制台信息成功");
    expect(con.data).toContain("Jobstore default:\n");
    expect(con.data).toContain(`    ${a.name} (trigger: cron[`);
    expect(con.data).toContain("Jobstore sqlalchemy:\n    No scheduled jobs\n");
    expect((await body(await admin.post(`${JOB}/scheduler/shutdown`))).msg).toBe("调度器已关闭");
    expect((await body(await admin.get(`${JOB}/scheduler/status`))).data).toMatchObject({
      status: "停止",
      is_running: false,
    });
    expect(
      (await body(await admin.get(`${JOB}/scheduler/jobs`))).data.find(
        (j: { id: string }) => j.id === String(a.id),
      ).status,
    ).toBe("已停止");
    expect((await body(await admin.get(`${JOB}/scheduler/console`))).data).toStartWith("Pending jobs:\n");
    expect((await admin.post(`${JOB}/scheduler/pause`)).status).toBe(400);
    expect((await admin.post(`${JOB}/scheduler/shutdown`)).status).toBe(400);
    expect((await body(await admin.post(`${JOB}/scheduler/start`))).msg).toBe("调度器已启动");

    // sync: a job whose pending row vanished gets one back
    const { task_job } = t.deps.db.t;
    await t.deps.db.orm.delete(task_job).where(eq(task_job.job_id, String(a.id)));
    const sync = await body(await admin.post(`${JOB}/scheduler/sync`));
    expect(sync).toMatchObject({ msg: "同步完成，共同步 1 个任务", data: 1 });
    expect((await body(await admin.post(`${JOB}/scheduler/sync`))).data).toBe(0);

    expect((await body(await admin.delete(`${JOB}/scheduler/jobs/clear`))).msg).toBe("已清空所有任务");
    expect((await body(await admin.get(`${JOB}/scheduler/jobs`))).data).toEqual([]);
    expect((await logsOf(String(a.id))).map((r) => r.status)).toEqual(["cancelled"]);
    expect((await body(await admin.get(`${NODE}/detail/${a.id}`))).data.trigger).toBeNull();
  });

  test("unknown job ids are 404", async () => {
    for (const [method, path] of [
      ["post", "/task/pause/nope"],
      ["post", "/task/resume/nope"],
      ["post", "/task/run/nope"],
      ["delete", "/task/remove/nope"],
    ] as const) {
      const res = await admin[method](`${JOB}${path}`);
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("任务不存在: nope");
    }
  });
});

describe("job logs", () => {
  test("list filters, detail, delete (physical)", async () => {
    const a = await makeNode({ name: "日志节点", code: "log_node" });
    await admin.post(`${NODE}/execute/${a.id}`, {});
    await taskScheduler(t.deps).idle();
    const l = await body(
      await admin.get(`${JOB}/log/list?job_id=${a.id}&status=success&trigger_type=manual&job_name=日志`),
    );
    expect(l.msg).toBe("查询执行日志列表成功");
    expect(l.data.total).toBe(1);
    const item = l.data.items[0];
    expect(Object.keys(item).sort()).toEqual(
      [
        "id",
        "uuid",
        "status",
        "description",
        "created_time",
        "updated_time",
        "is_deleted",
        "deleted_time",
        "job_id",
        "job_name",
        "trigger_type",
        "next_run_time",
        "job_state",
        "result",
        "error",
      ].sort(),
    );
    const d = await body(await admin.get(`${JOB}/log/detail/${item.id}`));
    expect(d).toMatchObject({ msg: "获取执行日志详情成功", data: { id: item.id, job_id: String(a.id) } });
    const missing = await admin.get(`${JOB}/log/detail/999999`);
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("执行日志不存在");
    expect((await body(await admin.delete(`${JOB}/log/delete`, []))).msg).toBe("删除失败，删除对象不能为空");
    expect((await admin.delete(`${JOB}/log/delete`, [999999])).status).toBe(404);
    expect((await body(await admin.delete(`${JOB}/log/delete`, [item.id]))).msg).toBe("删除执行日志成功");
    expect(await logsOf(String(a.id))).toHaveLength(0);
  });
});

describe("security", () => {
  const endpoints: [string, string, unknown?][] = [
    ["get", `${JOB}/scheduler/status`],
    ["get", `${JOB}/scheduler/jobs`],
    ["post", `${JOB}/scheduler/start`],
    ["post", `${JOB}/scheduler/pause`],
    ["post", `${JOB}/scheduler/resume`],
    ["post", `${JOB}/scheduler/shutdown`],
    ["delete", `${JOB}/scheduler/jobs/clear`],
    ["get", `${JOB}/scheduler/console`],
    ["post", `${JOB}/scheduler/sync`],
    ["post", `${JOB}/task/pause/1`],
    ["post", `${JOB}/task/resume/1`],
    ["post", `${JOB}/task/run/1`],
    ["delete", `${JOB}/task/remove/1`],
    ["get", `${JOB}/log/list`],
    ["get", `${JOB}/log/detail/1`],
    ["delete", `${JOB}/log/delete`, [1]],
    ["get", `${NODE}/options`],
    ["get", `${NODE}/detail/1`],
    ["get", `${NODE}/list`],
    ["post", `${NODE}/create`, { name: "s", code: "s", func: "echo" }],
    ["put", `${NODE}/update/1`, { name: "s", code: "s", func: "echo" }],
    ["delete", `${NODE}/delete`, [1]],
    ["delete", `${NODE}/clear`],
    ["post", `${NODE}/execute/1`, { trigger: "now" }],
  ];
  test("no token → 401 on every endpoint", async () => {
    const anon = client(t);
    for (const [m, path, b] of endpoints) {
      const res = await (anon as any)[m](path, b);
      expect({ path, status: res.status, code: (await body(res)).code }).toEqual({
        path,
        status: 401,
        code: 10401,
      });
    }
  });
  test("a user without task permissions → 403 on every endpoint", async () => {
    const u = client(
      t,
      (await createScopedUser(t, { permissions: ["module_application:portal:query"] })).headers,
    );
    for (const [m, path, b] of endpoints) {
      const res = await (u as any)[m](path, b);
      expect({ path, status: res.status, code: (await body(res)).code }).toEqual({
        path,
        status: 403,
        code: 10403,
      });
    }
  });
  test("sync is open to :scheduler holders (`:update` is not seeded)", async () => {
    const u = client(
      t,
      (await createScopedUser(t, { permissions: ["module_task:cronjob:job:scheduler"] })).headers,
    );
    expect((await u.post(`${JOB}/scheduler/sync`)).status).toBe(200);
  });
  test("data scope: another user's nodes are invisible and survive their clear", async () => {
    const perms = [
      "module_task:cronjob:node:query",
      "module_task:cronjob:node:detail",
      "module_task:cronjob:node:delete",
      "module_task:cronjob:node:create",
      "module_task:cronjob:node:execute",
    ];
    const own = client(t, (await createScopedUser(t, { permissions: perms, dataScope: 1 })).headers);
    const mine = await makeNode({}, own);
    const other = await makeNode();
    expect((await own.get(`${NODE}/detail/${other.id}`)).status).toBe(404);
    expect((await own.post(`${NODE}/execute/${other.id}`, {})).status).toBe(404);
    const list = await body(await own.get(`${NODE}/list?page_size=100`));
    expect(list.data.items.map((i: { id: number }) => i.id)).toEqual([mine.id]);
    expect((await body(await own.delete(`${NODE}/clear`))).msg).toBe("清空节点成功");
    expect((await admin.get(`${NODE}/detail/${other.id}`)).status).toBe(200);
    expect((await admin.get(`${NODE}/detail/${mine.id}`)).status).toBe(404);
  });
});
