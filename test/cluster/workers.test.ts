import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cache } from "@/core/cache/cache";
import { cacheFileBeside, createFileCache } from "@/core/cache/file";
import { type Answer, call, onEach, root, type Server, startServer, until } from "./support";

/*
 * WORKERS=2 on the embedded default (a libSQL file, CACHE_DRIVER=memory, no Redis): two server
 * processes on one port. Each guarantee is checked by acting through one process and observing
 * through both; with a per-process store, the other process would disagree.
 */

const dir = mkdtempSync(join(tmpdir(), "hono-admin-workers-"));
const DATABASE_URL = `file:${join(dir, "app.db")}`;
const BOTH = ["1", "2"];
let server: Server;
/** The workers' shared cache file, opened by the test to read captcha answers. */
let cache: Cache;
let admin: string;

beforeAll(async () => {
  server = startServer({
    WORKERS: "2",
    DATABASE_URL,
    CACHE_DRIVER: "memory",
    ENVIRONMENT: "dev",
    CAPTCHA_ENABLE: "true",
    LOGIN_MAX_FAILURES: "3",
    // the tests log admin in many times; the token of beforeAll must stay valid
    MAX_SESSIONS_PER_USER: "1000",
    LOGIN_IP_LIMIT_PER_MINUTE: "10000",
    RATE_LIMIT_PER_MINUTE: "30",
    TRUST_PROXY: "true",
    TRUSTED_PROXIES: "1",
    OPERATION_LOG_RECORD: "false",
  });
  await server.ready();
  cache = createFileCache({ path: cacheFileBeside(DATABASE_URL) });
  admin = (await login("admin", "123456")).login.body.data.access_token;
}, 60_000);

afterAll(async () => {
  await cache?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Gets a captcha, reads its answer from the shared cache, logs in; says who did what. */
async function login(username: string, password: string): Promise<{ captcha: Answer; login: Answer }> {
  const captcha = await call(server.base, "/system/auth/captcha/get");
  expect(captcha.status).toBe(200);
  const key: string = captcha.body.data.key;
  const answer = (await cache.get(`captcha_codes:${key}`)) ?? "";
  const res = await call(server.base, "/system/auth/login", {
    form: { username, password, captcha_key: key, captcha: answer },
  });
  return { captcha, login: res };
}

const statuses = (answers: Map<string, Answer>) => [...answers.values()].map((a) => a.status);

test("the supervisor runs two server processes on one port, the memory cache turned into the shared file", async () => {
  const answers = await onEach(BOTH, () => call(server.base, "/common/health/"));
  expect(statuses(answers)).toEqual([200, 200]);
  const started = server.lines.filter((l) => l.msg === "server started");
  expect(started.map((l) => l.worker).sort()).toEqual(BOTH);
  expect(started.every((l) => l.cache === "file")).toBe(true);
  // migrations and seed ran once, in the supervisor
  expect(server.lines.filter((l) => l.msg === "migrations applied")).toHaveLength(1);
});

test("a captcha issued by one process is accepted by the other; the token works on both", async () => {
  let crossed: { captcha: Answer; login: Answer } | undefined;
  for (let i = 0; i < 40 && !crossed; i++) {
    const attempt = await login("admin", "123456");
    expect(attempt.login.status).toBe(200);
    if (attempt.captcha.worker !== attempt.login.worker) crossed = attempt;
  }
  expect(crossed).toBeDefined();
  const token = crossed!.login.body.data.access_token;
  const answers = await onEach(BOTH, () => call(server.base, "/system/user/current/info", { token }));
  expect(statuses(answers)).toEqual([200, 200]);
  // a captcha is used once, whichever process checks it the second time
  const captcha = await call(server.base, "/system/auth/captcha/get");
  const key = captcha.body.data.key;
  const answer = (await cache.get(`captcha_codes:${key}`)) ?? "";
  const form = { username: "admin", password: "123456", captcha_key: key, captcha: answer };
  expect((await call(server.base, "/system/auth/login", { form })).status).toBe(200);
  const again = await onEach(BOTH, () => call(server.base, "/system/auth/login", { form }));
  expect(statuses(again).every((s) => s !== 200)).toBe(true);
});

describe("ending a session or a user applies on both processes at once", () => {
  test("logout through one process: the token is refused by both", async () => {
    const { login: res } = await login("admin", "123456");
    const token = res.body.data.access_token;
    await onEach(BOTH, () => call(server.base, "/system/user/current/info", { token }));
    const out = await call(server.base, "/system/auth/logout", { token, json: { token } });
    expect(out.status).toBe(200);
    const after = await onEach(BOTH, () => call(server.base, "/system/user/current/info", { token }));
    expect(statuses(after)).toEqual([401, 401]);
  });

  test("kick (online/delete) through one process: the session is refused by both", async () => {
    const { login: res } = await login("admin", "123456");
    const token = res.body.data.access_token;
    const sid = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sid;
    const kick = await call(server.base, "/monitor/online/delete", {
      method: "DELETE",
      token: admin,
      json: sid,
    });
    expect(kick.status).toBe(200);
    const after = await onEach(BOTH, () => call(server.base, "/system/user/current/info", { token }));
    expect(statuses(after)).toEqual([401, 401]);
  });

  test("disabling a user through one process: their token is refused by both", async () => {
    const { login: res } = await login("user", "123456");
    expect(res.status).toBe(200);
    const token = res.body.data.access_token;
    const me = await call(server.base, "/system/user/current/info", { token });
    const off = await call(server.base, "/system/user/available/setting", {
      method: "PATCH",
      token: admin,
      json: { ids: [me.body.data.id], status: "1" },
    });
    expect(off.status).toBe(200);
    const after = await onEach(BOTH, () => call(server.base, "/system/user/current/info", { token }));
    expect(statuses(after).every((s) => s === 401 || s === 403)).toBe(true);
  });
});

test("failed logins are counted across processes: the lockout holds on both", async () => {
  const failures: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { login: res } = await login("super", "wrong-password");
    expect(res.status).not.toBe(200);
    failures.push(res.worker);
  }
  const answers = await onEach(BOTH, async () => (await login("super", "123456")).login);
  expect(statuses(answers)).toEqual([429, 429]);
  expect([...answers.values()][0].body.msg).toContain("锁定");

  // `bun run cli unlock` reaches the same shared store as the workers (not a memory of its own)
  const cli = Bun.spawnSync(["bun", "run", "scripts/cli.ts", "unlock", "super"], {
    cwd: root,
    env: { ...process.env, WORKERS: "2", DATABASE_URL, CACHE_DRIVER: "memory", ENVIRONMENT: "dev" },
  });
  expect(cli.stdout.toString()).toContain('"super" unlocked');
  const unlocked = await onEach(BOTH, async () => (await login("super", "123456")).login);
  expect(statuses(unlocked)).toEqual([200, 200]);
}, 45_000);

test("the API rate limit counts one client's requests over both processes", async () => {
  // stay inside one fixed one-minute window
  const second = new Date().getUTCSeconds();
  if (second > 45) await Bun.sleep((61 - second) * 1000);
  const headers = { "X-Forwarded-For": "203.0.113.9" };
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const res = await call(server.base, "/common/health/", { headers });
    expect(res.status).toBe(200);
    seen.add(res.worker);
  }
  expect([...seen].sort()).toEqual(BOTH);
  const answers = await onEach(BOTH, () => call(server.base, "/common/health/", { headers }));
  expect(statuses(answers)).toEqual([429, 429]);
}, 45_000);

test("the dictionary cache is never stale on either process after a write", async () => {
  const read = () => call(server.base, "/system/dict/data/info/sys_user_sex");
  const before = await onEach(BOTH, read);
  for (const a of before.values()) expect(a.body.data[0].dict_label).toBe("男");
  const res = await call(server.base, "/system/dict/data/update/1", {
    method: "PUT",
    token: admin,
    json: { dict_type: "sys_user_sex", dict_type_id: 1, dict_sort: 1, dict_label: "男性", dict_value: "0" },
  });
  expect(res.status).toBe(200);
  const after = await onEach(BOTH, read);
  for (const a of after.values()) expect(a.body.data[0].dict_label).toBe("男性");
});

test("list totals are never stale on either process after a write through one", async () => {
  const totals = async () => {
    const answers = await onEach(BOTH, () =>
      call(server.base, "/system/user/list?page_no=1&page_size=10", { token: admin }),
    );
    return [...answers.values()].map((a) => a.body.data.total as number);
  };
  const [before] = await totals();
  expect(await totals()).toEqual([before, before]);
  const created = await call(server.base, "/system/user/create", {
    token: admin,
    json: { username: "counted_user", password: "initial-pass-1", name: "计数", status: "0" },
  });
  expect(created.status).toBe(200);
  expect(await totals()).toEqual([before + 1, before + 1]);
  // an enabled user cannot be deleted: disable first
  const off = await call(server.base, "/system/user/available/setting", {
    method: "PATCH",
    token: admin,
    json: { ids: [created.body.data.id], status: "1" },
  });
  expect(off.status).toBe(200);
  const gone = await call(server.base, "/system/user/delete", {
    method: "DELETE",
    token: admin,
    json: [created.body.data.id],
  });
  expect(gone.status).toBe(200);
  expect(await totals()).toEqual([before, before]);
});

describe("task scheduler", () => {
  const JOB = "/task/cronjob/job";

  test("pausing and resuming the scheduler through one process applies to both", async () => {
    const paused = await call(server.base, `${JOB}/scheduler/pause`, { method: "POST", token: admin });
    expect(paused.status).toBe(200);
    const status = await onEach(BOTH, () => call(server.base, `${JOB}/scheduler/status`, { token: admin }));
    for (const a of status.values()) expect(a.body.data.status).toBe("暂停");
    await call(server.base, `${JOB}/scheduler/resume`, { method: "POST", token: admin });
    const again = await onEach(BOTH, () => call(server.base, `${JOB}/scheduler/status`, { token: admin }));
    for (const a of again.values()) expect(a.body.data.status).toBe("运行中");
  });

  test("a job scheduled every second runs once per firing, not once per process", async () => {
    const node = await call(server.base, "/task/cronjob/node/create", {
      token: admin,
      json: { name: "每秒", code: "every_second", func: "echo", args: "x", kwargs: "" },
    });
    expect(node.status).toBe(200);
    const id = node.body.data.id;
    const started = Date.now();
    const scheduled = await call(server.base, `/task/cronjob/node/execute/${id}`, {
      token: admin,
      json: { trigger: "cron", trigger_args: "0/1 * * * * ?" },
    });
    expect(scheduled.status).toBe(200);
    // the other process picks the schedule up too (its job list shows it)
    const lists = await onEach(BOTH, () => call(server.base, `${JOB}/scheduler/jobs`, { token: admin }));
    for (const a of lists.values())
      expect(a.body.data.some((j: { id: string }) => j.id === String(id))).toBe(true);
    await Bun.sleep(4000);
    await call(server.base, `${JOB}/task/remove/${id}`, { method: "DELETE", token: admin });
    const seconds = (Date.now() - started) / 1000;
    await Bun.sleep(300);
    const logs = await until(
      () => call(server.base, `${JOB}/log/list?page_no=1&page_size=100&job_id=${id}`, { token: admin }),
      (a) => a.status === 200,
    );
    const rows: { status: string; job_id: string }[] = logs.body.data.items;
    const ok = rows.filter((r) => r.job_id === String(id) && r.status === "success");
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(ok.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  });
});
