import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createPasswordHasher } from "@/core/auth/password";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { seedDatabase } from "@/core/db/seed";

export interface TestDatabase {
  db: Database;
  /** Closes the database and deletes it (the temp directory, or the MariaDB database). */
  drop(): Promise<void>;
}

/** Which backend the suite runs on: MariaDB/MySQL when TEST_MYSQL_URL is set, else a libSQL file. */
export const testDialect = (): "sqlite" | "mysql" => (process.env.TEST_MYSQL_URL ? "mysql" : "sqlite");

async function prepare(db: Database, seed: boolean) {
  await db.migrate();
  if (seed) await seedDatabase(db, { environment: "test", hasher: createPasswordHasher(nativeArgon2) });
}

async function createLibsqlDatabase(seed: boolean): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "hono-admin-test-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let db: Database;
  try {
    db = await openDatabase({ url: `file:${join(dir, "test.db")}` });
  } catch (err) {
    remove();
    throw err;
  }
  const drop = async () => {
    await db.close();
    remove();
  };
  try {
    await prepare(db, seed);
  } catch (err) {
    await drop();
    throw err;
  }
  return { db, drop };
}

const quote = (name: string) => `\`${name.replace(/`/g, "``")}\``;

async function withServer<T>(serverUrl: string, fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = "/";
  const conn = await mysql.createConnection({ uri: url.toString() });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

const databaseUrl = (serverUrl: string, name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

const randomName = () => `hono_admin_test_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;

interface MigratedSchema {
  ddl: string[];
  migrations: Record<string, unknown>[];
}

/*
 * Running the ~370 migration statements costs MariaDB ~0.5 s per database, and every integration
 * test file wants a fresh one. So the real migrations run once per test process, into a scratch
 * database whose resulting CREATE TABLEs (and migration journal) are then replayed into each new
 * database: ~50 ms, same schema.
 */
let schemaOnce: Promise<MigratedSchema> | undefined;

function migratedSchema(serverUrl: string): Promise<MigratedSchema> {
  schemaOnce ??= (async () => {
    const name = randomName();
    await withServer(serverUrl, (c) =>
      c.query(`CREATE DATABASE ${quote(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
    );
    try {
      const db = await openDatabase({ url: databaseUrl(serverUrl, name) });
      try {
        await db.migrate();
      } finally {
        await db.close();
      }
      return await withServer(serverUrl, async (c) => {
        await c.query(`USE ${quote(name)}`);
        const [tables] = await c.query<mysql.RowDataPacket[]>("SHOW TABLES");
        const ddl: string[] = [];
        for (const row of tables) {
          const [[create]] = await c.query<mysql.RowDataPacket[]>(
            `SHOW CREATE TABLE ${quote(String(Object.values(row)[0]))}`,
          );
          ddl.push(create["Create Table"]);
        }
        const [migrations] = await c.query<mysql.RowDataPacket[]>("SELECT * FROM __drizzle_migrations");
        return { ddl, migrations };
      });
    } finally {
      await withServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quote(name)}`));
    }
  })();
  schemaOnce.catch(() => {
    schemaOnce = undefined;
  });
  return schemaOnce;
}

async function createMysqlDatabase(
  serverUrl: string,
  seed: boolean,
  runMigrations: boolean,
): Promise<TestDatabase> {
  const name = randomName();
  const schema = runMigrations ? undefined : await migratedSchema(serverUrl);
  const dropDatabase = () => withServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quote(name)}`));
  let db: Database;
  try {
    await withServer(serverUrl, async (c) => {
      await c.query(`CREATE DATABASE ${quote(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      if (!schema) return;
      await c.query(`USE ${quote(name)}`);
      // tables reference each other: create them in any order, check nothing while doing so
      await c.query("SET FOREIGN_KEY_CHECKS = 0");
      for (const ddl of schema.ddl) await c.query(ddl);
      await c.query("SET FOREIGN_KEY_CHECKS = 1");
      for (const row of schema.migrations) await c.query("INSERT INTO __drizzle_migrations SET ?", [row]);
    });
    db = await openDatabase({ url: databaseUrl(serverUrl, name) });
  } catch (err) {
    await dropDatabase();
    throw err;
  }
  const drop = async () => {
    await db.close();
    await dropDatabase();
  };
  try {
    await prepare(db, seed);
  } catch (err) {
    await drop();
    throw err;
  }
  return { db, drop };
}

export interface TestDatabaseOptions {
  /** Insert the seed data (default true). */
  seed?: boolean;
  /**
   * MySQL only: apply the migrations to this very database instead of copying the schema they
   * produced once per test process (only the migration tests need this; SQLite always migrates).
   */
  runMigrations?: boolean;
}

/**
 * A fresh, migrated database for one test file: a libSQL file in a temp directory, or — with
 * `TEST_MYSQL_URL=mysql://root@127.0.0.1:3306` — a new MariaDB/MySQL database
 * `hono_admin_test_<random>`. Seeded unless `seed: false`. Call `drop()` in `afterAll`.
 */
export async function createTestDatabase(opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const seed = opts.seed !== false;
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  return mysqlUrl
    ? createMysqlDatabase(mysqlUrl, seed, opts.runMigrations === true)
    : createLibsqlDatabase(seed);
}
