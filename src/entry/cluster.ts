import { availableParallelism } from "node:os";
import type { Subprocess } from "bun";
import type { Settings } from "@/config";
import type { Logger, LogSink } from "@/core/log/logger";

/*
 * WORKERS > 1: this process supervises; it never serves. It migrates and seeds the database once,
 * then starts N server processes of the same entry on one port (SO_REUSEPORT: the kernel spreads
 * new connections over them), restarts one that dies (with back-off), and on SIGTERM/SIGINT
 * passes the signal on and waits until every worker has finished its in-flight requests.
 *
 * Everything shared lives outside the processes: the database, and the cache (sessions,
 * captchas, lockouts, rate limits, job locks, dictionary/parameter caches, the task scheduler's
 * state). Without Redis, CACHE_DRIVER=memory becomes `file`: a SQLite file beside the database.
 */

/** Set in the environment of the server processes a supervisor starts (their number, 1…N). */
export const WORKER_ENV = "HONO_ADMIN_WORKER";
/** Set for the supervisor's one-off child that migrates and seeds, then exits. */
export const PREPARE_ENV = "HONO_ADMIN_PREPARE";

/** A worker that ran this long before dying is restarted at once; quicker deaths back off. */
const STABLE_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** Workers dying this many times before any of them ever served: the supervisor gives up (exit 1). */
const STARTUP_ATTEMPTS = 3;
/** What a worker sends over IPC once it listens. */
export const READY_MESSAGE = "ready";
/** How long workers get to finish in-flight requests before they are killed. */
const STOP_TIMEOUT_MS = 30_000;

interface Slot {
  n: number;
  proc?: Subprocess<"pipe", "pipe" | "inherit", "pipe" | "inherit">;
  startedAt: number;
  failures: number;
  restart?: ReturnType<typeof setTimeout>;
  /** It said it serves (over IPC, once Bun.serve listens). */
  ready: boolean;
}

/** The cache driver the workers use: a per-process memory cache cannot be shared, a file can. */
export const sharedCacheDriver = (driver: Settings["CACHE_DRIVER"]): Settings["CACHE_DRIVER"] =>
  driver === "memory" ? "file" : driver;

/** How many server processes `bun run start` runs with these settings (WORKERS, else one per core). */
export const workerCount = (settings: Pick<Settings, "WORKERS">): number =>
  settings.WORKERS ?? availableParallelism();

/** Whether these settings start a supervisor of several processes (Linux only: SO_REUSEPORT). */
export const isClustered = (settings: Pick<Settings, "WORKERS">): boolean =>
  workerCount(settings) > 1 && process.platform === "linux";

/** The cache driver the server really uses (the CLI must reach the same store). */
export const serverCacheDriver = (settings: Pick<Settings, "WORKERS" | "CACHE_DRIVER">) =>
  isClustered(settings) ? sharedCacheDriver(settings.CACHE_DRIVER) : settings.CACHE_DRIVER;

/** A port free right now on `hostname` (SERVER_PORT=0 must be one port for every worker). */
function freePort(hostname: string): number {
  const probe = Bun.serve({ hostname, port: 0, fetch: () => new Response() });
  const port = probe.port ?? 0;
  probe.stop(true);
  return port;
}

/** Forwards a worker's output line by line to our own stream and to the log file. */
async function forwardLines(stream: ReadableStream<Uint8Array>, out: (line: string) => void) {
  const decoder = new TextDecoder();
  let rest = "";
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += decoder.decode(value, { stream: true });
    let i = rest.indexOf("\n");
    while (i >= 0) {
      out(rest.slice(0, i));
      rest = rest.slice(i + 1);
      i = rest.indexOf("\n");
    }
  }
  if (rest) out(rest);
}

/**
 * Runs the supervisor. `fileSink` is the LOG_FILE writer its `logger` uses too: the workers'
 * lines go through it, so one writer rotates the file.
 */
export async function supervise(
  settings: Settings,
  count: number,
  logger: Logger,
  fileSink: LogSink | null,
): Promise<void> {
  const cacheDriver = sharedCacheDriver(settings.CACHE_DRIVER);

  const script = process.argv[1];
  const command = [process.execPath, ...process.execArgv, script, ...process.argv.slice(2)];
  // Migrations, adoption and the seed run once, before any worker opens the database, in a
  // child of their own: the supervisor never loads the app (it stays small while it waits).
  const prepared = await Bun.spawn(command, {
    env: { ...process.env, [PREPARE_ENV]: "1", CACHE_DRIVER: cacheDriver },
    stdio: ["ignore", "inherit", "inherit"],
  }).exited;
  if (prepared !== 0) {
    logger.error("startup failed: the database could not be prepared (see above)", { code: prepared });
    process.exit(prepared || 1);
  }

  const port = settings.SERVER_PORT || freePort(settings.SERVER_HOST);
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({
    n: i + 1,
    startedAt: 0,
    failures: 0,
    ready: false,
  }));
  let stopping = false;
  let anyReady = false;
  let startupFailures = 0;

  const start = (slot: Slot) => {
    slot.restart = undefined;
    slot.startedAt = Date.now();
    slot.ready = false;
    const proc: Subprocess<"pipe", "pipe" | "inherit", "pipe" | "inherit"> = Bun.spawn(command, {
      env: {
        ...process.env,
        [WORKER_ENV]: String(slot.n),
        SERVER_PORT: String(port),
        CACHE_DRIVER: cacheDriver,
      },
      // stdin stays open and unused: a worker stops when it reads end of file (we are gone).
      stdin: "pipe",
      stdout: fileSink ? "pipe" : "inherit",
      stderr: fileSink ? "pipe" : "inherit",
      onExit: (p, code, signal): void => exited(slot, p.pid, code, signal ?? null),
      ipc: (message) => {
        if (message === READY_MESSAGE) slot.ready = anyReady = true;
      },
    });
    slot.proc = proc;
    if (fileSink && proc.stdout instanceof ReadableStream && proc.stderr instanceof ReadableStream) {
      void forwardLines(proc.stdout, (line) => {
        console.log(line);
        fileSink(line, "info");
      });
      void forwardLines(proc.stderr, (line) => {
        console.error(line);
        fileSink(line, "error");
      });
    }
    logger.info("worker started", { worker: slot.n, pid: proc.pid });
  };

  const exited = (slot: Slot, pid: number, code: number | null, signal: string | number | null) => {
    if (slot.proc?.pid === pid) slot.proc = undefined;
    if (stopping) return;
    // A worker that never served, while none ever did (the port is taken, the database is down
    // at start): after a few tries, stop with an error rather than retry forever in silence.
    if (!anyReady && !slot.ready && ++startupFailures >= STARTUP_ATTEMPTS) {
      logger.error("workers exit before serving; giving up", { attempts: startupFailures, code, signal });
      void shutdown("SIGTERM", 1);
      return;
    }
    if (Date.now() - slot.startedAt >= STABLE_MS) slot.failures = 0;
    slot.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (slot.failures - 1));
    logger.error("worker exited; restarting", { worker: slot.n, pid, code, signal, in_ms: delay });
    slot.restart = setTimeout(() => {
      if (!stopping) start(slot);
    }, delay);
  };

  const shutdown = async (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal, workers: count });
    for (const slot of slots) if (slot.restart) clearTimeout(slot.restart);
    const running = slots.flatMap((s) => (s.proc ? [s.proc] : []));
    for (const proc of running) proc.kill("SIGTERM");
    const all = Promise.all(running.map((p) => p.exited));
    const timedOut = await Promise.race([all.then(() => false), Bun.sleep(STOP_TIMEOUT_MS).then(() => true)]);
    if (timedOut) {
      logger.error("workers did not stop in time; killing them", { after_ms: STOP_TIMEOUT_MS });
      for (const proc of running) proc.kill("SIGKILL");
      await all;
    }
    logger.info("stopped");
    process.exit(exitCode);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  logger.info("supervisor started", {
    workers: count,
    url: `http://${settings.SERVER_HOST}:${port}`,
    cache: cacheDriver,
    pid: process.pid,
  });
  for (const slot of slots) start(slot);
}
