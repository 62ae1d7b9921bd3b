import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, desc, eq } from "drizzle-orm";
import { authServices } from "@/core/auth/guard";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser, setPassword } from "../../support/auth";

/*
 * What the login's shorter path (issue 10: fewer round trips at the edge) must keep: the lockout's
 * windows, the one-time captcha, the demo-mode guard in front of it, the login log and last_login.
 */

const LOGIN = "/api/v1/system/auth/login";
const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };
const RIGHT = "Right-password-77";

const login = (t: TestApp, fields: Record<string, string>, ip = "127.0.0.1") =>
  t.request(LOGIN, { method: "POST", headers: formHeaders, body: new URLSearchParams(fields) }, ip);

async function userWithPassword(t: TestApp) {
  const u = await createScopedUser(t);
  await setPassword(t, u.id, RIGHT);
  return u;
}

async function loginRows(t: TestApp) {
  const { sys_log } = t.deps.db.t;
  return t.deps.db.orm
    .select()
    .from(sys_log)
    .where(and(eq(sys_log.type, 1), eq(sys_log.request_path, LOGIN)))
    .orderBy(desc(sys_log.id));
}

describe("lockout windows", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: "3", LOGIN_LOCK_SECONDS: "2" });
  });
  afterAll(() => t.close());

  test("attempts during a lock neither lengthen it nor use up the budget after it", async () => {
    const u = await userWithPassword(t);
    const ip = "10.77.0.1";
    expect((await login(t, { username: u.username, password: "bad-1" }, ip)).status).toBe(400);
    expect((await login(t, { username: u.username, password: "bad-2" }, ip)).status).toBe(400);
    const locking = await login(t, { username: u.username, password: "bad-3" }, ip);
    expect(locking.status).toBe(429);
    expect(locking.headers.get("retry-after")).toBe("2");
    for (let i = 0; i < 5; i++) {
      const refused = await login(t, { username: u.username, password: RIGHT }, ip);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(2);
    }
    await Bun.sleep(2100);
    // A whole budget again: two failures answer 400, and the right password gets in.
    expect((await login(t, { username: u.username, password: "bad-4" }, ip)).status).toBe(400);
    expect((await login(t, { username: u.username, password: "bad-5" }, ip)).status).toBe(400);
    expect((await login(t, { username: u.username, password: RIGHT }, ip)).status).toBe(200);
    // and the success forgot the failures: a whole budget once more
    expect((await login(t, { username: u.username, password: "bad-6" }, ip)).status).toBe(400);
    expect((await login(t, { username: u.username, password: "bad-7" }, ip)).status).toBe(400);
    expect((await login(t, { username: u.username, password: RIGHT }, ip)).status).toBe(200);
  });

  test("an answer for a locked source names the lock's seconds, other sources are not affected", async () => {
    const u = await userWithPassword(t);
    for (let i = 0; i < 3; i++) await login(t, { username: u.username, password: `x-${i}` }, "10.77.0.2");
    const locked = await login(t, { username: u.username, password: RIGHT }, "10.77.0.2");
    expect(locked.status).toBe(429);
    expect((await body(locked)).msg).toMatch(/^账号已锁定，请 [12] 秒后重试$/);
    expect((await login(t, { username: u.username, password: RIGHT }, "10.77.0.3")).status).toBe(200);
  });
});

describe("a successful login", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  test("writes last_login and one login-log row, and stores the session", async () => {
    const u = await userWithPassword(t);
    const before = (await loginRows(t)).length;
    const res = await login(t, { username: u.username, password: RIGHT });
    expect(res.status).toBe(200);
    const rows = await loginRows(t);
    expect(rows.length).toBe(before + 1);
    expect(rows[0]).toMatchObject({ status: "0", response_code: 200, created_id: u.id });
    const { sys_user } = t.deps.db.t;
    const [row] = await t.deps.db.orm
      .select({ last_login: sys_user.last_login })
      .from(sys_user)
      .where(eq(sys_user.id, u.id));
    expect(row.last_login).toBeString();
    const sessions = await authServices(t.deps).sessions.listOf(u.id);
    expect(sessions.map((s) => s.login_time)).toContain(row.last_login);
  });

  test("a user of a disabled tenant is refused after the password, with no session", async () => {
    const u = await userWithPassword(t);
    const { sys_tenant, sys_user } = t.deps.db.t;
    const [tenant] = await t.deps.db.orm
      .select({ id: sys_tenant.id })
      .from(sys_tenant)
      .innerJoin(sys_user, eq(sys_user.tenant_id, sys_tenant.id))
      .where(eq(sys_user.id, u.id));
    await authServices(t.deps).sessions.endAllOf(u.id);
    await t.deps.db.orm.update(sys_tenant).set({ status: "1" }).where(eq(sys_tenant.id, tenant.id));
    try {
      const res = await login(t, { username: u.username, password: RIGHT });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("租户已被停用");
      expect(await authServices(t.deps).sessions.listOf(u.id)).toEqual([]);
      // wrong password first: the same answer as for anyone else
      const wrong = await login(t, { username: u.username, password: "nope" });
      expect((await body(wrong)).msg).toBe("账号或密码错误");
    } finally {
      await t.deps.db.orm.update(sys_tenant).set({ status: "0" }).where(eq(sys_tenant.id, tenant.id));
    }
  });
});

describe("captcha", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CAPTCHA_ENABLE: "true" });
  });
  afterAll(() => t.close());

  test("of parallel logins with one captcha, one gets past it", async () => {
    const captcha = await body(await t.request("/api/v1/system/auth/captcha/get"));
    const answer = (await t.deps.cache.get(`captcha_codes:${captcha.data.key}`)) ?? "";
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        login(t, { username: "admin", password: "123456", captcha_key: captcha.data.key, captcha: answer }),
      ),
    );
    const messages = await Promise.all(answers.map(async (r) => (await body(r)).msg));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(messages.filter((m) => m === "验证码已过期")).toHaveLength(5);
  });
});

describe("demo mode in front of the login", () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = client(t, await authHeaders(t, "admin"));
  });
  afterAll(() => t.close());

  async function setValue(key: string, value: string) {
    const current = (await body(await admin.get(`/system/param/key/${key}`))).data;
    const res = await admin.put(`/system/param/update/${current.id}`, { ...current, config_value: value });
    expect(res.status).toBe(200);
  }

  const refused = { code: 1, msg: "演示环境，禁止操作", data: null, status_code: 400, success: false };

  test("a black-listed address is refused as the guard answers, unrecorded and uncounted", async () => {
    const u = await userWithPassword(t);
    await authServices(t.deps).sessions.endAllOf(u.id); // the helper's own
    await setValue("ip_black_list", '["10.66.6.6"]');
    try {
      const rowsBefore = (await loginRows(t)).length;
      const res = await login(t, { username: u.username, password: RIGHT }, "10.66.6.6");
      expect(res.status).toBe(400);
      expect(await body(res)).toEqual(refused);
      // invalid input too (the route never runs): the guard's answer, not the form's
      const invalid = await login(t, { username: u.username }, "10.66.6.6");
      expect(invalid.status).toBe(400);
      expect(await body(invalid)).toEqual(refused);
      expect((await loginRows(t)).length).toBe(rowsBefore);
      expect(await authServices(t.deps).sessions.listOf(u.id)).toHaveLength(0);
      expect(await t.deps.cache.keys(`login:u${u.id}:`)).toEqual([]);
      // another address logs in
      expect((await login(t, { username: u.username, password: RIGHT }, "10.66.6.7")).status).toBe(200);
    } finally {
      await setValue("ip_black_list", "[]");
    }
  });

  test("in demo mode a login is refused unless its path or address is white-listed", async () => {
    const u = await userWithPassword(t);
    await setValue("demo_enable", "true");
    try {
      await setValue("white_api_list_path", '["/api/v1/system/notice/create"]');
      const res = await login(t, { username: u.username, password: RIGHT }, "10.66.7.1");
      expect(await body(res)).toEqual(refused);
      await setValue("ip_white_list", '["127.0.0.1", "10.66.7.1"]');
      expect((await login(t, { username: u.username, password: RIGHT }, "10.66.7.1")).status).toBe(200);
      await setValue("white_api_list_path", `["${LOGIN}"]`);
      expect((await login(t, { username: u.username, password: RIGHT }, "10.66.7.2")).status).toBe(200);
    } finally {
      await setValue("demo_enable", "false");
    }
  });
});
