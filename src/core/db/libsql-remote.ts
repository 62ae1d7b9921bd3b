import { tables } from "@db/schema.sqlite";
import type { Client } from "@libsql/client";
// The fetch/WebSocket client (what the package's `workerd` condition picks anyway), named
// explicitly so this module behaves the same under Bun and on Workers.
import { createClient } from "@libsql/client/web";
import { drizzle } from "drizzle-orm/libsql";
import type { Logger } from "@/core/log/logger";
import type { Database, Orm } from "./database";
import { insertIdOf, isUniqueViolationError } from "./dialect";
import { drizzleLogger, type QueryObserver } from "./query-logger";
import type { RawSql } from "./schema-inspect";
import { Totals } from "./totals";
import { watchLibsqlWrites } from "./watch-writes";

export interface LibsqlDatabaseOptions {
  url: string;
  logger?: Logger;
  onQuery?: QueryObserver;
  /** Wraps each `transaction()` call (the `file:` driver's write lock); none for a server. */
  runTransaction?: <T>(run: () => Promise<T>) => Promise<T>;
  migrate: (orm: Orm) => Promise<void>;
  /** The client to close (when `client` is a wrapper around it). */
  raw?: Client;
}

/** The `Database` over an open libSQL client: shared by the `file:` driver and the server driver. */
export function libsqlDatabase(unwatched: Client, opts: LibsqlDatabaseOptions): Database {
  const { logger, runTransaction } = opts;
  const totals = new Totals(logger);
  const client = watchLibsqlWrites(unwatched, (tables) => totals.written(tables));
  const orm = drizzle({ client, schema: tables, logger: drizzleLogger(logger, opts.onQuery) }) as Orm;
  return {
    dialect: "sqlite",
    url: opts.url,
    orm,
    t: tables,
    transaction<T>(fn: (tx: Orm) => Promise<T>) {
      // A transaction object lacks only the top-level extras (`batch`, `$client`) of `Orm`.
      const run = () => orm.transaction((tx) => fn(tx as unknown as Orm));
      return runTransaction ? runTransaction(run) : run();
    },
    insertId: insertIdOf,
    isUniqueViolation: isUniqueViolationError,
    async ping() {
      await client.execute("SELECT 1");
    },
    raw: libsqlRaw(client),
    totals,
    migrate: () => opts.migrate(orm),
    async close() {
      (opts.raw ?? unwatched).close();
    },
  };
}

/** Rows as plain objects keyed by column name. */
function libsqlRaw(client: Client): RawSql {
  const objects = (rs: { columns: string[]; rows: ArrayLike<unknown>[] }) =>
    rs.rows.map((row) => Object.fromEntries(rs.columns.map((c, i) => [c, row[i]])));
  return {
    dialect: "sqlite",
    async all(sql, args = []) {
      return objects(await client.execute({ sql, args: args as never }));
    },
    async run(sql, args = []) {
      await client.execute({ sql, args: args as never });
    },
    async batch(statements) {
      // libSQL runs a batch as one transaction: all statements or none.
      await client.batch(
        statements.map((s) => ({ sql: s.sql, args: (s.args ?? []) as never })),
        "write",
      );
    },
  };
}

const REMOTE_SCHEMES = ["libsql:", "http:", "https:", "ws:", "wss:"];

/**
 * A libSQL/Turso server over HTTP or WebSocket, with nothing but fetch: the Workers driver (and
 * usable anywhere). Migrations are not applied from here — the migration files are not part of
 * a Worker; the CLI applies them by URL.
 */
export async function openRemoteLibsqlDatabase(opts: {
  url: string;
  authToken?: string;
  logger?: Logger;
}): Promise<Database> {
  const scheme = /^[a-z0-9+.-]+:/i.exec(opts.url)?.[0].toLowerCase();
  if (!scheme || !REMOTE_SCHEMES.includes(scheme)) {
    throw new Error(
      `DATABASE_URL must name a libSQL/Turso server (libsql://, https://, http://, wss://), got ${scheme ?? "no scheme"}`,
    );
  }
  const client = createClient({ url: opts.url, authToken: opts.authToken || undefined });
  return libsqlDatabase(client, {
    url: opts.url,
    logger: opts.logger,
    async migrate() {
      throw new Error(
        "migrations are applied by the CLI, not at the edge: DATABASE_URL=… DATABASE_AUTH_TOKEN=… bun run cli migrate",
      );
    },
  });
}
