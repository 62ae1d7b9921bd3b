import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_SECRET_KEY, parseSettings } from "@/config";
import { devSecretKeyPath, loadBunSettings } from "@/entry/secret-key";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "secret-key-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("production refuses to start with a pathway that needs no credential", () => {
  const prod = { ENVIRONMENT: "prod", SECRET_KEY: "k".repeat(48) };

  test("AUTO_LOGIN_ENABLE (hands a session to anyone) is refused with ENVIRONMENT=prod", () => {
    expect(() => parseSettings({ ...prod, AUTO_LOGIN_ENABLE: "true" })).toThrow(/AUTO_LOGIN_ENABLE/);
    expect(parseSettings({ ...prod }).AUTO_LOGIN_ENABLE).toBe(false);
  });

  test("password recovery cannot be turned on without an out-of-band sender", () => {
    expect(() => parseSettings({ ...prod, FORGET_PASSWORD_ENABLE: "true" })).toThrow(/RECOVERY_SENDER/);
  });

  test("no signing key, or the key once published in .env.example, stops a production start", () => {
    expect(() => loadBunSettings({ ENVIRONMENT: "prod" })).toThrow(/SECRET_KEY/);
    expect(() => loadBunSettings({ ENVIRONMENT: "prod", SECRET_KEY: DEV_SECRET_KEY })).toThrow(/SECRET_KEY/);
  });
});

describe("dev signs tokens with a key of its own, not one published in the repository", () => {
  test("the first start generates a random key beside the database file (mode 0600); later starts reuse it", () => {
    const dir = scratch();
    const env = { DATABASE_URL: `file:${join(dir, "app.db")}` };
    const first = loadBunSettings(env).SECRET_KEY;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(first).not.toBe(DEV_SECRET_KEY);
    const path = devSecretKeyPath(env.DATABASE_URL);
    expect(path).toBe(join(dir, "secret.key"));
    expect(readFileSync(path, "utf8").trim()).toBe(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadBunSettings(env).SECRET_KEY).toBe(first);
  });

  test("two installations get different keys; a configured SECRET_KEY wins and writes no file", () => {
    const a = loadBunSettings({ DATABASE_URL: `file:${join(scratch(), "a.db")}` }).SECRET_KEY;
    const b = loadBunSettings({ DATABASE_URL: `file:${join(scratch(), "b.db")}` }).SECRET_KEY;
    expect(a).not.toBe(b);
    const dir = scratch();
    const url = `file:${join(dir, "c.db")}`;
    expect(loadBunSettings({ DATABASE_URL: url, SECRET_KEY: "s".repeat(40) }).SECRET_KEY).toBe(
      "s".repeat(40),
    );
    expect(() => statSync(devSecretKeyPath(url))).toThrow();
  });
});
