import { fileURLToPath } from "node:url";
import { tables } from "@db/schema.mysql";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";
import type { Logger } from "@/core/log/logger";
import type { Database, Orm, Tables } from "./database";
import { insertIdOf, isUniqueViolationError } from "./dialect";
import { drizzleLogger, type QueryObserver } from "./query-logger";
import type { RawSql } from "./schema-inspect";
import { Totals } from "./totals";
import { watchMysqlWrites } from "./watch-writes";

const MIGRATIONS = fileURLToPath(new URL("../../../db/migrations/mysql", import.meta.url));

/** Checks the URL names a database; mysql2 would otherwise connect to none and fail later. */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!name)
    throw new Error("a MySQL DATABASE_URL must name a database: mysql://user:password@host:3306/dbname");
  return name;
}

/**
 * New tables take the database's default charset. A database created as latin1 would reject
 * Chinese seed data, so an empty one is switched to utf8mb4; a non-empty one is left alone.
 */
async function ensureUtf8mb4(pool: mysql.Pool, logger?: Logger) {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    "SELECT DEFAULT_CHARACTER_SET_NAME AS cs, (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()",
  );
  const { cs, n } = rows[0] ?? {};
  if (cs === "utf8mb4") return;
  if (Number(n) === 0) {
    const [[{ db }]] = await pool.query<mysql.RowDataPacket[]>("SELECT DATABASE() AS db");
    await pool.query(
      `ALTER DATABASE \`${String(db).replace(/`/g, "``")}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    logger?.info("database default charset switched to utf8mb4", { was: cs });
  } else {
    logger?.warn("database default charset is not utf8mb4; non-Latin text may fail to store", {
      charset: cs,
    });
  }
}

/** MySQL / MariaDB through a mysql2 pool. */
export async function openMysqlDatabase(opts: {
  url: string;
  logger?: Logger;
  onQuery?: QueryObserver;
}): Promise<Database> {
  const { url, logger } = opts;
  databaseNameOf(url);
  const limit = Number(new URL(url).searchParams.get("connectionLimit"));
  const unwatched = mysql.createPool({
    uri: url,
    connectionLimit: Number.isInteger(limit) && limit > 0 ? limit : 10,
    // DATETIME as the `YYYY-MM-DD HH:MM:SS` strings the schema and the wire use, not Dates
    dateStrings: true,
    charset: "UTF8MB4_UNICODE_CI",
    // SUM()/AVG() come back as numbers, like on SQLite
    decimalNumbers: true,
    supportBigNumbers: true,
  });
  try {
    await unwatched.query("SELECT 1");
  } catch (err) {
    await unwatched.end().catch(() => {});
    throw err;
  }
  const totals = new Totals(logger);
  const pool = watchMysqlWrites(unwatched, (tables) => totals.written(tables));

  // Repositories are typed against the SQLite schema; the parity check in db/schema.mysql.ts
  // guarantees the rows match, and the builder calls we use exist on both.
  const orm = drizzle({
    client: pool,
    schema: tables,
    mode: "default",
    logger: drizzleLogger(logger, opts.onQuery),
  }) as unknown as Orm;
  const mysqlOrm = orm as unknown as Parameters<typeof migrate>[0];
  return {
    dialect: "mysql",
    url,
    orm,
    t: tables as unknown as Tables,
    transaction: (fn) => retryOnDeadlock(() => orm.transaction((tx) => fn(tx as unknown as Orm)), logger),
    insertId: insertIdOf,
    isUniqueViolation: isUniqueViolationError,
    async ping() {
      await pool.query("SELECT 1");
    },
    raw: mysqlRaw(pool),
    totals,
    async migrate() {
      await ensureUtf8mb4(pool, logger);
      await migrate(mysqlOrm, { migrationsFolder: MIGRATIONS });
    },
    async close() {
      await pool.end();
    },
  };
}

function mysqlRaw(pool: mysql.Pool): RawSql {
  return {
    dialect: "mysql",
    async all(sql, args = []) {
      const [rows] = await pool.query(sql, args);
      return rows as Record<string, unknown>[];
    },
    async run(sql, args = []) {
      await pool.query(sql, args);
    },
    async batch(statements) {
      // One transaction on one connection; DDL among the statements would commit implicitly.
      const conn = await pool.getConnection();
      try {
        await conn.beginTransaction();
        for (const s of statements) await conn.query(s.sql, s.args ?? []);
        await conn.commit();
      } catch (err) {
        await conn.rollback().catch(() => {});
        throw err;
      } finally {
        conn.release();
      }
    },
  };
}

const RETRYABLE = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]);

function isRetryable(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    if (RETRYABLE.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

/**
 * InnoDB resolves a deadlock between concurrent transactions by rolling one back and asking the
 * client to run it again; do that (a few times, with a short random pause) instead of failing
 * the request. The transaction body only touches the database, so running it again is safe.
 */
async function retryOnDeadlock<T>(run: () => Promise<T>, logger?: Logger, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      logger?.warn("transaction rolled back by a deadlock; retrying", { attempt });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
