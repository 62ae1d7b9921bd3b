import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createMemoryCache } from "@/core/cache/memory";
import { createRedisCache } from "@/core/cache/redis";
import { createUpstashCache } from "@/core/cache/upstash";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser, type ScopedUser } from "../../support/auth";
import { redisUnavailable } from "../../support/cache";
import { startUpstashProxy } from "../../support/upstash-proxy";

// Like the cache contract suite: the machine's Redis, required under CI, optional elsewhere.
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const missing = process.env.CI ? null : await redisUnavailable(redisUrl);

const BASE = "/monitor/cache";

let t: TestApp;
let admin: ReturnType<typeof client>;
let adminHeaders: Record<string, string>;
let reader: ScopedUser;

beforeAll(async () => {
  t = await createTestApp({ CAPTCHA_ENABLE: "true" });
  adminHeaders = await authHeaders(t, "admin");
  admin = client(t, adminHeaders);
  reader = await createScopedUser(t, { permissions: ["module_monitor:cache:query"] });
});
afterAll(() => t.close());

const keysOf = async (name: string): Promise<string[]> =>
  (await body(await admin.get(`${BASE}/get/keys/${name}`))).data;

describe("info", () => {
  test("what the driver can tell, with the SPA's fields present and string-typed", async () => {
    const res = await admin.get(`${BASE}/info`);
    expect(res.status).toBe(200);
    const env = await body(res);
    expect(env.msg).toBe("获取缓存监控信息成功");
    const { info, db_size, command_stats } = env.data;
    expect(info.cache_driver).toBe(t.deps.cache.driver);
    for (const field of ["redis_version", "redis_mode", "tcp_port", "uptime_in_days", "aof_enabled"]) {
      expect(field in info).toBe(true);
    }
    // The SPA compares aof_enabled with the string "0" (upstream sent a number).
    expect(typeof info.aof_enabled).toBe("string");
    expect(typeof info.redis_mode).toBe("string");
    expect(typeof info.used_memory_human).toBe("string");
    expect(info.executable).toBeUndefined();
    const ours = (await t.deps.cache.keys("")).length;
    expect(db_size).toBeGreaterThan(0);
    expect(Math.abs(db_size - ours)).toBeLessThanOrEqual(2); // a request may add a rate-limit key
    expect(Array.isArray(command_stats)).toBe(true);
    if (t.deps.cache.driver === "memory") {
      expect(info.aof_enabled).toBe("0");
      expect(info.redis_mode).toBe("standalone");
      expect(info.redis_version).toBeNull();
      expect(command_stats).toEqual([]);
      expect(info.db0.keys).toBe(ours);
    } else {
      expect(info.redis_version).toMatch(/^\d+\.\d+/);
      expect(typeof info.tcp_port).toBe("string");
      const get = command_stats.find((s: any) => s.name === "get");
      expect(get.value).toMatch(/^\d+$/);
    }
  });
});

describe("info when the server refuses INFO", () => {
  test("200 with what else is known, and a warning in the log", async () => {
    const original = t.deps.cache;
    t.deps.cache = {
      ...original,
      info: async () => {
        throw new Error("NOPERM this user has no permissions to run the 'info' command");
      },
    };
    try {
      const res = await admin.get(`${BASE}/info`);
      expect(res.status).toBe(200);
      const { info, db_size, command_stats } = (await body(res)).data;
      expect(info.redis_version).toBeNull();
      expect(info.cache_driver).toBe(original.driver);
      expect(db_size).toBeGreaterThan(0);
      expect(command_stats).toEqual([]);
      expect(t.logger.lines.some((l: any) => l.msg === "reading cache server info failed")).toBe(true);
    } finally {
      t.deps.cache = original;
    }
  });
});

describe("names, keys, values", () => {
  test("names: the app's key families with Chinese remarks", async () => {
    const env = await body(await admin.get(`${BASE}/get/names`));
    expect(env.msg).toBe("获取缓存名称列表成功");
    const names = env.data.map((n: any) => n.cache_name);
    expect(names.slice(0, 4)).toEqual(["session", "captcha_codes", "system_config", "system_dict"]);
    expect(names).toContain("principal");
    expect(names).toContain("rate");
    expect(env.data[1]).toEqual({
      cache_key: "",
      cache_name: "captcha_codes",
      cache_value: "",
      remark: "图片验证码",
    });
    expect(env.data.find((n: any) => n.cache_name === "system_dict").remark).toBe("数据字典");
  });

  test("keys: suffixes of one family only; internal bookkeeping keys are not reachable", async () => {
    await t.request("/api/v1/system/dict/data/info/sys_user_sex");
    const res = await admin.get(`${BASE}/get/keys/system_dict`);
    const env = await body(res);
    expect(env.msg).toBe("获取缓存system_dict的键名列表成功");
    expect(env.data).toContain("sys_user_sex");
    expect(env.data.every((k: string) => !k.includes("version"))).toBe(true);
    const sessions = await keysOf("session");
    expect(sessions.some((k) => k.startsWith("2:"))).toBe(true); // admin is user 2
  });

  test("value: stored text, null when missing", async () => {
    await t.request("/api/v1/system/dict/data/info/sys_user_sex");
    let env = await body(await admin.get(`${BASE}/get/value/system_dict/sys_user_sex`));
    expect(env.msg).toBe("获取缓存system_dict:sys_user_sex的值成功");
    expect(env.data.cache_key).toBe("sys_user_sex");
    expect(env.data.remark).toBe("");
    expect(JSON.parse(env.data.cache_value).map((d: any) => d.dict_label)).toContain("男");
    env = await body(await admin.get(`${BASE}/get/value/system_config/no_such_key_ref`));
    expect(env.code).toBe(0);
    expect(env.data).toEqual({
      cache_key: "no_such_key_ref",
      cache_name: "system_config",
      cache_value: null,
      remark: "",
    });
  });

  test("unknown family: 404 on keys, value and delete", async () => {
    for (const [method, path] of [
      ["get", `${BASE}/get/keys/access_token`],
      ["get", `${BASE}/get/value/nope/x`],
      ["delete", `${BASE}/delete/name/system_dict_version`],
    ] as const) {
      const res = await admin[method](path);
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("缓存名称不存在");
    }
  });
});

describe("secrets stay hidden", () => {
  test("a session is shown without its refresh token id", async () => {
    const key = (await keysOf("session")).find((k) => k.startsWith("2:"))!;
    const env = await body(await admin.get(`${BASE}/get/value/session/${key}`));
    const session = JSON.parse(env.data.cache_value);
    expect(session.user_name).toBe("admin");
    expect(session.session_id).toBe(key.split(":")[1]);
    expect("refresh_id" in session).toBe(false);
    expect(env.data.cache_value).not.toContain("refresh");
  });

  test("a captcha answer is masked", async () => {
    const captcha = (await body(await t.request("/api/v1/system/auth/captcha/get"))).data;
    expect(captcha.key).toBeTruthy();
    const answer = await t.deps.cache.get(`captcha_codes:${captcha.key}`);
    expect(await keysOf("captcha_codes")).toContain(captcha.key);
    const env = await body(await admin.get(`${BASE}/get/value/captcha_codes/${captcha.key}`));
    expect(env.data.cache_value).toBe("******");
    expect(env.data.cache_value).not.toBe(answer);
  });

  test("credential keys are listed masked, yet the masked key still addresses them", async () => {
    const token = crypto.randomUUID();
    await t.deps.cache.set(`auto_login:${token}`, JSON.stringify({ user_id: 3 }), 300);
    const keys = await keysOf("auto_login");
    expect(keys).toEqual([`${token.slice(0, 6)}****`]);
    expect(JSON.stringify(keys)).not.toContain(token);
    let env = await body(await admin.get(`${BASE}/get/value/auto_login/${keys[0]}`));
    expect(JSON.parse(env.data.cache_value)).toEqual({ user_id: 3 });
    // the full token is not a key the monitor knows
    env = await body(await admin.get(`${BASE}/get/value/auto_login/${token}`));
    expect(env.data.cache_value).toBeNull();
    const res = await admin.delete(`${BASE}/delete/key/${keys[0]}`);
    expect((await body(res)).msg).toBe(`${keys[0]}清除成功`);
    expect(await t.deps.cache.get(`auto_login:${token}`)).toBeNull();
  });
});

describe("deletes", () => {
  test("delete/key removes that exact key only (upstream matched every key ending in it)", async () => {
    await t.deps.cache.set("system_config:k1", "a", 60);
    await t.deps.cache.set("system_config:xk1", "b", 60);
    await t.deps.cache.set("principal:k1", "c", 60);
    const env = await body(await admin.delete(`${BASE}/delete/key/k1`));
    expect(env).toMatchObject({ code: 0, data: true, msg: "k1清除成功" });
    expect(await t.deps.cache.get("system_config:k1")).toBeNull();
    expect(await t.deps.cache.get("principal:k1")).toBeNull();
    expect(await t.deps.cache.get("system_config:xk1")).toBe("b");
    // unknown keys are not an error, as upstream
    expect((await admin.delete(`${BASE}/delete/key/no_such_key_ref`)).status).toBe(200);
  });

  test("delete/name clears one family", async () => {
    await t.request("/api/v1/system/auth/captcha/get");
    expect((await keysOf("captcha_codes")).length).toBeGreaterThan(0);
    const env = await body(await admin.delete(`${BASE}/delete/name/captcha_codes`));
    expect(env).toMatchObject({ code: 0, data: true, msg: "captcha_codes对应键值清除成功" });
    expect(await keysOf("captcha_codes")).toEqual([]);
    expect(await t.deps.cache.get("system_config:xk1")).toBe("b");
  });

  test("delete/all drops rebuildable caches but keeps sessions, lockouts and rate counters", async () => {
    await t.request("/api/v1/system/dict/data/info/sys_user_sex");
    await t.deps.cache.set("login:lock:someone", "1", 60);
    const env = await body(await admin.delete(`${BASE}/delete/all`));
    expect(env).toMatchObject({ code: 0, data: true, msg: "所有缓存清除成功" });
    expect(await t.deps.cache.keys("system_dict:")).toEqual([]);
    expect(await t.deps.cache.keys("system_config:")).toEqual([]);
    expect(await t.deps.cache.get("login:lock:someone")).toBe("1");
    // the caller is still logged in, and the dictionary is rebuilt on the next read
    expect((await admin.get(`${BASE}/get/names`)).status).toBe(200);
    const dict = await body(await t.request("/api/v1/system/dict/data/info/sys_user_sex"));
    expect(dict.data.length).toBe(3);
  });

  test("deleting the session family ends sessions", async () => {
    const victim = await createScopedUser(t, { permissions: ["module_monitor:cache:query"] });
    expect((await client(t, victim.headers).get(`${BASE}/get/names`)).status).toBe(200);
    expect((await body(await admin.delete(`${BASE}/delete/name/session`))).data).toBe(true);
    const res = await client(t, victim.headers).get(`${BASE}/get/names`);
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
    // the caller's own session went too
    expect((await admin.get(`${BASE}/get/names`)).status).toBe(401);
    adminHeaders = await authHeaders(t, "admin");
    admin = client(t, adminHeaders);
    reader = await createScopedUser(t, { permissions: ["module_monitor:cache:query"] });
  });
});

describe("security", () => {
  const queries = [
    `${BASE}/info`,
    `${BASE}/get/names`,
    `${BASE}/get/keys/system_dict`,
    `${BASE}/get/value/system_dict/sys_user_sex`,
  ];
  const deletes = [`${BASE}/delete/name/captcha_codes`, `${BASE}/delete/key/x`, `${BASE}/delete/all`];

  test("401 without a token", async () => {
    for (const path of queries) expect((await t.request(`/api/v1${path}`)).status).toBe(401);
    for (const path of deletes) {
      const res = await t.request(`/api/v1${path}`, { method: "DELETE" });
      expect(res.status).toBe(401);
      expect((await body(res)).code).toBe(10401);
    }
  });

  test("query permission reads but cannot delete; no permission reads nothing", async () => {
    const r = client(t, reader.headers);
    for (const path of queries) expect((await r.get(path)).status).toBe(200);
    for (const path of deletes) {
      const res = await r.delete(path);
      expect(res.status).toBe(403);
      expect((await body(res)).code).toBe(10403);
    }
    const nobody = client(t, (await createScopedUser(t, { permissions: [] })).headers);
    for (const path of queries) expect((await nobody.get(path)).status).toBe(403);
    const deleter = client(
      t,
      (await createScopedUser(t, { permissions: ["module_monitor:cache:delete"] })).headers,
    );
    expect((await deleter.delete(`${BASE}/delete/key/x`)).status).toBe(200);
  });
});

describe("drivers' info()", () => {
  test("memory: its own figures", async () => {
    const cache = createMemoryCache();
    await cache.set("a", "xyz");
    await cache.set("b", "1", 60);
    const info = await cache.info!();
    expect(info.db0).toBe("keys=2,expires=1,avg_ttl=0");
    expect(Number(info.used_memory)).toBeGreaterThan(0);
    await cache.close();
  });

  test.skipIf(missing !== null)("redis and upstash: the server's INFO with command stats", async () => {
    const redis = await createRedisCache({ url: redisUrl, prefix: "info-test:" });
    const proxy = await startUpstashProxy({ redisUrl, token: "t0ken" });
    try {
      await redis.get("x");
      const fromRedis = await redis.info!();
      expect(fromRedis.redis_version).toMatch(/^\d/);
      expect(fromRedis.cmdstat_get).toMatch(/calls=\d+/);
      const upstash = createUpstashCache({ url: proxy.url, token: "t0ken" });
      const fromUpstash = await upstash.info!();
      expect(fromUpstash.redis_version).toBe(fromRedis.redis_version);
      const wrongToken = createUpstashCache({ url: proxy.url, token: "nope" });
      expect(await wrongToken.info!()).toEqual({});
    } finally {
      await proxy.stop();
      await redis.close();
    }
  });
});
