import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { ENROL_MESSAGE } from "@/core/auth/second-factor";
import {
  decryptTotpSecret,
  encryptTotpSecret,
  matchTotp,
  splitPasswordAndCode,
  timeStepOf,
  totpCode,
} from "@/core/auth/totp";
import { body, createTestApp, type TestApp } from "../../support/app";
import {
  authHeaders,
  client,
  createScopedUser,
  expectUnauthenticated,
  type GuardedCall,
  type ScopedUser,
} from "../../support/auth";

setDefaultTimeout(30_000);

const LOGIN = "/api/v1/system/auth/login";
const BAD_CREDENTIALS = "账号或密码错误";
const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };

/** RFC 6238 appendix B, SHA1: the ASCII seed "12345678901234567890" in base32. */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP primitives", () => {
  test("RFC 6238 test vectors (SHA1, 8 digits)", () => {
    for (const [seconds, code] of RFC_VECTORS) expect(totpCode(RFC_SECRET, seconds * 1000, 8)).toBe(code);
  });

  test("a code matches its own step and ±1 step, not ±2", () => {
    const now = 1_700_000_000_000;
    const step = timeStepOf(now);
    for (const d of [-1, 0, 1])
      expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + d * 30_000), now)).toBe(step + d);
    for (const d of [-2, 2])
      expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + d * 30_000), now)).toBeNull();
    expect(matchTotp(RFC_SECRET, "12345", now)).toBeNull();
  });

  test("the password field splits by the code's shape only", () => {
    expect(splitPasswordAndCode("secret-pw123456")).toEqual({
      password: "secret-pw",
      code: { kind: "totp", code: "123456" },
    });
    expect(splitPasswordAndCode("secret-pwabcde-fghjk")).toEqual({
      password: "secret-pw",
      code: { kind: "recovery", code: "abcde-fghjk" },
    });
    expect(splitPasswordAndCode("secret-pw12345")).toEqual({ password: "secret-pw12345", code: null });
    expect(splitPasswordAndCode("123456")).toEqual({ password: "123456", code: null });
  });

  test("secrets are sealed per user and per key", async () => {
    const settings = { SECRET_KEY: "k".repeat(40) };
    const sealed = await encryptTotpSecret(settings, 7, RFC_SECRET);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(await decryptTotpSecret(settings, 7, sealed)).toBe(RFC_SECRET);
    expect(decryptTotpSecret(settings, 8, sealed)).rejects.toThrow();
    expect(decryptTotpSecret({ SECRET_KEY: "j".repeat(40) }, 7, sealed)).rejects.toThrow();
    // TOTP_ENCRYPTION_KEY, when set, is the key instead of SECRET_KEY
    const own = { ...settings, TOTP_ENCRYPTION_KEY: "t".repeat(40) };
    const sealedOwn = await encryptTotpSecret(own, 7, RFC_SECRET);
    expect(decryptTotpSecret(settings, 7, sealedOwn)).rejects.toThrow();
    expect(
      await decryptTotpSecret(
        { SECRET_KEY: "x".repeat(40), TOTP_ENCRYPTION_KEY: "t".repeat(40) },
        7,
        sealedOwn,
      ),
    ).toBe(RFC_SECRET);
  });
});

/** Waits out the last seconds of a 30 s step, so a code computed here is checked in the same step. */
async function awayFromStepEdge() {
  const into = Date.now() % 30_000;
  if (into > 27_000) await Bun.sleep(30_000 - into + 200);
}

interface Enrolled extends ScopedUser {
  password: string;
  secret: string;
  recovery: string[];
}

let t: TestApp;
let admin: ReturnType<typeof client>;

async function setPassword(id: number, plain: string) {
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(plain) })
    .where(eq(sys_user.id, id));
}

function login(fields: Record<string, string>, ip = "127.0.0.1") {
  return t.request(
    LOGIN,
    { method: "POST", headers: formHeaders, body: new URLSearchParams(fields).toString() },
    ip,
  );
}

/** Makes the user's newest used step `back` steps ago: the current code is fresh again. */
async function forgetUsedSteps(userId: number, back = 5) {
  const { sys_user_totp } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user_totp)
    .set({ last_step: timeStepOf(Date.now()) - back })
    .where(eq(sys_user_totp.user_id, userId));
}

async function enrol(user: ScopedUser & { password: string }): Promise<Enrolled> {
  const me = client(t, user.headers);
  const setup = await body(await me.post("/system/user/current/totp/setup", { password: user.password }));
  expect(setup.code).toBe(0);
  await awayFromStepEdge();
  const confirm = await body(
    await me.post("/system/user/current/totp/confirm", { otp: totpCode(setup.data.secret, Date.now()) }),
  );
  expect(confirm.code).toBe(0);
  await forgetUsedSteps(user.id);
  return { ...user, secret: setup.data.secret, recovery: confirm.data.recovery_codes };
}

async function userWithPassword(permissions: string[] = []) {
  const user = await createScopedUser(t, { permissions, dataScope: 1 });
  const password = `Pw-${crypto.randomUUID().slice(0, 12)}`;
  await setPassword(user.id, password);
  return { ...user, password };
}

beforeAll(async () => {
  t = await createTestApp({
    LOGIN_MAX_FAILURES: "3",
    LOGIN_LOCK_SECONDS: "60",
    LOGIN_IP_LIMIT_PER_MINUTE: "1000",
  });
  admin = client(t, await authHeaders(t, "admin"));
});
afterAll(() => t.close());

describe("enrolment", () => {
  test("set-up needs the password and answers the secret once, as a URI and an SVG QR code", async () => {
    const user = await userWithPassword();
    const me = client(t, user.headers);
    expect((await body(await me.get("/system/user/current/totp"))).data).toMatchObject({
      enabled: false,
      pending: false,
      required: false,
      recovery_codes_left: 0,
    });
    const wrong = await me.post("/system/user/current/totp/setup", { password: "not-the-password" });
    expect(wrong.status).toBe(400);

    const res = await me.post("/system/user/current/totp/setup", { password: user.password });
    expect(res.status).toBe(200);
    const { data } = await body(res);
    expect(data.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(data.otpauth_uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(data.secret);
    expect(uri.searchParams.get("issuer")).toBe("hono-admin");
    expect(decodeURIComponent(uri.pathname)).toContain(user.username);
    expect(data.qr_svg).toStartWith("data:image/svg+xml;base64,");
    expect(atob(data.qr_svg.split(",")[1])).toContain("<svg");

    // stored encrypted, never answered again
    const { sys_user_totp } = t.deps.db.t;
    const [row] = await t.deps.db.orm.select().from(sys_user_totp).where(eq(sys_user_totp.user_id, user.id));
    expect(row.secret).not.toContain(data.secret);
    expect(row.enabled).toBe(false);
    const status = await body(await me.get("/system/user/current/totp"));
    expect(status.data.pending).toBe(true);
    expect(JSON.stringify(status)).not.toContain(data.secret);
  });

  test("a first valid code enables it and answers 10 recovery codes once; set-up then refuses", async () => {
    const user = await userWithPassword();
    const me = client(t, user.headers);
    expect((await me.post("/system/user/current/totp/confirm", { otp: "123456" })).status).toBe(400); // no set-up
    const { data } = await body(
      await me.post("/system/user/current/totp/setup", { password: user.password }),
    );
    await awayFromStepEdge();
    const stale = totpCode(data.secret, Date.now() - 5 * 30_000);
    const bad = await me.post("/system/user/current/totp/confirm", { otp: stale });
    expect(bad.status).toBe(400);
    const ok = await body(
      await me.post("/system/user/current/totp/confirm", { otp: totpCode(data.secret, Date.now()) }),
    );
    expect(ok.code).toBe(0);
    expect(ok.data.recovery_codes).toHaveLength(10);
    expect(new Set(ok.data.recovery_codes).size).toBe(10);
    for (const c of ok.data.recovery_codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const { sys_user_totp_recovery } = t.deps.db.t;
    const stored = await t.deps.db.orm
      .select()
      .from(sys_user_totp_recovery)
      .where(eq(sys_user_totp_recovery.user_id, user.id));
    expect(stored).toHaveLength(10);
    for (const r of stored) expect(ok.data.recovery_codes).not.toContain(r.code_hash);

    const status = (await body(await me.get("/system/user/current/totp"))).data;
    expect(status).toMatchObject({ enabled: true, pending: false, recovery_codes_left: 10 });
    const again = await me.post("/system/user/current/totp/setup", { password: user.password });
    expect(again.status).toBe(409);
  });
});

describe("login with a second factor", () => {
  let u: Enrolled;
  beforeAll(async () => {
    u = await enrol(await userWithPassword());
  });

  test("<password><code> logs in; the password alone or a wrong code does not", async () => {
    await awayFromStepEdge();
    expect(await body(await login({ username: u.username, password: u.password }))).toMatchObject({
      code: -1,
      msg: BAD_CREDENTIALS,
    });
    const wrong = await login({ username: u.username, password: `${u.password}000000` });
    expect((await body(wrong)).msg).toBe(BAD_CREDENTIALS);
    const res = await login({
      username: u.username,
      password: `${u.password}${totpCode(u.secret, Date.now())}`,
    });
    expect(res.status).toBe(200);
    const { data } = await body(res);
    expect(data.second_factor).toBeUndefined();
    const info = await t.request("/api/v1/system/user/current/info", {
      headers: { Authorization: `Bearer ${data.access_token}` },
    });
    expect(info.status).toBe(200);
  });

  test("the same code is refused a second time (replay within its window)", async () => {
    await forgetUsedSteps(u.id);
    await awayFromStepEdge();
    const code = totpCode(u.secret, Date.now());
    expect((await login({ username: u.username, password: `${u.password}${code}` })).status).toBe(200);
    const replay = await login({ username: u.username, password: `${u.password}${code}` });
    expect(replay.status).toBe(400);
    expect((await body(replay)).msg).toBe(BAD_CREDENTIALS);
    // nor via the separate field
    expect((await login({ username: u.username, password: u.password, otp: code })).status).toBe(400);
  });

  test("API clients may send the code in `otp`", async () => {
    await forgetUsedSteps(u.id);
    await awayFromStepEdge();
    const res = await login({
      username: u.username,
      password: u.password,
      otp: totpCode(u.secret, Date.now()),
    });
    expect(res.status).toBe(200);
  });

  test("±1 step of drift is accepted, ±2 refused", async () => {
    await awayFromStepEdge();
    for (const d of [-2, 2]) {
      await forgetUsedSteps(u.id);
      const code = totpCode(u.secret, Date.now() + d * 30_000);
      expect(
        (await login({ username: u.username, password: `${u.password}${code}` }, "10.0.0.9")).status,
      ).toBe(400);
    }
    for (const d of [-1, 1]) {
      await forgetUsedSteps(u.id);
      const code = totpCode(u.secret, Date.now() + d * 30_000);
      expect((await login({ username: u.username, password: `${u.password}${code}` })).status).toBe(200);
    }
  });

  test("a used step is refused for older codes too (the step only moves forward)", async () => {
    await forgetUsedSteps(u.id);
    await awayFromStepEdge();
    const ahead = totpCode(u.secret, Date.now() + 30_000);
    expect((await login({ username: u.username, password: `${u.password}${ahead}` })).status).toBe(200);
    const current = totpCode(u.secret, Date.now());
    expect((await login({ username: u.username, password: `${u.password}${current}` })).status).toBe(400);
  });

  test("each recovery code works once, in the password field or in `otp`", async () => {
    const [first, second] = u.recovery;
    expect((await login({ username: u.username, password: `${u.password}${first}` })).status).toBe(200);
    expect((await login({ username: u.username, password: `${u.password}${first}` })).status).toBe(400);
    expect(
      (await login({ username: u.username, password: u.password, otp: second.toUpperCase() })).status,
    ).toBe(200);
    expect((await login({ username: u.username, password: u.password, otp: second })).status).toBe(400);
    const me = client(t, u.headers);
    expect((await body(await me.get("/system/user/current/totp"))).data.recovery_codes_left).toBe(8);
  });

  test("a wrong code counts as a failed attempt: the lockout locks the source", async () => {
    const v = await enrol(await userWithPassword());
    const ip = "10.1.2.3";
    for (let i = 0; i < 2; i++)
      expect((await login({ username: v.username, password: `${v.password}000000` }, ip)).status).toBe(400);
    const third = await login({ username: v.username, password: `${v.password}000000` }, ip);
    expect(third.status).toBe(429);
    // locked: even the right code is refused from that source
    await awayFromStepEdge();
    const right = await login(
      { username: v.username, password: `${v.password}${totpCode(v.secret, Date.now())}` },
      ip,
    );
    expect(right.status).toBe(429);
    // a right password with a missing code does not clear the count either
    const w = await enrol(await userWithPassword());
    const ip2 = "10.1.2.4";
    for (let i = 0; i < 2; i++)
      expect((await login({ username: w.username, password: w.password }, ip2)).status).toBe(400);
    expect((await login({ username: w.username, password: w.password }, ip2)).status).toBe(429);
  });

  test("users without a second factor log in exactly as before, a 6-digit password end included", async () => {
    const plain = await userWithPassword();
    await setPassword(plain.id, "Plain-pass-123456");
    const res = await login({ username: plain.username, password: "Plain-pass-123456" });
    expect(res.status).toBe(200);
    expect((await body(res)).data.second_factor).toBeUndefined();
    // an `otp` sent for a user without a second factor is ignored
    expect(
      (await login({ username: plain.username, password: "Plain-pass-123456", otp: "000000" })).status,
    ).toBe(200);
  });
});

describe("a changed key", () => {
  test("a secret that no longer decrypts refuses codes (400, logged), it does not fail the login (500)", async () => {
    const u = await enrol(await userWithPassword());
    const { sys_user_totp } = t.deps.db.t;
    const other = await encryptTotpSecret({ SECRET_KEY: "another-key-".repeat(4) }, u.id, u.secret);
    await t.deps.db.orm.update(sys_user_totp).set({ secret: other }).where(eq(sys_user_totp.user_id, u.id));
    await awayFromStepEdge();
    const res = await login({
      username: u.username,
      password: `${u.password}${totpCode(u.secret, Date.now())}`,
    });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe(BAD_CREDENTIALS);
    expect(t.logger.lines.some((l) => String(l.msg).includes("does not decrypt"))).toBe(true);
  });
});

describe("disable", () => {
  test("needs the password and a code; afterwards the password alone logs in", async () => {
    const u = await enrol(await userWithPassword());
    const me = client(t, u.headers);
    await awayFromStepEdge();
    const code = totpCode(u.secret, Date.now());
    expect(
      (await me.post("/system/user/current/totp/disable", { password: "wrong-pass", otp: code })).status,
    ).toBe(400);
    expect(
      (await me.post("/system/user/current/totp/disable", { password: u.password, otp: "000000" })).status,
    ).toBe(400);
    // the wrong password did not spend the code
    const res = await me.post("/system/user/current/totp/disable", { password: u.password, otp: code });
    expect(res.status).toBe(200);
    expect((await body(await me.get("/system/user/current/totp"))).data.enabled).toBe(false);
    const { sys_user_totp_recovery } = t.deps.db.t;
    expect(
      await t.deps.db.orm
        .select()
        .from(sys_user_totp_recovery)
        .where(eq(sys_user_totp_recovery.user_id, u.id)),
    ).toHaveLength(0);
    expect((await login({ username: u.username, password: u.password })).status).toBe(200);
  });
});

describe("a role that requires a second factor", () => {
  test("the flag is set through role create/update and shown on the role", async () => {
    const created = await body(
      await admin.post("/system/role/create", { name: "两步角色A", code: "TOTPA", totp_required: true }),
    );
    expect(created.code).toBe(0);
    expect(created.data.totp_required).toBe(true);
    const updated = await body(
      await admin.put(`/system/role/update/${created.data.id}`, { name: "两步角色A", code: "TOTPA" }),
    );
    expect(updated.data.totp_required).toBe(true); // left out: kept
    const off = await body(
      await admin.put(`/system/role/update/${created.data.id}`, {
        name: "两步角色A",
        code: "TOTPA",
        totp_required: false,
      }),
    );
    expect(off.data.totp_required).toBe(false);
    const plain = await body(await admin.post("/system/role/create", { name: "普通角色B", code: "PLAINB" }));
    expect(plain.data.totp_required).toBe(false);
  });

  test("an unenrolled member logs in restricted to enrolment; enrolling lifts it; next login needs the code", async () => {
    const user = await userWithPassword(["module_system:notice:query"]);
    await admin.put(`/system/role/update/${user.roleId}`, {
      name: `测试角色${user.username}`,
      code: (await body(await admin.get(`/system/role/detail/${user.roleId}`))).data.code,
      totp_required: true,
    });
    const res = await login({ username: user.username, password: user.password });
    expect(res.status).toBe(200);
    const answer = await body(res);
    const pair = answer.data;
    expect(pair.second_factor).toBe("enrol");
    expect(answer.msg).toContain("两步验证"); // the SPA shows the login message: it says to enrol
    const me = client(t, { Authorization: `Bearer ${pair.access_token}` });

    expect((await me.get("/system/user/current/info")).status).toBe(200);
    const blocked = await me.get("/system/notice/list");
    expect(blocked.status).toBe(403);
    expect(await body(blocked)).toMatchObject({ code: 10403, msg: ENROL_MESSAGE });
    expect((await me.get("/system/user/current/sessions")).status).toBe(403);
    expect((await body(await me.get("/system/user/current/totp"))).data).toMatchObject({
      required: true,
      enabled: false,
      session_restricted: "enrol",
    });
    // public routes still answer with the restricted token sent along
    expect((await me.get("/system/param/info")).status).toBe(200);

    const setup = await body(await me.post("/system/user/current/totp/setup", { password: user.password }));
    await awayFromStepEdge();
    const confirmed = await me.post("/system/user/current/totp/confirm", {
      otp: totpCode(setup.data.secret, Date.now()),
    });
    expect(confirmed.status).toBe(200);
    expect((await me.get("/system/notice/list")).status).toBe(200);
    // the refreshed pair keeps no restriction either
    expect((await body(await me.get("/system/user/current/totp"))).data.session_restricted).toBeNull();

    expect((await login({ username: user.username, password: user.password })).status).toBe(400);
    await forgetUsedSteps(user.id);
    const next = await login({
      username: user.username,
      password: `${user.password}${totpCode(setup.data.secret, Date.now())}`,
    });
    expect(next.status).toBe(200);
    expect((await body(next)).data.second_factor).toBeUndefined();
  });

  test("a restricted session stays restricted across a refresh", async () => {
    const user = await userWithPassword(["module_system:notice:query"]);
    const role = (await body(await admin.get(`/system/role/detail/${user.roleId}`))).data;
    await admin.put(`/system/role/update/${user.roleId}`, {
      name: role.name,
      code: role.code,
      totp_required: true,
    });
    const pair = (await body(await login({ username: user.username, password: user.password }))).data;
    const refreshed = await body(
      await t.request("/api/v1/system/auth/token/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: pair.refresh_token }),
      }),
    );
    expect(refreshed.code).toBe(0);
    const again = await t.request("/api/v1/system/notice/list", {
      headers: { Authorization: `Bearer ${refreshed.data.access_token}` },
    });
    expect(again.status).toBe(403);
  });
});

describe("administrator reset", () => {
  test("a user manager resets a weaker user's factor; the user's sessions end", async () => {
    const manager = await createScopedUser(t, {
      permissions: ["module_system:user:update", "module_system:user:query"],
      dataScope: 4,
    });
    const u = await enrol(await userWithPassword());
    const res = await client(t, manager.headers).post("/system/user/totp/reset", { id: u.id });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toEqual({ reset: true });
    expect((await client(t, u.headers).get("/system/user/current/info")).status).toBe(401);
    expect((await login({ username: u.username, password: u.password })).status).toBe(200);
    // nothing left to reset
    expect(
      (await body(await client(t, manager.headers).post("/system/user/totp/reset", { id: u.id }))).data,
    ).toEqual({
      reset: false,
    });
  });

  test("takeover rule: not a stronger account, not outside the data scope, not one's own", async () => {
    const manager = await createScopedUser(t, { permissions: ["module_system:user:update"], dataScope: 4 });
    const stronger = await enrol(
      await userWithPassword(["module_system:user:update", "module_system:role:update"]),
    );
    const res = await client(t, manager.headers).post("/system/user/totp/reset", { id: stronger.id });
    expect(res.status).toBe(403);
    const { sys_user_totp } = t.deps.db.t;
    const [row] = await t.deps.db.orm
      .select()
      .from(sys_user_totp)
      .where(eq(sys_user_totp.user_id, stronger.id));
    expect(row.enabled).toBe(true);

    const selfOnly = await createScopedUser(t, { permissions: ["module_system:user:update"], dataScope: 1 });
    const other = await enrol(await userWithPassword());
    expect((await client(t, selfOnly.headers).post("/system/user/totp/reset", { id: other.id })).status).toBe(
      404,
    );
    expect(
      (await client(t, manager.headers).post("/system/user/totp/reset", { id: manager.id })).status,
    ).toBe(400);
    // superusers are reset by superusers only
    const { sys_user } = t.deps.db.t;
    const [adminRow] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, "admin"));
    expect(
      (await client(t, manager.headers).post("/system/user/totp/reset", { id: adminRow.id })).status,
    ).toBe(403);
  });
});

describe("guards", () => {
  const routes: GuardedCall[] = [
    { method: "get", path: "/system/user/current/totp", perm: "" },
    { method: "post", path: "/system/user/current/totp/setup", perm: "", body: { password: "x" } },
    { method: "post", path: "/system/user/current/totp/confirm", perm: "", body: { otp: "123456" } },
    {
      method: "post",
      path: "/system/user/current/totp/disable",
      perm: "",
      body: { password: "x", otp: "123456" },
    },
    { method: "post", path: "/system/user/totp/reset", perm: "module_system:user:update", body: { id: 1 } },
  ];

  test("every route answers 401 without a token", async () => {
    await expectUnauthenticated(t, routes);
  });

  test("reset needs module_system:user:update (403 without it)", async () => {
    const other = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const res = await client(t, other.headers).post("/system/user/totp/reset", { id: 1 });
    expect(res.status).toBe(403);
    expect((await body(res)).code).toBe(10403);
  });

  test("the enrolment routes answer 403 to a session that owes a code (third-party login of an enrolled user)", async () => {
    const u = await enrol(await userWithPassword());
    // a session started without a code (as OAuth does) owes one
    const headers = await authHeaders(t, u.username);
    const me = client(t, headers);
    const res = await me.get("/system/notice/list");
    expect(res.status).toBe(403);
    expect((await body(res)).code).toBe(10403);
    expect((await body(await me.get("/system/user/current/totp"))).data.session_restricted).toBe("verify");
  });
});
