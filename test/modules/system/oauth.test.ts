import { afterAll, afterEach, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "../../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    OAUTH_GITHUB_CLIENT_ID: "gh-id",
    OAUTH_GITHUB_CLIENT_SECRET: "gh-secret",
    OAUTH_REGISTER_ENABLE: "true",
  });
}, 60_000); // a fresh MariaDB database takes seconds on a busy machine
afterAll(() => t.close());

const SPA = "http://localhost:5180/login";
const location = (res: Response) => new URL(res.headers.get("location")!);
/** The query of the SPA's hash route (`#/login?…`), where results and errors are delivered. */
const spaQuery = (res: Response) => new URLSearchParams(location(res).hash.split("?")[1] ?? "");
/** The callback as the browser that started the flow calls it: with its state cookie. */
const callback = (state: string, cookie = state) =>
  t.request(`/api/v1/system/auth/oauth/github/callback?code=abc&state=${state}`, {
    headers: { Cookie: `oauth_state=${cookie}` },
  });
const start = (provider: string, redirect = SPA) =>
  t.request(`/api/v1/system/auth/oauth/${provider}/login?redirect_uri=${encodeURIComponent(redirect)}`);

/** A fake GitHub answering the token exchange and the profile. */
function fakeGithub(profile: Record<string, unknown>) {
  return spyOn(globalThis, "fetch").mockImplementation((async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith("https://github.com/login/oauth/access_token"))
      return Response.json({ access_token: "gho_x" });
    if (url.startsWith("https://api.github.com/user")) return Response.json(profile);
    return new Response("unexpected", { status: 500 });
  }) as typeof fetch);
}

let spy: ReturnType<typeof fakeGithub> | undefined;
afterEach(() => spy?.mockRestore());

describe("oauth login", () => {
  test("an unconfigured provider sends the browser back with oauth_error", async () => {
    const res = await start("gitee");
    expect(res.status).toBe(302);
    const to = location(res);
    expect(to.origin + to.pathname).toBe(SPA);
    expect(spaQuery(res).get("oauth_error")).toBe("gitee OAuth 未配置（客户端密钥为空）");
  });

  test("an unknown provider too", async () => {
    expect(spaQuery(await start("myspace")).get("oauth_error")).toContain("不支持");
  });

  test("a redirect_uri outside the SPA origins is never followed", async () => {
    const res = await start("github", "https://evil.example/steal");
    expect(location(res).origin).toBe("http://127.0.0.1:5180");
    expect(spaQuery(res).get("oauth_error")).toBeTruthy();
  });

  test("a configured provider gets the browser with a fresh state", async () => {
    const to = location(await start("github"));
    expect(to.origin).toBe("https://github.com");
    expect(to.searchParams.get("client_id")).toBe("gh-id");
    expect(to.searchParams.get("redirect_uri")).toBe(
      "http://localhost/api/v1/system/auth/oauth/github/callback",
    );
    const state = to.searchParams.get("state")!;
    expect(state.length).toBeGreaterThanOrEqual(40);
    expect(await t.deps.cache.get(`oauth_state:${state}`)).toContain(SPA);
  });

  test("an unknown state is refused", async () => {
    const res = await callback("no-such-state");
    expect(spaQuery(res).get("oauth_error")).toBe("登录状态已失效，请重试");
  });

  test("the callback registers the user (no roles), signs in, and the state is single-use", async () => {
    const state = location(await start("github")).searchParams.get("state")!;
    spy = fakeGithub({
      id: 4242,
      login: "octo",
      name: "Octo Cat",
      avatar_url: "https://avatars.example/4242",
    });
    const res = await callback(state);
    const to = location(res);
    expect(to.origin + to.pathname).toBe(SPA);
    const access = spaQuery(res).get("access_token")!;
    expect(access.split(".")).toHaveLength(3);
    expect(spaQuery(res).get("token_type")).toBe("bearer");
    const { sys_user, sys_user_roles } = t.deps.db.t;
    const [user] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.github_login, "4242"));
    expect(user).toMatchObject({ username: "oauth_github_4242", name: "Octo Cat", is_superuser: false });
    expect(
      await t.deps.db.orm.select().from(sys_user_roles).where(eq(sys_user_roles.user_id, user.id)),
    ).toEqual([]);
    const online = await t.request("/api/v1/system/auth/logout", {
      method: "POST",
      headers: { Authorization: `Bearer ${access}`, "Content-Type": "application/json" },
      body: JSON.stringify({ token: access }),
    });
    expect(online.status).toBe(200);
    const replay = await callback(state);
    expect(spaQuery(replay).get("oauth_error")).toBe("登录状态已失效，请重试");
  });

  test("a second login finds the same user; a disabled one is refused", async () => {
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ status: "1" }).where(eq(sys_user.github_login, "4242"));
    const state = location(await start("github")).searchParams.get("state")!;
    spy = fakeGithub({ id: 4242, login: "octo" });
    const to = spaQuery(await callback(state));
    expect(to.get("oauth_error")).toBe("用户已被停用");
    expect(to.get("access_token")).toBeNull();
  });

  test("a provider failure comes back as oauth_error, not a 500", async () => {
    const state = location(await start("github")).searchParams.get("state")!;
    spy = spyOn(globalThis, "fetch").mockImplementation(
      (async () => new Response("down", { status: 502 })) as any,
    );
    const res = await callback(state);
    expect(res.status).toBe(302);
    expect(spaQuery(res).get("oauth_error")).toBe("第三方接口返回 502");
  });
});
