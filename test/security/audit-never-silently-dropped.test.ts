import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { desc } from "drizzle-orm";
import { createApp } from "@/app";
import type { Cache } from "@/core/cache/cache";
import { createMemoryCache } from "@/core/cache/memory";
import { createLogger } from "@/core/log/logger";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client } from "../support/auth";

// Argon2 hashing and a fresh MariaDB database per app are slow on a busy 2-core machine.
setDefaultTimeout(30_000);

/*
 * Rule: a write never goes unaudited without anyone knowing. Whatever a request carries (a path
 * padded to hundreds of characters, 4-byte characters, a long method or user agent), its sys_log
 * row fits the columns on both dialects; and when the insert fails all the same, an error line is
 * logged and a cluster-wide counter (the cache) shown by the server monitor goes up.
 */

const API = "/api/v1";
const notice = (title: string) => ({
  notice_title: title,
  notice_type: "1",
  notice_content: "<p>审计</p>",
  status: "0",
  description: "审计测试",
});

/** sys_log columns as MySQL counts them: VARCHAR(n) in characters (code points). */
const LIMITS: Record<string, number> = {
  request_path: 255,
  request_method: 10,
  request_ip: 50,
  login_location: 255,
  request_os: 64,
  request_browser: 64,
  process_time: 20,
};
const chars = (s: string) => Array.from(s).length;

describe("long values still leave an audit row", () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let headers: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    headers = await authHeaders(t, "admin");
    admin = client(t, headers);
  }, 30_000);
  afterAll(() => t.close());

  async function newestRow() {
    const { sys_log } = t.deps.db.t;
    const [row] = await t.deps.db.orm.select().from(sys_log).orderBy(desc(sys_log.id)).limit(1);
    return row;
  }

  function expectFits(row: Record<string, unknown>) {
    for (const [column, max] of Object.entries(LIMITS)) {
      const value = row[column];
      if (typeof value === "string")
        expect({ column, chars: chars(value) <= max }).toEqual({ column, chars: true });
    }
  }

  test("a write through an id padded with 300 zeros runs and is audited, the path cut to the column", async () => {
    const created = await body(await admin.post("/system/notice/create", notice("审计前")));
    expect(created.code).toBe(0);
    const id = created.data.id as number;
    const padded = `${"0".repeat(300)}${id}`;
    const res = await admin.put(`/system/notice/update/${padded}`, notice("审计后"));
    expect(res.status).toBe(200);
    expect((await body(res)).data.notice_title).toBe("审计后"); // the write did run

    const row = await newestRow();
    expect(row).toMatchObject({ request_method: "PUT", response_code: 200, description: "修改公告" });
    expect(row.request_path.startsWith(`${API}/system/notice/update/000`)).toBe(true);
    expect(chars(row.request_path)).toBeLessThanOrEqual(255);
    expect(row.request_path).toMatch(/…\(\d+ more\)$/); // says it was cut
    expect(JSON.parse(String(row.request_payload)).path_params.id).toBe(padded);
    expectFits(row);
  });

  test("a path of 4-byte characters is cut on a character boundary", async () => {
    const res = await t.request(`${API}/system/${encodeURIComponent("😀".repeat(300))}`, {
      method: "POST",
      headers,
    });
    expect(res.status).toBe(404);
    const row = await newestRow();
    expect(row.response_code).toBe(404);
    expect(row.request_path).toContain("😀"); // stored decoded: 4 bytes each in UTF-8
    expect(chars(row.request_path)).toBeLessThanOrEqual(255);
    expect(row.request_path).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half pair
    expectFits(row);
  });

  test("a long user agent and forwarded address still fit", async () => {
    const res = await t.request(`${API}/system/notice/create`, {
      method: "POST",
      headers: {
        ...headers,
        "Content-Type": "application/json",
        "User-Agent": `Mozilla/5.0 (Windows NT 10.0; ${"X".repeat(500)}) Chrome/${"9".repeat(300)}`,
        "X-Forwarded-For": Array.from({ length: 40 }, (_, i) => `10.0.0.${i}`).join(", "),
      },
      body: JSON.stringify(notice(`长UA${"字".repeat(40)}`)),
    });
    expect(res.status).toBeLessThan(500);
    const row = await newestRow();
    expect(row.request_path).toBe(`${API}/system/notice/create`);
    expectFits(row);
  });

  test("nothing was lost on the way", async () => {
    const info = await body(await admin.get("/monitor/server/info"));
    expect(info.data.audit).toEqual({ failed_writes: 0 });
  });
});

describe("an insert that fails all the same is never silent", () => {
  let t: TestApp;
  const lines: string[] = [];
  let admin: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await createTestApp({}, { logger: createLogger("debug", [(line) => lines.push(line)]) });
    admin = client(t, await authHeaders(t, "admin"));
    // the audit table is gone: every sys_log insert from now on fails
    await t.deps.db.raw.run("DROP TABLE sys_log");
  }, 30_000);
  afterAll(() => t.close());

  const errorLines = () =>
    lines.map((l) => JSON.parse(l)).filter((l) => l.level === "error" && /sys_log/.test(String(l.msg)));

  test("each lost row is logged as an error with its request and counted in the server monitor", async () => {
    const before = await body(await admin.get("/monitor/server/info"));
    expect(before.data.audit).toEqual({ failed_writes: 0 });

    const first = await admin.post("/system/notice/create", notice("无审计一"));
    expect(first.status).toBe(200); // the write itself is not refused
    const second = await admin.post("/system/notice/create", notice("无审计二"));
    expect(second.status).toBe(200);

    const errors = errorLines();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ method: "POST", path: `${API}/system/notice/create`, status: 200 });
    expect(errors[0].request_id).toBe(first.headers.get("x-request-id"));
    expect(errors[0].err.message).toBeTruthy();

    const after = await body(await admin.get("/monitor/server/info"));
    expect(after.data.audit).toEqual({ failed_writes: 2 });
  });

  test("the count lives in the cache: another instance on the same cache sees it, one on another does not", async () => {
    // Two more instances of the app on the same database, as a cluster would run them.
    const instance = (cache: Cache): TestApp => {
      const deps = { ...t.deps, cache };
      const app = createApp(deps);
      return { ...t, app, deps, request: (path, init) => Promise.resolve(app.request(path, init)) };
    };
    const otherCache = createMemoryCache();
    try {
      const sibling = instance(t.deps.cache);
      const seen = await body(
        await client(sibling, await authHeaders(sibling, "admin")).get("/monitor/server/info"),
      );
      expect(seen.data.audit.failed_writes).toBe(2);
      const stranger = instance(otherCache);
      const elsewhere = await body(
        await client(stranger, await authHeaders(stranger, "admin")).get("/monitor/server/info"),
      );
      expect(elsewhere.data.audit.failed_writes).toBe(0);
    } finally {
      await otherCache.close();
    }
  });
});
