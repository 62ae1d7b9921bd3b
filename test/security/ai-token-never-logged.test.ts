import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { aiSettings, connect, createServedApp, type ServedApp } from "../modules/ai/support/ai-app";
import { type FakeOpenAI, startFakeOpenAI } from "../modules/ai/support/fake-openai";
import { body } from "../support/app";
import { tokenFor } from "../support/auth";

// MariaDB under load (the preload's default does not reach every file)
setDefaultTimeout(30_000);

/**
 * The AI chat socket takes the access token in its URL (`?token=`, browsers cannot send a header
 * there). That token — and the model's API key — must never be written down: not in a log line
 * (access log, warnings, errors), not in a sys_log row.
 */

const API_KEY = "sk-fake-secret-key-0123456789";
let fake: FakeOpenAI;
let t: ServedApp;
let token: string;

beforeAll(async () => {
  fake = startFakeOpenAI();
  t = await createServedApp(aiSettings(fake, { LOG_LEVEL: "debug" }));
  token = await tokenFor(t, "admin");

  // a whole exchange over the socket, the token as the SPA sends it
  const s = connect(`${t.wsBase}/api/v1/ai/chat/ws?token=${encodeURIComponent(token)}`);
  await s.opened;
  s.send({ message: "你好", session_id: null });
  expect(await s.waitForText("收到：你好。")).toBe("收到：你好。");
  // a model failure (logged with its error) on the same socket
  fake.script({ kind: "fail", status: 500, message: `bad key ${API_KEY}` });
  s.send({ message: "失败一次", session_id: null });
  await s.waitForText("HTTP 500");
  s.ws.close();
  await s.closed;

  // the Bearer-prefixed form, a tampered token, and plain HTTP requests carrying the token
  const prefixed = connect(`${t.wsBase}/api/v1/ai/chat/ws?token=${encodeURIComponent(`Bearer ${token}`)}`);
  await prefixed.opened;
  prefixed.ws.close();
  const tampered = connect(`${t.wsBase}/api/v1/ai/chat/ws?token=${token.slice(0, -4)}AAAA`);
  await tampered.closed;
  expect((await fetch(`${t.httpBase}/api/v1/ai/chat/ws?token=${token}`)).status).toBe(426);
  expect((await fetch(`${t.httpBase}/api/v1/ai/chat/ws?token=${token.slice(0, -4)}AAAA`)).status).toBe(401);
  // and a logged write (POST → sys_log row) that reaches the model
  const res = await fetch(`${t.httpBase}/api/v1/ai/chat/ai-chat?token=${token}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ message: "记一笔" }),
  });
  expect((await body(res)).data.response).toBe("收到：记一笔。");
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

/** The token's signature: the part that makes it a credential (a logged prefix would not be). */
const signature = () => token.split(".")[2];

test("the exchange happened and was logged (the checks below look at real lines)", () => {
  const requests = t.logger.lines.filter((l) => l.msg === "request");
  expect(requests.some((l) => l.path === "/api/v1/ai/chat/ws")).toBe(true);
  expect(t.logger.lines.some((l) => l.msg === "AI model call failed")).toBe(true);
});

test("no log line holds the token or the API key", () => {
  const text = t.logger.lines.map((l) => JSON.stringify(l)).join("\n");
  expect(text).not.toContain(signature());
  expect(text).not.toContain(token.slice(0, 40));
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain("token=ey");
});

test("no sys_log row holds the token or the API key", async () => {
  const rows = await t.deps.db.orm.select().from(t.deps.db.t.sys_log);
  expect(rows.some((r) => r.request_path.includes("/ai/chat"))).toBe(true);
  const text = JSON.stringify(rows);
  expect(text).not.toContain(signature());
  expect(text).not.toContain(API_KEY);
});
