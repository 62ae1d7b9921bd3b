import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, tokenFor } from "../support/auth";

/**
 * Wire compatibility with FastapiAdmin v3.0: for every captured GET of the original
 * (test/fixtures/reference, copied from the contract's captures) replay the request on a fresh
 * seeded server as the same user and compare the *shape* of `data` — every key the SPA could read,
 * with its JSON type — against the capture. Keys we deliberately dropped are listed with the reason.
 */
const DROPPED: Record<string, string> = {
  password: "the original returned password hashes (contract §16 #6)",
};

type Shape = string | { [key: string]: Shape } | Shape[];

function shapeOf(value: unknown): Shape {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== null);
    return items.length ? [shapeOf(items[0])] : [];
  }
  if (typeof value === "object") {
    const out: Record<string, Shape> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      if (!(k in DROPPED)) out[k] = shapeOf(v);
    return out;
  }
  return typeof value;
}

/** Differences between the capture's shape and ours; null on either side means "nullable". */
function compare(expected: Shape, actual: Shape, path: string, out: string[]) {
  if (expected === "null" || actual === "null") return;
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual))
      return void out.push(`${path}: array vs ${JSON.stringify(actual)}`);
    if (expected.length && actual.length) compare(expected[0], actual[0], `${path}[]`, out);
    return;
  }
  if (typeof expected === "object" || typeof actual === "object") {
    if (typeof expected !== "object" || typeof actual !== "object")
      return void out.push(`${path}: object vs ${actual}`);
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) out.push(`${path}.${key}: missing`);
      else compare(expected[key], actual[key], `${path}.${key}`, out);
    }
    return;
  }
  if (expected !== actual) out.push(`${path}: ${expected} expected, ${actual} sent`);
}

interface Capture {
  file: string;
  request: { method: string; path: string; query: Record<string, unknown> | null; auth: string };
  status: number;
  response: { code: number; msg: string; data: unknown } | null;
}

const dir = new URL("../fixtures/reference/", import.meta.url);
const captures: Capture[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, ...JSON.parse(readFileSync(new URL(f, dir), "utf8")) }))
  // "-created" captures read rows the capture sequence had made; module tests cover those.
  .filter((c) => c.request.method === "GET" && c.status === 200 && c.response && !c.file.includes("created"));

function urlOf(c: Capture): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(c.request.query ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
  }
  const qs = params.toString();
  return qs ? `${c.request.path}?${qs}` : c.request.path;
}

let t: TestApp;
let headers: Record<string, Record<string, string>>;
beforeAll(async () => {
  t = await createTestApp();
  headers = { admin: await authHeaders(t, "admin"), user: await authHeaders(t, "user"), none: {} };
  // Some captures read rows the capture sequence had created: a login-log row and a session.
  await t.request("/api/v1/system/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "username=admin&password=123456",
  });
  await tokenFor(t, "super");
});
afterAll(() => t.close());

test("there are captures to compare", () => {
  expect(captures.length).toBeGreaterThan(20);
});

for (const c of captures) {
  test(`${c.file}: GET ${c.request.path} has the original's shape`, async () => {
    const res = await t.request(urlOf(c), { headers: headers[c.request.auth] ?? headers.admin });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.code).toBe(0);
    expect(b.msg).toBe(c.response!.msg);
    const problems: string[] = [];
    compare(shapeOf(c.response!.data), shapeOf(b.data), "data", problems);
    expect(problems).toEqual([]);
  });
}
