import { afterAll, afterEach, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { and, desc, eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "../support/app";

/**
 * OAuth login (GitHub here; Gitee shares the code): the `state` is bound to the browser that
 * started the flow by an HttpOnly cookie (login CSRF); a first-time identity gets an account only
 * with OAUTH_REGISTER_ENABLE; every callback outcome is in the login log; the token pair reaches
 * the SPA in the URL fragment, never in a query string. The provider is faked at `fetch`, the seam
 * the service calls GitHub through.
 */

const SPA = "http://localhost:5180/login";
const CALLBACK = "/api/v1/system/auth/oauth/github/callback";
const NOT_LINKED = "该第三方账号未关联系统用户，请使用账号密码登录后绑定，或联系管理员开通";
const NOT_BOUND = "登录状态校验失败，请在同一浏览器中重新发起第三方登录";

const githubSettings = { OAUTH_GITHUB_CLIENT_ID: "gh-id", OAUTH_GITHUB_CLIENT_SECRET: "gh-secret" };

/** A fake GitHub: answers the code exchange and the profile, and counts what it was asked. */
function fakeGithub(profile: Record<string, unknown>) {
  const calls: string[] = [];
  const spy = spyOn(globalThis, "fetch").mockImplementation((async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push(url);
    if (url.startsWith("https://github.com/login/oauth/access_token"))
      return Response.json({ access_token: "gho_fake" });
    if (url.startsWith("https://api.github.com/user")) return Response.json(profile);
    return new Response("unexpected", { status: 500 });
  }) as typeof fetch);
  return { calls, restore: () => spy.mockRestore() };
}
let github: ReturnType<typeof fakeGithub> | undefined;
afterEach(() => {
  github?.restore();
  github = undefined;
});

/** What the SPA's hash router sees: the route path and `route.query`, read from the fragment. */
function spaRoute(location: string) {
  const url = new URL(location);
  const route = url.hash.startsWith("#/") ? url.hash.slice(1) : "/";
  const [path, query = ""] = route.split("?", 2);
  return { path, query: new URLSearchParams(query), url };
}

/** Starts a flow as a browser would: the provider URL's state and the cookie that binds it. */
async function startFlow(t: TestApp, base = "http://localhost") {
  const res = await t.request(
    `${base}/api/v1/system/auth/oauth/github/login?redirect_uri=${encodeURIComponent(SPA)}`,
  );
  expect(res.status).toBe(302);
  const state = new URL(res.headers.get("location")!).searchParams.get("state")!;
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = /oauth_state=([^;]*)/.exec(setCookie)?.[1];
  return { state, setCookie, cookie };
}

const callback = (t: TestApp, state: string, cookie?: string) =>
  t.request(`${CALLBACK}?code=the-code&state=${encodeURIComponent(state)}`, {
    headers: cookie ? { Cookie: `oauth_state=${cookie}` } : {},
  });

async function loginLogRows(t: TestApp) {
  const { sys_log } = t.deps.db.t;
  return t.deps.db.orm
    .select()
    .from(sys_log)
    .where(and(eq(sys_log.type, 1), eq(sys_log.request_path, CALLBACK)))
    .orderBy(desc(sys_log.id));
}

describe("the state is bound to the browser that started the flow", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(githubSettings);
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ github_login: "700" }).where(eq(sys_user.username, "user"));
  }, 60_000); // a fresh MariaDB database takes seconds on a busy machine
  afterAll(() => t.close());

  test("starting sets a short-lived HttpOnly SameSite=Lax cookie holding the state", async () => {
    const { state, setCookie, cookie } = await startFlow(t);
    expect(state.length).toBeGreaterThanOrEqual(40);
    expect(cookie).toBe(state);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Max-Age=600\b/);
    expect(setCookie).toMatch(/Path=\/api\/v1\/system\/auth\/oauth\//);
    expect(setCookie).not.toMatch(/Secure/i); // plain http: a Secure cookie would never come back
  });

  test("over https the cookie is Secure", async () => {
    const { setCookie } = await startFlow(t, "https://admin.example");
    expect(setCookie).toMatch(/;\s*Secure/i);
  });

  test("a refused start sets no cookie", async () => {
    const res = await t.request(
      `/api/v1/system/auth/oauth/github/login?redirect_uri=${encodeURIComponent("https://evil.example/")}`,
    );
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("a callback without the cookie is refused before the provider is asked (login CSRF)", async () => {
    const { state } = await startFlow(t);
    github = fakeGithub({ id: 700, login: "user-gh" });
    const res = await callback(t, state);
    expect(res.status).toBe(302);
    const to = spaRoute(res.headers.get("location")!);
    expect(to.query.get("oauth_error")).toBe(NOT_BOUND);
    expect(to.query.get("access_token")).toBeNull();
    expect(github.calls).toEqual([]);
  });

  test("another browser's state is refused with this browser's cookie", async () => {
    const victim = await startFlow(t);
    const attacker = await startFlow(t);
    github = fakeGithub({ id: 700, login: "user-gh" });
    const res = await callback(t, attacker.state, victim.cookie);
    const to = spaRoute(res.headers.get("location")!);
    expect(to.query.get("oauth_error")).toBe(NOT_BOUND);
    expect(to.query.get("access_token")).toBeNull();
    expect(github.calls).toEqual([]);
    // same length, one character off: still refused
    const forged = victim.state.slice(0, -1) + (victim.state.endsWith("A") ? "B" : "A");
    const again = await callback(t, forged, victim.cookie);
    expect(spaRoute(again.headers.get("location")!).query.get("oauth_error")).toBe(NOT_BOUND);
  });

  test("with its own cookie the linked user signs in; the cookie is cleared and the state single-use", async () => {
    const { state, cookie } = await startFlow(t);
    github = fakeGithub({ id: 700, login: "user-gh" });
    const res = await callback(t, state, cookie);
    const to = spaRoute(res.headers.get("location")!);
    expect(to.query.get("oauth_error")).toBeNull();
    expect(to.query.get("access_token")!.split(".")).toHaveLength(3);
    expect(res.headers.get("set-cookie")).toMatch(/oauth_state=;.*Max-Age=0/i);
    const replay = await callback(t, state, cookie);
    expect(spaRoute(replay.headers.get("location")!).query.get("oauth_error")).toBe("登录状态已失效，请重试");
  });
});

describe("no account is created unless OAUTH_REGISTER_ENABLE", () => {
  let off: TestApp;
  let on: TestApp;
  beforeAll(async () => {
    off = await createTestApp(githubSettings);
    on = await createTestApp({ ...githubSettings, OAUTH_REGISTER_ENABLE: "true" });
  }, 60_000); // a fresh MariaDB database takes seconds on a busy machine
  afterAll(async () => {
    await off.close();
    await on.close();
  });

  const usersLinkedTo = (t: TestApp, id: string) => {
    const { sys_user } = t.deps.db.t;
    return t.deps.db.orm.select().from(sys_user).where(eq(sys_user.github_login, id));
  };

  test("off (the default): a first-time identity is refused with a message the login page shows", async () => {
    expect(off.deps.settings.OAUTH_REGISTER_ENABLE).toBe(false);
    const { state, cookie } = await startFlow(off);
    github = fakeGithub({ id: 9001, login: "stranger" });
    const res = await callback(off, state, cookie);
    const to = spaRoute(res.headers.get("location")!);
    expect(to.url.origin + to.url.pathname).toBe(SPA);
    expect(to.path).toBe("/login");
    expect(to.query.get("oauth_error")).toBe(NOT_LINKED);
    expect(to.query.get("access_token")).toBeNull();
    expect(await usersLinkedTo(off, "9001")).toEqual([]);
  });

  test("on: the identity gets a new account with no roles", async () => {
    const { state, cookie } = await startFlow(on);
    github = fakeGithub({ id: 9001, login: "stranger", name: "Stranger" });
    const to = spaRoute((await callback(on, state, cookie)).headers.get("location")!);
    expect(to.query.get("access_token")).toBeTruthy();
    const [user] = await usersLinkedTo(on, "9001");
    expect(user).toMatchObject({ username: "oauth_github_9001", is_superuser: false });
    const { sys_user_roles } = on.deps.db.t;
    expect(
      await on.deps.db.orm.select().from(sys_user_roles).where(eq(sys_user_roles.user_id, user.id)),
    ).toEqual([]);
  });
});

describe("callbacks are in the login log", () => {
  let t: TestApp;
  let userId: number;
  beforeAll(async () => {
    t = await createTestApp(githubSettings);
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ github_login: "700" }).where(eq(sys_user.username, "user"));
    [{ id: userId }] = await t.deps.db.orm
      .select({ id: sys_user.id })
      .from(sys_user)
      .where(eq(sys_user.username, "user"));
  }, 60_000); // a fresh MariaDB database takes seconds on a busy machine
  afterAll(() => t.close());

  test("a successful login is a type-1 row naming the provider and the user, without code or token", async () => {
    const { state, cookie } = await startFlow(t);
    github = fakeGithub({ id: 700, login: "user-gh" });
    const to = spaRoute((await callback(t, state, cookie)).headers.get("location")!);
    const access = to.query.get("access_token")!;
    const [row] = await loginLogRows(t);
    expect(row).toMatchObject({ type: 1, status: "0", created_id: userId, request_method: "GET" });
    expect(row.description).toContain("github");
    expect(row.request_payload).toContain("oauth_github");
    expect(row.request_payload).toContain('"user"');
    for (const secret of ["the-code", state, access, "gho_fake"]) {
      expect(String(row.request_payload)).not.toContain(secret);
      expect(String(row.response_json)).not.toContain(secret);
    }
  });

  test("failed logins are logged too: an unbound state, and an unlinked identity", async () => {
    const before = (await loginLogRows(t)).length;
    const first = await startFlow(t);
    await callback(t, first.state); // no cookie
    let [row] = await loginLogRows(t);
    expect(row).toMatchObject({ type: 1, status: "1" });
    expect(row.description).toContain("github");
    expect(row.response_json).toContain(NOT_BOUND);

    const second = await startFlow(t);
    github = fakeGithub({ id: 424242, login: "nobody-here" });
    await callback(t, second.state, second.cookie);
    [row] = await loginLogRows(t);
    expect(row).toMatchObject({ type: 1, status: "1" });
    expect(row.response_json).toContain(NOT_LINKED);
    expect((await loginLogRows(t)).length).toBe(before + 2);
  });
});

describe("tokens never travel in a query string", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(githubSettings);
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ github_login: "700" }).where(eq(sys_user.username, "user"));
  }, 60_000); // a fresh MariaDB database takes seconds on a busy machine
  afterAll(() => t.close());

  test("the pair is in the fragment the SPA's hash router reads, and works", async () => {
    const { state, cookie } = await startFlow(t);
    github = fakeGithub({ id: 700, login: "user-gh" });
    const res = await callback(t, state, cookie);
    const location = res.headers.get("location")!;
    const to = spaRoute(location);
    const access = to.query.get("access_token")!;
    const refresh = to.query.get("refresh_token")!;
    expect(to.path).toBe("/login");
    expect(to.query.get("token_type")).toBe("bearer");
    expect(refresh.split(".")).toHaveLength(3);
    // nothing before the '#' (what servers, proxies, logs and Referer see) carries a token
    const sentPart = location.split("#")[0];
    expect(sentPart).toBe(SPA);
    expect(sentPart).not.toContain(access);
    expect(to.url.searchParams.get("access_token")).toBeNull();
    expect(to.url.searchParams.get("refresh_token")).toBeNull();
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    github.restore();
    github = undefined;
    const logout = await t.request("/api/v1/system/auth/logout", {
      method: "POST",
      headers: { Authorization: `Bearer ${access}`, "Content-Type": "application/json" },
      body: JSON.stringify({ token: access }),
    });
    expect(logout.status).toBe(200);
  });

  test("an SPA page that already has a hash route keeps it and its query", async () => {
    const page = "http://localhost:5180/#/login?redirect=%2Fsystem%2Fuser";
    const start = await t.request(
      `/api/v1/system/auth/oauth/github/login?redirect_uri=${encodeURIComponent(page)}`,
    );
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    github = fakeGithub({ id: 700, login: "user-gh" });
    const location = (await callback(t, state, state)).headers.get("location")!;
    const to = spaRoute(location);
    expect(location.split("#")[0]).toBe("http://localhost:5180/");
    expect(to.path).toBe("/login");
    expect(to.query.get("redirect")).toBe("/system/user");
    expect(to.query.get("access_token")).toBeTruthy();
  });
});
