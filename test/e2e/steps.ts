/**
 * The end-to-end walk, run in order against every runtime. Adding a request is adding an entry
 * to `steps`.
 */
import { expect } from "bun:test";
import { eq, like } from "drizzle-orm";
import createClient, { type Client } from "openapi-fetch";
import { formatDateTime } from "@/core/http/datetime";
import type { paths } from "./support/api-types";
import type { E2ERuntime } from "./support/runtimes";

/** The seed's demo password (bcrypt `$2b$12$` hashes outside production). */
const SEED_PASSWORD = "123456";

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any;
}

/** The typed client (openapi-fetch over the generated `paths`): a wrong path or body is a type error. */
export type ApiClient = Client<paths>;

export interface E2EContext {
  rt: E2ERuntime;
  /** The typed client, sending `token` as a bearer header when given. */
  client(token?: string): ApiClient;
  /** A request to `/api/v1${path}`; `token` becomes a bearer header, `json` a JSON body. */
  api(
    method: string,
    path: string,
    opts?: { token?: string; json?: unknown; form?: FormData; raw?: boolean },
  ): Promise<Reply>;
  /** Captcha → answer (read from the cache, as only the picture shows it) → login. */
  login(username: string, password?: string): Promise<Reply>;
  /** Login that must succeed; answers the token pair. */
  tokensFor(username: string, password?: string): Promise<{ access_token: string; refresh_token: string }>;
}

export interface Step {
  name: string;
  run(ctx: E2EContext): Promise<void>;
}

export function createContext(rt: E2ERuntime): E2EContext {
  const api: E2EContext["api"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let body: BodyInit | undefined;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.form) body = opts.form;
    const res = await fetch(`${rt.baseUrl}/api/v1${path}`, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    if (!opts.raw && (res.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed };
  };

  const login: E2EContext["login"] = async (username, password = SEED_PASSWORD) => {
    const captcha = await api("GET", "/system/auth/captcha/get");
    expect(captcha.status).toBe(200);
    const answer = await rt.cache.get(`captcha_codes:${captcha.body.data.key}`);
    expect(answer).not.toBeNull();
    const form = new FormData();
    form.set("username", username);
    form.set("password", password);
    form.set("captcha_key", captcha.body.data.key);
    form.set("captcha", answer ?? "");
    return api("POST", "/system/auth/login", { form });
  };

  const client: E2EContext["client"] = (token) =>
    createClient<paths>({
      baseUrl: rt.baseUrl,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      redirect: "manual",
    });

  return {
    rt,
    client,
    api,
    login,
    async tokensFor(username, password) {
      const res = await login(username, password);
      expect(res.body).toMatchObject({ code: 0, success: true });
      return res.body.data;
    },
  };
}

async function storedHash(rt: E2ERuntime, username: string): Promise<string> {
  const { sys_user } = rt.db.t;
  const [row] = await rt.db.orm
    .select({ password: sys_user.password })
    .from(sys_user)
    .where(eq(sys_user.username, username));
  return row.password;
}

/** Polls the server's log until `match` finds `count` lines (log output is asynchronous). */
async function logLines(rt: E2ERuntime, match: (line: Record<string, any>) => boolean, count: number) {
  const deadline = Date.now() + 10_000;
  let found = rt.logs().filter(match);
  while (found.length < count && Date.now() < deadline) {
    await Bun.sleep(100);
    found = rt.logs().filter(match);
  }
  return found;
}

const PNG_1X1 = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

export const steps: Step[] = [
  {
    name: "health: liveness, and readiness of the database and the cache",
    async run({ client }) {
      const live = await client().GET("/api/v1/common/health/");
      expect(live.response.status).toBe(200);
      expect(live.data).toMatchObject({ code: 0, data: true });
      const ready = await client().GET("/api/v1/common/health/ready/");
      expect(ready.response.status).toBe(200);
      expect(ready.data?.data).toEqual({ checks: { database: true, redis: true }, errors: null });
    },
  },
  {
    name: "docs: Swagger UI, ReDoc, their assets and the OpenAPI document are served",
    async run({ api }) {
      const doc = await api("GET", "/openapi.json");
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toContain("/api/v1/system/auth/login");
      for (const page of ["/docs", "/redoc"]) {
        const res = await api("GET", page);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toContain("text/html");
      }
      for (const asset of ["swagger-ui.css", "swagger-ui-bundle.js", "redoc.standalone.js"]) {
        const res = await api("GET", `/docs/assets/${asset}`, { raw: true });
        expect(res.status).toBe(200);
        expect((res.body as string).length).toBeGreaterThan(10_000);
      }
    },
  },
  {
    name: "captcha: an SVG picture and a one-time key",
    async run({ api, rt }) {
      const res = await api("GET", "/system/auth/captcha/get");
      expect(res.status).toBe(200);
      expect(res.body.data.enable).toBe(true);
      expect(res.body.data.img_base).toStartWith("data:image/svg+xml;base64,");
      expect(await rt.cache.ttl(`captcha_codes:${res.body.data.key}`)).toBeGreaterThan(0);
    },
  },
  {
    name: "login: a legacy bcrypt hash verifies and is upgraded to argon2id",
    async run({ rt, tokensFor }) {
      expect(await storedHash(rt, "admin")).toStartWith("$2b$12$");
      const tokens = await tokensFor("admin");
      expect(tokens.access_token).toBeString();
      expect(await storedHash(rt, "admin")).toStartWith("$argon2id$v=19$m=19456,t=2,p=1$");
    },
  },
  {
    name: "login: the argon2id hash verifies; a wrong password is refused",
    async run({ rt, login, tokensFor }) {
      expect(await storedHash(rt, "admin")).toStartWith("$argon2id$");
      await tokensFor("admin");
      const wrong = await login("admin", "not-the-password");
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: -1, msg: "账号或密码错误" });
    },
  },
  {
    name: "online users: the admin's session is listed",
    async run({ client, tokensFor }) {
      const { access_token } = await tokensFor("admin");
      const res = await client(access_token).GET("/api/v1/monitor/online/list", {
        params: { query: { page_no: 1, page_size: 100 } },
      });
      expect(res.response.status).toBe(200);
      expect(res.data?.code).toBe(0);
      expect(res.data?.data.items.some((s) => s.user_name === "admin")).toBe(true);
    },
  },
  {
    name: "refresh: the pair rotates; a replay within the grace window gets the same pair; older reuse ends the session",
    async run({ client, tokensFor }) {
      const first = await tokensFor("admin");
      const refresh = (refresh_token: string) =>
        client().POST("/api/v1/system/auth/token/refresh", { body: { refresh_token } });
      const online = async (token: string) =>
        (await client(token).GET("/api/v1/monitor/online/list")).response.status;
      const rotated = await refresh(first.refresh_token);
      expect(rotated.response.status).toBe(200);
      const second = rotated.data!.data;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(await online(second.access_token)).toBe(200);

      // A second tab with the same token, within REFRESH_REUSE_GRACE_SECONDS: the same new pair.
      const twin = await refresh(first.refresh_token);
      expect(twin.response.status).toBe(200);
      expect(twin.data?.data).toEqual(second);

      // Once rotated again, the first token is two rotations old: theft.
      const third = (await refresh(second.refresh_token)).data!.data;
      const reused = await refresh(first.refresh_token);
      expect(reused.response.status).toBe(401);
      expect(reused.error?.code).toBe(10401);
      // The theft response ended the session, so the newest access token is dead too.
      expect(await online(third.access_token)).toBe(401);
    },
  },
  {
    name: "logout: the session ends and its access token stops working",
    async run({ client, tokensFor }) {
      const { access_token } = await tokensFor("admin");
      const out = await client(access_token).POST("/api/v1/system/auth/logout", {
        body: { token: access_token },
      });
      expect(out.response.status).toBe(200);
      expect(out.data?.code).toBe(0);
      const after = await client(access_token).GET("/api/v1/monitor/online/list");
      expect(after.response.status).toBe(401);
      expect(after.error?.code).toBe(10401);
    },
  },
  {
    name: "permission: a user without the permission gets 403 / 10403",
    async run({ client, tokensFor }) {
      // The seeded `user` has no roles, so no permission strings.
      const { access_token } = await tokensFor("user");
      const res = await client(access_token).GET("/api/v1/monitor/online/list");
      expect(res.response.status).toBe(403);
      expect(res.error?.code).toBe(10403);
    },
  },
  {
    name: "libraries: a notice's HTML is sanitised and the session's client is named (sanitize-html, ua-parser-js)",
    async run({ client, tokensFor }) {
      const { access_token: token } = await tokensFor("admin");
      const api = client(token);
      const created = await api.POST("/api/v1/system/notice/create", {
        body: {
          notice_title: `E2E公告${Math.random().toString(36).slice(2, 8)}`,
          notice_type: "1",
          notice_content:
            '<p onclick="x()">hi <b>there</b><script>alert(1)</script></p><img src=x onerror=alert(1)>',
        },
      });
      expect(created.data).toMatchObject({ code: 0, data: { notice_content: "<p>hi <b>there</b></p>" } });
      await api.DELETE("/api/v1/system/notice/delete", { body: [created.data!.data.id] });
      // The test process's fetch says `Bun/<version>`: a client that is not a browser is named by it.
      const online = await api.GET("/api/v1/monitor/online/list", { params: { query: { page_size: 100 } } });
      expect(online.data?.data.items.some((s) => /^Bun \d/.test(s.browser ?? ""))).toBe(true);
    },
  },
  {
    name: "storage: an uploaded avatar is stored and served back",
    async run({ api, rt, tokensFor }) {
      const { access_token } = await tokensFor("admin");
      const form = new FormData();
      form.set("file", new File([PNG_1X1], "e2e.png", { type: "image/png" }));
      const up = await api("POST", "/system/user/current/avatar/upload", { token: access_token, form });
      expect(up.status).toBe(200);
      const path = new URL(up.body.data.file_url).pathname;
      const res = await fetch(`${rt.baseUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG_1X1);
    },
  },
  {
    name: "departments: create a child, read the tree, update, refuse deleting a parent, delete",
    async run({ client, tokensFor }) {
      const { access_token: token } = await tokensFor("admin");
      const api = client(token);
      const suffix = Math.random().toString(36).slice(2, 8);
      const created = await api.POST("/api/v1/system/dept/create", {
        body: { name: `E2E部门${suffix}`, code: `E2E${suffix}`, order: 5, parent_id: 1, status: "0" },
      });
      expect(created.data).toMatchObject({ code: 0, data: { parent_id: 1, code: `E2E${suffix}` } });
      const id = created.data!.data.id;
      const child = await api.POST("/api/v1/system/dept/create", {
        body: { name: `E2E子部门${suffix}`, code: `E2EC${suffix}`, order: 1, parent_id: id },
      });
      expect(child.data?.code).toBe(0);
      const tree = await api.GET("/api/v1/system/dept/tree");
      const root = tree.data?.data.find((d) => d.id === 1);
      const node = root?.children?.find((d) => d.id === id);
      expect(node?.children?.map((d) => d.id)).toEqual([child.data!.data.id]);
      const updated = await api.PUT("/api/v1/system/dept/update/{id}", {
        params: { path: { id } },
        body: { name: `E2E部门改${suffix}`, code: `E2E${suffix}`, order: 6, parent_id: 1 },
      });
      expect(updated.data).toMatchObject({ code: 0, data: { name: `E2E部门改${suffix}`, order: 6 } });
      const refused = await api.DELETE("/api/v1/system/dept/delete", { body: [id] });
      expect(refused.response.status).toBe(400);
      const gone = await api.DELETE("/api/v1/system/dept/delete", { body: [child.data!.data.id, id] });
      expect(gone.data?.code).toBe(0);
      const detail = await api.GET("/api/v1/system/dept/detail/{id}", { params: { path: { id } } });
      expect(detail.response.status).toBe(404);
    },
  },
  {
    name: "users: create with a role, log in as them, update, disable (their session ends), delete",
    async run({ client, tokensFor }) {
      const { access_token: token } = await tokensFor("admin");
      const api = client(token);
      const username = `e2e_${Math.random().toString(36).slice(2, 8)}`;
      const password = "E2e-password-1";
      const created = await api.POST("/api/v1/system/user/create", {
        body: { username, password, name: "端到端", dept_id: 1, role_ids: [1], gender: "1", status: "0" },
      });
      expect(created.data).toMatchObject({ code: 0, data: { username, dept_id: 1 } });
      const id = created.data!.data.id;
      expect(created.data!.data).not.toHaveProperty("password");
      const theirs = await tokensFor(username, password);
      const me = await client(theirs.access_token).GET("/api/v1/system/user/current/info");
      expect(me.data?.data.roles?.map((r) => r.code)).toEqual(["ADMIN"]);
      const updated = await api.PUT("/api/v1/system/user/update/{id}", {
        params: { path: { id } },
        body: { username, name: "端到端改", dept_id: 1, gender: "0" },
      });
      expect(updated.data).toMatchObject({ code: 0, data: { name: "端到端改" } });
      const listed = await api.GET("/api/v1/system/user/list", { params: { query: { username } } });
      expect(listed.data?.data.total).toBe(1);
      const off = await api.PATCH("/api/v1/system/user/available/setting", {
        body: { ids: [id], status: "1" },
      });
      expect(off.data?.code).toBe(0);
      const after = await client(theirs.access_token).GET("/api/v1/system/user/current/info");
      expect(after.response.status).toBe(401);
      expect(after.error?.code).toBe(10401);
      const deleted = await api.DELETE("/api/v1/system/user/delete", { body: [id] });
      expect(deleted.data?.code).toBe(0);
      const detail = await api.GET("/api/v1/system/user/detail/{id}", { params: { path: { id } } });
      expect(detail.response.status).toBe(404);
    },
  },
  {
    name: "server monitor: answers with what the runtime can tell, never a 500",
    async run({ client, rt, tokensFor }) {
      const { access_token: token } = await tokensFor("admin");
      const res = await client(token).GET("/api/v1/monitor/server/info");
      expect(res.response.status).toBe(200);
      expect(res.data?.code).toBe(0);
      expect(Object.keys(res.data!.data).sort()).toEqual(["audit", "cpu", "disks", "mem", "py", "sys"]);
      if (rt.name === "bun") expect(res.data!.data.cpu.cpu_num).toBeGreaterThan(0);
    },
  },
  {
    name: "scheduled: two overlapping invocations of one tick run each due job once",
    async run({ rt }) {
      // A tick the log-retention job (`17 * * * *`) is due at, years back, so the cutoff it
      // computes (tick − 180 days) falls between our rows and everything the walk logged today.
      const tick = new Date(Date.UTC(2020, 5, 1, 12, 17));
      const day = 86_400_000;
      const { sys_log } = rt.db.t;
      const row = (label: string, at: Date) => ({
        type: 2,
        request_path: "/e2e",
        request_method: "GET",
        response_code: 200,
        description: `e2e-retention:${label}`,
        created_time: formatDateTime(at),
        updated_time: formatDateTime(at),
      });
      const old = new Date(tick.getTime() - 400 * day);
      await rt.db.orm
        .insert(sys_log)
        .values([
          row("old", old),
          row("old", old),
          row("old", old),
          row("recent", new Date(tick.getTime() - day)),
        ]);

      await Promise.all([rt.tick(tick), rt.tick(tick)]);

      const ours = (l: Record<string, any>) => l.job === "log-retention" && l.tick === tick.toISOString();
      const lines = await logLines(rt, ours, 2);
      const finished = lines.filter((l) => l.msg === "job finished");
      const skipped = lines.filter((l) => l.msg.startsWith("job skipped"));
      expect(finished).toHaveLength(1);
      expect(skipped).toHaveLength(1);
      expect(finished[0].ms).toBeNumber();
      expect(finished[0].result.deleted).toBeGreaterThanOrEqual(3);

      const left = await rt.db.orm
        .select({ description: sys_log.description })
        .from(sys_log)
        .where(like(sys_log.description, "e2e-retention:%"));
      expect(left.map((r) => r.description)).toEqual(["e2e-retention:recent"]);
    },
  },
];
