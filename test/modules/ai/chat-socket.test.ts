import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { authServices } from "@/core/auth/guard";
import { NOT_CONFIGURED_MSG } from "@/modules/ai/chat/chat.provider";
import { body } from "../../support/app";
import { createScopedUser, tokenFor } from "../../support/auth";
import { aiSettings, connect, createServedApp, type ServedApp } from "./support/ai-app";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai";

// MariaDB under load (the preload's default does not reach every file)
setDefaultTimeout(30_000);

/*
 * The chat socket on a real Bun.serve (hono/bun's upgradeWebSocket + websocket handler, as
 * src/entry/bun.ts serves it) with a real WebSocket client, against the fake model server.
 */

let fake: FakeOpenAI;
let t: ServedApp;
let token: string;
const url = (tk: string | null, app: ServedApp = t) =>
  `${app.wsBase}/api/v1/ai/chat/ws${tk === null ? "" : `?token=${encodeURIComponent(tk)}`}`;

beforeAll(async () => {
  fake = startFakeOpenAI();
  t = await createServedApp(aiSettings(fake, { AI_MAX_MESSAGE_CHARS: "50", AI_TIMEOUT_SECONDS: "2" }));
  token = await tokenFor(t, "admin");
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const newSession = async (tk = token, title = "socket") => {
  const res = await fetch(`${t.httpBase}/api/v1/ai/chat/create`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tk}`, "Content-Type": "application/json" },
    body: JSON.stringify({ title }),
  });
  return (await body(res)).data.id as string;
};

describe("streaming", () => {
  test("the answer arrives in several text frames, nothing else, and the socket stays open", async () => {
    const s = connect(url(token));
    await s.opened;
    const sessionId = await newSession();
    fake.script({ kind: "text", chunks: ["你", "好", "，", "世界"], delayMs: 15 });
    s.send({
      message: "打个招呼",
      session_id: sessionId,
      files: [{ name: "a.txt", type: "text/plain", size: 3 }],
    });
    expect(await s.waitForText("你好，世界")).toBe("你好，世界");
    expect(s.frames).toEqual(["你", "好", "，", "世界"]);
    // a second message on the same socket
    fake.script({ kind: "text", chunks: ["再", "见"] });
    s.send({ message: "再见", session_id: sessionId });
    await s.waitForText("再见");
    expect(s.frames.slice(4)).toEqual(["再", "见"]);
    expect(s.isClosed()).toBe(false);
    s.ws.close();
    const res = await fetch(`${t.httpBase}/api/v1/ai/chat/detail/${sessionId}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const detail = (await body(res)).data;
    expect(detail.messages.map((m: any) => m.content)).toEqual(["打个招呼", "你好，世界", "再见", "再见"]);
  });

  test("a `Bearer `-prefixed token is accepted, as the SPA may send it", async () => {
    const s = connect(url(`Bearer ${token}`));
    await s.opened;
    s.send({ message: "前缀", session_id: null });
    expect(await s.waitForText("收到：前缀。")).toBe("收到：前缀。");
    s.ws.close();
  });

  test("tool calls happen between frames; only the answer's text is sent", async () => {
    const s = connect(url(token));
    await s.opened;
    fake.script({ kind: "tool", calls: [{ name: "list_roles", arguments: "{}" }] });
    fake.script({ kind: "text", chunks: ["有 ", "1 个角色"] });
    s.send({ message: "有几个角色", session_id: null });
    expect(await s.waitForText("有 1 个角色")).toBe("有 1 个角色");
    s.ws.close();
  });
});

describe("cancellation", () => {
  test("closing the socket cancels the model's stream; what arrived is kept as cancelled", async () => {
    const s = connect(url(token));
    await s.opened;
    const sessionId = await newSession();
    const aborts = fake.aborted();
    fake.script({ kind: "stall", chunks: ["半句话"] });
    s.send({ message: "说一段很长的话", session_id: sessionId });
    await s.waitForText("半句话");
    s.ws.close();
    await fake.waitForAborts(aborts + 1);
    const { db } = t.deps;
    const { ai_chat_message, ai_chat_session } = db.t;
    let rows: { content: string; state: string }[] = [];
    for (let i = 0; i < 100 && !rows.length; i++) {
      rows = await db.orm
        .select({ content: ai_chat_message.content, state: ai_chat_message.state })
        .from(ai_chat_message)
        .innerJoin(ai_chat_session, eq(ai_chat_session.id, ai_chat_message.session_id))
        .where(and(eq(ai_chat_session.session_id, sessionId), eq(ai_chat_message.role, "assistant")));
      await Bun.sleep(20);
    }
    expect(rows).toEqual([{ content: "半句话", state: "cancelled" }]);
  });

  test("a stalled model is cut off at AI_TIMEOUT_SECONDS with one readable frame", async () => {
    const s = connect(url(token));
    await s.opened;
    const aborts = fake.aborted();
    fake.script({ kind: "stall" });
    s.send({ message: "卡住", session_id: null });
    expect(await s.waitForText("模型服务响应超时", 8_000)).toBe(
      "抱歉，处理您的请求时出现错误：模型服务响应超时",
    );
    await fake.waitForAborts(aborts + 1);
    expect(s.isClosed()).toBe(false);
    s.ws.close();
  });

  test("a failing model is one apology frame; the socket stays usable", async () => {
    const s = connect(url(token));
    await s.opened;
    fake.script({ kind: "fail", status: 503 });
    s.send({ message: "失败", session_id: null });
    await s.waitForText("模型服务返回错误 (HTTP 503)");
    expect(s.frames).toEqual(["抱歉，处理您的请求时出现错误：模型服务返回错误 (HTTP 503)"]);
    s.send({ message: "再试", session_id: null });
    await s.waitForText("收到：再试。");
    s.ws.close();
  });
});

describe("refusals are one text frame", () => {
  const refusedWith = async (u: string) => {
    const s = connect(u);
    const { code } = await s.closed;
    return { frames: s.frames, code };
  };

  test("no token: the upstream message, then close", async () => {
    expect(await refusedWith(url(null))).toEqual({ frames: ["未提供认证token，请重新登录"], code: 1000 });
  });

  test("a bad or revoked token: 错误: …, then close", async () => {
    expect((await refusedWith(url("not-a-token"))).frames).toHaveLength(1);
    expect((await refusedWith(url("not-a-token"))).frames[0]).toStartWith("错误: ");
    const other = await tokenFor(t, "user");
    await authServices(t.deps).sessions.endAllOf(3);
    expect((await refusedWith(url(other))).frames).toEqual(["错误: 认证已失效"]);
  });

  test("without module_ai:chat:query: 错误: 无权限操作", async () => {
    const u = await createScopedUser(t, { permissions: ["module_ai:chat:create"] });
    const tk = u.headers.Authorization.slice("Bearer ".length);
    expect((await refusedWith(url(tk))).frames).toEqual(["错误: 无权限操作"]);
  });

  test("a session ended after the handshake: the next message is refused and the socket closes", async () => {
    const u = await createScopedUser(t, { permissions: ["module_ai:chat:query"] });
    const tk = u.headers.Authorization.slice("Bearer ".length);
    const s = connect(url(tk));
    await s.opened;
    await authServices(t.deps).sessions.endAllOf(u.id);
    const before = fake.requests.length;
    s.send({ message: "还在吗", session_id: null });
    await s.closed;
    expect(s.frames).toEqual(["错误: 认证已失效"]);
    expect(fake.requests.length).toBe(before);
  });

  test("the assistant not configured: one frame saying so, then close", async () => {
    const bare = await createServedApp();
    try {
      const tk = await tokenFor(bare, "admin");
      expect(await refusedWith(url(tk, bare))).toEqual({ frames: [NOT_CONFIGURED_MSG], code: 1000 });
    } finally {
      await bare.close();
    }
  });

  test("a plain HTTP request: 401 without a token, 426 with one", async () => {
    const plain = `${t.httpBase}/api/v1/ai/chat/ws`;
    const anon = await fetch(plain);
    expect(anon.status).toBe(401);
    expect((await body(anon)).code).toBe(10401);
    const res = await fetch(`${plain}?token=${token}`);
    expect(res.status).toBe(426);
    expect((await body(res)).code).toBe(-1);
  });
});

describe("messages and limits", () => {
  test("non-JSON, a wrong shape and binary frames get a frame each and keep the socket", async () => {
    const s = connect(url(token));
    await s.opened;
    s.send("你好");
    await s.waitForFrames(1);
    s.send({ session_id: null });
    await s.waitForFrames(2);
    s.ws.send(new Uint8Array([1, 2, 3]));
    await s.waitForFrames(3);
    expect(s.frames[0]).toBe("消息格式错误，请发送JSON格式的消息");
    expect(s.frames[1]).toStartWith("处理消息时出错: ");
    expect(s.frames[2]).toBe("消息格式错误，请发送JSON格式的消息");
    expect(s.isClosed()).toBe(false);
    s.ws.close();
  });

  test("too long a message: a frame, and the model is not asked", async () => {
    const s = connect(url(token));
    await s.opened;
    const before = fake.requests.length;
    s.send({ message: "长".repeat(51), session_id: null });
    expect(await s.waitForText("消息过长")).toBe("消息过长：最多 50 个字符");
    expect(fake.requests.length).toBe(before);
    s.ws.close();
  });

  test("another user's session: 会话不存在", async () => {
    const owner = await createScopedUser(t, {
      permissions: ["module_ai:chat:query", "module_ai:chat:create"],
    });
    const ownerToken = owner.headers.Authorization.slice("Bearer ".length);
    const theirs = await newSession(ownerToken, "别人的");
    const s = connect(url(token));
    await s.opened;
    s.send({ message: "偷看", session_id: theirs });
    expect(await s.waitForText("会话不存在")).toBe("抱歉，处理您的请求时出现错误：会话不存在");
    s.ws.close();
  });

  test("one answer at a time per socket; AI_MAX_STREAMS_PER_USER across sockets", async () => {
    const one = await createServedApp(
      aiSettings(fake, { AI_MAX_STREAMS_PER_USER: "1", AI_TIMEOUT_SECONDS: "5" }),
    );
    try {
      const tk = await tokenFor(one, "admin");
      const a = connect(url(tk, one));
      const b = connect(url(tk, one));
      await Promise.all([a.opened, b.opened]);
      fake.script({ kind: "stall", chunks: ["等"] });
      a.send({ message: "第一个", session_id: null });
      await a.waitForText("等");
      // a second message on the same socket waits its turn; a third is refused
      a.send({ message: "同一个连接的第二个", session_id: null });
      a.send({ message: "同一个连接的第三个", session_id: null });
      expect(await a.waitForText("仍在回答")).toBe("等上一条消息仍在回答中，请稍候");
      b.send({ message: "另一个连接", session_id: null });
      expect(await b.waitForText("同时进行的对话过多")).toBe(
        "同时进行的对话过多：最多 1 个，请等待当前回答结束",
      );
      a.ws.close();
      await a.closed;
      // the slot is released once the cancelled answer is stored
      let answer = "";
      for (let i = 0; i < 50 && !answer.includes("收到"); i++) {
        b.send({ message: "现在呢", session_id: null });
        await Bun.sleep(100);
        answer = b.frames.join("");
      }
      expect(answer).toContain("收到：现在呢。");
      b.ws.close();
    } finally {
      await one.close();
    }
  });

  test("AI_MESSAGES_PER_MINUTE: the message over the limit gets a frame", async () => {
    const one = await createServedApp(aiSettings(fake, { AI_MESSAGES_PER_MINUTE: "2" }));
    try {
      const s = connect(url(await tokenFor(one, "admin"), one));
      await s.opened;
      // five messages: whatever minute boundary falls between them, one window holds three
      for (let i = 0; i < 5 && !s.frames.join("").includes("发送过于频繁"); i++) {
        const seen = s.frames.length;
        s.send({ message: `第${i}条`, session_id: null });
        await s.waitForFrames(seen + 1);
        await Bun.sleep(50);
      }
      expect(s.frames.join("")).toContain("发送过于频繁，请");
      s.ws.close();
    } finally {
      await one.close();
    }
  });
});
