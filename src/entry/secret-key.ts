import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type ParsedSettings, parseSettings, type Settings, withSecretKey } from "@/config";

/** Where the generated development key lives: beside the local database file, else `./data`. */
export function devSecretKeyPath(databaseUrl: string): string {
  const file = databaseUrl.startsWith("file:") ? databaseUrl.slice("file:".length).split("?")[0] : "";
  return join(file && file !== ":memory:" ? dirname(file) : "./data", "secret.key");
}

/**
 * The signing key when SECRET_KEY is not set outside production: random, generated on the first
 * start and kept (mode 0600), so a dev server on a LAN cannot be forged with a published key.
 */
export function devSecretKey(parsed: ParsedSettings): string | undefined {
  if (parsed.SECRET_KEY || parsed.ENVIRONMENT === "prod") return undefined;
  const path = devSecretKeyPath(parsed.DATABASE_URL);
  if (existsSync(path)) {
    const key = readFileSync(path, "utf8").trim();
    if (key.length >= 32) return key;
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url");
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return key;
}

/** Settings for the Bun server and the CLI: the environment, plus the dev key when none is set. */
export function loadBunSettings(env: Record<string, string | undefined>): Settings {
  const parsed = parseSettings(env);
  return withSecretKey(parsed, devSecretKey(parsed));
}
