import { AsyncLocalStorage } from "node:async_hooks";
import { getTableName, type SQL, type Table } from "drizzle-orm";
import { type Cache, op } from "@/core/cache/cache";
import type { Logger } from "@/core/log/logger";
import { Lru } from "@/core/lru";
import { keyText, sqlKey } from "./reuse";
import { isReadStatement, stripLeadingComments } from "./write-lock";

/**
 * Exact list totals remembered until their table is written.
 *
 * A count of a big table costs a read of a whole index: 17 ms for 100k users on InnoDB, which
 * keeps no row count, and half a million index entries for the log list filtered by type. The
 * totals of a list's pages do not change while nobody writes its table, so each process keeps
 * the totals it counted beside the table's *change token*, a random string in the app's cache
 * (shared by every process and instance: the file cache, Redis, Upstash) that every committed
 * write of the table replaces. A total is reused while the token is the one it was counted
 * under; after any write it is counted again.
 *
 * Order makes it exact: a reader reads the token before it counts, a writer replaces the token
 * after its write commits (and before its statement or transaction resolves), so a total stored
 * under a token never misses a write that committed before that token was readable. The drivers
 * see every statement (`watchLibsqlWrites`, the MySQL pool's facade) and report what committed.
 *
 * Writes the app does not make (another program on the same database) are not seen: like the
 * dictionary and parameter caches, totals assume the app is the database's only writer. As a
 * backstop, a remembered total is counted again after `MAX_AGE_MS`, and a token the cache lost
 * (evicted, flushed) is replaced by a new one, never reused.
 */
export class Totals {
  #cache: Cache | undefined;
  readonly #memo = new Lru<string, { token: string; total: number; at: number }>(MEMO_SIZE);
  readonly #logger: Logger | undefined;
  readonly #deferred = new AsyncLocalStorage<(work: Promise<unknown>) => void>();

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Keeps totals from now on, with change tokens in `cache` (without one, every total is counted). */
  useCache(cache: Cache): void {
    this.#cache = cache;
    this.#memo.clear();
  }

  /**
   * The total of the rows of `table` matching `filter`, reused while neither `table` nor a table
   * the filter reads (a subquery's) has been written since it was counted; `count` builds the
   * statement that counts it (a one-row select of a `total` column), only when it has to run.
   */
  async count(table: Table, filter: SQL | undefined, count: () => CountQuery): Promise<number> {
    const cache = this.#cache;
    if (!cache) return Number((await count())[0].total);
    // The filter's text and values name the total (building it is a fraction of the count's cost).
    const { sql, params } = sqlKey(filter);
    const tables = new Set([getTableName(table)]);
    for (const m of sql.matchAll(TABLE_IN_KEY)) tables.add(m[1] ?? m[2]);
    const token = await this.#tokens(cache, [...tables]).catch((err) => {
      this.#logger?.warn("list total counted without the cache", { err });
      return null;
    });
    if (token === null) return Number((await count())[0].total);
    const key = `${[...tables][0]}\n${sql}\n${keyText(params)}`;
    const now = Date.now();
    const kept = this.#memo.get(key);
    if (kept && kept.token === token && now - kept.at < MAX_AGE_MS) return kept.total;
    const total = Number((await count())[0].total);
    this.#memo.set(key, { token, total, at: now });
    return total;
  }

  /**
   * Called by the drivers once writes committed: new change tokens for `tables` (`*`: a write
   * whose table the statement does not name — every token is dropped). Failures are logged, not
   * thrown: the write itself succeeded.
   */
  async written(tables: ReadonlySet<string>): Promise<void> {
    const cache = this.#cache;
    if (!cache || tables.size === 0) return;
    const defer = this.#deferred.getStore();
    if (defer) defer(this.#replaceTokens(cache, tables));
    else await this.#replaceTokens(cache, tables);
  }

  /**
   * Runs `fn`; the tokens its writes replace are replaced after its answer instead of before its
   * writes resolve (`defer` keeps that work alive: the Worker's `waitUntil`). For writes that
   * nobody reads a total right after and that must not add a round trip: a login's `last_login`
   * and log row. Other requests may see the old totals for that one round trip.
   */
  deferTokens<T>(defer: (work: Promise<unknown>) => void, fn: () => Promise<T>): Promise<T> {
    return this.#deferred.run(defer, fn);
  }

  async #replaceTokens(cache: Cache, tables: ReadonlySet<string>): Promise<void> {
    try {
      if (tables.has("*")) {
        this.#memo.clear();
        const keys = await cache.keys(TOKEN_PREFIX);
        if (keys.length) await cache.del(...keys);
        return;
      }
      const fresh = newToken();
      await cache.pipeline([...tables].map((t) => op.set(TOKEN_PREFIX + t, fresh)));
    } catch (err) {
      // Other processes may keep an old total until MAX_AGE_MS; this one forgets its own now.
      this.#memo.clear();
      this.#logger?.warn("list totals not invalidated after a write", { err, tables: [...tables] });
    }
  }

  /** The current tokens of `tables`, as one string (one round trip when all exist). */
  async #tokens(cache: Cache, tables: string[]): Promise<string> {
    const keys = tables.map((t) => TOKEN_PREFIX + t);
    const current = await cache.pipeline(keys.map((k) => op.get(k)));
    const tokens = await Promise.all(
      current.map(async (token, i) => {
        if (token !== null) return token;
        const fresh = newToken();
        if (await cache.compareAndSet(keys[i], null, fresh)) return fresh;
        return (await cache.get(keys[i])) ?? fresh;
      }),
    );
    return tokens.join(" ");
  }
}

/** A select of one row with a `total` column (`countOf`, `liveCountOf`). */
export type CountQuery = PromiseLike<{ total: unknown }[]>;

/** A table named in a rendered filter: a qualified column (`"t"."c"`), or after FROM / JOIN. */
const TABLE_IN_KEY = /"(\w+)"\."|\b(?:from|join)\s+"(\w+)"/gi;

/** Cache keys of the change tokens: `db:written:<table>`. */
const TOKEN_PREFIX = "db:written:";
/** How many totals a process remembers (least recently used dropped first). */
const MEMO_SIZE = 1000;
/** A remembered total is counted again after this long even if no write was seen. */
const MAX_AGE_MS = 5 * 60_000;

const newToken = () => crypto.randomUUID();

const CONTROL = /^(?:begin|commit|end|rollback|savepoint|release|pragma|set|start|analyze|vacuum|reindex)\b/i;
const TARGET =
  /^(?:insert(?:\s+or\s+\w+)?(?:\s+ignore)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?(?:\s+ignore)?|delete\s+from|(?:create|alter|drop|truncate)\s+table(?:\s+if(?:\s+not)?\s+exists)?)\s+[`"[]?(\w+)/i;

/**
 * The table a statement writes: null for a read, transaction control or a pragma; `*` for a
 * write that names no single table up front (a `WITH … INSERT`, other DDL).
 */
export function writtenTable(sql: string): string | null {
  if (isReadStatement(sql)) return null;
  const s = stripLeadingComments(sql);
  if (CONTROL.test(s)) return null;
  return TARGET.exec(s)?.[1] ?? "*";
}
