import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { timeStepOf, totpCode } from "@/core/auth/totp";
import { body, createTestApp, type TestApp } from "../support/app";
import { client, createScopedUser } from "../support/auth";

setDefaultTimeout(30_000);

/*
 * Rule: a second-factor code logs in once. Concurrent logins with the same TOTP code (or the
 * same recovery code) — from different addresses, as an attacker who watched the code being
 * typed would — get exactly one session; the used time step is kept in the database by a
 * compare-and-set, so this holds across processes and instances too.
 */

const PASSWORD = "One-time-pw-42";
let t: TestApp;
let username: string;
let userId: number;
let secret: string;
let recovery: string[];

const login = (password: string, ip: string) =>
  t.request(
    "/api/v1/system/auth/login",
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password }).toString(),
    },
    ip,
  );

async function forgetUsedSteps() {
  const { sys_user_totp } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user_totp)
    .set({ last_step: timeStepOf(Date.now()) - 5 })
    .where(eq(sys_user_totp.user_id, userId));
}

beforeAll(async () => {
  t = await createTestApp({ LOGIN_IP_LIMIT_PER_MINUTE: "1000", CAPTCHA_ENABLE: "false" });
  const user = await createScopedUser(t, { permissions: [] });
  username = user.username;
  userId = user.id;
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(PASSWORD) })
    .where(eq(sys_user.id, user.id));
  const me = client(t, user.headers);
  secret = (await body(await me.post("/system/user/current/totp/setup", { password: PASSWORD }))).data.secret;
  if (Date.now() % 30_000 > 27_000) await Bun.sleep(3_500);
  recovery = (
    await body(await me.post("/system/user/current/totp/confirm", { otp: totpCode(secret, Date.now()) }))
  ).data.recovery_codes;
});
afterAll(() => t.close());

test("eight concurrent logins with one TOTP code: exactly one succeeds", async () => {
  await forgetUsedSteps();
  if (Date.now() % 30_000 > 25_000) await Bun.sleep(5_500);
  const code = totpCode(secret, Date.now());
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) => login(`${PASSWORD}${code}`, `10.9.0.${i + 1}`)),
  );
  expect(answers.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
});

test("eight concurrent logins with one recovery code: exactly one succeeds", async () => {
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) => login(`${PASSWORD}${recovery[0]}`, `10.9.1.${i + 1}`)),
  );
  expect(answers.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
  // the other codes are untouched
  expect((await login(`${PASSWORD}${recovery[1]}`, "10.9.2.1")).status).toBe(200);
});

test("a code of the step already used, or an older one, is refused; a newer one is taken", async () => {
  await forgetUsedSteps();
  if (Date.now() % 30_000 > 27_000) await Bun.sleep(3_500);
  const now = Date.now();
  expect((await login(`${PASSWORD}${totpCode(secret, now)}`, "10.9.3.1")).status).toBe(200);
  expect((await login(`${PASSWORD}${totpCode(secret, now)}`, "10.9.3.2")).status).toBe(400);
  expect((await login(`${PASSWORD}${totpCode(secret, now - 30_000)}`, "10.9.3.3")).status).toBe(400);
  expect((await login(`${PASSWORD}${totpCode(secret, now + 30_000)}`, "10.9.3.4")).status).toBe(200);
});
