import { afterAll, beforeAll, expect, test } from "bun:test";
import { body, createTestApp, type TestApp } from "../support/app";
import { createScopedUser, type ScopedUser } from "../support/auth";

/**
 * Walks every operation of the OpenAPI document: a route that declares security must answer
 * 401/10401 without a token, and a route that declares permissions must answer 403/10403 to a
 * logged-in user who holds none. Routes without security are the public ones, listed here so a
 * route cannot become public by accident. Every status the walk sees an operation answer must be
 * one the document declares for that operation.
 */
const PUBLIC = new Set([
  "GET /api/v1/common/health/",
  "GET /api/v1/common/health/ready/",
  "POST /api/v1/system/auth/login",
  "GET /api/v1/system/auth/captcha/get",
  "POST /api/v1/system/auth/token/refresh",
  "GET /api/v1/system/auth/auto-login/users",
  "POST /api/v1/system/auth/auto-login/token",
  "POST /api/v1/system/auth/auto-login",
  "GET /api/v1/system/auth/oauth/{provider}/login",
  "GET /api/v1/system/auth/oauth/{provider}/callback",
  "POST /api/v1/system/user/register",
  "POST /api/v1/system/user/forget/password",
  "POST /api/v1/system/user/forget/password/reset",
  "GET /api/v1/system/dict/data/info/{dict_type}",
  "GET /api/v1/system/param/info",
]);

let t: TestApp;
let nobody: ScopedUser;
let operations: {
  key: string;
  method: string;
  url: string;
  permissions: string[];
  secured: boolean;
  declared: string[];
}[];
/** The statuses each operation answered during the walk, by operation key. */
const observed = new Map<string, Set<number>>();

beforeAll(async () => {
  t = await createTestApp();
  nobody = await createScopedUser(t, { permissions: [] });
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      url: path.replace(/\{[^}]+\}/g, (m) =>
        m === "{provider}" ? "github" : m === "{dict_type}" ? "sys_user_sex" : "1",
      ),
      permissions: op["x-permissions"] ?? [],
      secured: Array.isArray(op.security) && op.security.length > 0,
      declared: Object.keys(op.responses ?? {}),
    })),
  );
});
afterAll(() => t.close());

async function send(op: { key: string; method: string; url: string }, headers: Record<string, string> = {}) {
  const res = await t.request(op.url, {
    method: op.method,
    headers: op.method === "GET" ? headers : { ...headers, "Content-Type": "application/json" },
    body: op.method === "GET" ? undefined : "{}",
  });
  observed.set(op.key, (observed.get(op.key) ?? new Set()).add(res.status));
  return res;
}

test("the document lists the routes", () => {
  expect(operations.length).toBeGreaterThan(10);
});

test("every route is either public (listed) or secured", () => {
  const unsecured = operations.filter((op) => !op.secured).map((op) => op.key);
  expect(unsecured.filter((k) => !PUBLIC.has(k))).toEqual([]);
});

test("without a token every secured route answers 401 / 10401", async () => {
  const failures: string[] = [];
  for (const op of operations.filter((o) => o.secured)) {
    const res = await send(op);
    const b = await body(res);
    if (res.status !== 401 || b.code !== 10401) failures.push(`${op.key} → ${res.status}/${b.code}`);
  }
  expect(failures).toEqual([]);
});

test("with a token but no permission every guarded route answers 403 / 10403", async () => {
  const failures: string[] = [];
  const guarded = operations.filter((o) => o.permissions.length > 0);
  expect(guarded.length).toBeGreaterThan(0);
  for (const op of guarded) {
    const res = await send(op, nobody.headers);
    const b = await body(res);
    if (res.status !== 403 || b.code !== 10403) failures.push(`${op.key} → ${res.status}/${b.code}`);
  }
  expect(failures).toEqual([]);
});

test("login-only routes let any logged-in user through the guard", async () => {
  const failures: string[] = [];
  for (const op of operations.filter((o) => o.secured && o.permissions.length === 0)) {
    if (op.key.includes("/logout")) continue; // would end the session the next checks use
    const res = await send(op, nobody.headers);
    if (res.status === 401 || res.status === 403) failures.push(`${op.key} → ${res.status}`);
  }
  expect(failures).toEqual([]);
});

test("holding exactly a route's permission gets a caller past its guard", async () => {
  const seeded = new Set(
    (await t.deps.db.orm.select({ p: t.deps.db.t.sys_menu.permission }).from(t.deps.db.t.sys_menu)).map(
      (r) => r.p,
    ),
  );
  const holders = new Map<string, Record<string, string>>();
  const failures: string[] = [];
  let checked = 0;
  for (const op of operations.filter((o) => o.permissions.length > 0)) {
    // Permissions no seeded menu carries can only be exercised by superusers (e.g. common file).
    const perm = op.permissions.find((p) => seeded.has(p));
    if (!perm) continue;
    if (!holders.has(perm)) holders.set(perm, (await createScopedUser(t, { permissions: [perm] })).headers);
    if (op.key.includes("/logout") || op.key.includes("/clear") || op.key.includes("/shutdown")) continue;
    const res = await send(op, holders.get(perm)!);
    checked++;
    if (res.status === 401 || res.status === 403) failures.push(`${op.key} (${perm}) → ${res.status}`);
  }
  expect(checked).toBeGreaterThan(100);
  expect(failures).toEqual([]);
}, 60_000);

test("public routes answer an empty request with what they declare (checked below)", async () => {
  for (const op of operations.filter((o) => !o.secured)) {
    const res = await send(op);
    expect({ op: op.key, status: res.status < 500 }).toEqual({ op: op.key, status: true });
  }
});

test("every status the walk saw an operation answer is declared for that operation", () => {
  const undeclared: string[] = [];
  for (const op of operations) {
    for (const status of observed.get(op.key) ?? []) {
      if (!op.declared.includes(String(status))) undeclared.push(`${op.key} → ${status}`);
    }
  }
  expect(observed.size).toBeGreaterThan(100);
  expect(undeclared).toEqual([]);
});
