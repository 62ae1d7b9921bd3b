import type { Tables } from "@db/schema.sqlite";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { RawSql } from "./schema-inspect";
import type { Totals } from "./totals";

export type { Tables };

/**
 * The query builder repositories use. It is typed against the SQLite schema; on MySQL the real
 * object is drizzle's mysql2 database, which accepts the same calls for the subset we use
 * (select/insert/update/delete builders, no `.returning()`, no `.get()/.all()/.run()`).
 */
export type Orm = LibSQLDatabase<Tables>;

export type Dialect = "sqlite" | "mysql";

export interface Database {
  readonly dialect: Dialect;
  /** `file:` databases need writes serialised in-process (see stack-notes, pitfall 1). */
  readonly url: string;
  readonly orm: Orm;
  /** The dialect's own table objects: always query with these, never import a schema module. */
  readonly t: Tables;
  /** Runs `fn` in one transaction (serialised behind the write lock on a `file:` database). */
  transaction<T>(fn: (tx: Orm) => Promise<T>): Promise<T>;
  /** The auto-increment id of a single-row insert's result, on either driver. */
  insertId(result: unknown): number;
  /** True when `err` (or its cause) is a unique-key violation on either driver. */
  isUniqueViolation(err: unknown): boolean;
  /** `SELECT 1`; throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Plain SQL on the same connections (catalogue reads and DDL for adoption; not for modules). */
  readonly raw: RawSql;
  /** List totals remembered until their table is written (see `Totals`). */
  readonly totals: Totals;
  /** Applies pending migrations of this dialect from db/migrations/<dialect>. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** A libSQL/Turso server (not a local file): statements travel over the network, in batches. */
export const isLibsqlServer = (db: Pick<Database, "dialect" | "url">): boolean =>
  db.dialect === "sqlite" && !db.url.startsWith("file:");
