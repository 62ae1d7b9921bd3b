import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSessionStore, type Session } from "@/core/auth/sessions";
import type { Cache } from "@/core/cache/cache";
import { createMemoryCache } from "@/core/cache/memory";
import { createRedisCache } from "@/core/cache/redis";
import { createUpstashCache } from "@/core/cache/upstash";
import { body, createTestApp, type TestApp } from "../support/app";
import { clearCache, redisUnavailable } from "../support/cache";
import { startUpstashProxy } from "../support/upstash-proxy";

/*
 * One refresh token rotates a session once. Concurrent refreshes with it give one new pair —
 * those within REFRESH_REUSE_GRACE_SECONDS get that very pair back (two tabs) — never several
 * distinct valid pairs; presenting it after the window is theft and ends the session.
 */

const LOGIN = "/api/v1/system/auth/login";

async function loginAdmin(t: TestApp) {
  const res = await t.request(LOGIN, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "admin", password: "123456" }).toString(),
  });
  expect(res.status).toBe(200);
  return (await body(res)).data as { access_token: string; refresh_token: string };
}

const refresh = (t: TestApp, token: string) =>
  t.request("/api/v1/system/auth/token/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: token }),
  });

const online = (t: TestApp, access: string) =>
  t.request("/api/v1/monitor/online/list", { headers: { Authorization: `Bearer ${access}` } });

describe("through the API (the test's cache: memory, or Redis with TEST_REDIS_URL)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REFRESH_REUSE_GRACE_SECONDS: "10" });
  }, 30_000);
  afterAll(() => t.close());

  test("10 parallel refreshes with one token: one new pair, handed to all of them", async () => {
    const pair = await loginAdmin(t);
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(t, pair.refresh_token)));
    const pairs = await Promise.all(
      answers.map(async (r) => ({ status: r.status, ...(await body(r)).data })),
    );
    expect(pairs.map((p) => p.status)).toEqual(Array(10).fill(200));
    expect(new Set(pairs.map((p) => p.refresh_token)).size).toBe(1);
    expect(new Set(pairs.map((p) => p.access_token)).size).toBe(1);
    const [next] = pairs;
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    // The session lives on and the one new refresh token rotates it further.
    expect((await online(t, next.access_token)).status).toBe(200);
    const after = await refresh(t, next.refresh_token);
    expect(after.status).toBe(200);
    expect((await online(t, (await body(after)).data.access_token)).status).toBe(200);
  });

  test("two tabs refreshing at once both stay logged in", async () => {
    const pair = await loginAdmin(t);
    const [a, b] = await Promise.all([refresh(t, pair.refresh_token), refresh(t, pair.refresh_token)]);
    const [pa, pb] = [(await body(a)).data, (await body(b)).data];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(pa).toEqual(pb);
    // Each tab goes on refreshing with what it got; the session survives.
    const later = await refresh(t, pb.refresh_token);
    expect(later.status).toBe(200);
    expect((await online(t, (await body(later)).data.access_token)).status).toBe(200);
  });
});

describe("reuse after the grace window", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REFRESH_REUSE_GRACE_SECONDS: "1" });
  }, 30_000);
  afterAll(() => t.close());

  test("ends the session: the rotated pair stops working too", async () => {
    const pair = await loginAdmin(t);
    const rotated = await refresh(t, pair.refresh_token);
    expect(rotated.status).toBe(200);
    const next = (await body(rotated)).data;
    // Within the window a replay is a twin, not a thief.
    expect((await body(await refresh(t, pair.refresh_token))).data).toEqual(next);
    await Bun.sleep(2100); // rotated_at is kept in whole seconds
    const replay = await refresh(t, pair.refresh_token);
    expect(replay.status).toBe(401);
    expect((await body(replay)).code).toBe(10401);
    expect(t.logger.lines.some((l) => l.msg === "refresh token reused; session ended")).toBe(true);
    expect((await online(t, next.access_token)).status).toBe(401);
    expect((await refresh(t, next.refresh_token)).status).toBe(401);
  }, 20_000);
});

/* ---------- the session store on each cache driver ---------- */

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const redisProblem = await redisUnavailable(REDIS_URL);
if (redisProblem && !process.env.CI) console.warn(`redis/upstash rotation suites skipped: ${redisProblem}`);

function rotationContract(name: string, factory: () => Promise<Cache>) {
  describe(`session rotation on the ${name} cache`, () => {
    let cache: Cache;
    let clock = Date.now();
    const now = () => clock;
    const settings = {
      SESSION_IDLE_SECONDS: 600,
      SESSION_MAX_SECONDS: 3600,
      REFRESH_REUSE_GRACE_SECONDS: 10,
    };
    beforeAll(async () => {
      cache = await factory();
    });
    afterAll(async () => {
      await clearCache(cache);
      await cache.close();
    });

    const session = (id: string): Session => ({
      session_id: id,
      user_id: 7,
      user_name: "u",
      name: "U",
      ipaddr: null,
      login_location: null,
      os: null,
      browser: null,
      login_time: null,
      login_type: null,
      created_at: clock,
      last_seen: clock,
      refresh_id: "r0",
    });

    test("10 concurrent rotations with one id: one rotates, the rest replay its result", async () => {
      const store = createSessionStore(cache, settings, now);
      await store.create(session("s1"));
      const results = await Promise.all(Array.from({ length: 10 }, () => store.rotate(7, "s1", "r0")));
      const rotated = results.filter((r) => r.kind === "rotated");
      expect(rotated).toHaveLength(1);
      expect(results.filter((r) => r.kind === "replayed")).toHaveLength(9);
      const ids = new Set(results.map((r) => ("session" in r ? r.session.refresh_id : r.kind)));
      expect(ids.size).toBe(1);
      const stored = await store.get(7, "s1");
      expect(stored?.refresh_id).toBe([...ids][0]);
      expect(stored?.refresh_id).not.toBe("r0");
    });

    test("a rotation racing sliding touches is never lost", async () => {
      const store = createSessionStore(cache, settings, now);
      await store.create(session("s2"));
      clock += 120_000; // old enough that touch() writes
      const seen = (await store.get(7, "s2"))!;
      const [rotation] = await Promise.all([
        store.rotate(7, "s2", "r0"),
        ...Array.from({ length: 5 }, () => store.touch(seen)),
      ]);
      expect(rotation.kind).toBe("rotated");
      const stored = await store.get(7, "s2");
      expect(stored?.refresh_id).toBe(rotation.kind === "rotated" ? rotation.session.refresh_id : "");
    });

    test("after the grace window the old id is theft: the session ends", async () => {
      const store = createSessionStore(cache, settings, now);
      await store.create(session("s3"));
      const first = await store.rotate(7, "s3", "r0");
      expect(first.kind).toBe("rotated");
      clock += 5_000;
      expect((await store.rotate(7, "s3", "r0")).kind).toBe("replayed");
      clock += 6_000;
      expect((await store.rotate(7, "s3", "r0")).kind).toBe("reused");
      expect(await store.get(7, "s3")).toBeNull();
      expect((await store.rotate(7, "s3", "r0")).kind).toBe("missing");
    });

    test("within the window, only the id rotated away last is replayed; an older one is theft", async () => {
      const store = createSessionStore(cache, settings, now);
      await store.create(session("s5"));
      const first = await store.rotate(7, "s5", "r0");
      const second = first.kind === "rotated" ? await store.rotate(7, "s5", first.session.refresh_id) : first;
      expect(second.kind).toBe("rotated");
      expect((await store.rotate(7, "s5", "r0")).kind).toBe("reused");
      expect(await store.get(7, "s5")).toBeNull();
    });

    test("an id that never belonged to the session ends it", async () => {
      const store = createSessionStore(cache, settings, now);
      await store.create(session("s4"));
      expect((await store.rotate(7, "s4", "forged")).kind).toBe("reused");
      expect(await store.get(7, "s4")).toBeNull();
    });
  });
}

rotationContract("memory", async () => createMemoryCache());

describe.skipIf(redisProblem !== null && !process.env.CI)("shared caches", () => {
  let proxy: { url: string; stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    proxy = await startUpstashProxy({ redisUrl: REDIS_URL, token: "rotation-token" });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  rotationContract("redis", () =>
    createRedisCache({ url: REDIS_URL, prefix: `test:${crypto.randomUUID()}:` }),
  );
  rotationContract("upstash", async () =>
    createUpstashCache({ url: proxy!.url, token: "rotation-token", prefix: `test:${crypto.randomUUID()}:` }),
  );
});
