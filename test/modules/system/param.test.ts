import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import { Hono } from "hono";
import type { Cache } from "@/core/cache/cache";
import type { AppEnv } from "@/core/context";
import {
  type DemoParams,
  demoModeGuard,
  isBlocked,
  isDemoEnabled,
  parseListParam,
} from "@/modules/system/param/demo-mode";
import {
  cachedParam,
  cachedParams,
  PARAM_INDEX_KEY,
  paramCacheKey,
} from "@/modules/system/param/param.cache";
import { getParamValue } from "@/modules/system/param/param.service";
import { body, createTestApp, type TestApp } from "../../support/app";
import {
  authHeaders,
  client,
  expectExactPermissions,
  expectUnauthenticated,
  type GuardedCall,
} from "../../support/auth";

let t: TestApp;
let admin: ReturnType<typeof client>;
let anon: ReturnType<typeof client>;
let adminHeaders: Record<string, string>;

const PARAM_KEYS = [
  "id",
  "uuid",
  "status",
  "description",
  "created_time",
  "updated_time",
  "is_deleted",
  "deleted_time",
  "config_name",
  "config_key",
  "config_value",
  "config_type",
].sort();

const SEEDED_KEYS = [
  "sys_web_title",
  "sys_web_description",
  "sys_web_favicon",
  "sys_web_logo",
  "sys_login_background",
  "sys_web_copyright",
  "sys_keep_record",
  "sys_help_doc",
  "sys_web_privacy",
  "sys_web_clause",
  "sys_git_code",
  "sys_web_version",
  "demo_enable",
  "ip_white_list",
  "white_api_list_path",
  "ip_black_list",
];

beforeAll(async () => {
  t = await createTestApp();
  adminHeaders = await authHeaders(t, "admin");
  admin = client(t, adminHeaders);
  anon = client(t);
});

afterAll(async () => {
  await t?.close();
});

async function makeParam(key: string, value = "v1", extra: Record<string, unknown> = {}) {
  const res = await admin.post("/system/param/create", {
    config_name: `参数${key}`,
    config_key: key,
    config_value: value,
    ...extra,
  });
  expect(res.status).toBe(200);
  return (await body(res)).data as { id: number; config_key: string; config_name: string };
}

/** Sets a parameter's value through the API (full body, as the SPA sends it). */
async function setValue(key: string, value: string) {
  const current = (await body(await admin.get(`/system/param/key/${key}`))).data;
  const res = await admin.put(`/system/param/update/${current.id}`, { ...current, config_value: value });
  expect(res.status).toBe(200);
}

async function publicInfo() {
  const res = await anon.get("/system/param/info");
  expect(res.status).toBe(200);
  return (await body(res)).data as any[];
}

async function readSheet(res: Response) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const rows: unknown[][] = [];
  book.worksheets[0].eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

describe("reads", () => {
  test("list: page shape, default order, filters", async () => {
    let env = await body(await admin.get("/system/param/list?page_no=1&page_size=10"));
    expect(env).toMatchObject({ code: 0, msg: "查询参数列表成功" });
    expect(env.data).toMatchObject({ total: 16, page_no: 1, page_size: 10, has_next: true });
    expect(env.data.items[0].id).toBe(16);
    expect(Object.keys(env.data.items[0]).sort()).toEqual(PARAM_KEYS);
    expect(env.data.items[0]).toMatchObject({
      config_key: "ip_black_list",
      config_value: "[]",
      config_type: true,
    });

    env = await body(await admin.get("/system/param/list?config_type=true&page_size=100"));
    expect(env.data.total).toBe(16);
    env = await body(await admin.get("/system/param/list?config_type=false"));
    expect(env.data.total).toBe(0);
    env = await body(await admin.get("/system/param/list?config_type="));
    expect(env.data.total).toBe(16);
    env = await body(await admin.get("/system/param/list?config_type=maybe"));
    expect(env.code).toBe(1);
    env = await body(await admin.get("/system/param/list?config_key=ip_&page_size=100"));
    expect(env.data.items.map((r: any) => r.config_key).sort()).toEqual(["ip_black_list", "ip_white_list"]);
    env = await body(await admin.get(`/system/param/list?config_name=${encodeURIComponent("网站")}`));
    expect(env.data.total).toBeGreaterThan(0);
    for (const r of env.data.items) expect(r.config_name).toContain("网站");
    env = await body(await admin.get(`/system/param/list?order_by=${encodeURIComponent('[{"id":"asc"}]')}`));
    expect(env.data.items[0].config_key).toBe("sys_web_title");
    const res = await admin.get(`/system/param/list?order_by=${encodeURIComponent('[{"x":"asc"}]')}`);
    expect(res.status).toBe(400);
  });

  test("detail, key and value lookups; misses are 404 with the contract's text", async () => {
    let res = await admin.get("/system/param/detail/1");
    let env = await body(res);
    expect(env).toMatchObject({ code: 0, msg: "获取参数详情成功" });
    expect(env.data).toMatchObject({
      id: 1,
      config_key: "sys_web_title",
      config_value: "FastApiAdmin",
      config_type: true,
    });
    res = await admin.get("/system/param/detail/999999");
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("该参数不存在");
    expect((await admin.get("/system/param/detail/0")).status).toBe(422);

    env = await body(await admin.get("/system/param/key/sys_web_title"));
    expect(env).toMatchObject({ code: 0, msg: "根据配置键获取参数详情成功", data: { id: 1 } });
    res = await admin.get("/system/param/key/no_such_key");
    expect(res.status).toBe(404);
    expect(await body(res)).toMatchObject({ code: -1, msg: "配置键 no_such_key 不存在" });

    env = await body(await admin.get("/system/param/value/sys_web_title"));
    expect(env).toMatchObject({ code: 0, msg: "根据配置键获取参数值成功", data: "FastApiAdmin" });
    res = await admin.get("/system/param/value/no_such_key");
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("配置键 no_such_key 不存在");
  });

  test("public info: no token, every parameter in id order, full objects", async () => {
    const res = await t.request("/api/v1/system/param/info", { headers: { Authorization: "Bearer junk" } });
    const env = await body(res);
    expect(res.status).toBe(200);
    expect(env).toMatchObject({ code: 0, msg: "获取初始化缓存参数成功", success: true });
    expect(env.data.map((p: any) => p.config_key)).toEqual(SEEDED_KEYS);
    expect(Object.keys(env.data[0]).sort()).toEqual(PARAM_KEYS);
  });
});

describe("writes", () => {
  test("create: key trimmed and lower-cased; not built in by default", async () => {
    const res = await admin.post("/system/param/create", {
      config_name: "参考参数",
      config_key: "  Ref.Key-1_a ",
      config_value: "v1",
      status: "0",
      description: "reference",
      id: 1,
    });
    const env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("创建参数成功");
    expect(Object.keys(env.data).sort()).toEqual(PARAM_KEYS);
    expect(env.data).toMatchObject({
      config_key: "ref.key-1_a",
      config_value: "v1",
      config_type: false,
      description: "reference",
    });
    expect(env.data.id).toBeGreaterThan(16);
  });

  test("create: validation and duplicate key", async () => {
    const cases: [unknown, number, string][] = [
      [{ config_name: "x", config_key: "1abc" }, 422, "参数键名必须以小写字母开头，仅包含小写字母/数字/_.-"],
      [{ config_name: "x", config_key: "a b" }, 422, "参数键名必须以小写字母开头，仅包含小写字母/数字/_.-"],
      [{ config_name: "x" }, 422, "请求失败，缺少必填项！"],
      [{ config_name: "  ", config_key: "abc" }, 422, "参数名称不能为空"],
      [
        { config_name: "x", config_key: "abc", config_value: "v".repeat(501) },
        422,
        "参数键值长度不能超过500个字符",
      ],
      [{ config_name: "x", config_key: "abc", config_type: "yes" }, 422, "类型错误，提交参数应该为布尔值！"],
      [
        { config_name: "x", config_key: "sys_web_title", config_value: "x" },
        409,
        "创建失败，该配置key已存在",
      ],
      [{ config_name: "x", config_key: "SYS_WEB_TITLE" }, 409, "创建失败，该配置key已存在"],
    ];
    for (const [payload, status, msg] of cases) {
      const res = await admin.post("/system/param/create", payload);
      expect({ status: res.status, msg: (await body(res)).msg }).toEqual({ status, msg });
    }
    const list = await body(await admin.get("/system/param/list?config_key=abc"));
    expect(list.data.total).toBe(0);
  });

  test("update: happy; key fixed; missing → 404", async () => {
    const p = await makeParam("upd_a");
    let res = await admin.put(`/system/param/update/${p.id}`, {
      config_name: "新名称",
      config_key: "upd_a",
      config_value: "v2",
      description: "updated",
      status: "1",
    });
    const env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("更新参数成功");
    expect(env.data).toMatchObject({ id: p.id, config_name: "新名称", config_value: "v2", status: "1" });
    expect((await body(await admin.get("/system/param/value/upd_a"))).data).toBe("v2");

    res = await admin.put(`/system/param/update/${p.id}`, { config_name: "x", config_key: "upd_b" });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("更新失败，系统配置key不允许修改");
    res = await admin.put("/system/param/update/999999", { config_name: "x", config_key: "upd_a" });
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("更新失败，该系统配置不存在");
    res = await admin.put(`/system/param/update/${p.id}`, { config_key: "upd_a" });
    expect(res.status).toBe(422);
  });

  test("delete: built-in refused, missing refused, empty refused; happy path physical", async () => {
    const p = await makeParam("del_a");
    let res = await admin.delete("/system/param/delete", [p.id, 1]);
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("网站名称 删除失败，系统初始化配置不可以删除");
    expect((await admin.get(`/system/param/detail/${p.id}`)).status).toBe(200);
    res = await admin.delete("/system/param/delete", [999999]);
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("删除失败，该系统配置不存在");
    res = await admin.delete("/system/param/delete", []);
    expect(res.status).toBe(400);
    res = await admin.delete("/system/param/delete", { ids: [p.id] });
    expect(res.status).toBe(422);
    res = await admin.delete("/system/param/delete", [p.id]);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除参数成功", data: null });
    expect((await admin.get(`/system/param/detail/${p.id}`)).status).toBe(404);
  });

  test("export: xlsx, columns, filters from body or query", async () => {
    let res = await admin.post("/system/param/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toBe("attachment; filename=params.xlsx");
    let rows = await readSheet(res);
    expect(rows[0]).toEqual([
      "编号",
      "参数名称",
      "参数键名",
      "参数键值",
      "系统内置",
      "备注",
      "创建时间",
      "更新时间",
    ]);
    expect(rows[1].slice(0, 5)).toEqual([1, "网站名称", "sys_web_title", "FastApiAdmin", "是"]);

    res = await admin.post("/system/param/export", { config_type: true, config_key: "ip_" });
    rows = await readSheet(res);
    expect(rows.slice(1).map((r) => r[2])).toEqual(["ip_white_list", "ip_black_list"]);

    res = await admin.post("/system/param/export?config_type=false");
    rows = await readSheet(res);
    for (const r of rows.slice(1)) expect(r[4]).toBe("否");
  });

  test("upload: stored and served under /api/v1/static/upload; bad files refused", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const form = new FormData();
    form.append("file", new File([png], "logo.png", { type: "image/png" }));
    let res = await t.request("/api/v1/system/param/upload", {
      method: "POST",
      headers: adminHeaders,
      body: form,
    });
    const env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("上传文件成功");
    expect(Object.keys(env.data).sort()).toEqual(["file_name", "file_path", "file_url", "origin_name"]);
    expect(env.data.origin_name).toBe("logo.png");
    expect(env.data.file_name).toMatch(/^[0-9a-f]{32}\.png$/);
    expect(env.data.file_path).toMatch(/^static\/upload\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.png$/);
    const url = new URL(env.data.file_url);
    expect(url.pathname).toBe(`/api/v1/${env.data.file_path}`);
    const served = await t.request(url.pathname);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);

    const bad = new FormData();
    bad.append("file", new File(["<?php"], "x.php", { type: "text/plain" }));
    res = await t.request("/api/v1/system/param/upload", {
      method: "POST",
      headers: adminHeaders,
      body: bad,
    });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("不允许上传此类型的文件: .php");

    res = await t.request("/api/v1/system/param/upload", {
      method: "POST",
      headers: adminHeaders,
      body: new FormData(),
    });
    expect(res.status).toBe(422);
    expect((await body(res)).msg).toBe("请求失败，缺少必填项！");
    res = await t.request("/api/v1/system/param/upload", { method: "POST", headers: adminHeaders });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("请选择要上传的文件");
  });
});

describe("cache: system_config:{key} and no stale reads", () => {
  test("entries are the JSON param objects the public read serves", async () => {
    const info = await publicInfo();
    const raw = await t.deps.cache.get(paramCacheKey("sys_web_title"));
    expect(JSON.parse(raw!)).toEqual(info.find((p) => p.config_key === "sys_web_title"));
    // really served from the cache
    const tampered = { ...JSON.parse(raw!), config_value: "from-cache" };
    await t.deps.cache.set(paramCacheKey("sys_web_title"), JSON.stringify(tampered));
    expect((await publicInfo()).find((p) => p.config_key === "sys_web_title").config_value).toBe(
      "from-cache",
    );
    expect(await getParamValue(t.deps, "sys_web_title")).toBe("from-cache");
    await t.deps.cache.del(paramCacheKey("sys_web_title"));
    expect(await getParamValue(t.deps, "sys_web_title")).toBe("FastApiAdmin");
  });

  test("create / update / delete show in the public read and getParamValue at once", async () => {
    const before = await publicInfo();
    expect(before.some((p) => p.config_key === "fresh_a")).toBe(false);
    expect(await getParamValue(t.deps, "fresh_a")).toBeNull(); // remembered as absent...

    const p = await makeParam("fresh_a", "one");
    let info = await publicInfo();
    expect(info.at(-1)).toMatchObject({ config_key: "fresh_a", config_value: "one" });
    expect(await getParamValue(t.deps, "fresh_a")).toBe("one"); // ...until it is created

    await setValue("fresh_a", "two");
    info = await publicInfo();
    expect(info.find((x) => x.config_key === "fresh_a").config_value).toBe("two");
    expect(await getParamValue(t.deps, "fresh_a")).toBe("two");

    await admin.delete("/system/param/delete", [p.id]);
    info = await publicInfo();
    expect(info.some((x) => x.config_key === "fresh_a")).toBe(false);
    expect(await getParamValue(t.deps, "fresh_a")).toBeNull();
    expect(info.map((x) => x.config_key).filter((k) => SEEDED_KEYS.includes(k))).toEqual(SEEDED_KEYS);
  });

  test("a seeded parameter's update is visible at once (built-in values too)", async () => {
    await publicInfo();
    await setValue("sys_web_title", "新标题");
    expect((await publicInfo()).find((p) => p.config_key === "sys_web_title").config_value).toBe("新标题");
    expect(await getParamValue(t.deps, "sys_web_title")).toBe("新标题");
    await setValue("sys_web_title", "FastApiAdmin");
  });

  test("a read that raced a write does not leave the old value cached", async () => {
    await makeParam("race_a", "old");
    for (const read of [
      (deps: TestApp["deps"]) => cachedParam(deps, "race_a"),
      (deps: TestApp["deps"]) => cachedParams(deps),
    ]) {
      await t.deps.cache.del(PARAM_INDEX_KEY, paramCacheKey("race_a"));
      const next = (await getParamValue(t.deps, "race_a")) === "old" ? "new" : "old";
      await t.deps.cache.del(PARAM_INDEX_KEY, paramCacheKey("race_a"));
      // The write commits (and drops the keys) after this read loaded the rows but before it stored them.
      let raced = false;
      const racing: Cache = Object.create(t.deps.cache);
      racing.set = async (key, value, ttl) => {
        if (!raced && key === paramCacheKey("race_a")) {
          raced = true;
          await setValue("race_a", next);
        }
        return t.deps.cache.set(key, value, ttl);
      };
      await read({ ...t.deps, cache: racing });
      expect(raced).toBe(true);
      expect(await t.deps.cache.get(paramCacheKey("race_a"))).toBeNull();
      expect(await getParamValue(t.deps, "race_a")).toBe(next);
      expect((await publicInfo()).find((p) => p.config_key === "race_a").config_value).toBe(next);
    }
  });

  test("entries wiped from outside (cache monitor, eviction) are rebuilt, never left out", async () => {
    await publicInfo();
    await t.deps.cache.del(paramCacheKey("sys_web_logo"));
    expect((await publicInfo()).map((p) => p.config_key).filter((k) => SEEDED_KEYS.includes(k))).toEqual(
      SEEDED_KEYS,
    );
    await t.deps.cache.del(PARAM_INDEX_KEY);
    expect((await publicInfo()).map((p) => p.config_key).filter((k) => SEEDED_KEYS.includes(k))).toEqual(
      SEEDED_KEYS,
    );
    for (const key of await t.deps.cache.keys("system_config")) await t.deps.cache.del(key);
    expect((await publicInfo()).length).toBeGreaterThanOrEqual(16);
  });
});

describe("demo mode and IP black list (§7.3)", () => {
  const params = (over: Partial<DemoParams> = {}): DemoParams => ({
    demoEnabled: false,
    ipBlackList: [],
    ipWhiteList: [],
    pathWhiteList: [],
    ...over,
  });
  const req = (method: string, ip = "10.0.0.1", path = "/api/v1/system/user/create") => ({
    method,
    ip,
    path,
  });

  test("rules", () => {
    expect(isBlocked(params(), req("POST"))).toBe(false);
    expect(isBlocked(params({ ipBlackList: ["10.0.0.1"] }), req("GET"))).toBe(true);
    expect(isBlocked(params({ ipBlackList: ["10.0.0.2"] }), req("GET"))).toBe(false);
    // black list wins over the white list
    expect(isBlocked(params({ ipBlackList: ["10.0.0.1"], ipWhiteList: ["10.0.0.1"] }), req("GET"))).toBe(
      true,
    );
    const demo = params({
      demoEnabled: true,
      ipWhiteList: ["127.0.0.1"],
      pathWhiteList: ["/api/v1/system/auth/login"],
    });
    for (const m of ["GET", "HEAD", "OPTIONS"]) expect(isBlocked(demo, req(m))).toBe(false);
    for (const m of ["POST", "PUT", "PATCH", "DELETE"]) expect(isBlocked(demo, req(m))).toBe(true);
    expect(isBlocked(demo, req("POST", "127.0.0.1"))).toBe(false);
    expect(isBlocked(demo, req("POST", "10.0.0.1", "/api/v1/system/auth/login"))).toBe(false);
    expect(isBlocked(demo, req("POST", "10.0.0.1", "/api/v1/system/auth/login/"))).toBe(false);
    expect(isBlocked(demo, req("POST", "10.0.0.1", "/api/v1/system/auth/login/x"))).toBe(true);
  });

  test("parameter parsing", () => {
    expect(parseListParam('["127.0.0.1", " 10.0.0.1 "]')).toEqual(["127.0.0.1", "10.0.0.1"]);
    expect(parseListParam("[]")).toEqual([]);
    expect(parseListParam("1.1.1.1, 2.2.2.2\n3.3.3.3")).toEqual(["1.1.1.1", "2.2.2.2", "3.3.3.3"]);
    expect(parseListParam("[broken")).toEqual([]);
    expect(parseListParam('{"a":1}')).toEqual(['{"a":1}']);
    expect(parseListParam(null)).toEqual([]);
    expect(isDemoEnabled("true")).toBe(true);
    expect(isDemoEnabled("True")).toBe(true);
    expect(isDemoEnabled("false")).toBe(false);
    expect(isDemoEnabled("1")).toBe(false);
    expect(isDemoEnabled(null)).toBe(false);
  });

  test("middleware follows parameter edits made through the API at once", async () => {
    const demoApp = new Hono<AppEnv>();
    demoApp.use("*", async (c, next) => {
      c.set("deps", t.deps);
      c.set("logger", t.deps.logger);
      await next();
    });
    demoApp.use("*", demoModeGuard());
    demoApp.all("*", (c) => c.json({ reached: true }));
    const call = async (method: string, path: string, ip: string) => {
      const res = await demoApp.request(path, { method }, { clientIp: ip });
      return { status: res.status, body: await res.json() };
    };
    const blocked = {
      status: 400,
      body: { code: 1, msg: "演示环境，禁止操作", data: null, status_code: 400, success: false },
    };
    const passed = { status: 200, body: { reached: true } };

    // seeded: demo off, black list empty
    expect(await call("POST", "/api/v1/system/user/create", "10.1.1.1")).toEqual(passed);

    await setValue("ip_black_list", '["10.6.6.6"]');
    expect(await call("GET", "/api/v1/system/param/info", "10.6.6.6")).toEqual(blocked);
    expect(await call("GET", "/api/v1/system/param/info", "10.1.1.1")).toEqual(passed);
    await setValue("ip_black_list", "[]");
    expect(await call("GET", "/api/v1/system/param/info", "10.6.6.6")).toEqual(passed);

    await setValue("demo_enable", "true");
    expect(await call("GET", "/api/v1/system/user/list", "10.1.1.1")).toEqual(passed);
    expect(await call("POST", "/api/v1/system/user/create", "10.1.1.1")).toEqual(blocked);
    expect(await call("DELETE", "/api/v1/system/user/delete", "10.1.1.1")).toEqual(blocked);
    expect(await call("POST", "/api/v1/system/auth/login", "10.1.1.1")).toEqual(passed);
    expect(await call("POST", "/api/v1/system/user/create", "127.0.0.1")).toEqual(passed);

    await setValue("ip_white_list", '["127.0.0.1", "10.1.1.1"]');
    expect(await call("POST", "/api/v1/system/user/create", "10.1.1.1")).toEqual(passed);
    await setValue("white_api_list_path", '["/api/v1/system/notice/create"]');
    expect(await call("POST", "/api/v1/system/notice/create", "10.2.2.2")).toEqual(passed);
    expect(await call("POST", "/api/v1/system/auth/login", "10.2.2.2")).toEqual(blocked);

    await setValue("demo_enable", "false");
    expect(await call("POST", "/api/v1/system/user/create", "10.2.2.2")).toEqual(passed);
  });
});

describe("security", () => {
  const routes: GuardedCall[] = [
    { method: "get", path: "/system/param/detail/1", perm: "module_system:param:detail" },
    { method: "get", path: "/system/param/key/sys_web_title", perm: "module_system:param:query" },
    { method: "get", path: "/system/param/value/sys_web_title", perm: "module_system:param:query" },
    { method: "get", path: "/system/param/list", perm: "module_system:param:query" },
    { method: "post", path: "/system/param/create", perm: "module_system:param:create", body: {} },
    { method: "put", path: "/system/param/update/999999", perm: "module_system:param:update", body: {} },
    { method: "delete", path: "/system/param/delete", perm: "module_system:param:delete", body: [999999] },
    { method: "post", path: "/system/param/export", perm: "module_system:param:export" },
    { method: "post", path: "/system/param/upload", perm: "module_system:param:upload" },
  ];

  test("no token → 401 / 10401 on every guarded route", async () => {
    await expectUnauthenticated(t, routes);
  });

  test("each route needs exactly its permission: holders of any other one get 403 / 10403", async () => {
    await expectExactPermissions(t, routes);
  });

  test("a user without roles is refused everywhere but the public read", async () => {
    const plain = client(t, await authHeaders(t, "user"));
    const res = await plain.get("/system/param/list");
    expect(res.status).toBe(403);
    expect((await body(res)).msg).toBe("无权限操作");
    expect((await plain.get("/system/param/info")).status).toBe(200);
  });
});
