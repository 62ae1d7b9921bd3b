import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";
import type { Pool, PoolConnection } from "mysql2/promise";
import { writtenTable } from "./totals";

/**
 * The drivers' side of `Totals`: clients that report which tables a write changed once it has
 * committed — a statement on its own when it resolves, a transaction's statements when COMMIT
 * resolves (nothing for a rollback) — and resolve only after the report is done.
 */
export type OnCommitted = (tables: ReadonlySet<string>) => Promise<void>;

type LibsqlStatement = InStatement | [string, InArgs?] | string;
const sqlOf = (stmt: LibsqlStatement): string =>
  typeof stmt === "string" ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql;

/** The tables `statements` write (empty for reads). */
function tablesOf(statements: readonly LibsqlStatement[]): Set<string> {
  const tables = new Set<string>();
  for (const s of statements) {
    const t = writtenTable(sqlOf(s));
    if (t) tables.add(t);
  }
  return tables;
}

async function reported<T>(result: Promise<T>, tables: ReadonlySet<string>, onCommitted: OnCommitted) {
  const value = await result;
  await onCommitted(tables);
  return value;
}

/** A libSQL `Client` that reports committed writes; reads and the rest go straight through. */
export function watchLibsqlWrites(client: Client, onCommitted: OnCommitted): Client {
  const all = new Set(["*"]);
  const watched: Partial<Client> = {
    execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
      const stmt: InStatement =
        typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
      const table = writtenTable(stmt.sql);
      if (!table) return client.execute(stmt);
      return reported(client.execute(stmt), new Set([table]), onCommitted);
    },
    batch(stmts: Array<InStatement | [string, InArgs?]>, mode?: TransactionMode): Promise<ResultSet[]> {
      const tables = tablesOf(stmts);
      if (!tables.size) return client.batch(stmts, mode);
      return reported(client.batch(stmts, mode), tables, onCommitted);
    },
    migrate: (stmts: InStatement[]) => reported(client.migrate(stmts), all, onCommitted),
    executeMultiple: (sql: string) => reported(client.executeMultiple(sql), all, onCommitted),
    async transaction(mode?: TransactionMode): Promise<Transaction> {
      const tx = await client.transaction(mode);
      const pending = new Set<string>();
      const watchedTx: Partial<Transaction> = {
        execute(stmt: InStatement) {
          for (const t of tablesOf([stmt])) pending.add(t);
          return tx.execute(stmt);
        },
        batch(stmts: InStatement[]) {
          for (const t of tablesOf(stmts)) pending.add(t);
          return tx.batch(stmts);
        },
        executeMultiple(sql: string) {
          pending.add("*");
          return tx.executeMultiple(sql);
        },
        commit: () => reported(tx.commit(), pending, onCommitted),
      };
      return overriding(tx, watchedTx);
    },
  };
  return overriding(client, watched);
}

/** `target` with some members replaced; every other member (getters included) is `target`'s own. */
function overriding<T extends object>(target: T, members: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.hasOwn(members, prop)) return members[prop as keyof T];
      const value = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

/** `query`/`execute` of a pool or connection, with whatever arguments drizzle passes. */
type Send = (...args: unknown[]) => Promise<unknown>;
const mysqlSqlOf = (q: unknown): string =>
  typeof q === "string" ? q : String((q as { sql?: unknown } | null)?.sql ?? "");

const BEGIN = /^\s*(?:begin|start\s+transaction)\b/i;
const COMMIT = /^\s*commit\b/i;
const ROLLBACK = /^\s*rollback\s*(?:work\s*)?$/i;

/**
 * A mysql2 pool that reports committed writes: a statement outside a transaction when it
 * resolves; inside one (drizzle's `begin`…`commit` as SQL, or `beginTransaction()`/`commit()`),
 * what the connection wrote when its COMMIT resolves.
 */
export function watchMysqlWrites(pool: Pool, onCommitted: OnCommitted): Pool {
  const run =
    (send: Send) =>
    (...args: unknown[]) => {
      const table = writtenTable(mysqlSqlOf(args[0]));
      if (!table) return send(...args);
      return reported(send(...args), new Set([table]), onCommitted);
    };
  const query = run((...a) => (pool.query as Send).apply(pool, a));
  const execute = run((...a) => (pool.execute as Send).apply(pool, a));
  const getConnection = async () => watchConnection(await pool.getConnection(), onCommitted);
  return overriding(pool, { query, execute, getConnection } as Partial<Pool>);
}

function watchConnection(conn: PoolConnection, onCommitted: OnCommitted): PoolConnection {
  let inTransaction = false;
  const pending = new Set<string>();
  const begun = () => {
    inTransaction = true;
    pending.clear();
  };
  const ended = () => {
    inTransaction = false;
    pending.clear();
  };
  const committed = async <T>(result: Promise<T>): Promise<T> => {
    const tables = new Set(pending);
    ended();
    return reported(result, tables, onCommitted);
  };
  const run =
    (send: Send) =>
    (...args: unknown[]) => {
      const sql = mysqlSqlOf(args[0]);
      if (BEGIN.test(sql)) begun();
      else if (COMMIT.test(sql)) return committed(send(...args));
      else if (ROLLBACK.test(sql)) ended();
      else {
        const table = writtenTable(sql);
        if (table && inTransaction) pending.add(table);
        else if (table) return reported(send(...args), new Set([table]), onCommitted);
      }
      return send(...args);
    };
  const query = run((...a) => (conn.query as Send).apply(conn, a));
  const execute = run((...a) => (conn.execute as Send).apply(conn, a));
  const beginTransaction = () => {
    begun();
    return conn.beginTransaction();
  };
  const commit = () => committed(conn.commit());
  const rollback = () => {
    ended();
    return conn.rollback();
  };
  return overriding(conn, { query, execute, beginTransaction, commit, rollback } as Partial<PoolConnection>);
}
