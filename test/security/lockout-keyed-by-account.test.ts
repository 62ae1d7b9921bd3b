import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { authServices } from "@/core/auth/guard";
import { normaliseLoginName, verifyPasswordUnderLockout } from "@/modules/system/auth/auth.lockout";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser, setPassword } from "../support/auth";

/*
 * The lockout is kept per account — the user's id once the database found the row — not per
 * spelling of the name: on MySQL/MariaDB the login lookup's collation ignores accents, width and
 * case, so `lóckuser` or `ｌｏｃｋｕｓｅｒ` reach the row of `lockuser` and must meet its lock.
 * Before a row is found (unknown names) the key is the name normalised the same way.
 */

const MAX = 5;
const RIGHT = "Right-password-77";
const IP = "10.30.0.1";
const LOGIN = "/api/v1/system/auth/login";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: String(MAX), LOGIN_LOCK_SECONDS: "60" });
}, 30_000);
afterAll(() => t.close());

const login = (username: string, password: string, ip = IP) =>
  t.request(
    LOGIN,
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password }).toString(),
    },
    ip,
  );

async function userNamed(username: string) {
  const u = await createScopedUser(t, { username });
  await setPassword(t, u.id, RIGHT);
  return u;
}

const SPELLINGS = ["lóckuser", "ｌｏｃｋｕｓｅｒ", "LOCKUSER", "LöckÜser", "lockuser "];

test("the normalised name folds width, accents, case and outer spaces", () => {
  for (const s of SPELLINGS) expect(normaliseLoginName(s)).toBe("lockuser");
  expect(normaliseLoginName("Straße")).toBe("strasse");
  expect(normaliseLoginName("other")).not.toBe("lockuser");
});

describe("after LOGIN_MAX_FAILURES wrong passwords for lockuser", () => {
  let id: number;
  beforeAll(async () => {
    id = (await userNamed("lockuser")).id;
    for (let i = 0; i < MAX; i++) await login("lockuser", `wrong-${i}`);
  });

  test("lockuser itself is locked, the right password included", async () => {
    const res = await login("lockuser", RIGHT);
    expect(res.status).toBe(429);
  });

  test("no other spelling of the name logs in with the right password", async () => {
    const before = (await authServices(t.deps).sessions.listOf(id)).length;
    for (const spelling of SPELLINGS) {
      const res = await login(spelling, RIGHT);
      expect({ spelling, status: res.status }).not.toEqual({ spelling, status: 200 });
      // MySQL finds the row (and so the lock); libSQL's exact lookup finds no user at all.
      if (t.deps.db.dialect === "mysql")
        expect({ spelling, status: res.status }).toEqual({ spelling, status: 429 });
    }
    expect((await authServices(t.deps).sessions.listOf(id)).length).toBe(before);
  });

  test("an administrator's unlock by name lifts the lock of the account", async () => {
    const admin = client(t, await authHeaders(t, "admin"));
    const unlock = await admin.post("/system/auth/unlock", { username: "lockuser" });
    expect(await body(unlock)).toMatchObject({ code: 0, data: { unlocked: true } });
    expect((await login("lockuser", RIGHT)).status).toBe(200);
  });
});

test("an unknown name is locked under its normalised form, whatever the spelling", async () => {
  for (let i = 0; i < MAX; i++) await login("ghostuser", `guess-${i}`);
  for (const spelling of ["ＧＨＯＳＴＵＳＥＲ", "ghóstuser", "GhostUser"]) {
    const res = await login(spelling, "another-guess");
    expect({ spelling, status: res.status }).toEqual({ spelling, status: 429 });
  }
});

test("failures counted by user id elsewhere (a wrong old password) lock the login too", async () => {
  const u = await userNamed("reauthuser");
  const wrong = () => Promise.resolve(false);
  for (let i = 0; i < MAX - 1; i++) {
    expect(await verifyPasswordUnderLockout(t.deps, { id: u.id }, wrong, IP)).toBe(false);
  }
  await expect(verifyPasswordUnderLockout(t.deps, { id: u.id }, wrong, IP)).rejects.toMatchObject({
    status: 429,
  });
  // the right old password is not even checked now
  let checked = false;
  const right = async () => {
    checked = true;
    return true;
  };
  await expect(verifyPasswordUnderLockout(t.deps, { id: u.id }, right, IP)).rejects.toMatchObject({
    status: 429,
  });
  expect(checked).toBe(false);
  expect((await login("reauthuser", RIGHT)).status).toBe(429);
  // the account's owner elsewhere is not locked out (see lockout-is-not-a-weapon)
  expect((await login("reauthuser", RIGHT, "10.30.0.99")).status).toBe(200);
});
