/**
 * A local stand-in for Upstash's REST API in front of a real Redis, so the real `@upstash/redis`
 * client (and the Workers build) can run and be tested offline: `bun run dev:edge:offline` starts
 * it, the tests import `startUpstashProxy`, and it runs on its own as
 * `bun run scripts/upstash-proxy.ts [--port 8789] [--token hono-admin-local] [--redis-url URL]`.
 *
 * Protocol, as the SDK uses it: `POST /` with a JSON command array answers `{result}` (or HTTP 400
 * `{error}`); `POST /pipeline` and `POST /multi-exec` take an array of commands and answer an array
 * of `{result}` / `{error}`. With `Upstash-Encoding: base64` every string in a result is base64 of
 * its UTF-8 bytes (the SDK sends that header by default and decodes).
 *
 * Known differences from the real service: it runs on RESP3 (Bun's client), so maps are flattened
 * back to RESP2 arrays but doubles come back as JSON numbers, and simple strings such as "OK" are
 * encoded too (the SDK decodes both forms). The `upstash-sync-token` header is ignored.
 */
import { parseArgs } from "node:util";
import { RedisClient } from "bun";

type Reply = { result: unknown } | { error: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns a Bun reply into what Upstash would send: RESP2 shapes, optionally base64 strings. */
function toWire(value: unknown, base64: boolean): unknown {
  if (typeof value === "string") return base64 ? Buffer.from(value, "utf8").toString("base64") : value;
  if (Array.isArray(value)) return value.map((v) => toWire(v, base64));
  if (typeof value === "bigint") return toWire(value.toString(), base64);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value !== null && typeof value === "object") return toWire(Object.entries(value).flat(), base64);
  return value ?? null;
}

function parseCommand(raw: unknown): [string, string[]] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error("ERR command must be a non-empty array");
  const [name, ...args] = raw.map((part) => (typeof part === "string" ? part : JSON.stringify(part)));
  return [name, args];
}

/** The port and token `bun run dev:edge:offline` (and this script) use unless told otherwise. */
export const UPSTASH_PROXY_PORT = 8789;
export const UPSTASH_PROXY_TOKEN = "hono-admin-local";

/** Thrown when Redis does not accept the connection: the message says how to get one. */
export class RedisUnreachable extends Error {}

/**
 * `port` 0 (the default) picks a free one; a taken port throws. `url` is `http://127.0.0.1:PORT`.
 */
export async function startUpstashProxy(opts: {
  redisUrl: string;
  token: string;
  port?: number;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const redis = new RedisClient(opts.redisUrl, { autoReconnect: false, connectionTimeout: 3000 });
  try {
    await redis.connect();
  } catch (error) {
    redis.close();
    throw new RedisUnreachable(
      `Redis is not reachable at ${opts.redisUrl} (${message(error)}). Start one — \`redis-server\` ` +
        "(apt install redis-server, brew install redis) or `docker run -p 6379:6379 redis` — or name " +
        "yours with --redis-url.",
    );
  }

  async function run(raw: unknown, base64: boolean): Promise<Reply> {
    try {
      const [name, args] = parseCommand(raw);
      return { result: toWire(await redis.send(name, args), base64) };
    } catch (error) {
      return { error: message(error) };
    }
  }

  /** MULTI/EXEC on a connection of its own, so other requests' commands cannot land inside it. */
  async function transaction(commands: unknown[], base64: boolean): Promise<Reply[]> {
    const tx = await redis.duplicate();
    try {
      await tx.send("MULTI", []);
      // A command rejected while queueing makes EXEC fail with EXECABORT, which becomes the answer.
      const queued = commands.map((raw) => {
        const [name, args] = parseCommand(raw);
        return tx.send(name, args).catch(() => undefined);
      });
      await Promise.all(queued);
      const results: unknown[] = await tx.send("EXEC", []);
      return results.map((r) => (r instanceof Error ? { error: r.message } : { result: toWire(r, base64) }));
    } finally {
      tx.close();
    }
  }

  async function handle(req: Request): Promise<Response> {
    if (req.method !== "POST") return Response.json({ error: "Method not allowed" }, { status: 405 });
    if (req.headers.get("authorization") !== `Bearer ${opts.token}`) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    const base64 = req.headers.get("upstash-encoding")?.toLowerCase() === "base64";
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return Response.json({ error: "ERR failed to parse command" }, { status: 400 });
    }
    const path = new URL(req.url).pathname;

    if (path === "/") {
      const reply = await run(body, base64);
      return Response.json(reply, { status: "error" in reply ? 400 : 200 });
    }
    if (!Array.isArray(body))
      return Response.json({ error: "ERR expected an array of commands" }, { status: 400 });
    if (path === "/pipeline") {
      // Sent together without awaiting each: Bun pipelines them in order on the one connection.
      return Response.json(await Promise.all(body.map((command) => run(command, base64))));
    }
    if (path === "/multi-exec") {
      try {
        return Response.json(await transaction(body, base64));
      } catch (error) {
        return Response.json({ error: message(error) }, { status: 400 });
      }
    }
    return Response.json({ error: `unknown path ${path}` }, { status: 404 });
  }

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ hostname: "127.0.0.1", port: opts.port ?? 0, fetch: handle });
  } catch (error) {
    redis.close();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${server.port}`,
    async stop() {
      await server.stop(true);
      redis.close();
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: String(UPSTASH_PROXY_PORT) },
      token: { type: "string", default: UPSTASH_PROXY_TOKEN },
      "redis-url": { type: "string", default: "redis://127.0.0.1:6379/0" },
    },
  });
  try {
    const proxy = await startUpstashProxy({
      redisUrl: values["redis-url"],
      token: values.token,
      port: Number(values.port),
    });
    console.log(`Upstash-protocol proxy on ${proxy.url} (token ${values.token}) → ${values["redis-url"]}`);
    const stop = () => proxy.stop().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    console.error(message(error));
    process.exit(1);
  }
}
