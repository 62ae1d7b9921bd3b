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
  ping(): Promise<boolean>;
  /** What the server says about itself (Redis `INFO` fields, `cmdstat_*` included), for the cache monitor. */
  info?(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

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
