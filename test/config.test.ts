import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { DEV_SECRET_KEY, loadSettings, parseSettings, SettingsError, settingsSchema } from "@/config";

const keys = Object.keys(settingsSchema.shape);

describe("settings", () => {
  test("defaults give the embedded run: local libSQL file, memory cache, port 8001 on loopback", () => {
    const s = parseSettings({});
    expect(s.DATABASE_URL).toBe("file:./data/hono-admin.db");
    expect(s.CACHE_DRIVER).toBe("memory");
    expect(s.SERVER_PORT).toBe(8001);
    expect(s.SERVER_HOST).toBe("127.0.0.1");
  });

  test("values are coerced from strings", () => {
    const s = parseSettings({
      SERVER_PORT: "9000",
      CAPTCHA_ENABLE: "false",
      CORS_ORIGINS: "http://a, http://b",
    });
    expect(s.SERVER_PORT).toBe(9000);
    expect(s.CAPTCHA_ENABLE).toBe(false);
    expect(s.CORS_ORIGINS).toEqual(["http://a", "http://b"]);
  });

  test("a wrong value stops with a message naming the variable", () => {
    expect(() => loadSettings({ SERVER_PORT: "eighty" })).toThrow(SettingsError);
    expect(() => loadSettings({ SERVER_PORT: "eighty" })).toThrow(/SERVER_PORT/);
    expect(() => loadSettings({ CACHE_DRIVER: "memcached" })).toThrow(/CACHE_DRIVER/);
    expect(() => loadSettings({ CAPTCHA_ENABLE: "maybe" })).toThrow(/CAPTCHA_ENABLE/);
  });

  test("production requires a secret key; the published development key is refused everywhere", () => {
    expect(() => parseSettings({ ENVIRONMENT: "prod" })).toThrow(/SECRET_KEY/);
    expect(() => loadSettings({ ENVIRONMENT: "prod", SECRET_KEY: DEV_SECRET_KEY })).toThrow(/SECRET_KEY/);
    expect(() => loadSettings({ SECRET_KEY: DEV_SECRET_KEY })).toThrow(/SECRET_KEY/);
    expect(loadSettings({ ENVIRONMENT: "prod", SECRET_KEY: "x".repeat(40) }).ENVIRONMENT).toBe("prod");
    expect(parseSettings({}).SECRET_KEY).toBeUndefined();
  });

  test("passwordless and recovery pathways are refused where they would be unsafe", () => {
    const prod = { ENVIRONMENT: "prod", SECRET_KEY: "x".repeat(40) };
    expect(() => parseSettings({ ...prod, AUTO_LOGIN_ENABLE: "true" })).toThrow(/AUTO_LOGIN_ENABLE/);
    expect(parseSettings({ AUTO_LOGIN_ENABLE: "true" }).AUTO_LOGIN_ENABLE).toBe(true);
    expect(() => parseSettings({ FORGET_PASSWORD_ENABLE: "true" })).toThrow(/FORGET_PASSWORD_ENABLE/);
    expect(() => parseSettings({ RECOVERY_SENDER: "webhook" })).toThrow(/RECOVERY_WEBHOOK_URL/);
    expect(() => parseSettings({ ...prod, RECOVERY_SENDER: "log" })).toThrow(/RECOVERY_SENDER/);
    expect(parseSettings({ FORGET_PASSWORD_ENABLE: "true", RECOVERY_SENDER: "log" }).RECOVERY_SENDER).toBe(
      "log",
    );
  });

  test("TRUSTED_PROXIES is a hop count or a list of IPs/CIDRs", () => {
    expect(parseSettings({ TRUSTED_PROXIES: "2" }).TRUSTED_PROXIES).toBe("2");
    expect(parseSettings({ TRUSTED_PROXIES: "10.0.0.0/8, ::1" }).TRUSTED_PROXIES).toBe("10.0.0.0/8, ::1");
    expect(() => parseSettings({ TRUSTED_PROXIES: "my proxy" })).toThrow(/TRUSTED_PROXIES/);
  });

  test("a short secret key is refused", () => {
    expect(() => loadSettings({ SECRET_KEY: "short" })).toThrow(/SECRET_KEY/);
  });

  test("'*' origins with credentials are refused", () => {
    expect(() => loadSettings({ CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS/);
    expect(parseSettings({ CORS_ORIGINS: "*", CORS_CREDENTIALS: "false" }).CORS_ORIGINS).toEqual(["*"]);
  });

  test("upstash driver needs its URL and token", () => {
    expect(() => loadSettings({ CACHE_DRIVER: "upstash" })).toThrow(/UPSTASH_REDIS_REST_URL/);
  });

  test(".env.example lists every setting with its default", () => {
    const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const defaults = parseSettings({});
    for (const key of keys) {
      const line = example.split("\n").find((l) => l.startsWith(`${key}=`));
      expect(line, `${key} missing from .env.example`).toBeDefined();
      const value = line!
        .slice(key.length + 1)
        .split(/\s+#/)[0]
        .trim();
      expect(parseSettings({ [key]: value || undefined })[key as keyof typeof defaults]).toEqual(
        defaults[key as keyof typeof defaults],
      );
    }
  });

  test("the README's settings table lists every setting", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const key of keys) expect(readme, `${key} missing from README`).toContain(`| \`${key}\``);
  });
});
