import type { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { Lru } from "@/core/lru";
import { type Database, isLibsqlServer } from "./database";

/**
 * Statements built once per exact inputs. Drizzle builds a statement's SQL text anew on every
 * run — for a list page's rows and links that was about a third of a seed-sized request's CPU —
 * though a list asked again with the same filter, order and page builds the very same text and
 * values. So a list names its statements by those inputs (`inputsKey`) and `reused` keeps the
 * prepared statement (text, values and how to map its rows) for the next request with the same
 * name. A name never depends on the data read, only on what the statement says, so a kept
 * statement is exactly the one that would be built; its result is read fresh each time.
 *
 * At a libSQL server the statements of a request travel as one batch of query builders
 * (`readTogether`), so there the builder itself is returned and nothing is kept.
 */
export function reused<R>(db: Database, key: string, build: () => Preparable<R>): PromiseLike<R> {
  if (isLibsqlServer(db)) return build();
  let kept = statements.get(db);
  if (!kept) {
    kept = new Lru(KEPT);
    statements.set(db, kept);
  }
  let prepared = kept.get(key) as Prepared<R> | undefined;
  if (!prepared) {
    prepared = build().prepare();
    kept.set(key, prepared);
  }
  return prepared.execute();
}

/** A query builder that can be prepared (a select), and is itself a query for a batch. */
export interface Preparable<R> extends PromiseLike<R> {
  prepare(): Prepared<R>;
}

interface Prepared<R> {
  execute(): Promise<R>;
}

/** How many statements a database keeps (least recently used dropped first). */
const KEPT = 500;
const statements = new WeakMap<Database, Lru<string, Prepared<unknown>>>();

/** Renders SQL fragments as text and values (either database's: a name only has to be unique). */
const RENDER = new SQLiteSyncDialect();

/** The text and values of `fragment`, for a name (`""` for none). */
export function sqlKey(fragment: SQL | undefined): { sql: string; params: unknown[] } {
  return fragment ? RENDER.sqlToQuery(fragment) : { sql: "", params: [] };
}

/** One name for a statement's inputs: fragments of SQL (filters, orderings) and plain values. */
export function inputsKey(...inputs: (SQL | SQL[] | string | number | undefined)[]): string {
  return keyText(
    inputs.map((input) =>
      Array.isArray(input) ? input.map(sqlKey) : typeof input === "object" ? sqlKey(input) : (input ?? null),
    ),
  );
}

/** JSON of a name's parts; a bigint value (a driver's large id) is written as `{"bigint":"…"}`. */
export const keyText = (parts: unknown): string =>
  JSON.stringify(parts, (_, v) => (typeof v === "bigint" ? { bigint: String(v) } : v));
