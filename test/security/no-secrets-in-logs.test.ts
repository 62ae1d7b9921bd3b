import { afterAll, afterEach, beforeAll, describe, expect, setDefaultTimeout, spyOn, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createLogger } from "@/core/log/logger";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser, type ScopedUser } from "../support/auth";

// Argon2 hashing and a fresh MariaDB database per app are slow on a busy 2-core machine.
setDefaultTimeout(30_000);

/*
 * Rule: no secret is ever stored in a sys_log row or written to a JSON log line, in either
 * direction. Every route that takes or hands out a password, a token, a captcha answer, a
 * recovery code or a client secret is called for real; then every column of every sys_log row
 * and every line the app's logger wrote are searched for each secret.
 */

const API = "/api/v1";
const SPA = "http://localhost:5180/login";
const rand = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);
/** A password no policy refuses and no log could contain by chance. */
const secretPassword = (label: string) => `Pw-${label}-${rand()}`;

let t: TestApp;
const lines: string[] = [];
let admin: ReturnType<typeof client>;
let loginUser: ScopedUser;
let loginPassword: string;

beforeAll(async () => {
  t = await createTestApp(
    {
      CAPTCHA_ENABLE: "true",
      AUTO_LOGIN_ENABLE: "true",
      REGISTER_ENABLE: "true",
      FORGET_PASSWORD_ENABLE: "true",
      RECOVERY_SENDER: "webhook",
      RECOVERY_WEBHOOK_URL: "http://127.0.0.1:9/recovery",
      OAUTH_GITHUB_CLIENT_ID: "gh-id",
      OAUTH_GITHUB_CLIENT_SECRET: `gh-client-secret-${rand()}`,
      OAUTH_REGISTER_ENABLE: "true",
    },
    // The app's logger writes to a sink we read: what would reach stdout or a log file.
    { logger: createLogger("debug", [(line) => lines.push(line)]) },
  );
  admin = client(t, await authHeaders(t, "admin"));
  loginUser = await createScopedUser(t, { permissions: [] });
  loginPassword = secretPassword("login");
  await setPassword(loginUser.username, loginPassword);
}, 30_000);
afterAll(() => t.close());

let fetchSpy: { mockRestore(): void } | undefined;
afterEach(() => {
  fetchSpy?.mockRestore();
  fetchSpy = undefined;
});

async function setPassword(username: string, plain: string) {
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(plain) })
    .where(eq(sys_user.username, username));
}

/** Every sys_log row, every column, as text. */
async function logRows(): Promise<string[]> {
  const rows = await t.deps.db.orm.select().from(t.deps.db.t.sys_log);
  return rows.map((r) => JSON.stringify(r));
}

/** Rows whose path is `path` (the route did leave an audit row: the search below means something). */
async function rowsFor(path: string) {
  const { sys_log } = t.deps.db.t;
  return t.deps.db.orm
    .select()
    .from(sys_log)
    .where(eq(sys_log.request_path, `${API}${path}`));
}

/**
 * None of `secrets` (nor, for a JWT, its payload or signature alone) is in any sys_log row or
 * any log line.
 */
async function expectNotLogged(secrets: Record<string, string>) {
  const rows = await logRows();
  const needles: [string, string][] = [];
  for (const [what, secret] of Object.entries(secrets)) {
    expect(secret.length).toBeGreaterThanOrEqual(8); // a short one could match by chance
    needles.push([what, secret]);
    const parts = secret.split(".");
    if (parts.length === 3) {
      needles.push([`${what} (payload)`, parts[1]], [`${what} (signature)`, parts[2]]);
    }
  }
  const found: string[] = [];
  for (const [what, needle] of needles) {
    if (rows.some((r) => r.includes(needle))) found.push(`${what} in sys_log`);
    if (lines.some((l) => l.includes(needle))) found.push(`${what} in the JSON log`);
  }
  expect(found).toEqual([]);
}

const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };

/** A captcha as the SPA gets it, and its answer as only the server knows it. */
async function captcha(): Promise<{ key: string; answer: string; image: string }> {
  const res = await t.request(`${API}/system/auth/captcha/get`);
  const { data } = await body(res);
  expect(data.enable).toBe(true);
  const answer = await t.deps.cache.get(`captcha_codes:${data.key}`);
  expect(answer).not.toBeNull();
  return { key: data.key, answer: answer!, image: data.img_base };
}

async function formLogin(fields: Record<string, string>, multipart = false) {
  const c = await captcha();
  const all = { captcha_key: c.key, captcha: c.answer, ...fields };
  if (multipart) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(all)) fd.append(k, v);
    return { res: await t.request(`${API}/system/auth/login`, { method: "POST", body: fd }), captcha: c };
  }
  const res = await t.request(`${API}/system/auth/login`, {
    method: "POST",
    headers: formHeaders,
    body: new URLSearchParams(all).toString(),
  });
  return { res, captcha: c };
}

/** A fresh token pair for the login user, through the real login form. */
async function signIn(): Promise<{ access_token: string; refresh_token: string }> {
  const { res } = await formLogin({ username: loginUser.username, password: loginPassword });
  expect(res.status).toBe(200);
  return (await body(res)).data;
}

/** The captcha answer never appears as a logged field value (it is a short number). */
function expectCaptchaAnswerNotLogged(answer: string, rows: string[]) {
  const asField = new RegExp(`captcha\\\\?"?\\s*[:=]\\s*\\\\?"?${answer}(?!\\d)`);
  for (const text of [...rows, ...lines]) expect(text).not.toMatch(asField);
}

describe("login", () => {
  test("urlencoded and multipart forms: password, captcha answer and issued tokens are not logged", async () => {
    for (const multipart of [false, true]) {
      const { res, captcha: c } = await formLogin(
        { username: loginUser.username, password: loginPassword },
        multipart,
      );
      expect(res.status).toBe(200);
      const pair = (await body(res)).data;
      expect((await rowsFor("/system/auth/login")).length).toBeGreaterThan(0);
      await expectNotLogged({
        password: loginPassword,
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
        "captcha image": c.image.slice(-60),
      });
      expectCaptchaAnswerNotLogged(c.answer, await logRows());
    }
  });

  test("OAuth2 password form (bare token object, client_secret) is not logged", async () => {
    const clientSecret = `client-secret-${rand()}`;
    const { res } = await formLogin({
      username: loginUser.username,
      password: loginPassword,
      grant_type: "password",
      client_id: "swagger",
      client_secret: clientSecret,
    });
    expect(res.status).toBe(200);
    const pair = (await res.json()) as { access_token: string; refresh_token: string };
    expect(pair.access_token.split(".")).toHaveLength(3);
    await expectNotLogged({
      password: loginPassword,
      client_secret: clientSecret,
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
    });
  });

  test("a refused login (wrong password, wrong captcha) and a JSON login the route refuses are not logged", async () => {
    const wrong = secretPassword("wrong");
    const wrongCaptcha = `captcha-guess-${rand()}`;
    const { res: refused } = await formLogin({ username: loginUser.username, password: wrong });
    expect(refused.status).toBe(400);
    const { res: badCaptcha } = await formLogin({
      username: loginUser.username,
      password: loginPassword,
      captcha: wrongCaptcha,
    });
    expect(badCaptcha.status).toBe(400);
    // A JSON body is not a form: refused at validation, so the operation log records it itself.
    const c = await captcha();
    const jsonPassword = secretPassword("json");
    const json = await t.request(`${API}/system/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        username: loginUser.username,
        password: jsonPassword,
        captcha_key: c.key,
        captcha: c.answer,
      }),
    });
    expect(json.status).toBeGreaterThanOrEqual(400);
    expect((await rowsFor("/system/auth/login")).some((r) => r.status === "1")).toBe(true);
    await expectNotLogged({ wrong, wrongCaptcha, jsonPassword });
    expectCaptchaAnswerNotLogged(c.answer, await logRows());
  });
});

describe("tokens", () => {
  test("refresh: neither the refresh token sent nor the pair issued is logged", async () => {
    const pair = await signIn();
    const res = await t.request(`${API}/system/auth/token/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: pair.refresh_token }),
    });
    expect(res.status).toBe(200);
    const next = (await body(res)).data;
    const [row] = await rowsFor("/system/auth/token/refresh");
    expect(row).toBeDefined();
    expect(row.response_json).toBeNull(); // a body carrying tokens is not kept at all
    await expectNotLogged({
      sent: pair.refresh_token,
      access_token: next.access_token,
      refresh_token: next.refresh_token,
    });
  });

  test("logout: the token in the body and the Authorization header are not logged", async () => {
    const pair = await signIn();
    const res = await t.request(`${API}/system/auth/logout`, {
      method: "POST",
      headers: { Authorization: `Bearer ${pair.access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ token: pair.access_token }),
    });
    expect(res.status).toBe(200);
    expect((await rowsFor("/system/auth/logout")).length).toBeGreaterThan(0);
    await expectNotLogged({ access_token: pair.access_token, refresh_token: pair.refresh_token });
  });

  test("auto-login: the one-time token and the pair it buys are not logged", async () => {
    const issued = await t.request(`${API}/system/auth/auto-login/token?user_id=${loginUser.id}`, {
      method: "POST",
    });
    expect(issued.status).toBe(200);
    const { token } = (await body(issued)).data;
    const res = await t.request(`${API}/system/auth/auto-login?token=${encodeURIComponent(token)}`, {
      method: "POST",
    });
    expect(res.status).toBe(200);
    const pair = (await body(res)).data;
    expect((await rowsFor("/system/auth/auto-login/token")).length).toBeGreaterThan(0);
    await expectNotLogged({
      "one-time token": token,
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
    });
  });

  test("OAuth callback: the provider's token, our pair and the client secret are not logged", async () => {
    const providerToken = `gho_${rand()}`;
    const externalId = String(Date.now() % 1_000_000);
    await t.deps.db.orm
      .update(t.deps.db.t.sys_user)
      .set({ github_login: externalId })
      .where(eq(t.deps.db.t.sys_user.id, loginUser.id));
    const start = await t.request(
      `${API}/system/auth/oauth/github/login?redirect_uri=${encodeURIComponent(SPA)}`,
    );
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    expect(state).toBeTruthy();
    fetchSpy = spyOn(globalThis, "fetch").mockImplementation((async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith("https://github.com/login/oauth/access_token"))
        return Response.json({ access_token: providerToken });
      if (url.startsWith("https://api.github.com/user"))
        return Response.json({ id: Number(externalId), login: "octo", name: "Octo" });
      return new Response("unexpected", { status: 500 });
    }) as typeof fetch);
    const code = `code-${rand()}`;
    const res = await t.request(`${API}/system/auth/oauth/github/callback?code=${code}&state=${state}`, {
      headers: { Cookie: `oauth_state=${state}` },
    });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    const access = /access_token=([^&#]+)/.exec(location)?.[1];
    const refresh = /refresh_token=([^&#]+)/.exec(location)?.[1];
    expect(access?.split(".")).toHaveLength(3);
    await expectNotLogged({
      "authorization code": code,
      state,
      "provider token": providerToken,
      access_token: decodeURIComponent(access!),
      refresh_token: decodeURIComponent(refresh!),
      "client secret": t.deps.settings.OAUTH_GITHUB_CLIENT_SECRET,
    });
  });
});

describe("passwords", () => {
  test("register, change, admin reset and create: the passwords sent are not logged", async () => {
    const registered = secretPassword("register");
    const username = `reg${rand().slice(0, 8)}`;
    const reg = await client(t).post("/system/user/register", { username, password: registered });
    expect(reg.status).toBe(200);

    const previous = loginPassword;
    const changed = secretPassword("changed");
    const own = client(t, { Authorization: `Bearer ${(await signIn()).access_token}` });
    const change = await own.put("/system/user/current/password/change", {
      old_password: previous,
      new_password: changed,
    });
    expect(change.status).toBe(200);
    loginPassword = changed;

    const reset = secretPassword("reset");
    const target = await createScopedUser(t, { permissions: [] });
    expect((await admin.put("/system/user/reset/password", { id: target.id, password: reset })).status).toBe(
      200,
    );

    const created = secretPassword("created");
    const create = await admin.post("/system/user/create", {
      username: `new${rand().slice(0, 8)}`,
      password: created,
      name: "新用户",
    });
    expect(create.status).toBe(200);

    for (const path of [
      "/system/user/register",
      "/system/user/current/password/change",
      "/system/user/reset/password",
      "/system/user/create",
    ])
      expect((await rowsFor(path)).length).toBeGreaterThan(0);
    await expectNotLogged({ registered, previous, changed, reset, created });
  });

  test("forgotten password: the new password and the recovery code are not logged", async () => {
    const mobile = `139${String(Date.now()).slice(-8)}`;
    await t.deps.db.orm
      .update(t.deps.db.t.sys_user)
      .set({ mobile })
      .where(eq(t.deps.db.t.sys_user.id, loginUser.id));
    const sent: string[] = [];
    fetchSpy = spyOn(globalThis, "fetch").mockImplementation((async (_input: RequestInfo | URL, init) => {
      sent.push(String(init?.body ?? ""));
      return new Response(null, { status: 204 });
    }) as typeof fetch);
    const requested = secretPassword("forget");
    const step1 = await client(t).post("/system/user/forget/password", {
      username: loginUser.username,
      mobile,
      new_password: requested,
    });
    expect(step1.status).toBeLessThan(500);
    await Bun.sleep(50); // delivery runs in the background
    const code = sent.map((s) => /"code"\s*:\s*"([^"]+)"/.exec(s)?.[1]).find(Boolean) ?? `00${rand()}`;
    const next = secretPassword("recovered");
    const step2 = await client(t).post("/system/user/forget/password/reset", {
      username: loginUser.username,
      captcha: code,
      new_password: next,
    });
    expect(step2.status).toBeLessThan(500);
    if (step2.status === 200) loginPassword = next;
    expect((await rowsFor("/system/user/forget/password")).length).toBeGreaterThan(0);
    const secrets: Record<string, string> = { requested, next };
    if (code.length >= 8) secrets["recovery code"] = code;
    await expectNotLogged(secrets);
  });
});

describe("cache monitor", () => {
  test("the value view masks session and captcha secrets, and viewing or deleting them logs none", async () => {
    const pair = await signIn();
    const c = await captcha();
    const sessionKeys = (await body(await admin.get("/monitor/cache/get/keys/session"))).data as string[];
    expect(sessionKeys.length).toBeGreaterThan(0);
    for (const key of sessionKeys) {
      const view = await admin.get(`/monitor/cache/get/value/session/${encodeURIComponent(key)}`);
      const value = String((await body(view)).data.cache_value);
      expect(value).not.toContain("refresh_id");
      expect(value).not.toContain(pair.refresh_token);
    }
    const captchaView = await admin.get(`/monitor/cache/get/value/captcha_codes/${c.key}`);
    expect((await body(captchaView)).data.cache_value).toBe("******");

    const issued = await t.request(`${API}/system/auth/auto-login/token?user_id=${loginUser.id}`, {
      method: "POST",
    });
    const { token } = (await body(issued)).data;
    const shown = (await body(await admin.get("/monitor/cache/get/keys/auto_login"))).data as string[];
    expect(shown.join()).not.toContain(token);
    for (const key of shown) await admin.delete(`/monitor/cache/delete/key/${encodeURIComponent(key)}`);
    expect(await t.deps.cache.get(`auto_login:${token}`)).toBeNull();
    await expectNotLogged({ "auto-login token": token, refresh_token: pair.refresh_token });
    expectCaptchaAnswerNotLogged(c.answer, await logRows());
  });
});

describe("item 1: a user who may only read logs", () => {
  test("finds no token in the login log, and so cannot become the admin", async () => {
    // The admin signs in and refreshes, as the SPA does every half hour.
    const adminPassword = secretPassword("admin");
    await setPassword("admin", adminPassword);
    const c = await captcha();
    const login = await t.request(`${API}/system/auth/login`, {
      method: "POST",
      headers: formHeaders,
      body: new URLSearchParams({
        username: "admin",
        password: adminPassword,
        captcha_key: c.key,
        captcha: c.answer,
      }).toString(),
    });
    expect(login.status).toBe(200);
    const first = (await body(login)).data;
    const refreshed = await t.request(`${API}/system/auth/token/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: first.refresh_token }),
    });
    expect(refreshed.status).toBe(200);
    const adminPair = (await body(refreshed)).data;

    // The reader: log query + detail, all-data scope, nothing else.
    const reader = await createScopedUser(t, {
      permissions: ["module_system:log:query", "module_system:log:detail"],
      dataScope: 4,
    });
    const asReader = client(t, reader.headers);
    const list = await asReader.get("/system/log/list?type=1&page_size=100");
    expect(list.status).toBe(200);
    const items = (await body(list)).data.items as { id: number }[];
    expect(items.length).toBeGreaterThan(0);
    let seen = JSON.stringify(items);
    for (const item of items)
      seen += JSON.stringify((await body(await asReader.get(`/system/log/detail/${item.id}`))).data);

    expect(seen).not.toContain(adminPair.refresh_token);
    expect(seen).not.toContain(adminPair.access_token);
    // Whatever looks like a token in what the reader saw buys nothing.
    const candidates = new Set(seen.match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g) ?? []);
    for (const candidate of candidates) {
      const attempt = await t.request(`${API}/system/auth/token/refresh`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: candidate }),
      });
      expect(attempt.status).toBe(401);
    }
    // The admin's own refresh token still works: the reader did not use it up.
    const again = await t.request(`${API}/system/auth/token/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: adminPair.refresh_token }),
    });
    expect(again.status).toBe(200);
    await expectNotLogged({
      adminPassword,
      access_token: adminPair.access_token,
      refresh_token: adminPair.refresh_token,
    });
  });
});

describe("rows stored by FastapiAdmin", () => {
  test("a clear password and tokens in old rows are served redacted by list, detail and export", async () => {
    const oldPassword = `old-clear-${rand()}`;
    const oldToken = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIke3JhbmR9In0.${rand()}${rand()}`;
    const { sys_log } = t.deps.db.t;
    const inserted = await t.deps.db.orm.insert(sys_log).values({
      type: 1,
      request_path: "/api/v1/system/auth/login",
      request_method: "POST",
      // FastapiAdmin's form payload: "key: value" lines, the password in clear
      request_payload: `username: admin\npassword: ${oldPassword}\nlogin_type: PC端`,
      request_ip: "127.0.0.1",
      response_code: 200,
      response_json: JSON.stringify({
        code: 0,
        msg: "登录成功",
        data: { access_token: oldToken, refresh_token: oldToken, token_type: "bearer", expires_in: 1800 },
      }),
      process_time: "0.40s",
      description: "登录",
      status: "0",
    });
    const id = t.deps.db.insertId(inserted);
    const reader = client(
      t,
      (
        await createScopedUser(t, {
          permissions: ["module_system:log:query", "module_system:log:detail", "module_system:log:export"],
          dataScope: 4,
        })
      ).headers,
    );

    const list = await body(await reader.get("/system/log/list?type=1&page_size=100"));
    const listed = list.data.items.find((r: { id: number }) => r.id === id);
    expect(listed).toBeDefined();
    const detail = (await body(await reader.get(`/system/log/detail/${id}`))).data;
    for (const row of [listed, detail]) {
      expect(row.request_payload).toBe("username: admin\npassword: ******\nlogin_type: PC端");
      expect(JSON.parse(row.response_json).data).toMatchObject({
        access_token: "******",
        refresh_token: "******",
        expires_in: 1800,
      });
    }

    const exported = await reader.post("/system/log/export", { type: 1 });
    expect(exported.status).toBe(200);
    const ExcelJS = (await import("exceljs")).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await exported.arrayBuffer());
    let cells = "";
    book.worksheets[0].eachRow((row) => {
      cells += `${JSON.stringify(row.values)}\n`;
    });
    expect(cells).toContain("password: ******");
    for (const served of [JSON.stringify(listed), JSON.stringify(detail), cells]) {
      expect(served).not.toContain(oldPassword);
      expect(served).not.toContain(oldToken.split(".")[2]);
    }
  });
});
