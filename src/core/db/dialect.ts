/*
 * Driver differences repositories must not see: the inserted id and the unique-violation test.
 * No Node-only imports here, so a Workers factory can reuse these helpers.
 */

/**
 * The auto-increment id of a single-row insert. libSQL: `ResultSet.lastInsertRowid` (bigint);
 * mysql2: `[ResultSetHeader, fields]` with `insertId`; D1: `meta.last_row_id`.
 * (On a multi-row insert MySQL reports the first id, SQLite the last: do not rely on either.)
 */
export function insertIdOf(result: unknown): number {
  if (Array.isArray(result)) {
    const header = result[0] as { insertId?: number | bigint } | undefined;
    if (header && header.insertId !== undefined) return Number(header.insertId);
  } else if (result && typeof result === "object") {
    const r = result as { lastInsertRowid?: number | bigint; meta?: { last_row_id?: number } };
    if (r.lastInsertRowid !== undefined && r.lastInsertRowid !== null) return Number(r.lastInsertRowid);
    if (r.meta?.last_row_id !== undefined) return Number(r.meta.last_row_id);
  }
  throw new TypeError("insertId: not the result of an INSERT on a supported driver");
}

interface DriverError {
  code?: unknown;
  errno?: unknown;
  extendedCode?: unknown;
  message?: unknown;
  cause?: unknown;
}

function isUniqueViolationHere(e: DriverError): boolean {
  // MySQL / MariaDB: ER_DUP_ENTRY covers both primary keys and unique indexes.
  if (e.code === "ER_DUP_ENTRY" || e.errno === 1062) return true;
  // libSQL (local): the extended code is exact. Primary keys count too, to match MySQL.
  if (e.extendedCode === "SQLITE_CONSTRAINT_UNIQUE" || e.extendedCode === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return true;
  }
  // libSQL over HTTP and D1 may only give the primary code (or nothing) plus SQLite's message.
  const message = typeof e.message === "string" ? e.message : "";
  return (
    /UNIQUE constraint failed/.test(message) && (e.code === undefined || String(e.code).startsWith("SQLITE_"))
  );
}

/** True when `err` or any error in its `cause` chain (drizzle wraps driver errors) is a duplicate key. */
export function isUniqueViolationError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current && typeof current === "object"; depth++) {
    if (isUniqueViolationHere(current as DriverError)) return true;
    current = (current as DriverError).cause;
  }
  return false;
}

/**
 * Rows matched by an UPDATE or DELETE (libSQL `rowsAffected`, mysql2 `affectedRows`, D1
 * `meta.changes`). mysql2 connects with FOUND_ROWS, so an UPDATE that changes nothing still
 * counts its matched rows, as SQLite does.
 */
export function affectedRowsOf(result: unknown): number {
  if (Array.isArray(result)) {
    const header = result[0] as { affectedRows?: number } | undefined;
    if (header && header.affectedRows !== undefined) return Number(header.affectedRows);
  } else if (result && typeof result === "object") {
    const r = result as { rowsAffected?: number; meta?: { changes?: number } };
    if (r.rowsAffected !== undefined) return Number(r.rowsAffected);
    if (r.meta?.changes !== undefined) return Number(r.meta.changes);
  }
  throw new TypeError("affectedRows: not the result of an UPDATE/DELETE on a supported driver");
}
