import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import type { Cache } from "@/core/cache/cache";
import { body, createTestApp, type TestApp } from "./support/app";
import { authHeaders } from "./support/auth";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("envelope on every answer", () => {
  test("health is the contract's exact body", async () => {
    const res = await t.request("/api/v1/common/health/");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      code: 0,
      msg: "系统健康",
      data: true,
      status_code: 200,
      success: true,
    });
  });

  test("readiness checks database and cache", async () => {
    const res = await t.request("/api/v1/common/health/ready/");
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({
      code: 0,
      msg: "依赖就绪",
      data: { checks: { database: true, redis: true }, errors: null },
      status_code: 200,
      success: true,
    });
  });

  test("readiness answers 503 when the cache is down", async () => {
    const broken: Cache = { ...t.deps.cache, ping: async () => false };
    const down = await createTestApp({}, { cache: broken });
    try {
      const res = await down.request("/api/v1/common/health/ready/");
      expect(res.status).toBe(503);
      const b = await body(res);
      expect(b.code).toBe(503);
      expect(b.success).toBe(false);
      expect(b.msg).toBe("依赖未就绪");
      expect(b.data.checks).toEqual({ database: true, redis: false });
      expect(b.data.errors).toEqual(["redis:ping failed"]);
    } finally {
      await down.close();
    }
  });

  test("a path without its trailing slash redirects (307) to it", async () => {
    const res = await t.request("/api/v1/common/health");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toEndWith("/api/v1/common/health/");
  });

  test("unknown path → 404 envelope", async () => {
    const res = await t.request("/api/v1/no/such/path");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      code: 1,
      msg: "Not Found",
      data: null,
      status_code: 404,
      success: false,
    });
  });

  test("wrong method → 405 envelope with Allow", async () => {
    const res = await t.request("/api/v1/common/health/", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
    expect(await body(res)).toMatchObject({ code: 1, msg: "Method Not Allowed", status_code: 405 });
  });

  test("malformed JSON → 422 envelope, nothing leaked", async () => {
    const res = await t.request("/api/v1/system/auth/token/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"refresh_token": ',
    });
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: 1, msg: "JSON decode error", success: false });
    expect(text).not.toContain("at ");
  });

  test("missing field → 422 with the contract's message", async () => {
    const res = await t.request("/api/v1/system/auth/token/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(422);
    expect(await body(res)).toMatchObject({ code: 1, msg: "请求失败，缺少必填项！", data: {} });
  });

  test("an uncaught error → 500 envelope without the error text, logged with the request id", async () => {
    // A database whose every query throws: the login route then fails in an unplanned way.
    const orm = new Proxy(t.deps.db.orm, {
      get() {
        throw new Error("secret internals");
      },
    });
    const broken = await createTestApp({}, { db: { ...t.deps.db, orm } });
    try {
      const res = await broken.request("/api/v1/system/auth/login", {
        method: "POST",
        headers: { "X-Request-ID": "req-boom-1", "Content-Type": "application/x-www-form-urlencoded" },
        body: "username=admin&password=12345678",
      });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        code: 1,
        msg: "服务器内部错误",
        data: null,
        status_code: 500,
        success: false,
      });
      expect(text).not.toContain("secret internals");
      const line = broken.logger.lines.find((l) => l.msg === "unhandled error");
      expect(line?.request_id).toBe("req-boom-1");
      expect(JSON.stringify(line)).toContain("secret internals");
    } finally {
      await broken.close();
    }
  });
});

describe("cross-cutting headers", () => {
  test("request id on every response, echoed when sane, replaced when not", async () => {
    const echoed = await t.request("/api/v1/common/health/", { headers: { "X-Request-ID": "abc-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await t.request("/api/v1/common/health/", {
      headers: { "X-Request-ID": "bad id with spaces!" },
    });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await t.request("/api/v1/nope");
    expect(missing.headers.get("x-request-id")).toBeTruthy();
  });

  test("one access-log line per request with id, method, path, status, ms", async () => {
    const res = await t.request("/api/v1/common/health/", { headers: { "X-Request-ID": "log-line-1" } });
    expect(res.status).toBe(200);
    const line = t.logger.lines.find((l) => l.msg === "request" && l.request_id === "log-line-1");
    expect(line).toMatchObject({ method: "GET", path: "/api/v1/common/health/", status: 200, user_id: null });
    expect(typeof line?.ms).toBe("number");
  });

  test("secure default headers", async () => {
    const res = await t.request("/api/v1/common/health/");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  test("CORS: a configured origin is echoed with credentials; others are not allowed", async () => {
    const ok = await t.request("/api/v1/common/health/", {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:5180", "Access-Control-Request-Method": "POST" },
    });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:5180");
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    const evil = await t.request("/api/v1/common/health/", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(evil.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).not.toBe("*");
  });

  test("gzip for large bodies when asked", async () => {
    const res = await t.request("/api/v1/openapi.json", { headers: { "Accept-Encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const doc = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString());
    expect(doc.openapi).toStartWith("3.");
  });
});

describe("API docs", () => {
  test("OpenAPI document declares bearer and OAuth2 password flow", async () => {
    const doc = await (await t.request("/api/v1/openapi.json")).json();
    expect(doc.components.securitySchemes.BearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.OAuth2PasswordBearer.flows.password.tokenUrl).toBe(
      "/api/v1/system/auth/login",
    );
    expect(doc.paths["/api/v1/common/health/"].get).toBeDefined();
    expect(doc.paths["/api/v1/system/auth/login"].post).toBeDefined();
  });

  test("Swagger UI and ReDoc load only assets from this server", async () => {
    for (const page of ["/api/v1/docs", "/api/v1/redoc"]) {
      const html = await (await t.request(page)).text();
      const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) {
        expect(url).not.toMatch(/^(https?:)?\/\//);
        const asset = await t.request(url);
        expect(asset.status).toBe(200);
        expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
      }
    }
  });

  test("both spellings of a Swagger UI asset's path are served by the one route", async () => {
    for (const path of ["swagger-ui.css", "swagger-ui-dist/swagger-ui.css"]) {
      const res = await t.request(`/api/v1/docs/assets/${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/css");
    }
    expect((await t.request("/api/v1/docs/assets/other-dir/swagger-ui.css")).status).toBe(404);
  });

  test("unknown doc asset is not served", async () => {
    const res = await t.request("/api/v1/docs/assets/swagger-ui-dist/../../package.json");
    expect(res.status).toBe(404);
  });
});

test("every route fits Hono's RegExpRouter (the trie router it would fall back to is slower per request)", async () => {
  await t.request("/api/v1/common/health/");
  expect(t.app.router.name).toBe("SmartRouter + RegExpRouter");
});

describe("static images", () => {
  test("seeded avatars point at our own server and are served", async () => {
    const [user] = await t.deps.db.orm.select().from(t.deps.db.t.sys_user).limit(1);
    expect(user.avatar).toStartWith("/api/v1/static/");
    const res = await t.request(user.avatar!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("image/svg+xml");
  });
});

test("a 422 echo of the body masks passwords", async () => {
  const res = await t.request("/api/v1/system/auth/token/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ password: "Secret-123", refresh_token: "" }),
  });
  expect(res.status).toBe(422);
  const b = await body(res);
  expect(JSON.stringify(b)).not.toContain("Secret-123");
  expect(b.data.password).toBe("******");
});

test("a body over the upload limit is refused with a 413 envelope", async () => {
  const small = await createTestApp({ MAX_FILE_SIZE: "1024" });
  try {
    const res = await small.request("/api/v1/system/auth/token/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await body(res)).toMatchObject({ code: -1, success: false, status_code: 413 });
  } finally {
    await small.close();
  }
});

test("ok(c, data) answers the message its route declares; a message computed at run time still wins", async () => {
  const { z, OpenAPIHono } = await import("@hono/zod-openapi");
  const { ok } = await import("@/core/http/envelope");
  const { jsonOk } = await import("@/core/http/openapi");
  const { publicRoute } = await import("@/core/http/route");
  const { createRouter } = await import("@/core/http/router");
  const declared = (path: string) =>
    publicRoute({ method: "get", path, responses: jsonOk(z.number(), "读取示例成功") });
  const router = createRouter()
    .openapi(declared("/declared"), (c) => ok(c, 1))
    .openapi(declared("/computed"), (c) => ok(c, 2, `第${2}条读取成功`))
    .openapi(publicRoute({ method: "get", path: "/default", responses: jsonOk(z.number()) }), (c) =>
      ok(c, 3),
    );
  const plain = new OpenAPIHono().get("/plain", (c) => ok(c, 4));
  const msgOf = async (app: { request: (p: string) => Response | Promise<Response> }, path: string) =>
    (await (await app.request(path)).json()).msg;
  expect(await msgOf(router, "/declared")).toBe("读取示例成功");
  expect(await msgOf(router, "/computed")).toBe("第2条读取成功");
  expect(await msgOf(router, "/default")).toBe("成功");
  expect(await msgOf(plain, "/plain")).toBe("成功");
  // a guarded route of the real app: the message is written only in its route
  const res = await t.request("/api/v1/system/notice/list", { headers: await authHeaders(t, "admin") });
  expect(await body(res)).toMatchObject({ code: 0, msg: "查询公告列表成功" });
});

test("found(): a value read back is returned; its absence is an error naming what is missing", async () => {
  const { found } = await import("@/core/http/errors");
  expect(found({ id: 1 }, "menu 1")).toEqual({ id: 1 });
  expect(found(0, "zero")).toBe(0);
  expect(() => found(null, "menu 7")).toThrow("menu 7: expected to exist, found none");
  expect(() => found(undefined, "dept 3")).toThrow("dept 3");
});
