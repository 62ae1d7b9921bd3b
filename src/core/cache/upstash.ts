// The Workers entry of the SDK: plain fetch, no Node APIs, and it runs under Bun unchanged.
import { Redis } from "@upstash/redis/cloudflare";
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

// Each SCAN round trip is an HTTP request, so ask for large pages.
const SCAN_COUNT = 1000;

/** Upstash Redis over its REST API: one HTTP request per command, no connection to hold. */
export function createUpstashCache(opts: { url: string; token: string; prefix?: string }): Cache {
  const prefix = opts.prefix ?? "";
  let redis: Redis;
  try {
    redis = new Redis({
      url: opts.url,
      token: opts.token,
      // Values are our strings (often JSON we parse ourselves); the SDK must not JSON-parse them.
      automaticDeserialization: false,
      enableTelemetry: false,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`upstash cache: invalid UPSTASH_REDIS_REST_URL: ${reason}`, { cause: error });
  }

  async function run<T>(command: string, call: () => Promise<unknown>): Promise<T> {
    try {
      return (await call()) as T;
    } catch (error) {
      // The SDK appends the whole command (values included) to its messages; values may be
      // session data or lock tokens, which must not reach the logs.
      const reason = (error instanceof Error ? error.message : String(error)).split(", command was:")[0];
      throw new Error(`upstash cache: ${command} failed: ${reason}`, { cause: error });
    }
  }

  return {
    driver: "upstash",

    get(key) {
      return run<string | null>("GET", () => redis.get<string>(prefix + key));
    },

    async set(key, value, ttlSeconds) {
      const fullKey = prefix + key;
      if (ttlSeconds === undefined) await run("SET", () => redis.set(fullKey, value));
      else {
        const px = toMs(ttlSeconds);
        await run("SET", () => redis.set(fullKey, value, { px }));
      }
    },

    async del(...keys) {
      if (keys.length === 0) return 0;
      return run<number>("DEL", () => redis.del(...keys.map((k) => prefix + k)));
    },

    async incr(key, ttlSeconds) {
      const ms = ttlSeconds === undefined ? 0 : toMs(ttlSeconds);
      return run<number>("EVAL", () => redis.eval(INCR_SCRIPT, [prefix + key], [String(ms)]));
    },

    async compareAndSet(key, expected, next, ttlSeconds) {
      const args = casArgs(expected, next, ttlSeconds);
      return (await run<number>("EVAL", () => redis.eval(CAS_SCRIPT, [prefix + key], args))) === 1;
    },

    async expire(key, ttlSeconds) {
      const ms = toMs(ttlSeconds);
      return (await run<number>("PEXPIRE", () => redis.pexpire(prefix + key, ms))) === 1;
    },

    ttl(key) {
      return run<number>("TTL", () => redis.ttl(prefix + key));
    },

    // One script in one request: atomic, like Upstash's /multi-exec, and one round trip.
    async pipeline(ops) {
      const { keys, args } = pipelineArgs(ops, prefix);
      if (keys.length === 0) return [] as never;
      const reply = await run<unknown[]>("EVAL", () => redis.eval(PIPELINE_SCRIPT, keys, args));
      return pipelineResults(ops, reply) as never;
    },

    async keys(keyPrefix) {
      const match = escapeGlob(prefix + keyPrefix) + "*";
      // SCAN may return a key more than once across iterations.
      const found = new Set<string>();
      let cursor = "0";
      do {
        // Without automatic deserialization the reply is the raw [cursor, keys] pair.
        const [next, batch] = await run<[string | number, string[]]>("SCAN", () =>
          redis.scan(cursor, { match, count: SCAN_COUNT }),
        );
        for (const k of batch) found.add(k.slice(prefix.length));
        cursor = String(next);
      } while (cursor !== "0");
      return [...found];
    },

    async lock(key, ttlMs): Promise<CacheLock | null> {
      const fullKey = prefix + key;
      const token = crypto.randomUUID();
      const px = positiveMs(ttlMs);
      const ok = await run<string | null>("SET", () => redis.set(fullKey, token, { nx: true, px }));
      if (ok === null) return null;
      return {
        async release() {
          await run("EVAL", () => redis.eval(RELEASE_SCRIPT, [fullKey], [token]));
        },
      };
    },

    async ping() {
      try {
        return (await redis.ping()) === "PONG";
      } catch {
        return false;
      }
    },

    // The SDK has no INFO: one plain REST call (`POST /` with the command array).
    async info() {
      const res = await run<Response>("INFO", () =>
        fetch(`${opts.url.replace(/\/$/, "")}/`, {
          method: "POST",
          headers: { Authorization: `Bearer ${opts.token}` },
          body: JSON.stringify(["INFO"]),
        }),
      );
      const reply = (await res.json().catch(() => null)) as { result?: unknown } | null;
      return typeof reply?.result === "string" ? parseInfo(reply.result) : {};
    },

    // Stateless HTTP: nothing to release.
    async close() {},
  };
}
