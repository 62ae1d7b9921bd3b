import { createApp, startBackground } from "../app";
import { SettingsError } from "../config";
import { AdoptionRefused } from "../core/db/adopt";
import { DatabaseStepError, describeDriverError } from "../core/db/prepare";
import { jobs, runDueJobs } from "../core/jobs";
import { createLogger, type LogSink } from "../core/log/logger";
import { buildBunDeps } from "./bun-deps";
import { rotatingFileSink } from "./file-log";
import { loadBunSettings } from "./secret-key";

/** `bun run start`: settings → dependencies (migrate + seed) → HTTP server → graceful shutdown. */
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

  const sinks: LogSink[] = [(line, level) => (level === "error" ? console.error(line) : console.log(line))];
  if (settings.LOG_FILE)
    sinks.push(rotatingFileSink(settings.LOG_FILE, settings.LOG_FILE_MAX_BYTES, settings.LOG_FILE_KEEP));
  const logger = createLogger(settings.LOG_LEVEL, sinks, { service: "hono-admin" });

  const deps = await buildBunDeps(settings, logger);
  const app = createApp(deps);
  const background = startBackground(deps);
  // `--test-scheduled`, like `wrangler dev --test-scheduled`: GET /__scheduled?time=<epoch ms>
  // runs the jobs due at that tick now (end-to-end tests, trying a job out). Never in production.
  const askedTestScheduled = process.argv.includes("--test-scheduled");
  const testScheduled = askedTestScheduled && settings.ENVIRONMENT !== "prod";
  if (askedTestScheduled && !testScheduled) logger.warn("--test-scheduled is ignored when ENVIRONMENT=prod");
  const server = Bun.serve({
    hostname: settings.SERVER_HOST,
    port: settings.SERVER_PORT,
    fetch: (req, srv) => {
      if (testScheduled && new URL(req.url).pathname === "/__scheduled") {
        const time = Number(new URL(req.url).searchParams.get("time") ?? Date.now());
        if (!Number.isFinite(time)) return new Response("time: epoch milliseconds", { status: 400 });
        return runDueJobs(deps, new Date(time), jobs).then((runs) => Response.json(runs));
      }
      return app.fetch(req, { clientIp: srv.requestIP(req)?.address });
    },
    // A little above the app's own limit, so the app answers 413 with its envelope first.
    maxRequestBodySize: settings.MAX_FILE_SIZE + 2 * 1024 * 1024,
  });
  logger.info("server started", {
    url: `http://${server.hostname}:${server.port}`,
    docs: `http://${server.hostname}:${server.port}/api/v1/docs`,
    database: deps.db.dialect,
    cache: deps.cache.driver,
    environment: settings.ENVIRONMENT,
  });

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
}

/**
 * One JSON line per problem, then what failed and why: the database step and the driver's code
 * and message (never the query's parameters or the URL's password).
 */
function reportStartupFailure(err: unknown) {
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
  reportStartupFailure(err);
  process.exit(1);
});
