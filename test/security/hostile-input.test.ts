import { afterAll, beforeAll, expect, test } from "bun:test";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

/**
 * Oversized and malformed input on every write route of the OpenAPI document, as a superuser
 * (so the guard lets it through to validation): a refusal is a 4xx envelope, never a 500.
 */
let t: TestApp;
let headers: Record<string, string>;
let writes: { key: string; method: string; url: string }[];

beforeAll(async () => {
  t = await createTestApp();
  headers = { ...(await authHeaders(t, "admin")), "Content-Type": "application/json" };
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  writes = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method, op]) => method !== "get" && op.requestBody?.content?.["application/json"])
      .filter(([, op]) => !/logout|shutdown|clear/.test(JSON.stringify(op.summary ?? "") + path))
      .map(([method]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        url: path.replace(/\{[^}]+\}/g, "1"),
      })),
  );
});
afterAll(() => t.close());

const manyIds = Array.from({ length: 50_000 }, (_, i) => i + 1);
const payloads: [string, string][] = [
  ["50,000 ids", JSON.stringify(manyIds)],
  [
    "50,000 ids in an object",
    JSON.stringify({ ids: manyIds, status: "1", role_ids: manyIds, menu_ids: manyIds }),
  ],
  ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
  ["a number where text goes", JSON.stringify({ name: 1e308, username: 12, code: true, password: [] })],
  ["unpaired surrogate", '{"name":"\\ud800","code":"X1"}'],
  ["null", "null"],
];

test("there are write routes to try", () => {
  expect(writes.length).toBeGreaterThan(50);
});

for (const [label, payload] of payloads) {
  test(`${label}: every JSON write route refuses with a 4xx envelope, never a 500`, async () => {
    const failures: string[] = [];
    for (const op of writes) {
      const res = await t.request(op.url, { method: op.method, headers, body: payload });
      // Exports may ignore a body they cannot use and still send the file; refusals must be JSON.
      if (res.status < 400) continue;
      const text = await res.text();
      let code: unknown;
      try {
        code = JSON.parse(text).code;
      } catch {
        code = "not json";
      }
      if (res.status >= 500 || code === "not json")
        failures.push(`${op.key} → ${res.status} ${text.slice(0, 80)}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);
}

test("the server still answers afterwards", async () => {
  const res = await t.request("/api/v1/common/health/");
  expect((await body(res)).code).toBe(0);
});

const queries = [
  "page_no=999999999&page_size=100",
  "order_by=%5B%5B%5B&name=%00&status=0&status=1",
  "created_time=not-a-date&created_time=2025-13-45%2099:99:99",
  `name=${"%25".repeat(3000)}`,
  "page_no=-1&page_size=0&dept_id=abc&id=1e999",
];

test("every GET route answers odd query strings without a 500", async () => {
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  const reads = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .filter(([, ops]) => "get" in ops)
    .map(([path]) => path.replace(/\{[^}]+\}/g, "1"));
  const failures: string[] = [];
  for (const path of reads) {
    for (const q of queries) {
      const res = await t.request(`${path}?${q}`, { headers });
      if (res.status >= 500) failures.push(`GET ${path}?${q.slice(0, 40)} → ${res.status}`);
      await res.arrayBuffer();
    }
  }
  expect(failures).toEqual([]);
}, 60_000);
