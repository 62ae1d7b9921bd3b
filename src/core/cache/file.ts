import { Database, type Statement } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Cache, type CacheLock, type CacheOp, pipelineTtlMs } from "./cache";

/*
 * The cache of one machine's several server processes (WORKERS > 1 without Redis): one SQLite
 * file beside the database, in WAL mode, opened by every process. Every operation is one SQL
 * statement or one IMMEDIATE transaction (which takes SQLite's write lock before reading), so
 * incr, compareAndSet and lock are atomic across processes, not only within one. A row expires
 * by its `exp` column (epoch ms; NULL = never), with Redis' rule: alive at the deadline, gone
 * after it. Expired rows are ignored by every read and swept on a timer.
 *
 * bun:sqlite runs statements synchronously; they are short (one indexed row), and a write that
 * meets another process's lock waits up to BUSY_TIMEOUT_MS.
 */

const BUSY_TIMEOUT_MS = 5000;
const SWEEP_INTERVAL_MS = 60_000;
/** Sorts after every character a key can hold (the range bound of a prefix scan). */
const TOP = "\u{10FFFF}";

function positiveMs(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`cache TTL must be positive, got ${ms} ms`);
  return Math.ceil(ms);
}
const toMs = (ttlSeconds: number) => positiveMs(ttlSeconds * 1000);

/** `file:./data/app.db` → `./data/app.cache.db`; anything not a local file → `./data/cache.db`. */
export function cacheFileBeside(databaseUrl: string): string {
  const m = /^file:(?!:memory:)(.+)$/.exec(databaseUrl);
  if (!m) return "./data/cache.db";
  const path = m[1].replace(/\?.*$/, "");
  return /\.(db|sqlite3?)$/.test(path) ? path.replace(/\.(db|sqlite3?)$/, ".cache.$1") : `${path}.cache.db`;
}

export interface FileCacheOptions {
  /** The SQLite file (created with its directory when missing). */
  path: string;
  prefix?: string;
  now?: () => number;
}

export function createFileCache(opts: FileCacheOptions): Cache {
  const prefix = opts.prefix ?? "";
  const now = opts.now ?? Date.now;
  if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path, { create: true, strict: true });
  db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  db.run("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL, exp INTEGER) WITHOUT ROWID");
  db.run("CREATE INDEX IF NOT EXISTS kv_exp ON kv (exp) WHERE exp IS NOT NULL");
  const startedAt = now();

  const LIVE = "(exp IS NULL OR exp >= $now)";
  const q = {
    get: db.query<{ v: string; exp: number | null }, { k: string; now: number }>(
      `SELECT v, exp FROM kv WHERE k = $k AND ${LIVE}`,
    ),
    put: db.query<never, { k: string; v: string; exp: number | null }>(
      "INSERT INTO kv (k, v, exp) VALUES ($k, $v, $exp) ON CONFLICT (k) DO UPDATE SET v = excluded.v, exp = excluded.exp",
    ),
    /** SET NX: writes only when the key is missing or expired. */
    putIfAbsent: db.query<never, { k: string; v: string; exp: number | null; now: number }>(
      "INSERT INTO kv (k, v, exp) VALUES ($k, $v, $exp) ON CONFLICT (k) DO UPDATE SET v = excluded.v, exp = excluded.exp WHERE kv.exp IS NOT NULL AND kv.exp < $now",
    ),
    swap: db.query<never, { k: string; v: string; exp: number | null; expected: string; now: number }>(
      `UPDATE kv SET v = $v, exp = $exp WHERE k = $k AND v = $expected AND ${LIVE}`,
    ),
    delLive: db.query<never, { k: string; now: number }>(`DELETE FROM kv WHERE k = $k AND ${LIVE}`),
    delAny: db.query<never, { k: string }>("DELETE FROM kv WHERE k = $k"),
    delIf: db.query<never, { k: string; v: string }>("DELETE FROM kv WHERE k = $k AND v = $v"),
    expire: db.query<never, { k: string; exp: number; now: number }>(
      `UPDATE kv SET exp = $exp WHERE k = $k AND ${LIVE}`,
    ),
    setValue: db.query<never, { k: string; v: string }>("UPDATE kv SET v = $v WHERE k = $k"),
    keys: db.query<{ k: string }, { lo: string; hi: string; now: number }>(
      `SELECT k FROM kv WHERE k >= $lo AND k < $hi AND ${LIVE}`,
    ),
    sweep: db.query<never, { now: number }>("DELETE FROM kv WHERE exp IS NOT NULL AND exp < $now"),
    stats: db.query<{ n: number; e: number }, { now: number }>(
      `SELECT count(*) AS n, count(exp) AS e FROM kv WHERE ${LIVE}`,
    ),
  } satisfies Record<string, Statement<unknown, never>>;

  const changes = (run: () => { changes: number }) => run().changes;

  const incrTx = db.transaction((k: string, ms: number | undefined, key: string): number => {
    const at = now();
    const row = q.get.get({ k, now: at });
    if (!row) {
      q.put.run({ k, v: "1", exp: ms === undefined ? null : at + ms });
      return 1;
    }
    const current = /^-?(0|[1-9]\d*)$/.test(row.v) ? Number(row.v) : Number.NaN;
    if (!Number.isSafeInteger(current) || current + 1 > Number.MAX_SAFE_INTEGER) {
      throw new Error(`ERR value is not an integer or out of range (key ${key})`);
    }
    q.setValue.run({ k, v: String(current + 1) });
    return current + 1;
  });

  const delTx = db.transaction((keys: string[]): number => {
    const at = now();
    let count = 0;
    for (const k of keys) {
      count += changes(() => q.delLive.run({ k, now: at }));
      q.delAny.run({ k });
    }
    return count;
  });

  const expireSync = (k: string, ms: number) => {
    const at = now();
    return changes(() => q.expire.run({ k, exp: at + ms, now: at })) === 1;
  };

  const ttlSync = (k: string) => {
    const at = now();
    const row = q.get.get({ k, now: at });
    if (!row) return -2;
    if (row.exp === null) return -1;
    return Math.floor((Math.max(0, row.exp - at) + 500) / 1000);
  };

  /** A pipeline in one IMMEDIATE transaction: atomic across processes, undone when a command fails. */
  const pipelineTx = db.transaction((ops: readonly CacheOp[], ms: number[]): unknown[] =>
    ops.map((o, i) => {
      const k = prefix + o.key;
      switch (o.op) {
        case "get":
          return q.get.get({ k, now: now() })?.v ?? null;
        case "set":
          q.put.run({ k, v: o.value, exp: ms[i] ? now() + ms[i] : null });
          return true;
        case "del":
          return delTx([k]);
        case "incr":
          return incrTx(k, ms[i] || undefined, o.key);
        case "ttl":
          return ttlSync(k);
        default: // "expire"
          return expireSync(k, ms[i]);
      }
    }),
  );

  let sweeper: ReturnType<typeof setInterval> | undefined = setInterval(() => {
    try {
      q.sweep.run({ now: now() });
    } catch {
      // busy or closed: the next sweep tries again, and reads ignore expired rows anyway
    }
  }, SWEEP_INTERVAL_MS);
  sweeper.unref?.();

  return {
    driver: "file",

    async get(key) {
      return q.get.get({ k: prefix + key, now: now() })?.v ?? null;
    },

    async set(key, value, ttlSeconds) {
      const exp = ttlSeconds === undefined ? null : now() + toMs(ttlSeconds);
      q.put.run({ k: prefix + key, v: value, exp });
    },

    async del(...keys) {
      return delTx.immediate([...new Set(keys)].map((k) => prefix + k));
    },

    async incr(key, ttlSeconds) {
      const ms = ttlSeconds === undefined ? undefined : toMs(ttlSeconds);
      return incrTx.immediate(prefix + key, ms, key);
    },

    async compareAndSet(key, expected, next, ttlSeconds) {
      const at = now();
      const exp = ttlSeconds === undefined ? null : at + toMs(ttlSeconds);
      const k = prefix + key;
      if (expected === null) return changes(() => q.putIfAbsent.run({ k, v: next, exp, now: at })) === 1;
      return changes(() => q.swap.run({ k, v: next, exp, expected, now: at })) === 1;
    },

    async expire(key, ttlSeconds) {
      return expireSync(prefix + key, toMs(ttlSeconds));
    },

    async ttl(key) {
      return ttlSync(prefix + key);
    },

    async pipeline(ops) {
      const ms = ops.map(pipelineTtlMs);
      if (ops.length === 0) return [] as never;
      return pipelineTx.immediate(ops, ms) as never;
    },

    async keys(keyPrefix) {
      const lo = prefix + keyPrefix;
      return q.keys
        .all({ lo, hi: lo + TOP, now: now() })
        .filter((r) => r.k.startsWith(lo))
        .map((r) => r.k.slice(prefix.length));
    },

    async lock(key, ttlMs): Promise<CacheLock | null> {
      const at = now();
      const k = prefix + key;
      const token = crypto.randomUUID();
      const taken = changes(() => q.putIfAbsent.run({ k, v: token, exp: at + positiveMs(ttlMs), now: at }));
      if (taken !== 1) return null;
      return {
        async release() {
          q.delIf.run({ k, v: token });
        },
      };
    },

    async ping() {
      return db.query("SELECT 1 AS one").get() !== null;
    },

    async info() {
      const at = now();
      const { n, e } = q.stats.get({ now: at }) ?? { n: 0, e: 0 };
      const pages = db.query<{ page_count: number }, []>("PRAGMA page_count").get()?.page_count ?? 0;
      const size = db.query<{ page_size: number }, []>("PRAGMA page_size").get()?.page_size ?? 0;
      const uptime = Math.floor((at - startedAt) / 1000);
      return {
        redis_mode: "standalone",
        aof_enabled: "0",
        uptime_in_seconds: String(uptime),
        uptime_in_days: String(Math.floor(uptime / 86400)),
        used_memory: String(pages * size),
        db0: `keys=${n},expires=${e},avg_ttl=0`,
      };
    },

    async close() {
      if (sweeper !== undefined) clearInterval(sweeper);
      sweeper = undefined;
      db.close();
    },
  };
}
