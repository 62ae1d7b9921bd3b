import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";

/**
 * Every answer that carries tokens (password login, refresh, auto-login and its one-time token,
 * the OAuth callback redirect) says `Cache-Control: no-store` and `Pragma: no-cache`, so no
 * browser or proxy cache keeps a copy; refusals on those routes say it too.
 */

const AUTH = "/api/v1/system/auth";
const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };

function expectNotStored(res: Response) {
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(res.headers.get("pragma")).toBe("no-cache");
}

describe("token responses are not cached", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      AUTO_LOGIN_ENABLE: "true",
      OAUTH_GITHUB_CLIENT_ID: "gh-id",
      OAUTH_GITHUB_CLIENT_SECRET: "gh-secret",
    });
  }, 60_000); // a fresh MariaDB database takes seconds on a busy machine
  afterAll(() => t.close());

  const passwordLogin = (fields: Record<string, string>) =>
    t.request(`${AUTH}/login`, {
      method: "POST",
      headers: formHeaders,
      body: new URLSearchParams(fields).toString(),
    });

  test("password login (envelope and bare OAuth2 form), and a refused one", async () => {
    const res = await passwordLogin({ username: "admin", password: "123456" });
    expect(res.status).toBe(200);
    expect((await body(res)).data.access_token).toBeString();
    expectNotStored(res);
    const bare = await passwordLogin({ grant_type: "password", username: "admin", password: "123456" });
    expect((await bare.json()).access_token).toBeString();
    expectNotStored(bare);
    const refused = await passwordLogin({ username: "admin", password: "wrong-password" });
    expect(refused.status).toBe(400);
    expectNotStored(refused);
  });

  test("refresh", async () => {
    const login = await body(await passwordLogin({ username: "admin", password: "123456" }));
    const res = await t.request(`${AUTH}/token/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: login.data.refresh_token }),
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data.access_token).toBeString();
    expectNotStored(res);
  });

  test("auto-login: the one-time token and the pair it buys", async () => {
    const users = await body(await t.request(`${AUTH}/auto-login/users`));
    const tokenRes = await t.request(`${AUTH}/auto-login/token?user_id=${users.data[0].id}`, {
      method: "POST",
    });
    expect(tokenRes.status).toBe(200);
    expectNotStored(tokenRes);
    const { token } = (await body(tokenRes)).data;
    const res = await t.request(`${AUTH}/auto-login?token=${token}`, { method: "POST" });
    expect(res.status).toBe(200);
    expect((await body(res)).data.access_token).toBeString();
    expectNotStored(res);
  });

  test("the OAuth callback redirect carrying the pair (and the start that sets the state cookie)", async () => {
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ github_login: "77" }).where(eq(sys_user.username, "user"));
    const start = await t.request(
      `${AUTH}/oauth/github/login?redirect_uri=${encodeURIComponent("http://localhost:5180/login")}`,
    );
    expectNotStored(start);
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const spy = spyOn(globalThis, "fetch").mockImplementation((async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith("https://github.com/")) return Response.json({ access_token: "gho_x" });
      return Response.json({ id: 77, login: "u" });
    }) as typeof fetch);
    try {
      const res = await t.request(`${AUTH}/oauth/github/callback?code=c&state=${state}`, {
        headers: { Cookie: `oauth_state=${state}` },
      });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toContain("access_token=");
      expectNotStored(res);
    } finally {
      spy.mockRestore();
    }
  });
});
