import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { timeStepOf, totpCode } from "@/core/auth/totp";
import { createLogger } from "@/core/log/logger";
import { body, createTestApp, type TestApp } from "../support/app";
import { client, createScopedUser } from "../support/auth";

setDefaultTimeout(30_000);

/*
 * Rule: a second factor's secret, its otpauth URI and QR code, its recovery codes and the codes
 * typed at login are never stored in clear: not in sys_user_totp (the secret is AES-GCM
 * encrypted, recovery codes are keyed hashes), not in any sys_log row, not in any log line; and
 * after the set-up answer no route hands the secret back.
 */

const PASSWORD = "Never-logged-pw-7";
let t: TestApp;
const lines: string[] = [];
const secrets: Record<string, string> = {};
let userId: number;

beforeAll(async () => {
  t = await createTestApp(
    { LOGIN_IP_LIMIT_PER_MINUTE: "1000", CAPTCHA_ENABLE: "false" },
    { logger: createLogger("debug", [(line) => lines.push(line)]) },
  );
  const user = await createScopedUser(t, { permissions: [] });
  userId = user.id;
  const { sys_user, sys_user_totp } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(PASSWORD) })
    .where(eq(sys_user.id, user.id));
  const me = client(t, user.headers);
  const setup = (await body(await me.post("/system/user/current/totp/setup", { password: PASSWORD }))).data;
  secrets.secret = setup.secret;
  secrets.uri = setup.otpauth_uri;
  secrets.qr = setup.qr_svg.slice(-64);
  if (Date.now() % 30_000 > 27_000) await Bun.sleep(3_500);
  const confirm = await body(
    await me.post("/system/user/current/totp/confirm", { otp: totpCode(setup.secret, Date.now()) }),
  );
  expect(confirm.code).toBe(0);
  confirm.data.recovery_codes.forEach((c: string, i: number) => {
    secrets[`recovery ${i}`] = c;
  });
  // log in with `<password><code>`, with a recovery code, and with `otp`; then status and disable
  const login = (fields: Record<string, string>) =>
    t.request("/api/v1/system/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: user.username, ...fields }).toString(),
    });
  const setStep = (back: number) =>
    t.deps.db.orm
      .update(sys_user_totp)
      .set({ last_step: timeStepOf(Date.now()) - back })
      .where(eq(sys_user_totp.user_id, userId));
  await setStep(5);
  const code = totpCode(setup.secret, Date.now());
  secrets.typed = `${PASSWORD}${code}`;
  expect((await login({ password: secrets.typed })).status).toBe(200);
  expect((await login({ password: `${PASSWORD}${secrets["recovery 0"]}` })).status).toBe(200);
  await setStep(5);
  expect((await login({ password: PASSWORD, otp: totpCode(setup.secret, Date.now()) })).status).toBe(200);
  expect((await login({ password: `${PASSWORD}000000` })).status).toBe(400);
  await me.get("/system/user/current/totp");
  expect(
    (await me.post("/system/user/current/totp/disable", { password: PASSWORD, otp: secrets["recovery 1"] }))
      .status,
  ).toBe(200);
});
afterAll(() => t.close());

test("the stored secret and recovery codes are not in clear", async () => {
  // (disabled above, so look at a fresh enrolment's rows)
  const user = await createScopedUser(t, { permissions: [] });
  const { sys_user, sys_user_totp, sys_user_totp_recovery } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(PASSWORD) })
    .where(eq(sys_user.id, user.id));
  const me = client(t, user.headers);
  const setup = (await body(await me.post("/system/user/current/totp/setup", { password: PASSWORD }))).data;
  if (Date.now() % 30_000 > 27_000) await Bun.sleep(3_500);
  const codes: string[] = (
    await body(
      await me.post("/system/user/current/totp/confirm", { otp: totpCode(setup.secret, Date.now()) }),
    )
  ).data.recovery_codes;
  const [row] = await t.deps.db.orm.select().from(sys_user_totp).where(eq(sys_user_totp.user_id, user.id));
  expect(row.secret).toStartWith("v1.");
  expect(row.secret).not.toContain(setup.secret);
  const stored = JSON.stringify(
    await t.deps.db.orm
      .select()
      .from(sys_user_totp_recovery)
      .where(eq(sys_user_totp_recovery.user_id, user.id)),
  );
  for (const c of codes) {
    expect(stored).not.toContain(c);
    expect(stored).not.toContain(c.replace("-", ""));
  }
  // and no answer carries the secret again
  const status = JSON.stringify(await body(await me.get("/system/user/current/totp")));
  const info = JSON.stringify(await body(await me.get("/system/user/current/info")));
  expect(status + info).not.toContain(setup.secret);
  expect(status + info).not.toContain(row.secret);
});

test("no sys_log row and no log line holds a secret, a URI, a QR code or a code", async () => {
  const rows = (await t.deps.db.orm.select().from(t.deps.db.t.sys_log)).map((r) => JSON.stringify(r));
  // the routes did leave audit rows, so the search means something
  expect(rows.some((r) => r.includes("/current/totp/setup"))).toBe(true);
  expect(rows.some((r) => r.includes("/current/totp/confirm"))).toBe(true);
  expect(rows.some((r) => r.includes("/system/auth/login"))).toBe(true);
  const found: string[] = [];
  for (const [what, needle] of Object.entries(secrets)) {
    expect(needle.length).toBeGreaterThanOrEqual(8);
    if (rows.some((r) => r.includes(needle))) found.push(`${what} in sys_log`);
    if (lines.some((l) => l.includes(needle))) found.push(`${what} in the JSON log`);
  }
  expect(found).toEqual([]);
});
