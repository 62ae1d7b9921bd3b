import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { NOT_PERMITTED } from "@/modules/ai/chat/chat.tools";
import { aiSettings } from "../modules/ai/support/ai-app";
import { type FakeOpenAI, startFakeOpenAI } from "../modules/ai/support/fake-openai";
import { body, createTestApp, type TestApp } from "../support/app";
import { client, createScopedUser } from "../support/auth";

// MariaDB under load (the preload's default does not reach every file)
setDefaultTimeout(30_000);

/**
 * The assistant's tools run as the user who asks: a tool whose page the user may not open
 * answers "not permitted" to the model, and a permitted one sees only the rows the user's data
 * scope shows them — never more than the same user gets from the page's own endpoint.
 */

let fake: FakeOpenAI;
let t: TestApp;
let otherDept: number;

beforeAll(async () => {
  fake = startFakeOpenAI();
  t = await createTestApp(aiSettings(fake));
  const { db } = t.deps;
  otherDept = db.insertId(
    await db.orm.insert(db.t.sys_dept).values({ name: "分公司", code: "BRANCH", parent_id: 1 }),
  );
  // two users in the branch, on top of the seeded ones in department 1
  await createScopedUser(t, { deptId: otherDept });
  await createScopedUser(t, { deptId: otherDept });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

/** Asks through POST /ai-chat with the model calling `tool`; answers what the tool told the model. */
async function toolAnswer(headers: Record<string, string>, tool: string, args = "{}") {
  fake.script({ kind: "tool", calls: [{ name: tool, arguments: args }] }, { kind: "text", chunks: ["好的"] });
  const before = fake.requests.length;
  const res = await client(t, headers).post("/ai/chat/ai-chat", { message: `用 ${tool}` });
  expect(res.status).toBe(200);
  expect((await body(res)).data.response).toBe("好的");
  const toolMessage = fake.requests[before + 1].body.messages.find((m: any) => m.role === "tool");
  return String(toolMessage.content);
}

test("without the page's permission every tool answers 'not permitted' and no data", async () => {
  const chatOnly = await createScopedUser(t, { permissions: ["module_ai:chat:query"] });
  for (const tool of [
    "list_users",
    "list_roles",
    "list_departments",
    "list_online_sessions",
    "recent_operation_logs",
  ]) {
    const answer = await toolAnswer(chatOnly.headers, tool);
    expect({ tool, answer }).toEqual({ tool, answer: NOT_PERMITTED });
  }
  const dict = await toolAnswer(chatOnly.headers, "dictionary_values", '{"dict_type":"sys_user_sex"}');
  expect(dict).toBe(NOT_PERMITTED);
});

test("list_users sees the caller's data scope: their own department only", async () => {
  const branch = await createScopedUser(t, {
    permissions: ["module_ai:chat:query", "module_system:user:query"],
    dataScope: 2,
    deptId: otherDept,
  });
  const answer = JSON.parse(await toolAnswer(branch.headers, "list_users", '{"limit":50}'));
  const usernames: string[] = answer.users.map((u: any) => u.username);
  expect(usernames).not.toContain("admin");
  expect(usernames).toContain(branch.username);
  expect(answer.users.every((u: any) => u.dept === "分公司")).toBe(true);
  // exactly what the same user gets from the users page
  const page = (await body(await client(t, branch.headers).get("/system/user/list?page_size=100"))).data;
  expect(answer.total).toBe(page.total);
  expect(answer.total).toBe(3);
});

test("a superuser's tools see everything (the scope is the caller's, not a fixed one)", async () => {
  const { authHeaders } = await import("../support/auth");
  const answer = JSON.parse(await toolAnswer(await authHeaders(t, "admin"), "list_users", '{"limit":50}'));
  expect(answer.users.map((u: any) => u.username)).toContain("admin");
  expect(answer.total).toBeGreaterThan(3);
});
