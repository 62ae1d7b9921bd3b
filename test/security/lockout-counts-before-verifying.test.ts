import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createPasswordHasher, type PasswordHasher } from "@/core/auth/password";
import { body, createTestApp, type TestApp } from "../support/app";
import { createScopedUser } from "../support/auth";

/*
 * A login attempt is counted (atomically) before its password is verified, so however many
 * guesses arrive at once, at most LOGIN_MAX_FAILURES of them are ever verified per lock window,
 * and once that budget is used the right password is refused too, unverified.
 * Runs on the test's cache: memory, or Redis with TEST_REDIS_URL.
 */

const MAX = 5;
const RIGHT = "Right-password-42";
const LOGIN = "/api/v1/system/auth/login";

/** The real hasher, counting verifications; while `gate` is closed they wait for it. */
function countingHasher() {
  const real = createPasswordHasher(nativeArgon2);
  let open: () => void = () => {};
  let gate: Promise<void> | null = null;
  const state = {
    verified: 0,
    close() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    open() {
      open();
      gate = null;
    },
  };
  const hasher: PasswordHasher = {
    ...real,
    async verify(stored, plain) {
      state.verified++;
      if (gate) await gate;
      return real.verify(stored, plain);
    },
  };
  return { hasher, state };
}

let t: TestApp;
const { hasher, state } = countingHasher();
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: String(MAX), LOGIN_LOCK_SECONDS: "60" }, { hasher });
}, 30_000);
afterAll(() => t.close());

async function victim() {
  const u = await createScopedUser(t);
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await hasher.hash(RIGHT) })
    .where(eq(sys_user.id, u.id));
  return u.username;
}

const login = (username: string, password: string, ip: string) =>
  t.request(
    LOGIN,
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password }).toString(),
    },
    ip,
  );

async function until(condition: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await Bun.sleep(5);
  return condition();
}

describe("a parallel burst against one account from one source", () => {
  test("20 wrong passwords at once: exactly LOGIN_MAX_FAILURES are verified, then even the right one is refused", async () => {
    const username = await victim();
    const before = state.verified;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(username, `wrong-${i}`, "10.20.0.1")),
    );
    expect(state.verified - before).toBe(MAX);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 400)).toHaveLength(MAX - 1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - (MAX - 1));

    const right = await login(username, RIGHT, "10.20.0.1");
    expect(right.status).toBe(429);
    expect((await body(right)).code).toBe(-1);
    expect(state.verified - before).toBe(MAX);
  });

  test("20 wrong and the right one: once the threshold is reached the right one never logs in", async () => {
    const username = await victim();
    const before = state.verified;
    // Verification is held open, so all guesses are in flight together, as in a real burst.
    state.close();
    try {
      const wrong = Array.from({ length: 20 }, (_, i) => login(username, `guess-${i}`, "10.20.0.2"));
      let settled = 0;
      for (const w of wrong) w.then(() => settled++);
      // The budget is reserved before verifying: MAX guesses wait in the hasher, the rest are
      // refused without reaching it.
      expect(await until(() => state.verified - before === MAX && settled === 20 - MAX)).toBe(true);
      const right = await login(username, RIGHT, "10.20.0.2");
      expect(right.status).toBe(429);
      expect(JSON.stringify(await body(right))).not.toContain("access_token");
      expect(state.verified - before).toBe(MAX);
      state.open();
      const statuses = (await Promise.all(wrong)).map((r) => r.status);
      expect(statuses.includes(200)).toBe(false);
    } finally {
      state.open();
    }
    expect(state.verified - before).toBe(MAX);
    // and the lock is in place afterwards
    expect((await login(username, RIGHT, "10.20.0.2")).status).toBe(429);
  });

  test("the same burst mixed in any order verifies at most LOGIN_MAX_FAILURES wrong guesses", async () => {
    const username = await victim();
    const before = state.verified;
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => login(username, `mix-a-${i}`, "10.20.0.3")),
      login(username, RIGHT, "10.20.0.3"),
      ...Array.from({ length: 10 }, (_, i) => login(username, `mix-b-${i}`, "10.20.0.3")),
    ]);
    const statuses = answers.map((r) => r.status);
    const wrongVerified = statuses.filter((s, i) => i !== 10 && s === 400).length;
    // A success from the source resets its count (it knows the password), so the bound is on the
    // guesses verified before and after it, each at most the budget.
    expect(wrongVerified).toBeLessThanOrEqual(statuses[10] === 200 ? 2 * MAX : MAX);
    expect(state.verified - before).toBeLessThanOrEqual(2 * MAX + 1);
  });
});
