import { afterAll, beforeAll, describe, expect, test } from "bun:test";
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
  await t.close();
});

const NT = "/task/workflow/node-type";
const WF = "/task/workflow/definition";

async function makeType(fields: Record<string, unknown> = {}, c = admin) {
  n++;
  const res = await c.post(`${NT}/create`, { name: `类型${n}`, code: `nt_${n}`, func: "echo", ...fields });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data as { id: number; code: string; name: string };
}

const node = (id: string, type: string, data: Record<string, unknown> = {}) => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { label: id, args: null, kwargs: null, ...data },
});

async function makeWorkflow(fields: Record<string, unknown> = {}, c = admin) {
  n++;
  const res = await c.post(`${WF}/create`, {
    name: `流程${n}`,
    code: `wf_${n}`,
    nodes: [],
    edges: [],
    ...fields,
  });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data as { id: number; code: string; name: string; status: string };
}

describe("node types", () => {
  test("create → detail → list → options → update → delete", async () => {
    const res = await admin.post(`${NT}/create`, {
      name: "参考节点类型ref",
      code: "nt_ref",
      category: "action",
      func: "process_data",
      args: "1,2",
      kwargs: "{}",
      sort_order: 1,
      is_active: true,
    });
    const b = await body(res);
    expect(b.msg).toBe("创建编排节点类型成功");
    expect(b.data).toMatchObject({
      name: "参考节点类型ref",
      code: "nt_ref",
      category: "action",
      func: "process_data",
      args: "1,2",
      kwargs: "{}",
      sort_order: 1,
      is_active: true,
      status: "0",
      created_by: { id: 2, name: "管理员" },
    });
    const id = b.data.id;
    expect((await body(await admin.get(`${NT}/detail/${id}`))).msg).toBe("获取编排节点类型详情成功");
    const l = await body(await admin.get(`${NT}/list?code=nt_ref&category=action&is_active=true`));
    expect(l.msg).toBe("查询编排节点类型列表成功");
    expect(l.data.items.map((i: { id: number }) => i.id)).toEqual([id]);
    const inactive = await makeType({ is_active: false, sort_order: 0 });
    const off = await body(await admin.get(`${NT}/list?is_active=false&page_size=100`));
    expect(off.data.items.map((i: { id: number }) => i.id)).toEqual([inactive.id]);
    const defaulted = await makeType({ args: null, kwargs: null, category: null });
    const o = await body(await admin.get(`${NT}/options`));
    expect(o.msg).toBe("获取编排节点类型选项成功");
    expect(o.data.some((x: { id: number }) => x.id === inactive.id)).toBe(false);
    expect(o.data.find((x: { id: number }) => x.id === defaulted.id)).toEqual({
      id: defaulted.id,
      code: defaulted.code,
      name: defaulted.name,
      category: "action",
      args: "",
      kwargs: "{}",
    });
    const u = await body(
      await admin.put(`${NT}/update/${id}`, {
        name: "参考节点类型ref",
        code: "nt_ref",
        func: "echo",
        args: "1,2,3",
        sort_order: 2,
      }),
    );
    expect(u.msg).toBe("更新编排节点类型成功");
    expect(u.data).toMatchObject({ args: "1,2,3", sort_order: 2, func: "echo", category: "action" });
    expect((await body(await admin.delete(`${NT}/delete`, [defaulted.id]))).msg).toBe("删除编排节点类型成功");
    expect((await admin.get(`${NT}/detail/${defaulted.id}`)).status).toBe(404);
  });

  test("errors", async () => {
    const a = await makeType();
    const cases: [string, unknown, number, string][] = [
      [
        "post",
        { name: "x", code: "x", func: "echo", category: "loop" },
        422,
        "category 须为: {trigger, action, condition, control}",
      ],
      ["post", { name: "x", code: "x", func: " " }, 422, "必须提供 func 代码块"],
      [
        "post",
        { name: "x", code: "x", func: "os.system" },
        422,
        "未注册的任务处理函数: os.system，可用: demo_handler, echo, process_data, raise_error, sleep_ms",
      ],
      ["post", { name: "x", code: a.code, func: "echo" }, 409, "节点编码已存在"],
      ["post", { name: "x", code: "x", func: "echo", sort_order: -1 }, 422, "排序不能小于0"],
    ];
    for (const [, payload, status, msg] of cases) {
      const res = await admin.post(`${NT}/create`, payload);
      expect({ status: res.status, msg: (await body(res)).msg }).toEqual({ status, msg });
    }
    const b = await makeType();
    const clash = await admin.put(`${NT}/update/${b.id}`, { name: "y", code: a.code, func: "echo" });
    expect(clash.status).toBe(409);
    const missing = await admin.get(`${NT}/detail/999999`);
    expect({ s: missing.status, m: (await body(missing)).msg }).toEqual({ s: 404, m: "编排节点类型不存在" });
    expect(
      (await body(await admin.put(`${NT}/update/999999`, { name: "y", code: "y", func: "echo" }))).msg,
    ).toBe("编排节点类型不存在");
    expect((await body(await admin.delete(`${NT}/delete`, []))).msg).toBe("删除ID不能为空");
    expect((await admin.delete(`${NT}/delete`, [999999])).status).toBe(404);
  });
});

describe("workflow definitions", () => {
  test("create → detail → list → update (with the capture's shapes)", async () => {
    const nodes = [node("node-1", "nt_x"), node("node-2", "nt_x", { args: "x", kwargs: '{"k": 2}' })];
    const edges = [{ id: "e1", source: "node-1", target: "node-2" }];
    const res = await admin.post(`${WF}/create`, {
      name: "参考流程ref",
      code: "wf_ref",
      description: "reference",
      nodes,
      edges,
    });
    const b = await body(res);
    expect(b.msg).toBe("创建工作流成功");
    expect(b.data).toMatchObject({
      name: "参考流程ref",
      code: "wf_ref",
      status: "draft",
      description: "reference",
      nodes,
      edges,
      created_id: 2,
      created_by: { id: 2, name: "管理员" },
    });
    const id = b.data.id;
    expect((await body(await admin.get(`${WF}/detail/${id}`))).data.nodes).toEqual(nodes);
    const l = await body(await admin.get(`${WF}/list?code=wf_ref&status=draft`));
    expect(l.msg).toBe("查询工作流列表成功");
    expect(l.data.items.map((i: { id: number }) => i.id)).toEqual([id]);
    const u = await body(await admin.put(`${WF}/update/${id}`, { description: "updated" }));
    expect(u).toMatchObject({
      msg: "更新工作流成功",
      data: { description: "updated", name: "参考流程ref", nodes },
    });
    const bad = await admin.put(`${WF}/update/${id}`, { workflow_status: "done" });
    expect({ s: bad.status, m: (await body(bad)).msg }).toEqual({
      s: 422,
      m: "流程状态须为 draft/published/archived",
    });
  });

  test("errors: duplicate code, missing, delete", async () => {
    const a = await makeWorkflow();
    const dup = await admin.post(`${WF}/create`, { name: "z", code: a.code });
    expect({ s: dup.status, m: (await body(dup)).msg }).toEqual({ s: 409, m: "流程编码已存在" });
    const b = await makeWorkflow();
    expect((await admin.put(`${WF}/update/${b.id}`, { code: a.code })).status).toBe(409);
    const missing = await admin.get(`${WF}/detail/999999`);
    expect({ s: missing.status, m: (await body(missing)).msg }).toEqual({ s: 404, m: "工作流不存在" });
    expect((await body(await admin.delete(`${WF}/delete`, []))).msg).toBe("删除ID不能为空");
    expect((await admin.delete(`${WF}/delete`, [999999])).status).toBe(404);
    expect((await body(await admin.delete(`${WF}/delete`, [b.id]))).msg).toBe("删除工作流成功");
    expect((await admin.get(`${WF}/detail/${b.id}`)).status).toBe(404);
  });

  test("publish validates the graph: empty, dangling edge, cycle", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ nodes: [] }, "工作流至少需要一个节点"],
      [{ nodes: [node("a", "t")], edges: [{ source: "a", target: "ghost" }] }, "连线引用了不存在的节点"],
      [
        {
          nodes: [node("a", "t"), node("b", "t")],
          edges: [
            { source: "a", target: "b" },
            { source: "b", target: "a" },
          ],
        },
        "工作流图存在环路，无法执行",
      ],
    ];
    for (const [graph, msg] of cases) {
      const w = await makeWorkflow(graph);
      const res = await admin.post(`${WF}/publish/${w.id}`, {});
      expect({ s: res.status, m: (await body(res)).msg }).toEqual({ s: 400, m: msg });
    }
    expect((await admin.post(`${WF}/publish/999999`, {})).status).toBe(404);
  });

  test("execute runs nodes in topological order with upstream results and variables", async () => {
    const sum = await makeType({ func: "process_data", args: "1,2,3", kwargs: "{}" });
    const echo = await makeType({ func: "echo", args: "", kwargs: '{"k": 1}' });
    // listed out of order: the engine must run n1 before n2 before n3
    const w = await makeWorkflow({
      nodes: [node("n3", echo.code), node("n1", sum.code), node("n2", sum.code, { args: "10,20" })],
      edges: [
        { source: "n1", target: "n2" },
        { source: "n2", target: "n3" },
        { source: "n1", target: "n3" },
      ],
    });
    const draft = await admin.post(`${WF}/execute`, { workflow_id: w.id });
    expect({ s: draft.status, m: (await body(draft)).msg }).toEqual({ s: 400, m: "仅已发布的工作流可执行" });
    const pub = await body(await admin.post(`${WF}/publish/${w.id}`));
    expect(pub).toMatchObject({ msg: "发布工作流成功", data: { status: "published" } });
    const res = await admin.post(`${WF}/execute`, { workflow_id: w.id, variables: { v: 1 } });
    const b = await body(res);
    expect(b.msg).toBe("执行工作流完成");
    expect(b.data).toMatchObject({
      workflow_id: w.id,
      workflow_name: w.name,
      status: "completed",
      variables: { v: 1 },
      error: null,
      node_results: {
        n1: { operation: "sum", result: 6 },
        n2: { operation: "sum", result: 30 },
        n3: {
          args: [],
          kwargs: {
            k: 1,
            upstream: { n1: { operation: "sum", result: 6 }, n2: { operation: "sum", result: 30 } },
            variables: { v: 1 },
          },
        },
      },
    });
    expect(Object.keys(b.data.node_results)).toEqual(["n1", "n2", "n3"]);
    expect(b.data.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  });

  test("execute refusals and a failing node", async () => {
    const fail = await makeType({ func: "raise_error", args: "炸了" });
    const off = await makeType({ is_active: false });
    const ok = await makeType();
    const run = async (nodes: unknown[]) => {
      const w = await makeWorkflow({ nodes, edges: [] });
      await admin.post(`${WF}/publish/${w.id}`);
      return admin.post(`${WF}/execute`, { workflow_id: w.id });
    };
    const unknown = await run([node("a", "nope")]);
    expect((await body(unknown)).msg).toBe(
      "编排节点类型未注册（请在「工作流编排节点类型」中维护，非定时任务节点）: nope",
    );
    expect((await body(await run([node("a", off.code)]))).msg).toBe(`编排节点类型已停用: ${off.code}`);
    const failed = await body(await run([node("a", ok.code), node("b", fail.code)]));
    expect(failed).toMatchObject({
      code: 0,
      data: { status: "failed", node_results: null, error: "节点 b 执行失败: 炸了" },
    });
    expect((await admin.post(`${WF}/execute`, { workflow_id: 999999 })).status).toBe(404);
    expect((await admin.post(`${WF}/execute`, {})).status).toBe(422);
  });
});

describe("security", () => {
  const endpoints: [string, string, unknown?][] = [
    ["get", `${NT}/options`],
    ["get", `${NT}/detail/1`],
    ["get", `${NT}/list`],
    ["post", `${NT}/create`, { name: "s", code: "s", func: "echo" }],
    ["put", `${NT}/update/1`, { name: "s", code: "s", func: "echo" }],
    ["delete", `${NT}/delete`, [1]],
    ["get", `${WF}/detail/1`],
    ["get", `${WF}/list`],
    ["post", `${WF}/create`, { name: "s", code: "s" }],
    ["put", `${WF}/update/1`, { name: "s" }],
    ["delete", `${WF}/delete`, [1]],
    ["post", `${WF}/publish/1`, {}],
    ["post", `${WF}/execute`, { workflow_id: 1 }],
  ];
  test("401 without a token, 403 without the permission", async () => {
    const anon = client(t);
    const u = client(
      t,
      (await createScopedUser(t, { permissions: ["module_task:cronjob:node:query"] })).headers,
    );
    for (const [m, path, b] of endpoints) {
      const r1 = await (anon as any)[m](path, b);
      expect({ path, s: r1.status, c: (await body(r1)).code }).toEqual({ path, s: 401, c: 10401 });
      const r2 = await (u as any)[m](path, b);
      expect({ path, s: r2.status, c: (await body(r2)).code }).toEqual({ path, s: 403, c: 10403 });
    }
  });
  test("node-type detail accepts the seeded :detail permission; data scope hides others' rows", async () => {
    const mine = client(
      t,
      (
        await createScopedUser(t, {
          permissions: [
            "module_task:workflow:node-type:detail",
            "module_task:workflow:definition:detail",
            "module_task:workflow:definition:query",
            "module_task:workflow:definition:delete",
          ],
          dataScope: 1,
        })
      ).headers,
    );
    const type = await makeType();
    const w = await makeWorkflow();
    expect((await mine.get(`${NT}/detail/${type.id}`)).status).toBe(404);
    expect((await mine.get(`${WF}/detail/${w.id}`)).status).toBe(404);
    expect((await body(await mine.get(`${WF}/list`))).data.total).toBe(0);
    expect((await mine.delete(`${WF}/delete`, [w.id])).status).toBe(404);
    expect((await admin.get(`${WF}/detail/${w.id}`)).status).toBe(200);
  });
});
