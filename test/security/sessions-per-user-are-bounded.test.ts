import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { authServices } from "@/core/auth/guard";
import { createSessionStore, type Session } from "@/core/auth/sessions";
import { createMemoryCache } from "@/core/cache/memory";
import { body, createTestApp, type TestApp } from "../support/app";
import { createScopedUser, setPassword } from "../support/auth";

/*
 * A user holds at most MAX_SESSIONS_PER_USER sessions: a login beyond it ends that user's oldest
 * session (and nobody else's). The store also lists one user's sessions and ends all but one.
 */

const CAP = 3;
const RIGHT = "Right-password-55";
const LOGIN = "/api/v1/system/auth/login";

describe("through the API", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MAX_SESSIONS_PER_USER: String(CAP) });
  }, 30_000);
  afterAll(() => t.close());

  async function user() {
    const u = await createScopedUser(t);
    await setPassword(t, u.id, RIGHT);
    await authServices(t.deps).sessions.endAllOf(u.id); // the helper's own session
    return u;
  }

  // The trim runs after the answer (the scan of the keyspace is off the login's critical path),
  // in work handed to the execution context, as a Worker keeps it alive; each login waits for it.
  const login = async (username: string, ip = "127.0.0.1") => {
    const kept: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => kept.push(p), passThroughOnException() {}, props: {} };
    const res = await t.app.request(
      LOGIN,
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username, password: RIGHT }).toString(),
      },
      { clientIp: ip },
      ctx,
    );
    expect(res.status).toBe(200);
    // the trim, and the list totals' change tokens of the login's two writes
    expect(kept).toHaveLength(3);
    await Promise.all(kept);
    return (await body(res)).data.access_token as string;
  };
  const works = async (token: string) =>
    (await t.request("/api/v1/system/user/current/info", { headers: { Authorization: `Bearer ${token}` } }))
      .status === 200;

  test("the login beyond the cap ends the oldest session, and only that one", async () => {
    const u = await user();
    const bystander = await user();
    const other = await login(bystander.username);
    const tokens: string[] = [];
    for (let i = 0; i < CAP; i++) {
      tokens.push(await login(u.username));
      await Bun.sleep(5); // distinct creation times
    }
    expect(await Promise.all(tokens.map(works))).toEqual(Array(CAP).fill(true));
    tokens.push(await login(u.username));
    expect(await Promise.all(tokens.map(works))).toEqual([false, ...Array(CAP).fill(true)]);
    expect(await authServices(t.deps).sessions.listOf(u.id)).toHaveLength(CAP);
    expect(await works(other)).toBe(true);
  });

  test("a burst of parallel logins leaves at most the cap", async () => {
    const u = await user();
    // From 8 devices (one address would meet the lockout's per-source budget of checks in flight).
    const tokens = await Promise.all(
      Array.from({ length: 8 }, (_, i) => login(u.username, `10.40.0.${i + 1}`)),
    );
    const live = (await Promise.all(tokens.map(works))).filter(Boolean).length;
    expect(live).toBeLessThanOrEqual(CAP);
    expect(live).toBeGreaterThanOrEqual(1);
    expect((await authServices(t.deps).sessions.listOf(u.id)).length).toBeLessThanOrEqual(CAP);
  });
});

describe("the session store", () => {
  let clock = 1_000_000_000_000;
  const cache = createMemoryCache({ now: () => clock });
  const store = createSessionStore(
    cache,
    { SESSION_IDLE_SECONDS: 600, SESSION_MAX_SECONDS: 3600, MAX_SESSIONS_PER_USER: CAP },
    () => clock,
  );
  const session = (id: string, userId = 7): Session => ({
    session_id: id,
    user_id: userId,
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
    refresh_id: `r-${id}`,
  });
  const create = async (id: string, userId = 7) => {
    clock += 1000;
    return store.create(session(id, userId));
  };

  test("create answers which sessions it ended; listOf is newest first and one user's only", async () => {
    expect(await create("a")).toEqual([]);
    await create("b");
    await create("c");
    await create("x", 70);
    expect(await create("d")).toEqual(["a"]);
    expect((await store.listOf(7)).map((s) => s.session_id)).toEqual(["d", "c", "b"]);
    expect((await store.listOf(70)).map((s) => s.session_id)).toEqual(["x"]);
  });

  test("endOthersOf keeps exactly the given session of that user", async () => {
    expect(await store.endOthersOf(7, "c")).toBe(2);
    expect((await store.listOf(7)).map((s) => s.session_id)).toEqual(["c"]);
    expect((await store.listOf(70)).map((s) => s.session_id)).toEqual(["x"]);
    expect(await store.endOthersOf(7, "c")).toBe(0);
  });
});
