import type { Subprocess } from "bun";

/*
 * Black-box helpers for the multi-process tests: real servers started as `bun run start` would
 * (the same entry, a fresh database), spoken to over HTTP. Every request opens its own
 * connection (`Connection: close`), so consecutive requests to one port reach different
 * processes; the `X-Worker` header says which one answered.
 */

export const root = new URL("../..", import.meta.url).pathname;

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port ?? 0;
  probe.stop(true);
  return port;
}

export interface Server {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  base: string;
  /** Every JSON log line printed so far (stdout and stderr). */
  lines: Record<string, unknown>[];
  /** Resolves once `/common/health/` answers (throws after `ms`). */
  ready(ms?: number): Promise<void>;
  stop(): Promise<number>;
}

/** Starts `cmd` (default: the Bun entry) with these settings on a free port. */
export function startServer(env: Record<string, string>, cmd = ["bun", "src/entry/bun.ts"]): Server {
  const port = env.SERVER_PORT ? Number(env.SERVER_PORT) : freePort();
  const proc = Bun.spawn(cmd, {
    cwd: root,
    env: { ...process.env, SERVER_PORT: String(port), LOG_LEVEL: "info", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: Record<string, unknown>[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        try {
          lines.push(JSON.parse(line));
        } catch {
          lines.push({ text: line });
        }
      }
    }
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  const base = `http://127.0.0.1:${port}`;
  return {
    proc,
    base,
    lines,
    async ready(ms = 20_000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (proc.exitCode !== null) break;
        try {
          if ((await fetch(`${base}/api/v1/common/health/`, { headers: { Connection: "close" } })).ok) return;
        } catch {}
        await Bun.sleep(100);
      }
      throw new Error(`server on ${base} did not start:\n${lines.map((l) => JSON.stringify(l)).join("\n")}`);
    },
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}

export interface Answer {
  status: number;
  /** The answering process (`X-Worker`), or "" when the server is a single process. */
  worker: string;
  body: any;
}

/** One request on a fresh connection. `form` sends urlencoded fields, `json` a JSON body. */
export async function call(
  base: string,
  path: string,
  opts: {
    method?: string;
    token?: string;
    json?: unknown;
    form?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { Connection: "close", ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(`${base}/api/v1${path}`, {
    method: opts.method ?? (body ? "POST" : "GET"),
    headers,
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, worker: res.headers.get("X-Worker") ?? "", body: parsed };
}

/**
 * Repeats an idempotent request until each of `workers` has answered it; answers the last
 * answer of each. Fails when one never does (the kernel spreads new connections at random).
 */
export async function onEach(
  workers: string[],
  request: () => Promise<Answer>,
  tries = 200,
): Promise<Map<string, Answer>> {
  const seen = new Map<string, Answer>();
  for (let i = 0; i < tries && seen.size < workers.length; i++) {
    const answer = await request();
    if (workers.includes(answer.worker)) seen.set(answer.worker, answer);
  }
  const missing = workers.filter((w) => !seen.has(w));
  if (missing.length) throw new Error(`worker(s) ${missing.join(", ")} never answered`);
  return seen;
}

/** Polls `probe` until `ok` (or `ms` passed); answers the last value. */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await Bun.sleep(50);
  }
}
