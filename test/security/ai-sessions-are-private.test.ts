import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { aiSettings } from "../modules/ai/support/ai-app";
import { type FakeOpenAI, startFakeOpenAI } from "../modules/ai/support/fake-openai";
import { body, createTestApp, type TestApp } from "../support/app";
import { client, createScopedUser } from "../support/auth";

// MariaDB under load (the preload's default does not reach every file)
setDefaultTimeout(30_000);

/**
 * AI chat sessions are their owner's alone: another user — even one holding every AI permission —
 * cannot read, rename, delete or write into them, and is told exactly what a missing id gets
 * (404), so ids cannot be probed.
 */
const ALL = [
  "module_ai:chat:query",
  "module_ai:chat:detail",
  "module_ai:chat:create",
  "module_ai:chat:update",
  "module_ai:chat:delete",
];

let fake: FakeOpenAI;
let t: TestApp;
let owner: ReturnType<typeof client>;
let other: ReturnType<typeof client>;
let sessionId: string;

beforeAll(async () => {
  fake = startFakeOpenAI();
  t = await createTestApp(aiSettings(fake));
  owner = client(t, (await createScopedUser(t, { permissions: ALL })).headers);
  other = client(t, (await createScopedUser(t, { permissions: ALL })).headers);
  const created = await owner.post("/ai/chat/create", { title: "我的私事" });
  expect(created.status).toBe(200);
  sessionId = (await body(created)).data.id;
  expect((await owner.post("/ai/chat/ai-chat", { message: "只给我看", session_id: sessionId })).status).toBe(
    200,
  );
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const notFound = async (res: Response) => {
  expect(res.status).toBe(404);
  expect(await body(res)).toMatchObject({ code: -1, msg: "会话不存在", data: null });
};

test("another user's session answers 404 to detail, rename, delete and chat", async () => {
  await notFound(await other.get(`/ai/chat/detail/${sessionId}`));
  await notFound(await other.put(`/ai/chat/update/${sessionId}`, { title: "改掉" }));
  await notFound(await other.delete("/ai/chat/delete", [sessionId]));
  const before = fake.requests.length;
  await notFound(await other.post("/ai/chat/ai-chat", { message: "写进去", session_id: sessionId }));
  expect(fake.requests.length).toBe(before);
});

test("a batch delete holding one foreign id deletes nothing", async () => {
  const mine = (await body(await other.post("/ai/chat/create", { title: "自己的" }))).data.id;
  await notFound(await other.delete("/ai/chat/delete", [mine, sessionId]));
  expect((await other.get(`/ai/chat/detail/${mine}`)).status).toBe(200);
});

test("lists hold only the caller's own sessions", async () => {
  const theirs = (await body(await other.get("/ai/chat/list?page_size=100"))).data.items;
  expect(theirs.map((s: any) => s.id)).not.toContain(sessionId);
  const own = (await body(await owner.get("/ai/chat/list?page_size=100"))).data.items;
  expect(own.map((s: any) => s.id)).toEqual([sessionId]);
});

test("the owner's session is untouched", async () => {
  const res = await owner.get(`/ai/chat/detail/${sessionId}`);
  expect(res.status).toBe(200);
  const s = (await body(res)).data;
  expect(s.title).toBe("我的私事");
  expect(s.messages.map((m: any) => m.content)).toEqual(["只给我看", "收到：只给我看。"]);
});
