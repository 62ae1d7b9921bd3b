import { createApp } from "../app";
import { SettingsError } from "../config";
import { jobs, runDueJobs } from "../core/jobs";
import { startJobScheduler } from "../core/jobs/scheduler";
import { createLogger, type LogSink } from "../core/log/logger";
import { stopTaskScheduler, taskScheduler } from "../modules/task/scheduler";
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
  const scheduler = startJobScheduler(deps, jobs);
  // Scheduled task nodes (任务管理) saved in the database resume at boot, not at the first API call.
  taskScheduler(deps)
    .ready()
    .catch((err) => logger.error("task scheduler failed to start", { err }));
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
    await Promise.all([scheduler.stop(), stopTaskScheduler(deps)]);
    await Promise.allSettled([deps.cache.close(), deps.db.close()]);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error(JSON.stringify({ level: "error", msg: "startup failed", error: String(err?.stack ?? err) }));
  process.exit(1);
});
