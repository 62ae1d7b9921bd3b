import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, desc, eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

const LOGIN = "/api/v1/system/auth/login";
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };

async function login(t: TestApp, fields: Record<string, string>, ip = "127.0.0.1") {
  return t.request(LOGIN, { method: "POST", headers: formHeaders, body: form(fields) }, ip);
}

async function passwordOf(t: TestApp, username: string) {
  const { sys_user } = t.deps.db.t;
  const [u] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, username));
  return u.password;
}

async function setPassword(t: TestApp, username: string, plain: string) {
  const { sys_user } = t.deps.db.t;
  const hash = await t.deps.hasher.hash(plain);
  await t.deps.db.orm.update(sys_user).set({ password: hash }).where(eq(sys_user.username, username));
}

const me = (t: TestApp, token: string) =>
  t.request("/api/v1/monitor/online/list", { headers: { Authorization: `Bearer ${token}` } });

describe("login without captcha", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: "3", LOGIN_LOCK_SECONDS: "2" });
  });
  afterAll(() => t.close());

  test("a seeded bcrypt user logs in with a form and is rehashed to argon2id", async () => {
    expect(await passwordOf(t, "admin")).toStartWith("$2b$");
    const res = await login(t, { username: "admin", password: "123456" });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "登录成功", success: true });
    expect(b.data).toMatchObject({ token_type: "bearer", expires_in: 1800 });
    expect(b.data.access_token.split(".")).toHaveLength(3);
    expect(b.data.refresh_token).not.toBe(b.data.access_token);
    expect(await passwordOf(t, "admin")).toStartWith("$argon2id$v=19$m=19456,t=2,p=1$");
    // and the new hash still verifies
    expect((await login(t, { username: "admin", password: "123456" })).status).toBe(200);
  });

  test("multipart login (the SPA's) works and ignores extra fields", async () => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({
      username: "super",
      password: "123456",
      remember: "true",
      login_type: "PC端",
    }))
      fd.append(k, v);
    const res = await t.request(LOGIN, { method: "POST", body: fd });
    expect(res.status).toBe(200);
    expect((await body(res)).code).toBe(0);
  });

  test("the OAuth2 password form gets the bare token object", async () => {
    const res = await login(t, { grant_type: "password", username: "super", password: "123456", scope: "" });
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.token_type).toBe("bearer");
    expect(data.access_token).toBeString();
    expect(data.code).toBeUndefined();
  });

  test("unknown user and wrong password get the same answer", async () => {
    const a = await login(t, { username: "nobody", password: "whatever1" });
    const b = await login(t, { username: "user", password: "wrong-password" });
    expect(a.status).toBe(400);
    expect(await body(a)).toEqual(await body(b));
    expect((await body(await login(t, { username: "nobody", password: "x" }))).msg).toBe("账号或密码错误");
  });

  test("missing or empty fields → 422 with the contract's message", async () => {
    const res = await login(t, { username: "admin", password: "" });
    expect(res.status).toBe(422);
    expect((await body(res)).msg).toBe("请求失败，缺少必填项！");
    expect((await login(t, { password: "x" })).status).toBe(422);
  });

  test("a disabled user cannot log in (after the password check)", async () => {
    const u = await createScopedUser(t);
    await setPassword(t, u.username, "Correct-horse-1");
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ status: "1" }).where(eq(sys_user.id, u.id));
    const res = await login(t, { username: u.username, password: "Correct-horse-1" });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("用户已被停用");
  });

  test("every attempt is in the login log, without the password", async () => {
    await login(t, { username: "user", password: "secret-wrong-1" });
    const { sys_log } = t.deps.db.t;
    const [row] = await t.deps.db.orm
      .select()
      .from(sys_log)
      .where(and(eq(sys_log.type, 1), eq(sys_log.request_path, LOGIN)))
      .orderBy(desc(sys_log.id))
      .limit(1);
    expect(row).toMatchObject({
      request_method: "POST",
      response_code: 400,
      status: "1",
      description: "登录",
    });
    expect(row.request_payload).toContain('"username":"user"');
    expect(row.request_payload).not.toContain("secret-wrong-1");
    expect(row.request_os).toBeString();
    expect(row.response_json).toContain("账号或密码错误");
  });

  test("repeated failures lock the account, even for the right password; an admin unlocks it", async () => {
    const u = await createScopedUser(t);
    await setPassword(t, u.username, "Right-password-1");
    for (let i = 0; i < 2; i++) {
      expect((await login(t, { username: u.username, password: `wrong-${i}` })).status).toBe(400);
    }
    const locking = await login(t, { username: u.username, password: "wrong-3" });
    expect(locking.status).toBe(429);
    expect(locking.headers.get("retry-after")).toBe("2");
    const whileLocked = await login(t, { username: u.username, password: "Right-password-1" });
    expect(whileLocked.status).toBe(429);
    expect((await body(whileLocked)).msg).toContain("锁定");
    expect(t.logger.lines.some((l) => l.msg === "account locked after repeated login failures")).toBe(true);

    const admin = client(t, await authHeaders(t, "admin"));
    const unlock = await admin.post("/system/auth/unlock", { username: u.username });
    expect(await body(unlock)).toMatchObject({ code: 0, data: { unlocked: true } });
    expect((await login(t, { username: u.username, password: "Right-password-1" })).status).toBe(200);
  });

  test("the lock ends by itself and the next lock lasts twice as long", async () => {
    const u = await createScopedUser(t);
    await setPassword(t, u.username, "Right-password-2");
    for (let i = 0; i < 3; i++) await login(t, { username: u.username, password: `bad-${i}` });
    await Bun.sleep(2100);
    expect((await login(t, { username: u.username, password: "bad-again" })).status).toBe(400);
    await login(t, { username: u.username, password: "bad-again-2" });
    const second = await login(t, { username: u.username, password: "bad-again-3" });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("4");
  });

  test("unlocking needs the permission", async () => {
    const nobody = await createScopedUser(t);
    const res = await client(t, nobody.headers).post("/system/auth/unlock", { username: "admin" });
    expect(res.status).toBe(403);
    expect((await body(res)).code).toBe(10403);
    expect((await client(t).post("/system/auth/unlock", { username: "admin" })).status).toBe(401);
  });
});

describe("captcha", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CAPTCHA_ENABLE: "true" });
  });
  afterAll(() => t.close());

  const newCaptcha = async () => {
    const b = await body(await t.request("/api/v1/system/auth/captcha/get"));
    const answer = await t.deps.cache.get(`captcha_codes:${b.data.key}`);
    return { ...b, answer: answer! };
  };

  test("a captcha is an image data URL with a one-time key", async () => {
    const c = await newCaptcha();
    expect(c).toMatchObject({ code: 0, msg: "获取验证码成功" });
    expect(c.data.enable).toBe(true);
    expect(c.data.key).toMatch(/^[0-9a-f]{32}$/);
    expect(c.data.img_base).toStartWith("data:image/svg+xml;base64,");
    const svg = atob(c.data.img_base.split(",")[1]);
    expect(svg).toStartWith("<svg");
    expect(svg).not.toMatch(/<text|<tspan|font/i); // the question is drawn as paths, not written
    expect(Number(c.answer)).toBeGreaterThanOrEqual(0);
  });

  test("login without the captcha is refused, also with a docs referer", async () => {
    const res = await t.request(LOGIN, {
      method: "POST",
      headers: { ...formHeaders, Referer: "http://127.0.0.1:8001/api/v1/docs" },
      body: form({ username: "admin", password: "123456" }),
    });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("验证码不能为空");
  });

  test("a wrong answer consumes the captcha", async () => {
    const c = await newCaptcha();
    const wrong = await login(t, {
      username: "admin",
      password: "123456",
      captcha_key: c.data.key,
      captcha: "-1",
    });
    expect((await body(wrong)).msg).toBe("验证码错误");
    const retry = await login(t, {
      username: "admin",
      password: "123456",
      captcha_key: c.data.key,
      captcha: c.answer,
    });
    expect((await body(retry)).msg).toBe("验证码已过期");
  });

  test("the right answer logs in once", async () => {
    const c = await newCaptcha();
    const ok = await login(t, {
      username: "admin",
      password: "123456",
      captcha_key: c.data.key,
      captcha: c.answer,
    });
    expect((await body(ok)).code).toBe(0);
    const again = await login(t, {
      username: "admin",
      password: "123456",
      captcha_key: c.data.key,
      captcha: c.answer,
    });
    expect((await body(again)).msg).toBe("验证码已过期");
  });

  test("disabled captcha answers enable=false", async () => {
    const off = await createTestApp();
    try {
      const b = await body(await off.request("/api/v1/system/auth/captcha/get"));
      expect(b.data).toEqual({ enable: false, key: "", img_base: "" });
    } finally {
      await off.close();
    }
  });
});

describe("per-IP limits", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_IP_LIMIT_PER_MINUTE: "3", RATE_LIMIT_PER_MINUTE: "20" });
  });
  afterAll(() => t.close());

  test("login attempts per IP are limited; another IP is not affected", async () => {
    for (let i = 0; i < 3; i++) await login(t, { username: "nobody", password: "xxxxxxxx" }, "10.0.0.1");
    const res = await login(t, { username: "nobody", password: "xxxxxxxx" }, "10.0.0.1");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await body(res)).toMatchObject({ code: -1, msg: "请求过于频繁，请稍后重试！" });
    expect((await login(t, { username: "nobody", password: "xxxxxxxx" }, "10.0.0.2")).status).toBe(400);
  });

  test("the general API limit answers 429 with Retry-After", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 21; i++) last = await t.request("/api/v1/common/health/", {}, "10.0.0.9");
    expect(last!.status).toBe(429);
    expect(last!.headers.get("retry-after")).toBeTruthy();
    expect((await t.request("/api/v1/common/health/", {}, "10.0.0.10")).status).toBe(200);
  });
});

describe("tokens and sessions", () => {
  let t: TestApp;
  beforeAll(async () => {
    // No grace window: a replay is theft at once (the window is pinned in
    // test/security/refresh-rotation-is-atomic.test.ts).
    t = await createTestApp({ REFRESH_REUSE_GRACE_SECONDS: "0" });
  });
  afterAll(() => t.close());

  const fresh = async (username = "admin") =>
    (await body(await login(t, { username, password: "123456" }))).data;

  test("refresh works with the refresh token alone and rotates the pair", async () => {
    const pair = await fresh();
    const res = await client(t).post("/system/auth/token/refresh", { refresh_token: pair.refresh_token });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("刷新成功");
    expect(b.data.refresh_token).not.toBe(pair.refresh_token);
    expect((await me(t, b.data.access_token)).status).toBe(200);
  });

  test("reusing a rotated refresh token ends the session", async () => {
    const pair = await fresh();
    const rotated = (
      await body(await client(t).post("/system/auth/token/refresh", { refresh_token: pair.refresh_token }))
    ).data;
    const reuse = await client(t).post("/system/auth/token/refresh", { refresh_token: pair.refresh_token });
    expect(reuse.status).toBe(401);
    expect((await body(reuse)).code).toBe(10401);
    expect((await body(await me(t, rotated.access_token))).code).toBe(10401);
    expect(
      (await client(t).post("/system/auth/token/refresh", { refresh_token: rotated.refresh_token })).status,
    ).toBe(401);
  });

  test("an access token is not a refresh token and vice versa", async () => {
    const pair = await fresh();
    expect(
      (await client(t).post("/system/auth/token/refresh", { refresh_token: pair.access_token })).status,
    ).toBe(401);
    const asAccess = await me(t, pair.refresh_token);
    expect(asAccess.status).toBe(401);
    expect((await body(asAccess)).code).toBe(10401);
  });

  test("logout ends the caller's session: the old token answers 10401", async () => {
    const pair = await fresh();
    const headers = { Authorization: `Bearer ${pair.access_token}` };
    const res = await client(t, headers).post("/system/auth/logout", { token: pair.access_token });
    expect(await body(res)).toMatchObject({ code: 0, msg: "退出成功" });
    const after = await me(t, pair.access_token);
    expect(after.status).toBe(401);
    expect(await body(after)).toMatchObject({ code: 10401, msg: "认证已失效" });
    expect(
      (await client(t).post("/system/auth/token/refresh", { refresh_token: pair.refresh_token })).status,
    ).toBe(401);
  });

  test("logout cannot end somebody else's session", async () => {
    const victim = await fresh("super");
    const attacker = await fresh("admin");
    await client(t, { Authorization: `Bearer ${attacker.access_token}` }).post("/system/auth/logout", {
      token: victim.access_token,
    });
    expect((await me(t, victim.access_token)).status).toBe(200);
    expect((await me(t, attacker.access_token)).status).toBe(401);
  });

  test("an administrator's kick ends the session at once", async () => {
    const victim = await fresh("super");
    const admin = client(t, await authHeaders(t, "admin"));
    const list = await body(await admin.get("/monitor/online/list?page_size=100"));
    const [payload] = victim.access_token.split(".").slice(1, 2);
    const sid = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))).sid;
    expect(list.data.items.some((s: any) => s.session_id === sid && s.user_name === "super")).toBe(true);
    const kick = await admin.delete("/monitor/online/delete", sid);
    expect(await body(kick)).toMatchObject({ code: 0, msg: "强制下线成功" });
    expect((await body(await me(t, victim.access_token))).code).toBe(10401);
  });

  test("clearing all sessions keeps the caller's own", async () => {
    const other = await fresh("super");
    const own = await fresh("admin");
    const admin = client(t, { Authorization: `Bearer ${own.access_token}` });
    expect((await body(await admin.delete("/monitor/online/clear"))).code).toBe(0);
    expect((await me(t, other.access_token)).status).toBe(401);
    expect((await me(t, own.access_token)).status).toBe(200);
  });

  test("online list filters by name and ip and needs its permission", async () => {
    const admin = client(t, await authHeaders(t, "admin"));
    const b = await body(await admin.get("/monitor/online/list?name=管理员&ipaddr=127.0.0.1&page_size=5"));
    expect(b.data).toMatchObject({ page_no: 1, page_size: 5 });
    expect(b.data.items.length).toBeGreaterThan(0);
    for (const s of b.data.items) {
      expect(s.name).toContain("管理员");
      expect(Object.keys(s).sort()).toEqual([
        "browser",
        "ipaddr",
        "login_location",
        "login_time",
        "login_type",
        "name",
        "os",
        "session_id",
        "user_id",
        "user_name",
      ]);
    }
    const nobody = await createScopedUser(t);
    expect((await client(t, nobody.headers).get("/monitor/online/list")).status).toBe(403);
  });

  test("a disabled user's token stops working at once", async () => {
    const u = await createScopedUser(t, { permissions: ["module_monitor:online:query"] });
    expect((await client(t, u.headers).get("/monitor/online/list")).status).toBe(200);
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ status: "1" }).where(eq(sys_user.id, u.id));
    await t.deps.cache.del(`principal:${u.id}`); // what the user service does on disable
    const res = await client(t, u.headers).get("/monitor/online/list");
    expect(res.status).toBe(401);
    expect((await body(res)).msg).toBe("用户已被停用");
  });
});

describe("forged tokens", () => {
  let t: TestApp;
  let good: string;
  beforeAll(async () => {
    t = await createTestApp();
    good = (await body(await login(t, { username: "admin", password: "123456" }))).data.access_token;
  });
  afterAll(() => t.close());

  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as Record<string, any>;
  const key = () => new TextEncoder().encode(t.deps.settings.SECRET_KEY);
  const sign = (claims: Record<string, unknown>, secret = key()) =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(secret);

  const expect401 = async (token: string) => {
    const res = await me(t, token);
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
  };

  test("the genuine token works", async () => {
    expect((await me(t, good)).status).toBe(200);
  });

  test("no token, garbage, wrong scheme", async () => {
    const none = await t.request("/api/v1/monitor/online/list");
    expect(await body(none)).toMatchObject({ code: 10401, msg: "认证失败,请登录后再试" });
    await expect401("not-a-jwt");
    const basic = await t.request("/api/v1/monitor/online/list", {
      headers: { Authorization: `Basic ${good}` },
    });
    expect(basic.status).toBe(401);
  });

  test("tampered payload", async () => {
    const [h, , s] = good.split(".");
    const payload = Buffer.from(JSON.stringify({ ...claimsOf(good), sub: "1" })).toString("base64url");
    await expect401(`${h}.${payload}.${s}`);
  });

  test("expired", async () => {
    await expect401(await sign({ ...claimsOf(good), exp: Math.floor(Date.now() / 1000) - 10 }));
  });

  test("wrong typ, wrong aud, wrong iss, wrong key", async () => {
    await expect401(await sign({ ...claimsOf(good), typ: "refresh" }));
    await expect401(await sign({ ...claimsOf(good), aud: "someone-else" }));
    await expect401(await sign({ ...claimsOf(good), iss: "someone-else" }));
    await expect401(await sign(claimsOf(good), new TextEncoder().encode("x".repeat(48))));
  });

  test("alg none", async () => {
    const h = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const p = Buffer.from(JSON.stringify(claimsOf(good))).toString("base64url");
    await expect401(`${h}.${p}.`);
  });

  test("a valid signature for a session that does not exist", async () => {
    await expect401(await sign({ ...claimsOf(good), sid: crypto.randomUUID() }));
  });
});

describe("auto-login (demo feature)", () => {
  test("is off by default", async () => {
    const t = await createTestApp();
    try {
      expect((await t.request("/api/v1/system/auth/auto-login/users")).status).toBe(404);
      expect(
        (await t.request("/api/v1/system/auth/auto-login/token?user_id=1", { method: "POST" })).status,
      ).toBe(404);
    } finally {
      await t.close();
    }
  });

  test("when enabled it never offers superusers", async () => {
    const t = await createTestApp({ AUTO_LOGIN_ENABLE: "true" });
    try {
      const users = (await body(await t.request("/api/v1/system/auth/auto-login/users"))).data;
      expect(users.map((u: any) => u.username)).toEqual(["user"]);
      expect(
        (await t.request("/api/v1/system/auth/auto-login/token?user_id=2", { method: "POST" })).status,
      ).toBe(400);
      const tok = (
        await body(await t.request("/api/v1/system/auth/auto-login/token?user_id=3", { method: "POST" }))
      ).data;
      const res = await t.request(`/api/v1/system/auth/auto-login?token=${tok.token}`, { method: "POST" });
      expect((await body(res)).data.access_token).toBeString();
      // one-time
      expect(
        (await t.request(`/api/v1/system/auth/auto-login?token=${tok.token}`, { method: "POST" })).status,
      ).toBe(400);
    } finally {
      await t.close();
    }
  });
});

describe("loopback peers", () => {
  test("are not held to the general API limit (a local proxy or health check)", async () => {
    const t = await createTestApp({ RATE_LIMIT_PER_MINUTE: "5" });
    try {
      for (let i = 0; i < 10; i++)
        expect((await t.request("/api/v1/common/health/", {}, "127.0.0.1")).status).toBe(200);
      for (let i = 0; i < 5; i++) await t.request("/api/v1/common/health/", {}, "192.0.2.7");
      expect((await t.request("/api/v1/common/health/", {}, "192.0.2.7")).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});
