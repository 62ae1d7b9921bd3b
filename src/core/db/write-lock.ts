import { AsyncLocalStorage } from "node:async_hooks";
import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";

/**
 * A FIFO async mutex. `acquire()` resolves with a release function that is safe to call twice.
 */
export class AsyncMutex {
  #locked = false;
  #waiters: (() => void)[] = [];

  get locked(): boolean {
    return this.#locked;
  }

  async acquire(): Promise<() => void> {
    if (this.#locked) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#locked = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // Hand the lock straight to the next waiter so nobody can slip in between.
      if (next) next();
      else this.#locked = false;
    };
  }
}

const READ_ONLY = /^(?:select|explain)\b/i;
const MUTATING = /\b(?:insert|update|delete|replace)\b/i;

/** `sql` without the comments in front of its first keyword. */
export function stripLeadingComments(sql: string): string {
  let s = sql.trimStart();
  for (;;) {
    if (s.startsWith("--")) {
      const end = s.indexOf("\n");
      s = end < 0 ? "" : s.slice(end + 1).trimStart();
    } else if (s.startsWith("/*")) {
      const end = s.indexOf("*/");
      s = end < 0 ? "" : s.slice(end + 2).trimStart();
    } else return s;
  }
}

/** Conservative: anything we cannot prove is a plain read (PRAGMA, DDL, CTE writes...) is a write. */
export function isReadStatement(sql: string): boolean {
  const s = stripLeadingComments(sql);
  if (READ_ONLY.test(s)) return true;
  if (/^with\b/i.test(s)) return !MUTATING.test(s);
  return false;
}

const sqlOf = (stmt: InStatement | [string, InArgs?] | string): string =>
  typeof stmt === "string" ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql;

/** Marks the async context of one `Database.transaction()` call (for the self-deadlock check). */
interface TxScope {
  holding: boolean;
  parent: TxScope | undefined;
}

export class WriteLockError extends Error {}

/**
 * Serialises writes to a local libSQL file inside this process (stack-notes, pitfall 1).
 *
 * The local client opens one connection per concurrent operation. While an interactive
 * transaction holds SQLite's write lock on its connection, a write on any other connection fails
 * at once with SQLITE_BUSY — and a busy timeout cannot help, because statements run
 * synchronously and would block the very event loop that has to commit the transaction.
 * So: an interactive transaction holds `mutex` from BEGIN until commit/rollback/close, and every
 * other write (execute, batch, executeMultiple, migrate) takes it for its own short duration.
 * Reads never wait: in WAL mode they do not conflict with the writer.
 */
export class WriteLock {
  readonly mutex = new AsyncMutex();
  readonly #scopes = new AsyncLocalStorage<TxScope>();

  /** Runs `fn` (which opens a drizzle transaction) so writes misrouted around it can be detected. */
  runTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#scopes.run({ holding: false, parent: this.#scopes.getStore() }, fn);
  }

  #assertNotInsideOwnTransaction() {
    for (let s = this.#scopes.getStore(); s; s = s.parent) {
      if (s.holding) {
        // Waiting here would wait for ourselves: fail loudly instead of hanging.
        throw new WriteLockError(
          "write through the database (not the transaction) while this code holds db.transaction(): " +
            "use the `tx` passed to the callback",
        );
      }
    }
  }

  async #locked<T>(run: () => Promise<T>): Promise<T> {
    this.#assertNotInsideOwnTransaction();
    const release = await this.mutex.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  }

  /** A `Client` with the same behaviour as `client`, whose writes honour the lock. */
  wrap(client: Client): Client {
    const lock = this;
    const scopes = this.#scopes;
    const wrapped: Client = {
      execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
        const stmt: InStatement =
          typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
        if (isReadStatement(sqlOf(stmt))) return client.execute(stmt);
        return lock.#locked(() => client.execute(stmt));
      },
      batch(stmts: Array<InStatement | [string, InArgs?]>, mode?: TransactionMode): Promise<ResultSet[]> {
        if (mode === "read" || stmts.every((s) => isReadStatement(sqlOf(s))))
          return client.batch(stmts, mode);
        return lock.#locked(() => client.batch(stmts, mode));
      },
      migrate(stmts: InStatement[]): Promise<ResultSet[]> {
        return lock.#locked(() => client.migrate(stmts));
      },
      executeMultiple(sql: string): Promise<void> {
        return lock.#locked(() => client.executeMultiple(sql));
      },
      async transaction(mode?: TransactionMode): Promise<Transaction> {
        if (mode === "read") return client.transaction(mode);
        lock.#assertNotInsideOwnTransaction();
        const release = await lock.mutex.acquire();
        let tx: Transaction;
        try {
          tx = await client.transaction(mode);
        } catch (err) {
          release();
          throw err;
        }
        const scope = scopes.getStore();
        if (scope) scope.holding = true;
        const settle = () => {
          if (scope) scope.holding = false;
          release();
        };
        return {
          execute: (stmt: InStatement) => tx.execute(stmt),
          batch: (stmts: InStatement[]) => tx.batch(stmts),
          executeMultiple: (sql: string) => tx.executeMultiple(sql),
          async commit() {
            try {
              await tx.commit();
            } finally {
              settle();
            }
          },
          async rollback() {
            try {
              await tx.rollback();
            } finally {
              settle();
            }
          },
          close() {
            try {
              tx.close();
            } finally {
              settle();
            }
          },
          get closed() {
            return tx.closed;
          },
        };
      },
      sync: () => client.sync(),
      close: () => client.close(),
      reconnect: () => client.reconnect(),
      get closed() {
        return client.closed;
      },
      get protocol() {
        return client.protocol;
      },
    } as Client;
    return wrapped;
  }
}
