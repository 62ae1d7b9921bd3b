/** Child processes for the end-to-end suite: spawned in their own process group, output kept. */

export interface Spawned {
  readonly name: string;
  readonly pid: number;
  /** Every line printed so far, stdout and stderr interleaved as they arrived. */
  readonly lines: string[];
  /** Resolves with the first line (already printed or still to come) matching `re`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** The last `n` lines, for error messages. */
  tail(n?: number): string;
  readonly exited: Promise<number>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnLogged(
  name: string,
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Spawned {
  const proc = Bun.spawn(argv, {
    cwd: opts.cwd,
    env: opts.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    // Its own process group, so stop() also reaches grandchildren (wrangler → workerd).
    detached: true,
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];

  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffered = "";
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, "");
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        for (const w of [...waiters]) {
          if (w.re.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
        nl = buffered.indexOf("\n");
      }
    }
    if (buffered) lines.push(buffered);
  };
  const pumped = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  const exited = proc.exited.then(async (code) => {
    await pumped.catch(() => {});
    return code;
  });

  const tail = (n = 40) => lines.slice(-n).join("\n");

  return {
    name,
    pid: proc.pid,
    lines,
    exited,
    tail,
    waitForLine(re, timeoutMs) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const waiter = {
          re,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const fail = (message: string) => {
          const i = waiters.indexOf(waiter);
          if (i < 0) return; // already matched
          waiters.splice(i, 1);
          clearTimeout(timer);
          reject(new Error(`${message}. Last output of ${name}:\n${tail()}`));
        };
        waiters.push(waiter);
        timer = setTimeout(() => fail(`${name}: no line matching ${re} within ${timeoutMs} ms`), timeoutMs);
        exited.then((code) => fail(`${name} exited (code ${code}) before printing ${re}`));
      });
    },
    async stop(graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-proc.pid, signal);
        } catch {
          // already gone
        }
      };
      signalGroup("SIGTERM");
      const timedOut = await Promise.race([exited.then(() => false), Bun.sleep(graceMs).then(() => true)]);
      if (timedOut) {
        signalGroup("SIGKILL");
        await exited;
      }
      // Children that outlived the leader (they share its group id).
      signalGroup("SIGKILL");
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

/** Polls `probe` until it answers true, or throws `what` after `timeoutMs`. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  what: () => string,
  timeoutMs: number,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(what());
    await Bun.sleep(everyMs);
  }
}
