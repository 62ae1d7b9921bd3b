import type { SandboxLimits, SandboxOutcome } from "./sandbox";

/*
 * Task code off the main thread, for a long-lived server: QuickJS runs synchronously, so in the
 * server's own thread a run would hold every request for as long as it lasts. Here one thread
 * per process takes the runs one after another; the sandbox's own limits end a run, and should
 * a run outlast its wall time by GRACE_MS anyway (one long built-in call, which the interrupt
 * handler cannot break), the thread is terminated and the next run gets a fresh one.
 *
 * Only for a server (AppDeps.runtime "bun"); a Worker runs task code in place.
 */

// An allocation-heavy loop can run for seconds without reaching QuickJS's interrupt check (the
// check counts loop iterations and calls, and each iteration is one slow allocation), so the grace
// is short: the thread is cheap to replace.
const GRACE_MS = 1000;
/** A thread that has not even loaded the engine by then is broken. */
const LOAD_TIMEOUT_MS = 60_000;

interface Pending {
  resolve: (outcome: SandboxOutcome) => void;
  /** Ends the thread and answers the run as timed out. */
  stop: () => void;
  timer: ReturnType<typeof setTimeout>;
  started: number;
  limits: SandboxLimits;
}

let thread: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();
/** Runs are taken one at a time: this chains them. */
let queue: Promise<unknown> = Promise.resolve();

function failAll(error: string) {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    p.resolve({ ok: false, value: null, error, logs: [], ms: Date.now() - p.started });
    pending.delete(id);
  }
}

function startThread(): Worker {
  const worker = new Worker(new URL("./sandbox.thread.ts", import.meta.url).href);
  worker.onmessage = (
    event: MessageEvent<{ id: number; begin: true } | { id: number; outcome: SandboxOutcome }>,
  ) => {
    const p = pending.get(event.data.id);
    if (!p) return;
    clearTimeout(p.timer);
    if ("begin" in event.data) {
      p.timer = setTimeout(() => p.stop(), p.limits.timeoutMs + GRACE_MS);
      return;
    }
    pending.delete(event.data.id);
    p.resolve(event.data.outcome);
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    if (thread === worker) thread = undefined;
    worker.terminate();
    failAll(`沙箱线程失败: ${event.message ?? "未知错误"}`);
  };
  // an idle sandbox thread must not keep a process (a test run, the CLI) alive
  (worker as unknown as { unref?: () => void }).unref?.();
  return worker;
}

function runInThread(
  code: string,
  input: { args: unknown[]; kwargs: Record<string, unknown> },
  limits: SandboxLimits,
): Promise<SandboxOutcome> {
  return new Promise((resolve) => {
    thread ??= startThread();
    const worker = thread;
    const id = ++nextId;
    const started = Date.now();
    const stop = () => {
      // past the wall time and the grace: the thread is stuck in one call; end it
      pending.delete(id);
      if (thread === worker) thread = undefined;
      worker.terminate();
      resolve({
        ok: false,
        value: null,
        error: `任务代码执行超时（超过 ${limits.timeoutMs} ms），已终止沙箱线程`,
        logs: [],
        ms: Date.now() - started,
      });
    };
    const timer = setTimeout(stop, LOAD_TIMEOUT_MS);
    pending.set(id, { resolve, stop, timer, started, limits });
    worker.postMessage({ id, code, input, limits });
  });
}

/** Runs task code in the process's sandbox thread, after the runs queued before it. */
export function runInSandboxThread(
  code: string,
  input: { args: unknown[]; kwargs: Record<string, unknown> },
  limits: SandboxLimits,
): Promise<SandboxOutcome> {
  const run = queue.then(() => runInThread(code, input, limits));
  queue = run.catch(() => undefined);
  return run;
}
