import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import mysql from "mysql2/promise";
import type { Cache } from "@/core/cache/cache";
import { createRedisCache } from "@/core/cache/redis";
import { clearCache } from "../support/cache";
import { type Answer, call, onEach, type Server, startServer, until } from "./support";

/*
 * Three instances (one process each, as on three machines) sharing MariaDB and Redis, behind a
 * small round-robin proxy: consecutive requests go to instances 1, 2, 3, 1, … and the proxy
 * names the instance that answered (`X-Worker`). Each guarantee is exercised through one
 * instance and observed through all three. Runs in CI's MariaDB pass (TEST_MYSQL_URL).
 */

const MYSQL_URL = process.env.TEST_MYSQL_URL;
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
if (!MYSQL_URL) console.warn("skipping the 3-instance test: it needs MariaDB/MySQL (set TEST_MYSQL_URL)");

const ALL = ["1", "2", "3"];
const JOB = "/task/cronjob/job";

describe.skipIf(!MYSQL_URL)("three instances on MariaDB + Redis behind a round-robin proxy", () => {
  const dbName = `hono_admin_cluster_${crypto.randomUUID().replace(/-/g, "").slice(0, 10)}`;
  const prefix = `test:${crypto.randomUUID()}:`;
  const servers: Server[] = [];
  let proxy: ReturnType<typeof Bun.serve>;
  let base: string;
  let cache: Cache;
  let admin: string;

  const withServer = async <T>(fn: (conn: mysql.Connection) => Promise<T>) => {
    const url = new URL(MYSQL_URL!);
    url.pathname = "/";
    const conn = await mysql.createConnection({ uri: url.toString() });
    try {
      return await fn(conn);
    } finally {
      await conn.end();
    }
  };

  beforeAll(async () => {
    await withServer((c) => c.query(`CREATE DATABASE \`${dbName}\``));
    const dbUrl = new URL(MYSQL_URL!);
    dbUrl.pathname = `/${dbName}`;
    const env = {
      WORKERS: "1",
      DATABASE_URL: dbUrl.toString(),
      CACHE_DRIVER: "redis",
      REDIS_URL,
      CACHE_PREFIX: prefix,
      ENVIRONMENT: "dev",
      SECRET_KEY: "cluster-test-secret-0123456789-abcdefghijklmnop",
      CAPTCHA_ENABLE: "true",
      LOGIN_MAX_FAILURES: "3",
      // the tests log admin in many times; the token of beforeAll must stay valid
      MAX_SESSIONS_PER_USER: "1000",
      LOGIN_IP_LIMIT_PER_MINUTE: "10000",
      OPERATION_LOG_RECORD: "false",
    };
    // The first migrates and seeds; the others find the database ready.
    servers.push(startServer(env));
    await servers[0].ready(40_000);
    servers.push(startServer(env), startServer(env));
    await Promise.all(servers.slice(1).map((s) => s.ready(40_000)));

    let next = 0;
    proxy = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const i = next++ % servers.length;
        const url = new URL(req.url);
        const res = await fetch(`${servers[i].base}${url.pathname}${url.search}`, {
          method: req.method,
          headers: req.headers,
          body: req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer(),
          redirect: "manual",
        });
        const headers = new Headers(res.headers);
        // fetch() already decoded the body
        headers.delete("content-encoding");
        headers.delete("content-length");
        headers.set("X-Worker", String(i + 1));
        return new Response(await res.arrayBuffer(), { status: res.status, headers });
      },
    });
    base = `http://127.0.0.1:${proxy.port}`;
    cache = await createRedisCache({ url: REDIS_URL, prefix });
    admin = (await login("admin", "123456")).login.body.data.access_token;
  }, 90_000);

  afterAll(async () => {
    proxy?.stop(true);
    await Promise.all(servers.map((s) => s.stop()));
    if (cache) {
      await clearCache(cache);
      await cache.close();
    }
    await withServer((c) => c.query(`DROP DATABASE IF EXISTS \`${dbName}\``));
  }, 30_000);

  async function login(username: string, password: string): Promise<{ captcha: Answer; login: Answer }> {
    const captcha = await call(base, "/system/auth/captcha/get");
    const key: string = captcha.body.data.key;
    const answer = (await cache.get(`captcha_codes:${key}`)) ?? "";
    const res = await call(base, "/system/auth/login", {
      form: { username, password, captcha_key: key, captcha: answer },
    });
    return { captcha, login: res };
  }

  const statuses = (answers: Map<string, Answer>) => [...answers.values()].map((a) => a.status);
  const onAll = (request: () => Promise<Answer>) => onEach(ALL, request, 12);

  test("log in on one instance (captcha from another), use the token on all three", async () => {
    const { captcha, login: res } = await login("admin", "123456");
    expect(res.status).toBe(200);
    expect(captcha.worker).not.toBe(res.worker);
    const token = res.body.data.access_token;
    expect(statuses(await onAll(() => call(base, "/system/user/current/info", { token })))).toEqual([
      200, 200, 200,
    ]);
  });

  test("logout, kick and disable through one instance take effect on all three at once", async () => {
    const a = (await login("admin", "123456")).login.body.data.access_token;
    await call(base, "/system/auth/logout", { token: a, json: { token: a } });
    expect(statuses(await onAll(() => call(base, "/system/user/current/info", { token: a })))).toEqual([
      401, 401, 401,
    ]);

    const b = (await login("admin", "123456")).login.body.data.access_token;
    const sid = JSON.parse(Buffer.from(b.split(".")[1], "base64url").toString()).sid;
    expect(
      (await call(base, "/monitor/online/delete", { method: "DELETE", token: admin, json: sid })).status,
    ).toBe(200);
    expect(statuses(await onAll(() => call(base, "/system/user/current/info", { token: b })))).toEqual([
      401, 401, 401,
    ]);

    const u = (await login("user", "123456")).login.body.data.access_token;
    const me = await call(base, "/system/user/current/info", { token: u });
    expect(me.status).toBe(200);
    const off = await call(base, "/system/user/available/setting", {
      method: "PATCH",
      token: admin,
      json: { ids: [me.body.data.id], status: "1" },
    });
    expect(off.status).toBe(200);
    const after = await onAll(() => call(base, "/system/user/current/info", { token: u }));
    expect(statuses(after).every((s) => s === 401 || s === 403)).toBe(true);
  });

  test("failed logins spread over the instances lock the account on all three", async () => {
    const where = new Set<string>();
    for (let i = 0; i < 3; i++) where.add((await login("super", "wrong-password")).login.worker);
    expect(where.size).toBeGreaterThan(1);
    expect(statuses(await onAll(async () => (await login("super", "123456")).login))).toEqual([
      429, 429, 429,
    ]);
  });

  test("dictionary and parameter caches are never stale on any instance after a write", async () => {
    const dict = () => call(base, "/system/dict/data/info/sys_user_sex");
    for (const a of (await onAll(dict)).values()) expect(a.body.data[0].dict_label).toBe("男");
    const d = await call(base, "/system/dict/data/update/1", {
      method: "PUT",
      token: admin,
      json: { dict_type: "sys_user_sex", dict_type_id: 1, dict_sort: 1, dict_label: "男性", dict_value: "0" },
    });
    expect(d.status).toBe(200);
    for (const a of (await onAll(dict)).values()) expect(a.body.data[0].dict_label).toBe("男性");

    const title = (a: Answer) =>
      (a.body.data as { config_key: string; config_value: string }[]).find(
        (p) => p.config_key === "sys_web_title",
      )?.config_value;
    const params = () => call(base, "/system/param/info");
    for (const a of (await onAll(params)).values()) expect(title(a)).toBe("FastApiAdmin");
    const detail = await call(base, "/system/param/detail/1", { token: admin });
    expect(detail.body.data.config_key).toBe("sys_web_title");
    const p = await call(base, "/system/param/update/1", {
      method: "PUT",
      token: admin,
      json: { ...detail.body.data, config_value: "集群标题" },
    });
    expect(p.status).toBe(200);
    for (const a of (await onAll(params)).values()) expect(title(a)).toBe("集群标题");
  });

  test("list totals are never stale on any instance after a write through one", async () => {
    const totals = async (query = "") => {
      const answers = await onAll(() =>
        call(base, `/system/user/list?page_no=1&page_size=10${query}`, { token: admin }),
      );
      return [...answers.values()].map((a) => a.body.data.total as number);
    };
    const [before] = await totals();
    expect(await totals()).toEqual([before, before, before]);
    const created = await call(base, "/system/user/create", {
      token: admin,
      json: { username: "counted_user", password: "initial-pass-1", name: "计数", status: "0" },
    });
    expect(created.status).toBe(200);
    expect(await totals()).toEqual([before + 1, before + 1, before + 1]);
    const disabled = (await totals("&status=1"))[0];
    await call(base, "/system/user/available/setting", {
      method: "PATCH",
      token: admin,
      json: { ids: [created.body.data.id], status: "1" },
    });
    expect(await totals("&status=1")).toEqual([disabled + 1, disabled + 1, disabled + 1]);
    const gone = await call(base, "/system/user/delete", {
      method: "DELETE",
      token: admin,
      json: [created.body.data.id],
    });
    expect(gone.status).toBe(200);
    expect(await totals()).toEqual([before, before, before]);
  });

  test("the task scheduler: one run per firing in total; pause/resume/stop through any instance applies to all", async () => {
    const node = await call(base, "/task/cronjob/node/create", {
      token: admin,
      json: { name: "集群每秒", code: "cluster_tick", func: "echo", args: "x", kwargs: "" },
    });
    expect(node.status).toBe(200);
    const id = String(node.body.data.id);
    const started = Date.now();
    const s = await call(base, `/task/cronjob/node/execute/${id}`, {
      token: admin,
      json: { trigger: "cron", trigger_args: "0/1 * * * * ?" },
    });
    expect(s.status).toBe(200);
    const jobOf = (a: Answer) => (a.body.data as { id: string; status: string }[]).find((j) => j.id === id);
    for (const a of (await onAll(() => call(base, `${JOB}/scheduler/jobs`, { token: admin }))).values())
      expect(jobOf(a)?.status).toBe("运行中");
    await Bun.sleep(4000);

    const successes = async () => {
      const logs = await call(base, `${JOB}/log/list?page_no=1&page_size=100&job_id=${id}`, { token: admin });
      return (logs.body.data.items as { status: string; job_id: string }[]).filter(
        (r) => r.job_id === id && r.status === "success",
      ).length;
    };

    // pausing the job through one instance stops its runs everywhere
    expect((await call(base, `${JOB}/task/pause/${id}`, { method: "POST", token: admin })).status).toBe(200);
    const seconds = (Date.now() - started) / 1000;
    for (const a of (await onAll(() => call(base, `${JOB}/scheduler/jobs`, { token: admin }))).values())
      expect(jobOf(a)?.status).toBe("暂停中");
    await Bun.sleep(500); // runs that had already started finish
    const ran = await successes();
    expect(ran).toBeGreaterThanOrEqual(2);
    // three instances without coordination would run it about three times per second
    expect(ran).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    await Bun.sleep(1500);
    expect(await successes()).toBe(ran);

    // resuming through another instance: it runs again
    expect((await call(base, `${JOB}/task/resume/${id}`, { method: "POST", token: admin })).status).toBe(200);
    expect(await until(successes, (n) => n > ran, 5000)).toBeGreaterThan(ran);

    // the whole scheduler: shutdown through one instance is seen (and obeyed) by all
    expect((await call(base, `${JOB}/scheduler/shutdown`, { method: "POST", token: admin })).status).toBe(
      200,
    );
    for (const a of (await onAll(() => call(base, `${JOB}/scheduler/status`, { token: admin }))).values())
      expect(a.body.data).toMatchObject({ status: "停止", is_running: false });
    await Bun.sleep(500);
    const stopped = await successes();
    await Bun.sleep(1500);
    expect(await successes()).toBe(stopped);
    expect((await call(base, `${JOB}/scheduler/start`, { method: "POST", token: admin })).status).toBe(200);
    for (const a of (await onAll(() => call(base, `${JOB}/scheduler/status`, { token: admin }))).values())
      expect(a.body.data.status).toBe("运行中");
    await call(base, `${JOB}/task/remove/${id}`, { method: "DELETE", token: admin });
  }, 40_000);
});
