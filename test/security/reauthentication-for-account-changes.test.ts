import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";
import { client, createScopedUser } from "../support/auth";

/*
 * An access token alone must not be enough to take an account over: changing the mobile or the
 * email (the recovery channel) or the password needs the current password typed again, and a
 * wrong one counts towards the account lockout like a failed login.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: "3" });
}, 30_000);
afterAll(() => t.close());

const PASSWORD = "Correct-horse-battery-7";

async function userWithPassword(values: { mobile?: string | null; email?: string | null } = {}) {
  const u = await createScopedUser(t);
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(PASSWORD), ...values })
    .where(eq(sys_user.id, u.id));
  return { ...u, api: client(t, u.headers) };
}

async function row(id: number) {
  const { sys_user } = t.deps.db.t;
  const [r] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.id, id));
  return r;
}

const UPDATE = "/system/user/current/info/update";

describe("profile update: mobile and email need the current password", () => {
  test("a new mobile without the password is refused and nothing is written", async () => {
    const u = await userWithPassword({ mobile: "13811110001" });
    const res = await u.api.put(UPDATE, { name: "改名", mobile: "13811110002" });
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: -1, msg: "修改手机号或邮箱需要输入当前密码" });
    const r = await row(u.id);
    expect(r.mobile).toBe("13811110001");
    expect(r.name).not.toBe("改名");
  });

  test("a new email, or clearing the mobile, without the password is refused", async () => {
    const u = await userWithPassword({ mobile: "13811110003", email: "old@example.com" });
    expect((await u.api.put(UPDATE, { email: "new@example.com" })).status).toBe(400);
    expect((await u.api.put(UPDATE, { mobile: "" })).status).toBe(400);
    expect((await u.api.put(UPDATE, { email: null })).status).toBe(400);
    const r = await row(u.id);
    expect([r.mobile, r.email]).toEqual(["13811110003", "old@example.com"]);
  });

  test("a wrong current password is refused; the right one lets the change through", async () => {
    const u = await userWithPassword({ mobile: "13811110004" });
    const res = await u.api.put(UPDATE, { mobile: "13811110005", current_password: "guess-guess-1" });
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: -1, msg: "当前密码错误" });
    expect((await row(u.id)).mobile).toBe("13811110004");
    const ok = await u.api.put(UPDATE, {
      mobile: "13811110007",
      email: "me@example.com",
      current_password: PASSWORD,
    });
    expect(ok.status).toBe(200);
    expect(await body(ok)).toMatchObject({ data: { mobile: "13811110007", email: "me@example.com" } });
    expect((await row(u.id)).mobile).toBe("13811110007");
  });

  test("the SPA's normal profile save needs no password, a changed mobile in it does", async () => {
    const u = await userWithPassword({ mobile: "13811110008", email: null });
    const info = (await body(await u.api.get("/system/user/current/info"))).data;
    const sneaky = await u.api.put(UPDATE, { ...info, gender: 1, mobile: "13811110006", email: "" });
    expect(sneaky.status).toBe(400);
    // the whole form, as the SPA posts it: unchanged mobile, empty email, gender as a number
    const res = await u.api.put(UPDATE, {
      ...info,
      name: "新昵称",
      gender: 1,
      mobile: "13811110008",
      email: "",
    });
    expect(res.status).toBe(200);
    const r = await row(u.id);
    expect([r.name, r.gender, r.mobile, r.email]).toEqual(["新昵称", "1", "13811110008", null]);
  });
});

describe("wrong re-authentication counts towards the lockout", () => {
  test("after LOGIN_MAX_FAILURES wrong passwords even the right one is refused (429)", async () => {
    const u = await userWithPassword({ mobile: "13811110009" });
    for (let i = 0; i < 2; i++) {
      const wrong = await u.api.put(UPDATE, {
        mobile: "13811110010",
        current_password: `wrong-${i}-password`,
      });
      expect(wrong.status).toBe(400);
    }
    const third = await u.api.put("/system/user/current/password/change", {
      old_password: "wrong-2-password",
      new_password: "Another-horse-battery-8",
    });
    expect(third.status).toBe(429);
    const right = await u.api.put(UPDATE, { mobile: "13811110010", current_password: PASSWORD });
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toMatch(/^\d+$/);
    const change = await u.api.put("/system/user/current/password/change", {
      old_password: PASSWORD,
      new_password: "Another-horse-battery-8",
    });
    expect(change.status).toBe(429);
    expect((await row(u.id)).mobile).toBe("13811110009");
    expect(await t.deps.hasher.verify((await row(u.id)).password, PASSWORD)).toBe(true);
  });
});
