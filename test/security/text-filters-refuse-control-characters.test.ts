import { afterAll, beforeAll, expect, test } from "bun:test";
import { CONTROL_CHARACTER_MSG } from "@/core/http/query-text";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, createScopedUser } from "../support/auth";

let t: TestApp;
let admin: Record<string, string>;

/** Every GET route with a string query parameter, from the OpenAPI document. */
interface TextFilter {
  path: string;
  name: string;
}
let filters: TextFilter[] = [];

/** `type: "string"`, or OpenAPI 3.1's nullable `type: ["string", "null"]`. */
const isStringType = (type: unknown): boolean =>
  type === "string" || (Array.isArray(type) && type.includes("string"));

const isText = (schema: any): boolean =>
  !!schema &&
  (isStringType(schema.type) ||
    (schema.type === "array" && isText(schema.items)) ||
    (Array.isArray(schema.anyOf) && schema.anyOf.some(isText)) ||
    (Array.isArray(schema.oneOf) && schema.oneOf.some(isText)));

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_PER_MINUTE: "100000" });
  admin = await authHeaders(t, "admin");
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    const params: any[] = ops.get?.parameters ?? [];
    for (const p of params) if (p.in === "query" && isText(p.schema)) filters.push({ path, name: p.name });
  }
  filters = filters.map((f) => ({ ...f, path: f.path.replace(/\{[^}]+\}/g, "1") }));
}, 30_000);
afterAll(() => t.close());

test("the walk finds the list routes' text filters", () => {
  const listed = new Set(filters.map((f) => `${f.path}?${f.name}`));
  for (const known of [
    "/api/v1/system/user/list?username",
    "/api/v1/system/role/list?name",
    "/api/v1/system/dept/tree?name",
    "/api/v1/system/log/list?request_path",
    "/api/v1/system/dict/type/list?dict_name",
  ])
    expect({ known, listed: listed.has(known) }).toEqual({ known, listed: true });
  expect(filters.length).toBeGreaterThan(40);
});

test("every text filter of every GET route refuses NUL, SOH and US with a 422", async () => {
  for (const { path, name } of filters) {
    for (const ch of ["%00", "%01", "%1F", "abc%00def"]) {
      const res = await t.request(`${path}?${encodeURIComponent(name)}=${ch}`, { headers: admin });
      const b = await body(res);
      expect({ path, name, ch, status: res.status, code: b.code, msg: b.msg }).toEqual({
        path,
        name,
        ch,
        status: 422,
        code: 1,
        msg: CONTROL_CHARACTER_MSG,
      });
    }
  }
}, 60_000);

test("export filters sent as a JSON body (the SPA's) refuse control characters too", async () => {
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  const resolve = (schema: any): any =>
    schema?.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
  let tried = 0;
  const failures: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    if (!path.endsWith("/export")) continue;
    const schema = resolve(ops.post?.requestBody?.content?.["application/json"]?.schema);
    for (const [name, prop] of Object.entries((schema?.properties ?? {}) as Record<string, any>)) {
      if (!isStringType(prop.type) || prop.enum || name === "order_by") continue; // order_by: JSON, not a filter
      tried++;
      const res = await t.request(path, {
        method: "POST",
        headers: { ...admin, "Content-Type": "application/json" },
        body: JSON.stringify({ [name]: "a\u0000b" }),
      });
      const b = (res.headers.get("content-type") ?? "").includes("json")
        ? await body(res)
        : { msg: "(a file)" };
      // refused: by the shared filter helpers (422), or by a field's own stricter rule (4xx)
      const refused = res.status === 422 ? b.msg === CONTROL_CHARACTER_MSG : res.status === 400;
      if (!refused) failures.push(`${path} ${name} → ${res.status} ${b.msg}`);
    }
  }
  expect(failures).toEqual([]);
  expect(tried).toBeGreaterThan(10);
}, 60_000);

test("a NUL in a filter no longer lists every user", async () => {
  const res = await t.request("/api/v1/system/user/list?username=%00", { headers: admin });
  expect(res.status).toBe(422);
  expect((await body(res)).data).toBeNull();
});

test("% and _ in a text filter match themselves, not any text", async () => {
  for (const username of ["pct%mark", "pctxmark", "und_mark", "undxmark"])
    await createScopedUser(t, { username });
  const names = async (q: string) => {
    const res = await t.request(`/api/v1/system/user/list?page_size=100&username=${encodeURIComponent(q)}`, {
      headers: admin,
    });
    expect(res.status).toBe(200);
    return ((await body(res)).data.items as { username: string }[]).map((u) => u.username).sort();
  };
  expect(await names("t%m")).toEqual(["pct%mark"]);
  expect(await names("d_m")).toEqual(["und_mark"]);
  expect(await names("%")).toEqual(["pct%mark"]);
  expect(await names("_")).toEqual(["und_mark"]);
  expect(await names("xmark")).toEqual(["pctxmark", "undxmark"]);

  const roles = await t.request(`/api/v1/system/role/list?name=${encodeURIComponent("%")}`, {
    headers: admin,
  });
  expect(((await body(roles)).data.items as { name: string }[]).map((r) => r.name)).toEqual([
    "测试角色pct%mark",
  ]);
});
