import { loadSettings, type Settings } from "@/config";
import { createWasmArgon2 } from "@/core/auth/argon2-wasm";
import { createPasswordHasher } from "@/core/auth/password";
import type { Cache } from "@/core/cache/cache";
import { createUpstashCache } from "@/core/cache/upstash";
import type { AppDeps } from "@/core/context";
import { openRemoteLibsqlDatabase } from "@/core/db/libsql-remote";
import { createLogger, type Logger } from "@/core/log/logger";
import { createR2Storage, type R2BucketLike } from "@/core/storage/r2";
import { s3StorageFromSettings } from "@/core/storage/s3";
import type { Storage } from "@/core/storage/storage";

/*
 * How the Worker turns bindings and secrets into the app's dependencies: libSQL/Turso over
 * HTTP, Upstash Redis, an R2 bucket, argon2id in WebAssembly, JSON logs on the console (Workers
 * Logs indexes their fields). Kept apart from worker.ts, whose wasm and text imports only a
 * Workers bundler understands, so that these rules can be tested under Bun.
 */

/** Bindings and variables (wrangler.toml `[vars]`, `wrangler secret put …`). */
export interface WorkerEnv {
  /** R2 bucket for uploads (wrangler.toml `[[r2_buckets]]`, binding = "STORAGE"). */
  STORAGE?: R2BucketLike;
  [name: string]: unknown;
}

/** What only the Worker bundle can provide. */
export interface WorkerPlatform {
  /** The compiled `argon2.wasm` (a `.wasm` import on Workers). */
  argon2: WebAssembly.Module;
  docAssets: AppDeps["docAssets"];
}

/** A configuration the edge cannot run with; its message says what to change. */
export class EdgeConfigError extends Error {}

/** The string variables of `env` (bindings are objects and are left out). */
export function envVars(env: WorkerEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === "string") vars[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") vars[key] = String(value);
  }
  return vars;
}

/**
 * Sessions, captchas, rate limits and job locks must be shared by every isolate, and each
 * request may land on another one: only Upstash (Redis over HTTPS) qualifies.
 */
export function edgeCache(settings: Settings): Cache {
  if (settings.CACHE_DRIVER !== "upstash") {
    throw new EdgeConfigError(
      `CACHE_DRIVER=${settings.CACHE_DRIVER} cannot be used on Cloudflare Workers: ` +
        (settings.CACHE_DRIVER === "memory"
          ? "each isolate would keep its own sessions, so logins would not stick. "
          : "Workers cannot open Redis' TCP connections. ") +
        "Set CACHE_DRIVER=upstash with the secrets UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN.",
    );
  }
  return createUpstashCache({
    url: settings.UPSTASH_REDIS_REST_URL,
    token: settings.UPSTASH_REDIS_REST_TOKEN,
    prefix: settings.CACHE_PREFIX,
  });
}

/**
 * Uploads go to R2 (or an S3-compatible store with STORAGE_DRIVER=s3); without the binding the
 * rest of the app still works and uploads say why not.
 */
export function edgeStorage(env: WorkerEnv, logger: Logger, settings?: Settings): Storage {
  if (settings?.STORAGE_DRIVER === "s3") return s3StorageFromSettings(settings);
  if (env.STORAGE) return createR2Storage(env.STORAGE);
  logger.warn("no R2 bucket bound as STORAGE: uploads are refused (see wrangler.toml [[r2_buckets]])");
  return {
    driver: "r2",
    async put() {
      throw new EdgeConfigError("file storage is not configured: bind an R2 bucket as STORAGE");
    },
    get: async () => null,
    delete: async () => false,
    exists: async () => false,
    list: async () => [],
  };
}

/** Everything `createApp` needs, from the Worker's `env`. Throws on a configuration the edge refuses. */
export async function buildWorkerDeps(env: WorkerEnv, platform: WorkerPlatform): Promise<AppDeps> {
  const settings = loadSettings(envVars(env));
  if (settings.DATABASE_URL.startsWith("file:")) {
    throw new EdgeConfigError(
      "DATABASE_URL must name a libSQL/Turso server on Workers (libsql://…, with DATABASE_AUTH_TOKEN); " +
        "a Worker has no local database file",
    );
  }
  const logger = createLogger(settings.LOG_LEVEL, undefined, { service: "hono-admin", runtime: "workerd" });
  const cache = edgeCache(settings);
  const db = await openRemoteLibsqlDatabase({
    url: settings.DATABASE_URL,
    authToken: settings.DATABASE_AUTH_TOKEN,
    logger,
  });
  // List totals are remembered under change tokens in Upstash, shared by every isolate.
  db.totals.useCache(cache);
  return {
    settings,
    db,
    cache,
    logger,
    hasher: createPasswordHasher(createWasmArgon2(platform.argon2)),
    storage: edgeStorage(env, logger, settings),
    docAssets: platform.docAssets,
    runtime: "workerd",
  };
}
