import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { ENROL_MESSAGE, openToRestricted } from "@/core/auth/second-factor";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser } from "../support/auth";

setDefaultTimeout(30_000);

/*
 * Rule: a session that still owes a second factor (its role requires one the user has not
 * enrolled) reaches only the enrolment routes, the current user's info, logout and the public
 * routes. Walks every operation of the OpenAPI document with such a session's token: everything
 * else answers 403/10403 with the message to enrol, before the route's own guard or validation
 * (so a superuser's restricted session gets no further either).
 */

const ALLOWED = new Set([
  "GET /api/v1/system/user/current/info",
  "POST /api/v1/system/auth/logout",
  "GET /api/v1/system/user/current/totp",
  "POST /api/v1/system/user/current/totp/setup",
  "POST /api/v1/system/user/current/totp/confirm",
  "POST /api/v1/system/user/current/totp/disable",
]);

let t: TestApp;
let operations: { key: string; method: string; url: string; secured: boolean }[];
let restricted: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp({ CAPTCHA_ENABLE: "false" });
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      url: path.replace(/\{[^}]+\}/g, (m) =>
        m === "{provider}" ? "github" : m === "{dict_type}" ? "sys_user_sex" : "1",
      ),
      secured: Array.isArray(op.security) && op.security.length > 0,
    })),
  );
  // A superuser whose role requires a second factor, logged in with the password.
  const admin = client(t, await authHeaders(t, "admin"));
  const role = await body(
    await admin.post("/system/role/create", { name: "须两步验证", code: "MFA", totp_required: true }),
  );
  const user = await createScopedUser(t, { permissions: [] });
  const { sys_user, sys_user_roles } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ is_superuser: true, password: await t.deps.hasher.hash("Restricted-pw-1") })
    .where(eq(sys_user.id, user.id));
  await t.deps.db.orm.insert(sys_user_roles).values({ user_id: user.id, role_id: role.data.id });
  const res = await t.request("/api/v1/system/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: user.username, password: "Restricted-pw-1" }).toString(),
  });
  const pair = (await body(res)).data;
  expect(pair.second_factor).toBe("enrol");
  restricted = { Authorization: `Bearer ${pair.access_token}` };
});
afterAll(() => t.close());

const send = (op: { method: string; url: string }) =>
  t.request(op.url, {
    method: op.method,
    headers: op.method === "GET" ? restricted : { ...restricted, "Content-Type": "application/json" },
    body: op.method === "GET" ? undefined : "{}",
  });

test("the gate's list of public routes covers every route the document declares public", () => {
  const publicOps = operations.filter((op) => !op.secured);
  expect(publicOps.length).toBeGreaterThan(5);
  expect(publicOps.filter((op) => !openToRestricted(op.method, op.url)).map((op) => op.key)).toEqual([]);
});

test("every secured route but the allowed ones answers 403 with the message to enrol", async () => {
  const secured = operations.filter((op) => op.secured && !ALLOWED.has(op.key));
  expect(secured.length).toBeGreaterThan(50);
  const wrong: string[] = [];
  for (const op of secured) {
    const res = await send(op);
    const b = (await res.json()) as { code: number; msg: string };
    if (res.status !== 403 || b.code !== 10403 || b.msg !== ENROL_MESSAGE)
      wrong.push(`${op.key} → ${res.status} ${b.msg}`);
  }
  expect(wrong).toEqual([]);
});

test("the AI chat socket's ?token= is gated too", async () => {
  const token = restricted.Authorization.slice("Bearer ".length);
  const res = await t.request(`/api/v1/ai/chat/ws?token=${encodeURIComponent(token)}`);
  expect(res.status).toBe(403);
  expect((await body(res)).msg).toBe(ENROL_MESSAGE);
});

test("the allowed routes and the public ones are not refused by the gate", async () => {
  const open = operations.filter((op) => ALLOWED.has(op.key) || !op.secured);
  expect(open.filter((op) => ALLOWED.has(op.key))).toHaveLength(ALLOWED.size);
  const refused: string[] = [];
  for (const op of open) {
    const res = await send(op);
    const b = (await res.json().catch(() => ({}))) as { msg?: string };
    if (b.msg === ENROL_MESSAGE) refused.push(op.key);
  }
  expect(refused).toEqual([]);
  expect((await send({ method: "GET", url: "/api/v1/system/user/current/info" })).status).toBe(200);
});
