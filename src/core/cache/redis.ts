import type { Cache, CacheLock } from "./cache";
import {
  CAS_SCRIPT,
  casArgs,
  escapeGlob,
  INCR_SCRIPT,
  PIPELINE_SCRIPT,
  parseInfo,
  pipelineArgs,
  pipelineResults,
  positiveMs,
  RELEASE_SCRIPT,
  toMs,
} from "./redis-protocol";

const SCAN_COUNT = "1000";

/** The URL without its credentials, safe for error messages and logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = "";
      parsed.password = "";
      return parsed.toString().replace("//", "//***@");
    }
    return parsed.toString();
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

/**
 * Connects before resolving, so a wrong REDIS_URL fails at startup instead of on the first request.
 * Rejects after `connectTimeoutMs` (default 5 s) with a message naming the (redacted) URL.
 */
export async function createRedisCache(opts: {
  url: string;
  prefix?: string;
  connectTimeoutMs?: number;
}): Promise<Cache> {
  // Taken from the global rather than `import { RedisClient } from "bun"`: bundlers (esbuild, so
  // wrangler) hoist a lazily imported module's static imports to the top of the bundle, and a
  // bare "bun" import there would stop the Worker from loading even when this driver is unused.
  if (typeof Bun === "undefined") {
    throw new Error("redis cache: CACHE_DRIVER=redis needs the Bun runtime; use upstash on Workers");
  }
  const prefix = opts.prefix ?? "";
  const where = redact(opts.url);
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  const client = new Bun.RedisClient(opts.url, {
    connectionTimeout: connectTimeoutMs,
    // While Redis is down, commands fail at once instead of queueing behind the reconnect loop
    // (which would hang requests); reconnecting goes on in the background for as long as it takes.
    enableOfflineQueue: false,
    autoReconnect: true,
    maxRetries: 2 ** 32 - 1, // the largest value Bun accepts
  });

  // With autoReconnect, connect() to a refused port keeps retrying instead of rejecting; the
  // deadline turns that into an error.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
  } catch (error) {
    client.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`redis cache: cannot connect to ${where}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }

  let closed = false;
  async function run<T>(command: string, args: string[]): Promise<T> {
    if (closed) throw new Error(`redis cache: ${command} after close()`);
    try {
      return (await client.send(command, args)) as T;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`redis cache: ${command} on ${where} failed: ${reason}`, { cause: error });
    }
  }

  return {
    driver: "redis",

    get(key) {
      return run<string | null>("GET", [prefix + key]);
    },

    async set(key, value, ttlSeconds) {
      const args = [prefix + key, value];
      if (ttlSeconds !== undefined) args.push("PX", String(toMs(ttlSeconds)));
      await run("SET", args);
    },

    async del(...keys) {
      if (keys.length === 0) return 0;
      return run<number>(
        "DEL",
        keys.map((k) => prefix + k),
      );
    },

    async incr(key, ttlSeconds) {
      const ms = ttlSeconds === undefined ? 0 : toMs(ttlSeconds);
      return run<number>("EVAL", [INCR_SCRIPT, "1", prefix + key, String(ms)]);
    },

    async compareAndSet(key, expected, next, ttlSeconds) {
      const args = casArgs(expected, next, ttlSeconds);
      return (await run<number>("EVAL", [CAS_SCRIPT, "1", prefix + key, ...args])) === 1;
    },

    async expire(key, ttlSeconds) {
      return (await run<number>("PEXPIRE", [prefix + key, String(toMs(ttlSeconds))])) === 1;
    },

    ttl(key) {
      return run<number>("TTL", [prefix + key]);
    },

    async pipeline(ops) {
      const { keys, args } = pipelineArgs(ops, prefix);
      if (keys.length === 0) return [] as never;
      const reply = await run<unknown[]>("EVAL", [PIPELINE_SCRIPT, String(keys.length), ...keys, ...args]);
      return pipelineResults(ops, reply) as never;
    },

    async keys(keyPrefix) {
      const pattern = escapeGlob(prefix + keyPrefix) + "*";
      // SCAN may return a key more than once across iterations.
      const found = new Set<string>();
      let cursor = "0";
      do {
        const [next, batch] = await run<[string, string[]]>("SCAN", [
          cursor,
          "MATCH",
          pattern,
          "COUNT",
          SCAN_COUNT,
        ]);
        for (const k of batch) found.add(k.slice(prefix.length));
        cursor = String(next);
      } while (cursor !== "0");
      return [...found];
    },

    async lock(key, ttlMs): Promise<CacheLock | null> {
      const fullKey = prefix + key;
      const token = crypto.randomUUID();
      const ok = await run<string | null>("SET", [fullKey, token, "NX", "PX", String(positiveMs(ttlMs))]);
      if (ok === null) return null;
      return {
        async release() {
          await run("EVAL", [RELEASE_SCRIPT, "1", fullKey, token]);
        },
      };
    },

    async ping() {
      try {
        return (await run<string>("PING", [])) === "PONG";
      } catch {
        return false;
      }
    },

    async info() {
      const [main, stats] = await Promise.all([
        run<string>("INFO", []),
        run<string>("INFO", ["commandstats"]),
      ]);
      return { ...parseInfo(String(main)), ...parseInfo(String(stats)) };
    },

    async close() {
      if (closed) return;
      closed = true;
      client.close();
    },
  };
}
