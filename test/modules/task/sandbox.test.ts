import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { stopTaskScheduler, taskScheduler } from "@/modules/task/cronjob/runner/node-scheduler";
import { looksLikePython, taskCodeKind } from "@/modules/task/cronjob/runner/task-code";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client } from "../../support/auth";

/* Task code (JavaScript in `func`) run in the QuickJS sandbox, through the real endpoints. */

let t: TestApp;
let admin: ReturnType<typeof client>;
let n = 0;

const TIMEOUT_MS = 400;
const OUTPUT_KB = 8;

beforeAll(async () => {
  t = await createTestApp({
    TASK_SANDBOX_TIMEOUT_MS: String(TIMEOUT_MS),
    TASK_SANDBOX_MEMORY_MB: "16",
    TASK_SANDBOX_OUTPUT_KB: String(OUTPUT_KB),
  });
  admin = client(t, await authHeaders(t, "admin"));
});
afterAll(async () => {
  await stopTaskScheduler(t.deps);
  await t.close();
});

const NODE = "/task/cronjob/node";

async function createNode(func: string, fields: Record<string, unknown> = {}) {
  n++;
  const res = await admin.post(`${NODE}/create`, { name: `沙箱${n}`, code: `sbx_${n}`, func, ...fields });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data as { id: number; func_kind: string };
}

/** Creates a node with `func`, runs it now and answers its finished job-log row. */
async function runOnce(func: string, fields: Record<string, unknown> = {}) {
  const node = await createNode(func, fields);
  const res = await admin.post(`${NODE}/execute/${node.id}`, { trigger: "now" });
  expect(res.status).toBe(200);
  await taskScheduler(t.deps).idle();
  const { task_job } = t.deps.db.t;
  const rows = await t.deps.db.orm
    .select()
    .from(task_job)
    .where(eq(task_job.job_id, String(node.id)));
  expect(rows).toHaveLength(1);
  return rows[0];
}

/** The server still answers (nothing the guest did took it down). */
async function serverAlive() {
  const res = await admin.get(`${NODE}/list`);
  expect(res.status).toBe(200);
}

describe("JavaScript task code", () => {
  test("a handler's result lands in the job log, its ctx.log lines in job_state", async () => {
    const row = await runOnce(
      `function handler(args, kwargs, ctx) {
         ctx.log("start", { n: args.length });
         return { joined: args.join("+"), doubled: kwargs.k * 2 };
       }`,
      { args: "a, b", kwargs: '{"k": 21}' },
    );
    expect(row.status).toBe("success");
    expect(JSON.parse(row.result!)).toEqual({ joined: "a+b", doubled: 42 });
    expect(row.error).toBeNull();
    const state = JSON.parse(row.job_state!);
    expect(state.kind).toBe("javascript");
    expect(state.logs).toEqual(['start {"n":2}']);
    expect(typeof state.ms).toBe("number");
  });

  test("export default and async handlers work too", async () => {
    const mod = await runOnce(
      "export default function (args, kwargs, ctx) { ctx.log('m'); return args.length; }",
      {
        args: "x,y,z",
      },
    );
    expect(mod).toMatchObject({ status: "success", result: "3" });
    const asyncRow = await runOnce(
      "async function handler() { const v = await Promise.resolve(7); return [v]; }",
    );
    expect(asyncRow).toMatchObject({ status: "success", result: "[7]" });
  });

  test("a thrown error is a failed row with its message", async () => {
    const row = await runOnce("function handler() { throw new RangeError('数值越界'); }");
    expect(row).toMatchObject({ status: "failed", result: "failed", error: "RangeError: 数值越界" });
  });

  test("the node detail says which kind of func a node holds", async () => {
    const js = await createNode("function handler() { return 1 }");
    expect(js.func_kind).toBe("javascript");
    const builtin = await createNode("echo");
    expect(builtin.func_kind).toBe("handler");
    const detail = await body(await admin.get(`${NODE}/detail/${js.id}`));
    expect(detail.data.func_kind).toBe("javascript");
  });
});

describe("refused at the form (422)", () => {
  test("Python — the SPA's template — gets a message that says what to write instead", async () => {
    for (const func of [
      "def handler(*args, **kwargs):\n    return 'ok'",
      "import os\nos.system('id')",
      "from datetime import datetime\ndef handler(): return 1",
      "# 定义 handler(*args, **kwargs) 函数\ndef handler(*args, **kwargs):\n    pass",
    ]) {
      const res = await admin.post(`${NODE}/create`, { name: "py", code: "py", func });
      expect(res.status).toBe(422);
      const msg = (await body(res)).msg as string;
      expect(msg).toContain("不支持 Python 代码");
      expect(msg).toContain("function handler(args, kwargs, ctx)");
      expect(msg).toContain("export default function (args, kwargs, ctx)");
    }
  });

  test("JavaScript that does not compile, or defines no handler", async () => {
    const bad = await admin.post(`${NODE}/create`, { name: "js", code: "js", func: "function handler( {" });
    expect(bad.status).toBe(422);
    expect((await body(bad)).msg).toStartWith("JavaScript 代码无法编译: SyntaxError");
    // a module may import nothing: there is no module loader in the sandbox
    const imports = await admin.post(`${NODE}/create`, {
      name: "js",
      code: "js",
      func: "import fs from 'fs'; export default function () { return fs.readFileSync('/etc/passwd'); }",
    });
    expect(imports.status).toBe(422);
    expect((await body(imports)).msg).toBe(
      "JavaScript 代码无法编译: ReferenceError: could not load module 'fs'",
    );
    const none = await admin.post(`${NODE}/create`, { name: "js", code: "js", func: "const x = 1 + 1;" });
    expect(none.status).toBe(422);
    expect((await body(none)).msg).toStartWith("代码必须定义 handler");
  });

  test("classification", () => {
    expect(taskCodeKind("demo_handler")).toBe("handler");
    expect(taskCodeKind("os.system")).toBe("handler");
    expect(taskCodeKind("function handler() {}")).toBe("javascript");
    expect(looksLikePython("function handler(args) { return args }")).toBeFalse();
    expect(looksLikePython("export default () => 1")).toBeFalse();
  });
});

describe("contained: each fails cleanly with a clear job-log error, the server unaffected", () => {
  test("an endless loop is stopped at the wall-time limit", async () => {
    const started = Date.now();
    const row = await runOnce("function handler() { for (;;) {} }");
    expect(row.status).toBe("failed");
    expect(row.error).toBe(`任务代码执行超时（超过 ${TIMEOUT_MS} ms），已中止`);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 5000);
    await serverAlive();
  });

  test("a memory bomb of ArrayBuffers is stopped at the memory limit", async () => {
    // QuickJS's own limit does not count ArrayBuffer contents: the engine's memory cap stops it
    const started = Date.now();
    const row = await runOnce(
      "function handler() { const a = []; for (;;) a.push(new ArrayBuffer(1 << 20)); }",
    );
    expect(row.status).toBe("failed");
    expect(row.error).toBe("任务代码超出内存上限（16 MB），已中止");
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
    await serverAlive();
  });

  test("deep recursion is a stack overflow", async () => {
    const row = await runOnce("function handler() { const f = () => f() + 1; return f(); }");
    expect(row).toMatchObject({ status: "failed", error: "任务代码栈溢出（递归过深），已中止" });
  });

  test("huge output: a result or a log over the limit", async () => {
    const result = await runOnce("function handler() { return 'x'.repeat(100000); }");
    expect(result.status).toBe("failed");
    expect(result.error).toBe(`返回值超过输出上限（${OUTPUT_KB * 1024} 字节），已丢弃`);
    expect(result.result).toBe("failed");
    // swallowing the log's error does not help: the run still fails
    const logs = await runOnce(
      "function handler(a, k, ctx) { try { for (;;) ctx.log('y'.repeat(500)); } catch (e) {} return 'ok'; }",
    );
    expect(logs.status).toBe("failed");
    expect(logs.error).toBe(`ctx.log 输出超过上限（${OUTPUT_KB * 1024} 字节或 1000 行），已中止`);
    expect(JSON.parse(logs.job_state!).logs.length).toBeGreaterThan(0);
    await serverAlive();
  });

  test("no way out: require, process, fetch, Bun, globalThis, Function, timers", async () => {
    const cases: [string, string][] = [
      [
        "function handler() { return require('fs').readFileSync('/etc/passwd', 'utf8'); }",
        "ReferenceError: 'require' is not defined",
      ],
      ["function handler() { return process.env; }", "ReferenceError: 'process' is not defined"],
      [
        "async function handler() { return await fetch('http://127.0.0.1:1/'); }",
        "ReferenceError: 'fetch' is not defined",
      ],
      [
        "function handler() { return Bun.file('/etc/passwd').text(); }",
        "ReferenceError: 'Bun' is not defined",
      ],
      [
        "function handler() { return globalThis.process.mainModule; }",
        "TypeError: cannot read property 'mainModule' of undefined",
      ],
      [
        "function handler() { return Function('return process')().env; }",
        "ReferenceError: 'process' is not defined",
      ],
      [
        "function handler() { return setTimeout(() => 1, 10); }",
        "ReferenceError: 'setTimeout' is not defined",
      ],
    ];
    for (const [func, error] of cases) {
      const row = await runOnce(func);
      expect({ func, status: row.status, error: row.error }).toEqual({ func, status: "failed", error });
    }
    // what the sandbox's global object holds: the language's built-ins, nothing of the host
    const globals = await runOnce(
      "function handler() { return Object.getOwnPropertyNames(globalThis).sort(); }",
    );
    const names = JSON.parse(globals.result!) as string[];
    for (const hostName of [
      "process",
      "require",
      "fetch",
      "Bun",
      "console",
      "setTimeout",
      "WebAssembly",
      "crypto",
    ]) {
      expect(names).not.toContain(hostName);
    }
    await serverAlive();
  });

  test("a promise that never settles is reported, not awaited forever", async () => {
    const row = await runOnce("function handler() { return new Promise(() => {}); }");
    expect(row.status).toBe("failed");
    expect(row.error).toStartWith("handler 返回的 Promise 未完成");
  });
});

describe("workflow node types run JavaScript the same way", () => {
  test("a JavaScript node type's result feeds the next node", async () => {
    const NT = "/task/workflow/node-type";
    const WF = "/task/workflow/definition";
    const js = await admin.post(`${NT}/create`, {
      name: "JS 相加",
      code: "js_add",
      category: "action",
      func: "function handler(args, kwargs) { return { sum: kwargs.a + kwargs.b }; }",
      kwargs: '{"a": 2, "b": 3}',
    });
    expect(js.status).toBe(200);
    const py = await admin.post(`${NT}/create`, {
      name: "py",
      code: "py_t",
      category: "action",
      func: "def handler(): pass",
    });
    expect(py.status).toBe(422);
    const wf = await body(
      await admin.post(`${WF}/create`, {
        name: "JS 流程",
        code: "js_flow",
        nodes: [
          { id: "n1", type: "js_add", data: {} },
          { id: "n2", type: "echo_t", data: {} },
        ],
        edges: [{ source: "n1", target: "n2" }],
      }),
    );
    await admin.post(`${NT}/create`, { name: "回显", code: "echo_t", category: "action", func: "echo" });
    expect((await admin.post(`${WF}/publish/${wf.data.id}`)).status).toBe(200);
    const run = await body(await admin.post(`${WF}/execute`, { workflow_id: wf.data.id }));
    expect(run.data.status).toBe("completed");
    expect(run.data.node_results.n1).toEqual({ sum: 5 });
    expect(run.data.node_results.n2.kwargs.upstream).toEqual({ n1: { sum: 5 } });
  });
});

describe("a long-lived server runs task code off its event loop", () => {
  test("requests are answered while an endless loop runs; the loop still ends at its limit", async () => {
    const slow = await createTestApp({ TASK_SANDBOX_TIMEOUT_MS: "3000" });
    try {
      const c = client(slow, await authHeaders(slow, "admin"));
      const created = await body(
        await c.post(`${NODE}/create`, {
          name: "空转",
          code: "spin",
          func: "function handler() { for (;;) {} }",
        }),
      );
      expect((await c.post(`${NODE}/execute/${created.data.id}`, { trigger: "now" })).status).toBe(200);
      await Bun.sleep(300); // the run is under way
      const asked = Date.now();
      expect((await c.get(`${NODE}/list`)).status).toBe(200);
      expect(Date.now() - asked).toBeLessThan(1500);
      const { task_job } = slow.deps.db.t;
      const during = await slow.deps.db.orm
        .select()
        .from(task_job)
        .where(eq(task_job.job_id, String(created.data.id)));
      expect(during.map((r) => r.status)).toEqual(["running"]);
      await taskScheduler(slow.deps).idle();
      const [row] = await slow.deps.db.orm
        .select()
        .from(task_job)
        .where(eq(task_job.job_id, String(created.data.id)));
      expect(row).toMatchObject({ status: "failed", error: "任务代码执行超时（超过 3000 ms），已中止" });
    } finally {
      await stopTaskScheduler(slow.deps);
      await slow.close();
    }
  });
});
