import { afterAll, beforeAll, expect, test } from "bun:test";
import type { z } from "@hono/zod-openapi";
import { createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

/**
 * The document must not drift from the routes: every GET route is called as the superuser on
 * seeded data (a few rows added through the API where the seed has none), its real answer is
 * parsed with that route's own declared 200 schema (the zod schema the OpenAPI document is
 * generated from), and the answer's keys are compared with the schema's at every object level —
 * zod drops unknown keys silently, so a parse alone would let undeclared fields through.
 */

/** GET routes whose 200 is not a JSON envelope, or that cannot answer here; each with the reason. */
const SKIPPED: Record<string, string> = {
  "/api/v1/system/auth/oauth/{provider}/login":
    "a redirect to the provider (no OAuth provider configured in tests)",
  "/api/v1/system/auth/oauth/{provider}/callback":
    "a redirect back to the SPA (no OAuth provider configured)",
  "/api/v1/monitor/resource/download": "a file download (binary body)",
  "/api/v1/ai/chat/ws": "a WebSocket upgrade",
};

type Def = { type: string; [k: string]: any };
const def = (schema: z.ZodType): Def => (schema as any)._zod.def;

/**
 * Keys of `value` that `schema` does not declare, as dotted paths, at every object level (arrays:
 * every item; unions: the member that parses with the fewest surprises).
 */
export function undeclaredKeys(schema: z.ZodType, value: unknown, path = "$"): string[] {
  const d = def(schema);
  switch (d.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return value === null || value === undefined ? [] : undeclaredKeys(d.innerType, value, path);
    case "lazy":
      return undeclaredKeys(d.getter(), value, path);
    case "pipe":
      return undeclaredKeys(d.in, value, path);
    case "array":
      return Array.isArray(value)
        ? value.flatMap((v, i) => undeclaredKeys(d.element, v, `${path}[${i}]`))
        : [];
    case "tuple":
      return Array.isArray(value)
        ? value.flatMap((v, i) => (d.items[i] ? undeclaredKeys(d.items[i], v, `${path}[${i}]`) : []))
        : [];
    case "record":
      return value && typeof value === "object"
        ? Object.entries(value).flatMap(([k, v]) => undeclaredKeys(d.valueType, v, `${path}.${k}`))
        : [];
    case "union": {
      const fits = (d.options as z.ZodType[]).filter((o) => o.safeParse(value).success);
      const candidates = (fits.length ? fits : d.options).map((o: z.ZodType) =>
        undeclaredKeys(o, value, path),
      );
      return candidates.sort((a: string[], b: string[]) => a.length - b.length)[0] ?? [];
    }
    case "intersection": {
      const left = undeclaredKeys(d.left, value, path);
      const right = new Set(undeclaredKeys(d.right, value, path));
      return left.filter((k) => right.has(k));
    }
    case "object": {
      if (!value || typeof value !== "object" || Array.isArray(value)) return [];
      const shape = d.shape as Record<string, z.ZodType>;
      const open = d.catchall && def(d.catchall).type !== "never";
      const out: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (k in shape) out.push(...undeclaredKeys(shape[k], v, `${path}.${k}`));
        else if (open) out.push(...undeclaredKeys(d.catchall, v, `${path}.${k}`));
        else out.push(`${path}.${k}`);
      }
      return out;
    }
    default:
      // any / unknown / json: an object here is not compared at all
      return value && typeof value === "object" ? [`${path} (undeclared shape: ${d.type})`] : [];
  }
}

let t: TestApp;
let headers: Record<string, string>;

interface GetRoute {
  path: string;
  schema?: z.ZodType;
}
let routes: GetRoute[] = [];

async function call(method: string, path: string, payload?: unknown): Promise<any> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (payload instanceof FormData) init.body = payload;
  else if (payload !== undefined) {
    init.body = JSON.stringify(payload);
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  const res = await t.request(`/api/v1${path}`, init);
  const b = await res.json();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${b.msg}`);
  return b.data;
}

/** Rows for the tables the seed leaves empty, so their lists and details have something to show. */
async function addRows() {
  await call("POST", "/system/notice/create", {
    notice_title: "公告",
    notice_type: "1",
    notice_content: "<p>内容</p>",
    status: "0",
    description: "说明",
  });
  await call("POST", "/system/position/create", { name: "岗位", description: "说明" });
  const demo = { name: "demo", status: "0", description: "d", a: 1, b: 2, c: 1.5, d: true };
  await call("POST", "/example/demo/create", {
    ...demo,
    e: "2025-01-31",
    f: "12:30:00",
    g: "2025-01-31 12:30:00",
  });
  await call("POST", "/example/demo01/create", { name: "demo01", status: "0", description: "d" });
  await call("POST", "/application/portal/create", { name: "应用", access_url: "https://example.com/app" });
  const node = await call("POST", "/task/cronjob/node/create", {
    name: "节点",
    code: "n_1",
    func: "echo",
    args: "a,b",
    kwargs: '{"k": 1}',
  });
  await call("POST", `/task/cronjob/node/execute/${node.id}`, { trigger: "now" });
  const other = await call("POST", "/task/cronjob/node/create", { name: "节点2", code: "n_2", func: "echo" });
  await call("POST", `/task/cronjob/node/execute/${other.id}`, {
    trigger: "cron",
    trigger_args: "0 0 3 * * ?",
  });
  await call("POST", "/task/workflow/node-type/create", { name: "类型", code: "nt_1", func: "echo" });
  await call("POST", "/task/workflow/definition/create", {
    name: "流程",
    code: "wf_1",
    nodes: [],
    edges: [],
  });
  const form = new FormData();
  form.append("file", new File(["hello"], "note.txt", { type: "text/plain" }));
  await call("POST", "/ai/chat/create", { title: "会话" });
  await call("POST", "/generator/gencode/import", ["gen_demo01"]);
  await call("POST", "/monitor/resource/upload", form).catch(() => null); // only where .txt is accepted
}

/** A value for each path parameter, read from the seeded (or added) rows. */
async function fill(path: string): Promise<string> {
  const first = (data: any) => (Array.isArray(data) ? data[0] : data?.items?.[0]);
  const values: Record<string, () => Promise<string>> = {
    config_key: async () => first(await call("GET", "/system/param/list")).config_key,
    dict_type: async () => first(await call("GET", "/system/dict/type/list")).dict_type,
    cache_name: async () => "session",
    table_id: async () => String(first(await call("GET", "/generator/gencode/list")).id),
    table_name: async () => "gen_demo01",
    cache_key: async () => first(await call("GET", "/monitor/cache/get/keys/session")),
    session_id: async () =>
      first(await call("GET", path.includes("/ai/") ? "/ai/chat/list" : "/monitor/online/list")).session_id,
    id: async () => {
      const base = path.replace(/^\/api\/v1/, "").replace(/\/detail\/\{id\}$/, "");
      const list = routes.find((r) => r.path === `/api/v1${base}/list` || r.path === `/api/v1${base}/tree`);
      if (!list) throw new Error(`no list route beside ${path}`);
      return String(first(await call("GET", list.path.replace(/^\/api\/v1/, ""))).id);
    },
  };
  let out = path;
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    const get = values[name];
    if (!get) throw new Error(`no value for {${name}} of ${path}`);
    out = out.replace(`{${name}}`, encodeURIComponent(await get()));
  }
  return out;
}

beforeAll(async () => {
  t = await createTestApp({
    RATE_LIMIT_PER_MINUTE: "100000",
    AUTO_LOGIN_ENABLE: "true", // lists the users one may log in as
    AI_BASE_URL: "http://127.0.0.1:9/v1", // configured, never called: only the stored sessions are read
    AI_MODEL: "test-model",
  });
  headers = await authHeaders(t, "admin");
  for (const d of t.app.openAPIRegistry.definitions as any[]) {
    if (d.type !== "route" || d.route.method !== "get" || d.route.path in SKIPPED) continue;
    const schema = d.route.responses?.[200]?.content?.["application/json"]?.schema;
    routes.push({ path: d.route.path, schema });
  }
  routes = routes.sort((a, b) => a.path.localeCompare(b.path));
  await addRows();
}, 60_000);
afterAll(() => t.close());

test("the walk finds the GET routes, each with a declared JSON 200", () => {
  expect(routes.length).toBeGreaterThan(50);
  expect(routes.filter((r) => !r.schema).map((r) => r.path)).toEqual([]);
  const all = new Set((t.app.openAPIRegistry.definitions as any[]).map((d) => d.route?.path));
  for (const path of Object.keys(SKIPPED))
    expect({ path, mounted: all.has(path) }).toEqual({ path, mounted: true });
});

test("every GET answers what its declared 200 schema says, key for key", async () => {
  const problems: string[] = [];
  let objects = 0;
  for (const r of routes) {
    if (!r.schema) continue;
    const url = await fill(r.path);
    const res = await t.request(url, { headers });
    const answer = await res.json().catch(() => null);
    if (res.status !== 200) {
      problems.push(`${url}: ${res.status} ${answer?.msg ?? ""}`);
      continue;
    }
    const parsed = r.schema.safeParse(answer);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(`${r.path}: does not parse at ${issue.path.join(".")}: ${issue.message}`);
      continue;
    }
    for (const key of undeclaredKeys(r.schema, answer)) problems.push(`${r.path}: undeclared key ${key}`);
    objects += countObjects(answer);
  }
  expect(problems).toEqual([]);
  expect(objects).toBeGreaterThan(routes.length * 2); // real rows were compared, not empty lists
}, 120_000);

test("the key walk sees undeclared keys at every level (zod's parse would drop them)", async () => {
  const { z } = await import("@hono/zod-openapi");
  const item = z.object({ id: z.number(), tags: z.array(z.object({ name: z.string() })).nullable() });
  const schema = z.object({ data: z.object({ items: z.array(item), total: z.number() }) });
  const answer = {
    data: { items: [{ id: 1, tags: [{ name: "a", color: "red" }], secret: "x" }], total: 1, extra: 0 },
  };
  expect(schema.safeParse(answer).success).toBe(true);
  expect(undeclaredKeys(schema, answer).sort()).toEqual([
    "$.data.extra",
    "$.data.items[0].secret",
    "$.data.items[0].tags[0].color",
  ]);
  expect(undeclaredKeys(z.looseObject({ a: z.number() }), { a: 1, b: 2 })).toEqual([]);
  expect(undeclaredKeys(z.record(z.string(), z.object({ a: z.number() })), { k: { a: 1, b: 2 } })).toEqual([
    "$.k.b",
  ]);
});

function countObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countObjects(v), 0);
  if (value && typeof value === "object")
    return 1 + Object.values(value).reduce((n: number, v) => n + countObjects(v), 0);
  return 0;
}
