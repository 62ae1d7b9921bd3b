import { afterAll, beforeAll, describe, expect, setSystemTime, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";
import { client, createScopedUser } from "../support/auth";

/*
 * Knowing a username and its mobile must not reset a password: recovery sends a single-use,
 * short-lived code out of band (here a webhook on 127.0.0.1 that captures it), and only that code
 * sets a new password. Unknown accounts get the same answer; guesses are bounded.
 */

interface Delivery {
  channel: string;
  to: string;
  username: string;
  code: string;
  expires_in: number;
}

const deliveries: Delivery[] = [];
let failWebhook = false;
const webhook = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    if (req.method !== "POST" || req.headers.get("content-type") !== "application/json")
      return new Response("bad", { status: 400 });
    deliveries.push((await req.json()) as Delivery);
    return new Response(null, { status: failWebhook ? 500 : 204 });
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    FORGET_PASSWORD_ENABLE: "true",
    RECOVERY_SENDER: "webhook",
    RECOVERY_WEBHOOK_URL: `http://127.0.0.1:${webhook.port}/recovery`,
  });
}, 30_000);
afterAll(async () => {
  await t.close();
  webhook.stop(true);
});

const OLD = "Original-horse-battery-1";
let ipCounter = 0;
/** A fresh client address per call keeps the per-IP limit out of the way (tested separately). */
const nextIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

const post = (path: string, payload: unknown, ip = nextIp()) =>
  t.request(
    `/api/v1/system/user${path}`,
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) },
    ip,
  );
const requestCode = (username: string, mobile: string, ip?: string) =>
  post("/forget/password", { username, mobile, new_password: "Ignored-in-step-1", confirmPassword: "x" }, ip);
const resetWith = (username: string, captcha: string, new_password: string, ip?: string) =>
  post("/forget/password/reset", { username, captcha, new_password }, ip);

async function account(mobile: string) {
  const u = await createScopedUser(t);
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(OLD), mobile })
    .where(eq(sys_user.id, u.id));
  return u;
}

async function passwordOf(id: number) {
  const { sys_user } = t.deps.db.t;
  const [r] = await t.deps.db.orm.select({ p: sys_user.password }).from(sys_user).where(eq(sys_user.id, id));
  return r.p;
}

/** The next code the webhook receives for `username` (delivery runs after the answer). */
async function codeFor(username: string, timeoutMs = 3000): Promise<Delivery> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const i = deliveries.findIndex((d) => d.username === username);
    if (i >= 0) return deliveries.splice(i, 1)[0];
    await Bun.sleep(10);
  }
  throw new Error(`no code delivered for ${username}`);
}

const settle = () => Bun.sleep(200);

describe("step 1: username + mobile only sends a code", () => {
  test("the password is not changed; the code goes to the webhook, not to the caller", async () => {
    const u = await account("13722220001");
    const before = await passwordOf(u.id);
    const res = await requestCode(u.username, "13722220001");
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, success: true, data: { expires_in: 600 } });
    expect(await passwordOf(u.id)).toBe(before);
    const sent = await codeFor(u.username);
    expect(sent).toEqual({
      channel: "sms",
      to: "13722220001",
      username: u.username,
      code: expect.stringMatching(/^\d{8}$/),
      expires_in: 600,
    });
    expect(JSON.stringify(b)).not.toContain(sent.code);
    // the old password still works, the caller's session is untouched
    expect((await client(t, u.headers).get("/system/user/current/info")).status).toBe(200);
  });

  test("unknown user, wrong mobile, superuser, disabled user: the same answer, nothing sent", async () => {
    const real = await account("13722220002");
    const reference = await requestCode(real.username, "13722220002");
    await codeFor(real.username);
    const disabled = await account("13722220003");
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ status: "1" }).where(eq(sys_user.id, disabled.id));
    await t.deps.db.orm.update(sys_user).set({ mobile: "13722220004" }).where(eq(sys_user.username, "super"));
    const expected = { status: reference.status, body: await body(reference) };
    for (const [username, mobile] of [
      ["nobody_at_all", "13722220002"],
      [real.username, "13722229999"],
      ["super", "13722220004"],
      [disabled.username, "13722220003"],
    ]) {
      const res = await requestCode(username, mobile);
      expect({ username, status: res.status, body: await body(res) }).toEqual({ username, ...expected });
    }
    // knowing the username alone is not even enough to ask
    expect((await post("/forget/password", { username: real.username, new_password: "x" })).status).toBe(422);
    await settle();
    expect(deliveries).toEqual([]);
  });
});

describe("step 2: the code sets the new password, once", () => {
  test("wrong code refused; right code resets and ends every session; reused code refused", async () => {
    const u = await account("13722220010");
    await requestCode(u.username, "13722220010");
    const { code } = await codeFor(u.username);
    const wrong = code === "00000000" ? "00000001" : "00000000";
    const bad = await resetWith(u.username, wrong, "Recovered-horse-battery-2");
    expect(bad.status).toBe(400);
    expect(await body(bad)).toMatchObject({ code: -1, msg: "验证码错误或已过期" });
    expect(await t.deps.hasher.verify(await passwordOf(u.id), OLD)).toBe(true);

    const ok = await resetWith(u.username, code, "Recovered-horse-battery-2");
    expect(ok.status).toBe(200);
    expect(await body(ok)).toMatchObject({ code: 0, msg: "重置密码成功", data: null });
    expect(await t.deps.hasher.verify(await passwordOf(u.id), "Recovered-horse-battery-2")).toBe(true);
    expect((await client(t, u.headers).get("/system/user/current/info")).status).toBe(401);

    const reused = await resetWith(u.username, code, "Attacker-horse-battery-3");
    expect(reused.status).toBe(400);
    expect(await body(reused)).toMatchObject({ msg: "验证码错误或已过期" });
    expect(await t.deps.hasher.verify(await passwordOf(u.id), "Recovered-horse-battery-2")).toBe(true);
  });

  test("an expired code is refused", async () => {
    const u = await account("13722220011");
    await requestCode(u.username, "13722220011");
    const { code } = await codeFor(u.username);
    setSystemTime(new Date(Date.now() + 601_000));
    try {
      const res = await resetWith(u.username, code, "Late-horse-battery-4");
      expect(res.status).toBe(400);
      expect(await body(res)).toMatchObject({ msg: "验证码错误或已过期" });
    } finally {
      setSystemTime();
    }
    // and it stays refused once the clock is back
    expect((await resetWith(u.username, code, "Late-horse-battery-4")).status).toBe(400);
    expect(await t.deps.hasher.verify(await passwordOf(u.id), OLD)).toBe(true);
  });

  test("after 5 wrong guesses the right code no longer works", async () => {
    const u = await account("13722220012");
    await requestCode(u.username, "13722220012");
    const { code } = await codeFor(u.username);
    const wrong = (i: number) => String((Number(code) + i) % 100_000_000).padStart(8, "0");
    for (let i = 1; i <= 5; i++)
      expect((await resetWith(u.username, wrong(i), "Guess-horse-battery-5")).status).toBe(400);
    expect((await resetWith(u.username, code, "Guess-horse-battery-5")).status).toBe(400);
    expect(await t.deps.hasher.verify(await passwordOf(u.id), OLD)).toBe(true);
  });

  test("a new code replaces the previous one; another account's code does not work", async () => {
    const a = await account("13722220013");
    const b = await account("13722220014");
    await requestCode(a.username, "13722220013");
    const first = (await codeFor(a.username)).code;
    await requestCode(a.username, "13722220013");
    const second = (await codeFor(a.username)).code;
    await requestCode(b.username, "13722220014");
    const codeOfB = (await codeFor(b.username)).code;
    if (first !== second)
      expect((await resetWith(a.username, first, "Replace-horse-battery-6")).status).toBe(400);
    if (codeOfB !== second)
      expect((await resetWith(a.username, codeOfB, "Replace-horse-battery-6")).status).toBe(400);
    expect((await resetWith(a.username, second, "Replace-horse-battery-6")).status).toBe(200);
  });

  test("an unknown account gets the same refusal as a wrong code", async () => {
    const res = await resetWith("nobody_at_all", "12345678", "Unknown-horse-battery-7");
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: -1, msg: "验证码错误或已过期" });
  });
});

describe("limits", () => {
  test("code requests are limited per account (known or not), whatever the IP", async () => {
    const u = await account("13722220020");
    for (const username of [u.username, "nobody_limited"]) {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await requestCode(username, "13722220020")).status);
      expect({ username, statuses }).toEqual({ username, statuses: [200, 200, 200, 200, 200, 429] });
    }
    await settle();
    deliveries.splice(0);
  });

  test("requests and resets are limited per IP", async () => {
    const limit = t.deps.settings.LOGIN_IP_LIMIT_PER_MINUTE;
    t.deps.settings.LOGIN_IP_LIMIT_PER_MINUTE = 2;
    try {
      // a fixed one-minute window: even straddling its edge, 5 tries meet the limit
      const requests: number[] = [];
      const resets: number[] = [];
      for (let i = 0; i < 5; i++) {
        requests.push((await requestCode(`nobody_ip_${i}`, "13722220021", "10.99.0.1")).status);
        resets.push(
          (await resetWith(`nobody_ip_${i}`, "12345678", "Ip-horse-battery-8", "10.99.0.2")).status,
        );
      }
      expect(requests).toContain(429);
      expect(resets).toContain(429);
    } finally {
      t.deps.settings.LOGIN_IP_LIMIT_PER_MINUTE = limit;
    }
  });
});

describe("delivery", () => {
  test("a failing webhook changes nothing for the caller and is logged without the code", async () => {
    const u = await account("13722220030");
    failWebhook = true;
    try {
      const res = await requestCode(u.username, "13722220030");
      expect(res.status).toBe(200);
      const { code } = await codeFor(u.username);
      await settle();
      const failure = t.logger.lines.find((l) => l.msg === "password recovery code not delivered");
      expect(failure).toBeDefined();
      expect(JSON.stringify(t.logger.lines)).not.toContain(code);
    } finally {
      failWebhook = false;
    }
  });

  test("the codes are never in the operation log", async () => {
    const u = await account("13722220031");
    await requestCode(u.username, "13722220031");
    const { code } = await codeFor(u.username);
    await resetWith(u.username, code, "Logged-horse-battery-9");
    const { sys_log } = t.deps.db.t;
    const rows = await t.deps.db.orm.select({ payload: sys_log.request_payload }).from(sys_log);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.payload?.includes(code))).toBe(false);
  });

  test("RECOVERY_SENDER=log (development) writes the code to the server log at warn level", async () => {
    const dev = await createTestApp({ FORGET_PASSWORD_ENABLE: "true", RECOVERY_SENDER: "log" });
    try {
      const { sys_user } = dev.deps.db.t;
      await dev.deps.db.orm
        .update(sys_user)
        .set({ mobile: "13722220032" })
        .where(eq(sys_user.username, "user"));
      const res = await dev.request(
        "/api/v1/system/user/forget/password",
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username: "user", mobile: "13722220032" }),
        },
        "10.1.1.1",
      );
      expect(res.status).toBe(200);
      await settle();
      const line = dev.logger.lines.find((l) => typeof l.code === "string" && l.username === "user");
      expect(line).toMatchObject({
        level: "warn",
        to: "13722220032",
        code: expect.stringMatching(/^\d{8}$/),
      });
    } finally {
      await dev.close();
    }
  });

  test("without a sender the feature is off, whatever FORGET_PASSWORD_ENABLE says", async () => {
    const off = await createTestApp();
    try {
      off.deps.settings.FORGET_PASSWORD_ENABLE = true; // config refuses this combination; the service too
      const res = await off.request("/api/v1/system/user/forget/password", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: "user", mobile: "13722220033" }),
      });
      expect(res.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
