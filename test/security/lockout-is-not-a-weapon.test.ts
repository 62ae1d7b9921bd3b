import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ACCOUNT_FACTOR } from "@/modules/system/auth/auth.lockout";
import { body, createTestApp, type TestApp } from "../support/app";
import { createScopedUser, setPassword } from "../support/auth";

/*
 * Wrong passwords lock out the source that sent them (client IP), not the account: the owner
 * logging in from elsewhere gets in while an attacker keeps guessing. The guessing source stays
 * limited to LOGIN_MAX_FAILURES checks per lock window, and all sources together to
 * LOGIN_MAX_FAILURES × ACCOUNT_FACTOR per window.
 */

const MAX = 2;
const RIGHT = "Right-password-99";
const LOGIN = "/api/v1/system/auth/login";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: String(MAX), LOGIN_LOCK_SECONDS: "60" });
}, 30_000);
afterAll(() => t.close());

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

async function victim() {
  const u = await createScopedUser(t);
  await setPassword(t, u.id, RIGHT);
  return u.username;
}

describe("an attacker's wrong passwords", () => {
  test("do not lock the administrator out: admin logs in from another address", async () => {
    for (let i = 0; i < MAX + 3; i++) await login("admin", `attack-${i}`, "203.0.113.7");
    expect((await login("admin", "123456", "203.0.113.7")).status).toBe(429);
    const owner = await login("admin", "123456", "198.51.100.20");
    expect(owner.status).toBe(200);
    expect((await body(owner)).data.access_token).toBeString();
  });

  test("keeping the account locked does not work either: every renewed attack, the owner still gets in", async () => {
    const username = await victim();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX + 1; i++) await login(username, `again-${round}-${i}`, "203.0.113.8");
      expect((await login(username, RIGHT, "198.51.100.21")).status).toBe(200);
    }
  });

  test("the guessing source stays locked, for the right password too, until its lock ends", async () => {
    const username = await victim();
    for (let i = 0; i < MAX; i++) await login(username, `src-${i}`, "203.0.113.9");
    const res = await login(username, RIGHT, "203.0.113.9");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("the owner's own failures from one address do not lock them out of another", async () => {
    const username = await victim();
    for (let i = 0; i < MAX; i++) await login(username, `typo-${i}`, "198.51.100.30");
    expect((await login(username, RIGHT, "198.51.100.31")).status).toBe(200);
  });

  test("across all sources the account's checks stay bounded", async () => {
    const username = await victim();
    const cap = MAX * ACCOUNT_FACTOR;
    // Many addresses, each within its own budget, together use up the account's.
    for (let source = 0; source < ACCOUNT_FACTOR; source++) {
      for (let i = 0; i < MAX; i++) await login(username, `spray-${i}`, `192.0.2.${source + 1}`);
    }
    const fresh = await login(username, RIGHT, "192.0.2.200");
    expect(fresh.status).toBe(429);
    expect((await body(fresh)).code).toBe(-1);
    expect(cap).toBeGreaterThanOrEqual(10 * MAX);
  }, 60_000);
});
