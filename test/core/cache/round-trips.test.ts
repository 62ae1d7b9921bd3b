import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "@/app";
import type { Cache } from "@/core/cache/cache";
import { createTestApp, type TestApp } from "../../support/app";

/*
 * Round trips, not just calls: at the edge every cache call is a network hop. A recorder in
 * front of the real cache delays each call a little and numbers the "rounds" (a call that starts
 * while no other is in flight opens a new one), so calls that overlap share a round.
 */

interface Call {
  round: number;
  name: string;
  keys: string[];
}

function recording(cache: Cache) {
  const calls: Call[] = [];
  let inFlight = 0;
  let round = 0;
  const wrapped = { ...cache } as Record<string, unknown>;
  for (const name of [
    "get",
    "set",
    "del",
    "incr",
    "compareAndSet",
    "expire",
    "ttl",
    "keys",
    "lock",
    "pipeline",
  ]) {
    const method = (cache as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
    wrapped[name] = async (...args: unknown[]) => {
      if (inFlight === 0) round++;
      inFlight++;
      const first = args[0];
      const keys = Array.isArray(first)
        ? first.map((o) => (o as { key: string }).key)
        : name === "del"
          ? (args as string[])
          : [String(first)];
      calls.push({ round, name, keys });
      try {
        // long enough that work started beside a call (a token's HMAC check, on a loaded CI
        // machine) still overlaps it, as it does a network hop at the edge
        await Bun.sleep(20);
        return await method.apply(cache, args);
      } finally {
        inFlight--;
      }
    };
  }
  return {
    cache: wrapped as unknown as Cache,
    calls,
    reset() {
      calls.length = 0;
      round = 0;
    },
  };
}

let t: TestApp;
let rec: ReturnType<typeof recording>;
let request: (path: string, init?: RequestInit) => Promise<Response>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  t = await createTestApp({ CAPTCHA_ENABLE: "false" });
  rec = recording(t.deps.cache);
  t.deps.db.totals.useCache(rec.cache); // the list totals' change tokens too
  app = createApp({ ...t.deps, cache: rec.cache });
  // not a loopback peer: the general API rate limit counts it
  request = async (path, init) => app.request(`/api/v1${path}`, init, { clientIp: "10.9.8.7" });
});

afterAll(async () => {
  await t?.close();
});

const login = async () => {
  const res = await request("/system/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "username=admin&password=123456",
  });
  return ((await res.json()) as { data: { access_token: string } }).data.access_token;
};

describe("cache round trips", () => {
  test("an authenticated request reads session and principal in one pipeline, beside the rate limit", async () => {
    const token = await login();
    const headers = { Authorization: `Bearer ${token}` };
    expect((await request("/system/user/list?page_no=1&page_size=10", { headers })).status).toBe(200);
    rec.reset();
    expect((await request("/system/user/list?page_no=1&page_size=10", { headers })).status).toBe(200);

    const auth = rec.calls.filter((c) => c.keys.some((k) => k.startsWith("session:")));
    expect(auth).toHaveLength(1);
    expect(auth[0].name).toBe("pipeline");
    expect(auth[0].keys.map((k) => k.split(":")[0]).sort()).toEqual(["principal", "session"]);
    // started with the rate limit's counter, before anything after that middleware
    const rate = rec.calls.find((c) => c.keys.some((k) => k.startsWith("rate:ip:")));
    expect(rate?.round).toBe(1);
    expect(auth[0].round).toBe(1);
    expect(rec.calls.filter((c) => c.round === 1).map((c) => c.name)).toEqual(
      expect.arrayContaining(["incr", "pipeline"]),
    );
    // then, beside the page's database round trip, the user table's change token (its total is
    // remembered): one read
    const tokens = rec.calls.filter((c) => c.keys.some((k) => k.startsWith("db:written:")));
    expect(tokens.map((c) => [c.round, c.name, c.keys])).toEqual([[2, "pipeline", ["db:written:sys_user"]]]);
  });

  test("a request without a token reads no session", async () => {
    rec.reset();
    expect((await request("/system/user/list?page_no=1&page_size=10")).status).toBe(401);
    expect(rec.calls.some((c) => c.keys.some((k) => k.startsWith("session:")))).toBe(false);
  });

  test("a forged token is refused by the guard, and the early read does not leak an unhandled rejection", async () => {
    const headers = { Authorization: "Bearer not-a-token" };
    expect((await request("/system/user/list?page_no=1&page_size=10", { headers })).status).toBe(401);
    // a public route with the same header answers normally
    expect((await request("/common/health/", { headers })).status).toBe(200);
  });

  test("a login answers after five cache round trips: the API limit, then four of its own", async () => {
    const kept: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => kept.push(p), passThroughOnException() {}, props: {} };
    const post = () =>
      app.request(
        "/api/v1/system/auth/login",
        {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "username=admin&password=123456",
        },
        { clientIp: "10.9.8.7" },
        ctx,
      );
    expect((await post()).status).toBe(200); // the demo-mode parameters are cached
    await Promise.all(kept.splice(0));
    rec.reset();
    expect((await post()).status).toBe(200);
    // The session cap's scan and the new change tokens of the two writes (`last_login`, the log
    // row) were handed to the execution context; the scan, handed over last, is still running.
    expect(kept).toHaveLength(3);
    let trimmed = false;
    kept[2].then(() => {
      trimmed = true;
    });
    await Promise.resolve();
    expect(trimmed).toBe(false);
    await Promise.all(kept);
    expect(trimmed).toBe(true);

    const scan = rec.calls.filter((c) => c.name === "keys");
    const tokens = rec.calls.filter((c) => c.keys.some((k) => k.startsWith("db:written:")));
    const answered = rec.calls.filter((c) => c.name !== "keys" && !tokens.includes(c));
    const user = answered.find((c) => c.keys[0]?.startsWith("login:u"))?.keys[0].split(":")[1];
    const shape = (round: number) =>
      answered.filter((c) => c.round === round).map((c) => [c.name, c.keys.map((k) => k.split(":")[0])]);

    expect(Math.max(...answered.map((c) => c.round))).toBe(5);
    // the general API limit (the bench's loopback client skips it)
    expect(shape(1)).toEqual([["incr", ["rate"]]]);
    // the demo-mode guard's four parameters in one pipeline, beside the login's IP limit
    expect(shape(2)).toEqual([
      ["pipeline", Array(4).fill("system_config")],
      ["incr", ["rate"]],
    ]);
    expect(answered.find((c) => c.round === 2 && c.name === "incr")?.keys[0]).toStartWith("rate:login:");
    // the source's level, count and lock, one snapshot
    expect(answered.filter((c) => c.round === 3).map((c) => [c.name, c.keys])).toEqual([
      [
        "pipeline",
        [`login:${user}:src:10.9.8.7:level`, ...Array(2).fill(`login:${user}:src:10.9.8.7:tries`)],
      ],
    ]);
    // then the account's count: only an attempt within the source's budget may count there
    expect(answered.filter((c) => c.round === 4).map((c) => [c.name, c.keys])).toEqual([
      ["pipeline", [`login:${user}:tries`, `login:${user}:tries`]],
    ]);
    // after the password: the clean-up and the new session together
    expect(shape(5)).toEqual([["pipeline", ["login", "login", "session"]]]);
    // and after the answer, the scan of the user's sessions and the change tokens
    // (they overlap the last round, or follow it)
    expect(scan.map((c) => c.keys)).toEqual([[`session:${user?.slice(1)}:`]]);
    expect(scan[0].round).toBeGreaterThanOrEqual(5);
    expect(tokens.map((c) => c.keys).sort()).toEqual([["db:written:sys_log"], ["db:written:sys_user"]]);
    expect(tokens.every((c) => c.round >= 5 && c.name === "pipeline")).toBe(true);
  });
});
