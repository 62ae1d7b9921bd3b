import { type Cache, type CacheLock, type CacheOp, pipelineTtlMs } from "./cache";

interface Entry {
  value: string;
  /** Epoch ms after which the entry is gone; null = never. */
  expiresAt: number | null;
}

// Expired entries are dropped on access anyway; the sweep only bounds memory held by keys nobody reads.
const SWEEP_INTERVAL_MS = 60_000;

/** Rejects what Redis would reject (`SET ... PX 0`); fractional seconds are kept as whole ms. */
function positiveMs(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`cache TTL must be positive, got ${ms} ms`);
  return Math.ceil(ms);
}
const toMs = (ttlSeconds: number) => positiveMs(ttlSeconds * 1000);

/** Single-process cache with Redis' TTL semantics; the default for `bun run start` and tests. */
export function createMemoryCache(opts: { prefix?: string; now?: () => number } = {}): Cache {
  const prefix = opts.prefix ?? "";
  const now = opts.now ?? Date.now;
  const store = new Map<string, Entry>();
  const startedAt = now();
  let sweeper: ReturnType<typeof setInterval> | undefined;

  // Redis treats a key as expired only once the clock has passed its deadline.
  const isExpired = (entry: Entry, at: number) => entry.expiresAt !== null && at > entry.expiresAt;

  function live(fullKey: string): Entry | undefined {
    const entry = store.get(fullKey);
    if (entry && isExpired(entry, now())) {
      store.delete(fullKey);
      return undefined;
    }
    return entry;
  }

  function sweep() {
    const at = now();
    for (const [key, entry] of store) if (isExpired(entry, at)) store.delete(key);
  }

  // Started on first write rather than at creation: Workers forbid timers in global scope, and an
  // unused cache should cost nothing.
  function startSweeper() {
    if (sweeper !== undefined) return;
    sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
    // Bun/Node timers keep the process alive unless unref'd; Workers return a plain number.
    if (typeof sweeper === "object" && sweeper !== null && "unref" in sweeper) sweeper.unref();
  }

  function write(fullKey: string, value: string, expiresAt: number | null) {
    startSweeper();
    store.set(fullKey, { value, expiresAt });
  }

  // Synchronous, so that a pipeline of them runs with nothing in between.
  function setSync(key: string, value: string, ms: number | undefined) {
    write(prefix + key, value, ms === undefined ? null : now() + ms);
  }

  function delSync(keys: string[]): number {
    let count = 0;
    for (const key of new Set(keys)) {
      if (live(prefix + key) && store.delete(prefix + key)) count++;
    }
    return count;
  }

  function incrSync(key: string, ms: number | undefined): number {
    const fullKey = prefix + key;
    const entry = live(fullKey);
    if (!entry) {
      write(fullKey, "1", ms === undefined ? null : now() + ms);
      return 1;
    }
    // Same acceptance rule as Redis: a canonical base-10 integer, nothing else.
    const current = /^-?(0|[1-9]\d*)$/.test(entry.value) ? Number(entry.value) : Number.NaN;
    if (!Number.isSafeInteger(current) || current + 1 > Number.MAX_SAFE_INTEGER) {
      throw new Error(`ERR value is not an integer or out of range (key ${key})`);
    }
    entry.value = String(current + 1);
    return current + 1;
  }

  function expireSync(key: string, ms: number): boolean {
    const entry = live(prefix + key);
    if (!entry) return false;
    entry.expiresAt = now() + ms;
    return true;
  }

  function ttlSync(key: string): number {
    const entry = live(prefix + key);
    if (!entry) return -2;
    if (entry.expiresAt === null) return -1;
    // Redis rounds the remaining milliseconds to the nearest second.
    return Math.floor((Math.max(0, entry.expiresAt - now()) + 500) / 1000);
  }

  function runSync(o: CacheOp, ms: number): unknown {
    switch (o.op) {
      case "get":
        return live(prefix + o.key)?.value ?? null;
      case "set":
        setSync(o.key, o.value, ms || undefined);
        return true;
      case "del":
        return delSync([o.key]);
      case "incr":
        return incrSync(o.key, ms || undefined);
      case "ttl":
        return ttlSync(o.key);
      default: // "expire"
        return expireSync(o.key, ms);
    }
  }

  return {
    driver: "memory",

    async get(key) {
      return live(prefix + key)?.value ?? null;
    },

    async set(key, value, ttlSeconds) {
      setSync(key, value, ttlSeconds === undefined ? undefined : toMs(ttlSeconds));
    },

    async del(...keys) {
      return delSync(keys);
    },

    async incr(key, ttlSeconds) {
      return incrSync(key, ttlSeconds === undefined ? undefined : toMs(ttlSeconds));
    },

    // No await between the read and the write: atomic within the one process this cache serves.
    async compareAndSet(key, expected, next, ttlSeconds) {
      const expiresAt = ttlSeconds === undefined ? null : now() + toMs(ttlSeconds);
      const current = live(prefix + key)?.value ?? null;
      if (current !== expected) return false;
      write(prefix + key, next, expiresAt);
      return true;
    },

    async expire(key, ttlSeconds) {
      return expireSync(key, toMs(ttlSeconds));
    },

    async ttl(key) {
      return ttlSync(key);
    },

    async pipeline(ops) {
      const ms = ops.map(pipelineTtlMs);
      return ops.map((o, i) => runSync(o, ms[i])) as never;
    },

    async keys(keyPrefix) {
      const wanted = prefix + keyPrefix;
      const at = now();
      const found: string[] = [];
      for (const [fullKey, entry] of store) {
        if (isExpired(entry, at)) store.delete(fullKey);
        else if (fullKey.startsWith(wanted)) found.push(fullKey.slice(prefix.length));
      }
      return found;
    },

    async lock(key, ttlMs): Promise<CacheLock | null> {
      const fullKey = prefix + key;
      const ms = positiveMs(ttlMs);
      if (live(fullKey)) return null;
      const token = crypto.randomUUID();
      write(fullKey, token, now() + ms);
      return {
        async release() {
          // Only the holder's own token may delete: after expiry the key may belong to someone else.
          if (live(fullKey)?.value === token) store.delete(fullKey);
        },
      };
    },

    async ping() {
      return true;
    },

    // Only what one process can tell about itself; strings like Redis' own INFO fields.
    async info() {
      sweep();
      let bytes = 0;
      let expires = 0;
      for (const [key, entry] of store) {
        bytes += 2 * (key.length + entry.value.length); // UTF-16 code units
        if (entry.expiresAt !== null) expires++;
      }
      const uptime = Math.floor((now() - startedAt) / 1000);
      return {
        redis_mode: "standalone",
        aof_enabled: "0",
        uptime_in_seconds: String(uptime),
        uptime_in_days: String(Math.floor(uptime / 86400)),
        used_memory: String(bytes),
        db0: `keys=${store.size},expires=${expires},avg_ttl=0`,
      };
    },

    async close() {
      if (sweeper !== undefined) clearInterval(sweeper);
      sweeper = undefined;
      store.clear();
    },
  };
}
