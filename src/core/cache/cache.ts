/**
 * The one cache contract (sessions, captcha, counters, locks, dictionary and parameter caches).
 * Drivers: memory (default, one process), file (a SQLite file shared by the processes of one
 * machine), redis (self-host), upstash (Workers). Keys given here
 * are logical: a driver adds its configured prefix and strips it again from `keys()`.
 */
export interface Cache {
  readonly driver: "memory" | "file" | "redis" | "upstash";
  get(key: string): Promise<string | null>;
  /** Stores a string; with `ttlSeconds` it expires, without it lives until deleted. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Deletes keys; answers how many existed. */
  del(...keys: string[]): Promise<number>;
  /** Atomically adds 1 (creating the key at 1); `ttlSeconds` is applied when the key is created. */
  incr(key: string, ttlSeconds?: number): Promise<number>;
  /**
   * Compare-and-set in one step: writes `next` (expiring after `ttlSeconds`, or never) only when
   * the key holds exactly `expected` (`null`: only when the key is missing). Answers whether it
   * wrote. Concurrent callers with the same `expected` see exactly one `true`.
   */
  compareAndSet(key: string, expected: string | null, next: string, ttlSeconds?: number): Promise<boolean>;
  /** Sets a new TTL on an existing key; false when the key does not exist. */
  expire(key: string, ttlSeconds: number): Promise<boolean>;
  /** Seconds left: -2 when missing, -1 when the key never expires. */
  ttl(key: string): Promise<number>;
  /** Every live key starting with `prefix` (logical names, without the driver prefix). */
  keys(prefix: string): Promise<string[]>;
  /** A mutual-exclusion lock held for at most `ttlMs`; null when someone else holds it. */
  lock(key: string, ttlMs: number): Promise<CacheLock | null>;
  /**
   * Runs `ops` in order as one unit, in one round trip (memory: synchronously; file: one
   * transaction; redis and upstash: one script), so no other client's command runs in between.
   * Each op behaves exactly like the method of the same name and answers what that method
   * answers (`set`: true). All TTLs are checked before anything runs; when a command fails (e.g.
   * `incr` of a non-integer) the call rejects, and the file driver undoes the commands before it.
   */
  pipeline<const Ops extends readonly CacheOp[]>(ops: Ops): Promise<CacheResults<Ops>>;
  ping(): Promise<boolean>;
  /** What the server says about itself (Redis `INFO` fields, `cmdstat_*` included), for the cache monitor. */
  info?(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** One command of `Cache.pipeline` (build them with `op`). */
export type CacheOp =
  | { readonly op: "get"; readonly key: string }
  | { readonly op: "set"; readonly key: string; readonly value: string; readonly ttlSeconds?: number }
  | { readonly op: "del"; readonly key: string }
  | { readonly op: "incr"; readonly key: string; readonly ttlSeconds?: number }
  | { readonly op: "ttl"; readonly key: string }
  | { readonly op: "expire"; readonly key: string; readonly ttlSeconds: number };

/** What one pipeline command answers: what the method of the same name answers. */
export type CacheResult<O extends CacheOp> = O extends { op: "get" }
  ? string | null
  : O extends { op: "set" }
    ? true
    : O extends { op: "expire" }
      ? boolean
      : number;

export type CacheResults<Ops extends readonly CacheOp[]> = {
  -readonly [K in keyof Ops]: CacheResult<Ops[K]>;
};

/** Builders of pipeline commands: `cache.pipeline([op.get("a"), op.incr("b", 60)])`. */
export const op = {
  get: (key: string) => ({ op: "get", key }) as const,
  set: (key: string, value: string, ttlSeconds?: number) => ({ op: "set", key, value, ttlSeconds }) as const,
  del: (key: string) => ({ op: "del", key }) as const,
  incr: (key: string, ttlSeconds?: number) => ({ op: "incr", key, ttlSeconds }) as const,
  ttl: (key: string) => ({ op: "ttl", key }) as const,
  expire: (key: string, ttlSeconds: number) => ({ op: "expire", key, ttlSeconds }) as const,
};

export interface CacheLock {
  /** Releases the lock if this holder still owns it. */
  release(): Promise<void>;
}

export async function getJson<T>(cache: Cache, key: string): Promise<T | null> {
  const raw = await cache.get(key);
  if (raw === null || raw === "") return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

export function setJson(cache: Cache, key: string, value: unknown, ttlSeconds?: number): Promise<void> {
  return cache.set(key, JSON.stringify(value), ttlSeconds);
}

/**
 * The TTL of a pipeline command in whole milliseconds (0: none), refusing what Redis refuses
 * (`PX 0`) exactly like the single-command methods; drivers check every command before running any.
 */
export function pipelineTtlMs(o: CacheOp): number {
  const seconds = o.op === "set" || o.op === "incr" || o.op === "expire" ? o.ttlSeconds : undefined;
  if (seconds === undefined) return 0;
  const ms = seconds * 1000;
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`cache TTL must be positive, got ${ms} ms`);
  return Math.ceil(ms);
}
