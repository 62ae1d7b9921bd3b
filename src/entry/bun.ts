import type { Server } from "bun";
import { type BunWebSocketData, websocket } from "hono/bun";
import { type Settings, SettingsError } from "@/config";
import { createLogger, type LogSink } from "@/core/log/logger";
import { PREPARE_ENV, READY_MESSAGE, supervise, WORKER_ENV, workerCount } from "./cluster";
import { rotatingFileSink } from "./file-log";
import { loadBunSettings } from "./secret-key";

/**
 * `bun run start` (or `bun src/entry/bun.ts`): settings, then either one server process
 * (WORKERS=1) or a supervisor of WORKERS server processes sharing the port (src/entry/cluster.ts).
 */
async function main() {
  let settings: ReturnType<typeof loadBunSettings>;
  try {
    settings = loadBunSettings(process.env);
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const worker = process.env[WORKER_ENV];
  if (worker) return serve(settings, worker);
  if (process.env[PREPARE_ENV]) return prepareOnly(settings);
  const count = workerCount(settings);
  if (count <= 1) return serve(settings, null);
  if (process.platform !== "linux") {
    console.error(
      JSON.stringify({
        level: "warn",
        msg: `WORKERS=${count} needs SO_REUSEPORT, which only Linux shares between processes; running one process (set WORKERS=1 to silence this)`,
      }),
    );
    return serve(settings, null);
  }
  // The supervisor writes LOG_FILE for every process (one writer rotates it).
  const fileSink = settings.LOG_FILE
    ? rotatingFileSink(settings.LOG_FILE, settings.LOG_FILE_MAX_BYTES, settings.LOG_FILE_KEEP)
    : null;
  return supervise(settings, count, makeLogger(settings, null, fileSink), fileSink);
}

/** A supervisor's first child: migrations, adoption and seed, then exit (0 when all went well). */
async function prepareOnly(settings: Settings) {
  const { buildBunDeps } = await import("./bun-deps");
  const deps = await buildBunDeps(settings, makeLogger(settings, null), { prepare: true });
  await Promise.allSettled([deps.cache.close(), deps.db.close()]);
  process.exit(0);
}

/**
 * JSON lines on stdout/stderr, and to LOG_FILE: through `fileSink` when given (the supervisor's),
 * never from a worker (its lines reach the file through the supervisor), else a sink of its own.
 */
function makeLogger(settings: Settings, worker: string | null, fileSink?: LogSink | null) {
  const sinks: LogSink[] = [(line, level) => (level === "error" ? console.error(line) : console.log(line))];
  if (fileSink) sinks.push(fileSink);
  else if (settings.LOG_FILE && worker === null && fileSink === undefined)
    sinks.push(rotatingFileSink(settings.LOG_FILE, settings.LOG_FILE_MAX_BYTES, settings.LOG_FILE_KEEP));
  return createLogger(settings.LOG_LEVEL, sinks, { service: "hono-admin", ...(worker ? { worker } : {}) });
}

/**
 * One server process: dependencies (migrate + seed, unless a supervisor did it already) → HTTP
 * server → graceful shutdown. `worker` is its number under a supervisor (null: on its own).
 */
async function serve(settings: Settings, worker: string | null) {
  // Loaded here, not at the top: a supervisor never runs the app itself.
  const [{ createApp, startBackground }, { jobs, runDueJobs }, { buildBunDeps }] = await Promise.all([
    import("@/app"),
    import("@/core/jobs"),
    import("./bun-deps"),
  ]);
  const logger = makeLogger(settings, worker);
  const deps = await buildBunDeps(settings, logger, { prepare: worker === null });
  const app = createApp(deps);
  const background = startBackground(deps);
  // `--test-scheduled`, like `wrangler dev --test-scheduled`: GET /__scheduled?time=<epoch ms>
  // runs the jobs due at that tick now (end-to-end tests, trying a job out). Never in production.
  const askedTestScheduled = process.argv.includes("--test-scheduled");
  const testScheduled = askedTestScheduled && settings.ENVIRONMENT !== "prod";
  if (askedTestScheduled && !testScheduled && worker === null)
    logger.warn("--test-scheduled is ignored when ENVIRONMENT=prod");
  const handle = (req: Request, srv: Server<BunWebSocketData>) => {
    if (testScheduled && new URL(req.url).pathname === "/__scheduled") {
      const time = Number(new URL(req.url).searchParams.get("time") ?? Date.now());
      if (!Number.isFinite(time)) return new Response("time: epoch milliseconds", { status: 400 });
      return runDueJobs(deps, new Date(time), jobs).then((runs) => Response.json(runs));
    }
    // `server`: hono/bun's upgradeWebSocket upgrades through it (the AI chat socket)
    return app.fetch(req, { clientIp: srv.requestIP(req)?.address, server: srv });
  };
  const server = Bun.serve({
    hostname: settings.SERVER_HOST,
    port: settings.SERVER_PORT,
    // Several processes accept on one port (Linux: the kernel spreads connections over them).
    reusePort: worker !== null,
    // Which process answered (its number, never its pid): lets tests and operators see the spread.
    fetch:
      worker === null
        ? handle
        : async (req, srv) => {
            const res = await handle(req, srv);
            try {
              res.headers.set("X-Worker", worker);
            } catch {
              // immutable headers (a fetched response): served without the marker
            }
            return res;
          },
    // A little above the app's own limit, so the app answers 413 with its envelope first.
    maxRequestBodySize: settings.MAX_FILE_SIZE + 2 * 1024 * 1024,
    // WebSocket events of sockets the app upgraded (hono/bun)
    websocket,
  });
  logger.info("server started", {
    url: `http://${server.hostname}:${server.port}`,
    docs: `http://${server.hostname}:${server.port}/api/v1/docs`,
    database: deps.db.dialect,
    cache: deps.cache.driver,
    environment: settings.ENVIRONMENT,
    ...(worker ? { pid: process.pid } : {}),
  });
  // tells the supervisor this worker serves (its restarts are then not a failure to start)
  if (worker) process.send?.(READY_MESSAGE);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    // Stop accepting connections; in-flight requests finish before the promise resolves.
    await server.stop(false);
    await background.stop();
    await Promise.allSettled([deps.cache.close(), deps.db.close()]);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // A worker whose supervisor is gone (killed outright) stops too: its stdin is the supervisor's pipe.
  if (worker) {
    void (async () => {
      try {
        // the supervisor never writes: read() returns done at end of file
        const reader = Bun.stdin.stream().getReader();
        while (!(await reader.read()).done) {}
      } catch {}
      void shutdown("supervisor gone");
    })();
  }
}

/**
 * One JSON line per problem, then what failed and why: the database step and the driver's code
 * and message (never the query's parameters or the URL's password).
 */
async function reportStartupFailure(err: unknown) {
  // loaded only on failure: a supervisor stays small
  const [{ AdoptionRefused }, { DatabaseStepError, describeDriverError }] = await Promise.all([
    import("@/core/db/adopt"),
    import("@/core/db/prepare"),
  ]);
  const line = (fields: Record<string, unknown>) =>
    console.error(JSON.stringify({ level: "error", ...fields }));
  if (err instanceof DatabaseStepError) {
    if (err.cause instanceof AdoptionRefused) {
      for (const problem of err.cause.problems) line({ msg: "database mismatch", problem });
      line({
        msg: "startup failed",
        step: err.step,
        error:
          "this database cannot be adopted as it is; nothing was changed (see the mismatches above, or run: bun run cli adopt --dry-run)",
      });
    } else line({ msg: "startup failed", step: err.step, error: err.reason });
    return;
  }
  const driverError = describeDriverError(err);
  const plain = err instanceof Error && !err.cause && !("code" in err);
  line({ msg: "startup failed", error: driverError, ...(plain ? { stack: err.stack } : {}) });
}

main().catch((err) => {
  void reportStartupFailure(err)
    .catch(() => console.error(err))
    .finally(() => process.exit(1));
});
