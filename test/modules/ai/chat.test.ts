import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { NOT_CONFIGURED_MSG } from "@/modules/ai/chat/chat.provider";
import { chatOut, sessionOut } from "@/modules/ai/chat/chat.schema";
import { body, createTestApp, type TestApp } from "../../support/app";
import { client, createScopedUser, tokenFor } from "../../support/auth";
import { aiSettings } from "./support/ai-app";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai";

// MariaDB under load (the preload's default does not reach every file)
setDefaultTimeout(30_000);

const AI_PERMISSIONS = [
  "module_ai:chat:query",
  "module_ai:chat:detail",
  "module_ai:chat:create",
  "module_ai:chat:update",
  "module_ai:chat:delete",
];

let fake: FakeOpenAI;
let t: TestApp;
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  fake = startFakeOpenAI();
  t = await createTestApp(aiSettings(fake, { AI_CONTEXT_MESSAGES: "2" }));
  admin = client(t, { Authorization: `Bearer ${await tokenFor(t, "admin")}` });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const chat = async (message: string, session_id?: string | null) => {
  const res = await admin.post("/ai/chat/ai-chat", { message, session_id });
  expect(res.status).toBe(200);
  const b = await body(res);
  expect(b.code).toBe(0);
  return b.data as { response: string; session_id: string; function_calls: any; action: any };
};

describe("sessions", () => {
  test("create answers the session object the SPA reads", async () => {
    const res = await admin.post("/ai/chat/create", { title: "  第一次对话 " });
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "创建会话成功" });
    const s = b.data;
    expect(s.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(s).toMatchObject({
      session_id: s.id,
      title: "第一次对话",
      session_data: { session_name: "第一次对话" },
      user_id: "admin",
      team_id: "1",
      team_name: "集团总公司",
      messages: [],
      runs: [],
      message_count: 0,
    });
    expect(s.created_at).toBeNumber();
    expect(s.updated_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  test("a title is required", async () => {
    const res = await admin.post("/ai/chat/create", { title: "  " });
    expect(res.status).toBe(422);
    expect((await body(res)).code).toBe(1);
  });

  test("list pages the caller's sessions, newest use first, and filters by title", async () => {
    await admin.post("/ai/chat/create", { title: "周报助手" });
    const res = await admin.get("/ai/chat/list?page_no=1&page_size=100");
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "查询会话列表成功" });
    expect(b.data.total).toBeGreaterThanOrEqual(2);
    expect(b.data.items[0].title).toBe("周报助手");
    const filtered = await body(await admin.get(`/ai/chat/list?title=${encodeURIComponent("周报")}`));
    expect(filtered.data.items.map((s: any) => s.title)).toEqual(["周报助手"]);
  });

  test("rename and delete; a deleted session is gone (404)", async () => {
    const created = (await body(await admin.post("/ai/chat/create", { title: "旧标题" }))).data;
    const renamed = await admin.put(`/ai/chat/update/${created.id}`, { title: "新标题" });
    expect(await body(renamed)).toMatchObject({ code: 0, msg: "更新会话成功", data: null });
    expect((await body(await admin.get(`/ai/chat/detail/${created.id}`))).data.title).toBe("新标题");
    await chat("留一条消息", created.id);
    const deleted = await admin.delete("/ai/chat/delete", [created.id]);
    expect(await body(deleted)).toMatchObject({ code: 0, msg: "删除会话成功" });
    const gone = await admin.get(`/ai/chat/detail/${created.id}`);
    expect(gone.status).toBe(404);
    expect(await body(gone)).toMatchObject({ code: -1, msg: "会话不存在" });
    const { ai_chat_message } = t.deps.db.t;
    const left = await t.deps.db.orm.select().from(ai_chat_message);
    expect(left.filter((m) => m.content === "留一条消息")).toEqual([]);
  });

  test("unknown ids answer 404 for detail, update and delete", async () => {
    expect((await admin.get("/ai/chat/detail/nope")).status).toBe(404);
    expect((await admin.put("/ai/chat/update/nope", { title: "x" })).status).toBe(404);
    expect((await admin.delete("/ai/chat/delete", ["nope"])).status).toBe(404);
  });
});

describe("POST /ai-chat", () => {
  test("answers from the model; the exchange is stored with its token counts", async () => {
    const session = (await body(await admin.post("/ai/chat/create", { title: "存储" }))).data;
    fake.script({ kind: "text", chunks: ["你好", "，", "我是助手"] });
    const out = await chat("你好", session.id);
    expect(out).toEqual({
      response: "你好，我是助手",
      session_id: session.id,
      function_calls: null,
      action: null,
    });
    const detail = (await body(await admin.get(`/ai/chat/detail/${session.id}`))).data;
    expect(detail.message_count).toBe(2);
    expect(detail.messages.map((m: any) => [m.role, m.content])).toEqual([
      ["user", "你好"],
      ["assistant", "你好，我是助手"],
    ]);
    expect(detail.runs).toHaveLength(1);
    expect(detail.runs[0].messages).toHaveLength(2);
    expect(detail.runs[0].status).toBe("ok");
    expect(detail.prompt_tokens).toBe(11);
    expect(detail.completion_tokens).toBe(3);
    // the list carries run summaries and the count, not the messages
    const listed = (await body(await admin.get("/ai/chat/list?page_size=100"))).data.items.find(
      (s: any) => s.id === session.id,
    );
    expect(listed.message_count).toBe(2);
    expect(listed.runs).toHaveLength(1);
    expect(listed.messages).toEqual([]);
  });

  test("the request to the model: settings, the system prompt, the key as a bearer header", async () => {
    await chat("检查请求");
    const req = fake.requests.at(-1)!;
    expect(req.body).toMatchObject({ model: "fake-model", stream: true, temperature: 0.7, max_tokens: 2048 });
    expect(req.body.messages[0].role).toBe("system");
    expect(req.body.messages[0].content).toContain("管理员（admin）");
    expect(req.body.tools.map((x: any) => x.function.name)).toContain("list_users");
    expect(req.headers.authorization).toBe("Bearer sk-fake-secret-key-0123456789");
  });

  test("without session_id a new session titled 新对话 is created", async () => {
    const out = await chat("新的问题");
    const detail = (await body(await admin.get(`/ai/chat/detail/${out.session_id}`))).data;
    expect(detail.title).toBe("新对话");
    expect(detail.message_count).toBe(2);
  });

  test("the last AI_CONTEXT_MESSAGES texts of the session go with the new message", async () => {
    const session = (await body(await admin.post("/ai/chat/create", { title: "上下文" }))).data;
    await chat("第一句", session.id);
    await chat("第二句", session.id);
    await chat("第三句", session.id);
    const sent = fake.requests.at(-1)!.body.messages.map((m: any) => [m.role, m.content]);
    // system, then the last 2 stored texts, then the new message
    expect(sent.slice(1)).toEqual([
      ["user", "第二句"],
      ["assistant", "收到：第二句。"],
      ["user", "第三句"],
    ]);
  });

  test("action: a whole JSON answer, a fenced json block, or a navigation hint", async () => {
    fake.script({ kind: "text", chunks: ['{"type":"refresh"}'] });
    expect((await chat("a")).action).toEqual({ type: "refresh" });
    fake.script({ kind: "text", chunks: ["好的：\n```json\n", '{"type":"open","id":3}\n```'] });
    expect((await chat("b")).action).toEqual({ type: "open", id: 3 });
    fake.script({ kind: "text", chunks: ["请前往", "角色管理页面，在那里也能看到用户。"] });
    expect((await chat("c")).action).toEqual({ type: "navigate", path: "/system/role", name: "角色管理" });
    fake.script({ kind: "text", chunks: ["可以去日志里看看"] });
    expect((await chat("d")).action).toEqual({ type: "navigate", path: "/system/log", name: "系统日志" });
    fake.script({ kind: "text", chunks: ["今天天气不错"] });
    expect((await chat("e")).action).toBeNull();
  });

  test("a failing model: still a success envelope, with an apology naming the kind of failure", async () => {
    fake.script({ kind: "fail", status: 500, message: "boom with sk-fake-secret-key-0123456789" });
    const out = await chat("会失败");
    expect(out.response).toBe("抱歉，处理您的请求时出现错误：模型服务返回错误 (HTTP 500)");
    expect(out.action).toBeNull();
    fake.script({ kind: "fail", status: 401 });
    expect((await chat("钥匙错了")).response).toContain("AI_API_KEY");
  });

  test("tool calls run, are answered to the model and stored with the messages", async () => {
    fake.script({ kind: "tool", calls: [{ name: "list_users", arguments: '{"limit":5}' }] });
    fake.script({ kind: "text", chunks: ["系统共有 3 个用户。"] });
    const before = fake.requests.length;
    const out = await chat("系统里有多少用户？");
    expect(out.response).toBe("系统共有 3 个用户。");
    expect(out.function_calls).toEqual([{ name: "list_users", arguments: { limit: 5 } }]);
    const second = fake.requests[before + 1].body.messages;
    const toolMsg = second.find((m: any) => m.role === "tool");
    expect(JSON.parse(toolMsg.content).total).toBe(3);
    expect(second.find((m: any) => m.tool_calls)?.tool_calls[0].function.name).toBe("list_users");
    const detail = (await body(await admin.get(`/ai/chat/detail/${out.session_id}`))).data;
    expect(detail.runs[0].tools).toEqual([
      expect.objectContaining({ tool_name: "list_users", tool_args: '{"limit":5}' }),
    ]);
    expect(JSON.parse(detail.runs[0].tools[0].result).total).toBe(3);
    // the SPA's history shows the question and the answer only
    expect(detail.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
  });

  test("answers match their declared schemas key for key (the API document tells the truth)", async () => {
    fake.script({ kind: "tool", calls: [{ name: "list_roles", arguments: "{}" }] });
    const out = await chat("形状");
    expect(chatOut.strict().parse(out)).toEqual(out);
    const detail = (await body(await admin.get(`/ai/chat/detail/${out.session_id}`))).data;
    const listed = (await body(await admin.get("/ai/chat/list?page_size=100"))).data.items[0];
    const shape = sessionOut.shape;
    const runShape = (shape.runs.element as any).shape;
    const messageShape = (shape.messages.element as any).shape;
    for (const s of [detail, listed]) {
      expect(sessionOut.parse(s)).toBeDefined();
      expect(Object.keys(s).sort()).toEqual(Object.keys(shape).sort());
      for (const run of s.runs) for (const k of Object.keys(run)) expect(Object.keys(runShape)).toContain(k);
      for (const m of s.messages) expect(Object.keys(m).sort()).toEqual(Object.keys(messageShape).sort());
    }
    expect(detail.runs[0].tools).toHaveLength(1);
  });

  test("each tool answers from our services", async () => {
    const calls = [
      { name: "list_roles", arguments: "{}" },
      { name: "list_departments", arguments: "{}" },
      { name: "list_online_sessions", arguments: "{}" },
      { name: "recent_operation_logs", arguments: '{"limit":3}' },
      { name: "dictionary_values", arguments: '{"dict_type":"sys_user_sex"}' },
      { name: "no_such_tool", arguments: "{}" },
      { name: "list_users", arguments: "{not json" },
    ];
    fake.script({ kind: "tool", calls });
    const before = fake.requests.length;
    await chat("各种工具");
    const results = fake.requests[before + 1].body.messages
      .filter((m: any) => m.role === "tool")
      .map((m: any) => m.content);
    expect(JSON.parse(results[0]).roles.map((r: any) => r.code)).toContain("ADMIN");
    expect(JSON.parse(results[1]).departments[0].name).toBe("集团总公司");
    expect(JSON.parse(results[2]).total).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(results[2]).sessions[0]).not.toHaveProperty("session_id");
    expect(JSON.parse(results[3]).logs.length).toBeLessThanOrEqual(3);
    expect(JSON.parse(results[4]).items.map((i: any) => i.label)).toContain("男");
    expect(results[5]).toContain("没有名为 no_such_tool 的工具");
    expect(results[6]).toContain("不是合法的 JSON");
  });

  test("a model that keeps calling tools is made to answer after four rounds", async () => {
    const loop = { kind: "tool" as const, calls: [{ name: "list_roles", arguments: "{}" }] };
    fake.script(loop, loop, loop, loop, loop);
    const before = fake.requests.length;
    await chat("一直调用工具");
    expect(fake.requests.length - before).toBe(5);
    expect(fake.requests.at(-1)!.body.tools).toBeUndefined();
  });
});

describe("limits", () => {
  let limited: TestApp;
  let user: ReturnType<typeof client>;
  beforeAll(async () => {
    limited = await createTestApp(
      aiSettings(fake, {
        AI_MAX_MESSAGE_CHARS: "20",
        AI_MESSAGES_PER_MINUTE: "2",
        AI_MAX_STREAMS_PER_USER: "1",
      }),
    );
    user = client(limited, { Authorization: `Bearer ${await tokenFor(limited, "admin")}` });
  });
  afterAll(() => limited.close());

  test("a message over AI_MAX_MESSAGE_CHARS is refused before the model is asked", async () => {
    const before = fake.requests.length;
    const res = await user.post("/ai/chat/ai-chat", { message: "长".repeat(21) });
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: -1, msg: "消息过长：最多 20 个字符" });
    expect(fake.requests.length).toBe(before);
  });

  test("AI_MESSAGES_PER_MINUTE per user: the next message is 429 with Retry-After", async () => {
    // five quick messages: whatever minute boundary falls between them, one window holds three
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (const message of ["一", "二", "三", "四", "五"]) {
      const res = await user.post("/ai/chat/ai-chat", { message });
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(refused).toBeDefined();
    expect(refused!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await body(refused!)).msg).toContain("发送过于频繁");
  });
});

describe("AI_MAX_STREAMS_PER_USER", () => {
  test("a second answer while one is being generated is refused (429)", async () => {
    const one = await createTestApp(aiSettings(fake, { AI_MAX_STREAMS_PER_USER: "1" }));
    try {
      const user = client(one, { Authorization: `Bearer ${await tokenFor(one, "admin")}` });
      fake.script({ kind: "text", chunks: ["慢", "慢", "来"], delayMs: 300 });
      const slow = user.post("/ai/chat/ai-chat", { message: "慢慢回答" });
      await fake.waitForRequests(fake.requests.length + 1);
      const second = await user.post("/ai/chat/ai-chat", { message: "插队" });
      expect(second.status).toBe(429);
      expect((await body(second)).msg).toContain("同时进行的对话过多");
      expect((await slow).status).toBe(200);
      // the slot is free again
      expect((await user.post("/ai/chat/ai-chat", { message: "现在可以了" })).status).toBe(200);
    } finally {
      await one.close();
    }
  });
});

describe("not configured", () => {
  test("every AI endpoint answers a clear refusal (400, code -1; not a 404 or a 5xx)", async () => {
    const bare = await createTestApp();
    try {
      const c = client(bare, { Authorization: `Bearer ${await tokenFor(bare, "admin")}` });
      const calls = [
        c.get("/ai/chat/list"),
        c.get("/ai/chat/detail/x"),
        c.post("/ai/chat/create", { title: "t" }),
        c.put("/ai/chat/update/x", { title: "t" }),
        c.delete("/ai/chat/delete", ["x"]),
        c.post("/ai/chat/ai-chat", { message: "hi" }),
        c.get("/ai/chat/ws"),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(400);
        expect(await body(res)).toMatchObject({ code: -1, msg: NOT_CONFIGURED_MSG, success: false });
      }
    } finally {
      await bare.close();
    }
  });
});

describe("permissions", () => {
  test("each endpoint needs its own permission string", async () => {
    const holders = new Map<string, ReturnType<typeof client>>();
    for (const p of AI_PERMISSIONS)
      holders.set(p, client(t, (await createScopedUser(t, { permissions: [p] })).headers));
    const routes: [string, (c: ReturnType<typeof client>) => Promise<Response>][] = [
      ["module_ai:chat:query", (c) => c.get("/ai/chat/list")],
      ["module_ai:chat:detail", (c) => c.get("/ai/chat/detail/x")],
      ["module_ai:chat:create", (c) => c.post("/ai/chat/create", { title: "t" })],
      ["module_ai:chat:update", (c) => c.put("/ai/chat/update/x", { title: "t" })],
      ["module_ai:chat:delete", (c) => c.delete("/ai/chat/delete", ["x"])],
      ["module_ai:chat:query", (c) => c.post("/ai/chat/ai-chat", { message: "hi" })],
    ];
    for (const [perm, call] of routes) {
      for (const [held, c] of holders) {
        const status = (await call(c)).status;
        if (held === perm) expect([200, 404]).toContain(status);
        else expect(status).toBe(403);
      }
    }
  });

  test("the seeded menus carry the AI pages and their buttons", async () => {
    const { sys_menu } = t.deps.db.t;
    const rows = await t.deps.db.orm.select().from(sys_menu).where(eq(sys_menu.route_path, "/ai/chat"));
    expect(rows[0]?.permission).toBe("module_ai:chat:query");
    const perms = (await t.deps.db.orm.select({ p: sys_menu.permission }).from(sys_menu)).map((r) => r.p);
    for (const p of AI_PERMISSIONS) expect(perms).toContain(p);
  });

  test("the WebSocket is in the API document with its permission (so the route walk covers it)", async () => {
    const doc = await (await t.request("/api/v1/openapi.json")).json();
    const op = doc.paths["/api/v1/ai/chat/ws"]?.get;
    expect(op["x-permissions"]).toEqual(["module_ai:chat:query"]);
    expect(op.security.length).toBeGreaterThan(0);
  });
});
