import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";
import { client, createScopedUser, tokenFor } from "../support/auth";

/*
 * A user sees and ends their own sessions (devices) under /system/user/current/sessions, and
 * nobody else's; changing one's password ends every other session and keeps the current one.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 30_000);
afterAll(() => t.close());

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** The session id a token names (its `sid` claim). */
const sidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sid as string;

async function userWithPassword(password: string) {
  const u = await createScopedUser(t);
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(password) })
    .where(eq(sys_user.id, u.id));
  return u;
}

describe("GET /system/user/current/sessions", () => {
  test("lists exactly the caller's sessions, marks the current one, leaks no refresh id", async () => {
    const u = await createScopedUser(t);
    const [a, b, c] = [
      await tokenFor(t, u.username),
      await tokenFor(t, u.username),
      await tokenFor(t, u.username),
    ];
    await tokenFor(t, "admin"); // someone else's session must not show up
    const res = await client(t, bearer(b)).get("/system/user/current/sessions");
    expect(res.status).toBe(200);
    const out = await body(res);
    expect(out).toMatchObject({ code: 0, success: true });
    const ids = out.data.map((s: { session_id: string }) => s.session_id).sort();
    // createScopedUser itself opened one session too
    expect(ids).toEqual([sidOf(a), sidOf(b), sidOf(c), sidOf(u.headers.Authorization.slice(7))].sort());
    const current = out.data.filter((s: { current: boolean }) => s.current);
    expect(current.map((s: { session_id: string }) => s.session_id)).toEqual([sidOf(b)]);
    expect(out.data[0].session_id).toBe(sidOf(b));
    for (const s of out.data) {
      expect(s).not.toHaveProperty("refresh_id");
      expect(s).toMatchObject({ ipaddr: "127.0.0.1", login_type: "PC端" });
      expect(s.last_seen).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
  });

  test("without a token → 401 / 10401", async () => {
    const res = await client(t).get("/system/user/current/sessions");
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
  });
});

describe("DELETE /system/user/current/sessions/{session_id}", () => {
  test("ends one of the caller's sessions; the others keep working", async () => {
    const u = await createScopedUser(t);
    const [a, b] = [await tokenFor(t, u.username), await tokenFor(t, u.username)];
    const res = await client(t, bearer(a)).delete(`/system/user/current/sessions/${sidOf(b)}`);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "结束会话成功" });
    expect((await client(t, bearer(b)).get("/system/user/current/info")).status).toBe(401);
    expect((await client(t, bearer(a)).get("/system/user/current/info")).status).toBe(200);
    const left = (await body(await client(t, bearer(a)).get("/system/user/current/sessions"))).data;
    expect(left.map((s: { session_id: string }) => s.session_id)).not.toContain(sidOf(b));
    // already ended → 404
    const again = await client(t, bearer(a)).delete(`/system/user/current/sessions/${sidOf(b)}`);
    expect(again.status).toBe(404);
  });

  test("another user's session id is not found, and that session lives on", async () => {
    const me = await createScopedUser(t);
    const other = await createScopedUser(t);
    const theirs = await tokenFor(t, other.username);
    const res = await client(t, me.headers).delete(`/system/user/current/sessions/${sidOf(theirs)}`);
    expect(res.status).toBe(404);
    expect((await body(res)).code).toBe(-1);
    expect((await client(t, bearer(theirs)).get("/system/user/current/info")).status).toBe(200);
    const admins = await tokenFor(t, "admin");
    expect(
      (await client(t, me.headers).delete(`/system/user/current/sessions/${sidOf(admins)}`)).status,
    ).toBe(404);
    expect((await client(t, bearer(admins)).get("/system/user/current/info")).status).toBe(200);
  });

  test("ending the current session is a logout", async () => {
    const u = await createScopedUser(t);
    const token = await tokenFor(t, u.username);
    const res = await client(t, bearer(token)).delete(`/system/user/current/sessions/${sidOf(token)}`);
    expect(res.status).toBe(200);
    expect((await client(t, bearer(token)).get("/system/user/current/info")).status).toBe(401);
  });

  test("a malformed id → 422; without a token → 401 / 10401", async () => {
    const u = await createScopedUser(t);
    expect((await client(t, u.headers).delete("/system/user/current/sessions/a:b*")).status).toBe(422);
    const res = await client(t).delete(
      `/system/user/current/sessions/${sidOf(u.headers.Authorization.slice(7))}`,
    );
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
    expect((await client(t, u.headers).get("/system/user/current/info")).status).toBe(200);
  });
});

describe("changing one's own password", () => {
  test("keeps the session that made the change and ends every other one", async () => {
    const u = await userWithPassword("Old-horse-battery-1");
    const [here, laptop, phone] = [
      await tokenFor(t, u.username),
      await tokenFor(t, u.username),
      await tokenFor(t, u.username),
    ];
    // a wrong old password changes nothing and ends nothing
    const wrong = await client(t, bearer(here)).put("/system/user/current/password/change", {
      old_password: "not-my-password",
      new_password: "New-horse-battery-2",
    });
    expect(wrong.status).toBe(400);
    expect((await client(t, bearer(laptop)).get("/system/user/current/info")).status).toBe(200);
    const res = await client(t, bearer(here)).put("/system/user/current/password/change", {
      old_password: "Old-horse-battery-1",
      new_password: "New-horse-battery-2",
      confirm_password: "New-horse-battery-2",
    });
    expect(res.status).toBe(200);
    // the SPA's next call after the change still works
    expect((await client(t, bearer(here)).get("/system/user/current/info")).status).toBe(200);
    expect((await client(t, bearer(laptop)).get("/system/user/current/info")).status).toBe(401);
    expect((await client(t, bearer(phone)).get("/system/user/current/info")).status).toBe(401);
    expect((await client(t, u.headers).get("/system/user/current/info")).status).toBe(401);
    const left = (await body(await client(t, bearer(here)).get("/system/user/current/sessions"))).data;
    expect(left.map((s: { session_id: string }) => s.session_id)).toEqual([sidOf(here)]);
    const { sys_user } = t.deps.db.t;
    const [row] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.id, u.id));
    expect(await t.deps.hasher.verify(row.password, "New-horse-battery-2")).toBe(true);
  });
});
