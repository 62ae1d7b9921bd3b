/**
 * The second factor on the Worker under workerd (otpauth's HMAC-SHA1, uqr's SVG, Web Crypto's
 * HKDF + AES-GCM for the secret at rest): the seeded `user` enrols, then logs in through the
 * SPA's own form with `<password><code>`; the same code again is refused, a recovery code works.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { totpCode } from "@/core/auth/totp";
import { createContext, type E2EContext } from "./steps";
import { startWorkerRuntime, workerPrerequisites } from "./support/runtimes";

const problem = await workerPrerequisites();
const PASSWORD = "123456"; // the seed's demo password

describe("e2e · Worker under workerd, second factor", () => {
  let ctx: E2EContext;
  beforeAll(async () => {
    if (problem) throw new Error(`the Worker e2e suite cannot run here: ${problem}`);
    ctx = createContext(await startWorkerRuntime());
  }, 180_000);
  afterAll(async () => {
    await ctx?.rt.stop();
  }, 30_000);

  test("totp: enrol, log in with <password><code> and with a recovery code; a replayed code is refused", async () => {
    const { access_token } = await ctx.tokensFor("user", PASSWORD);
    const setup = await ctx.api("POST", "/system/user/current/totp/setup", {
      token: access_token,
      json: { password: PASSWORD },
    });
    expect(setup.body).toMatchObject({ code: 0 });
    const { secret, otpauth_uri, qr_svg } = setup.body.data;
    expect(otpauth_uri).toStartWith("otpauth://totp/");
    expect(atob(qr_svg.split(",")[1])).toContain("<svg");

    // a code of the current step confirms; the login then uses the next step's (drift +1)
    const confirm = await ctx.api("POST", "/system/user/current/totp/confirm", {
      token: access_token,
      json: { otp: totpCode(secret, Date.now()) },
    });
    expect(confirm.body).toMatchObject({ code: 0 });
    const recovery: string[] = confirm.body.data.recovery_codes;
    expect(recovery).toHaveLength(10);

    const { sys_user_totp } = ctx.rt.db.t;
    const [row] = await ctx.rt.db.orm.select().from(sys_user_totp);
    expect(row.enabled).toBe(true);
    expect(row.secret).not.toContain(secret);

    expect((await ctx.login("user", PASSWORD)).body).toMatchObject({ code: -1, msg: "账号或密码错误" });
    const code = totpCode(secret, Date.now() + 30_000);
    const withCode = await ctx.login("user", `${PASSWORD}${code}`);
    expect(withCode.body).toMatchObject({ code: 0, success: true });
    const info = await ctx.api("GET", "/system/user/current/info", {
      token: withCode.body.data.access_token,
    });
    expect(info.body).toMatchObject({ code: 0 });
    expect(info.body.data.username).toBe("user");

    expect((await ctx.login("user", `${PASSWORD}${code}`)).body).toMatchObject({ code: -1 });
    expect((await ctx.login("user", `${PASSWORD}${recovery[0]}`)).body).toMatchObject({ code: 0 });
    expect((await ctx.login("user", `${PASSWORD}${recovery[0]}`)).body).toMatchObject({ code: -1 });

    const { sys_user } = ctx.rt.db.t;
    const [user] = await ctx.rt.db.orm.select().from(sys_user).where(eq(sys_user.username, "user"));
    expect(row.user_id).toBe(user.id);
  }, 60_000);
});
