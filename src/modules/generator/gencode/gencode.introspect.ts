import type { Database } from "@/core/db/database";
import { quoteIdent } from "@/core/db/schema-inspect";
import type { IntrospectedColumn } from "./gencode.infer";

/*
 * The physical tables of the connected database and their columns, read from the catalogue
 * (MySQL: information_schema; SQLite: sqlite_master and pragmas). Table names reach SQL only as
 * bound parameters or, for pragmas, quoted after being found in the catalogue.
 */

export interface DbTable {
  table_name: string;
  table_comment: string;
}

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** Every base table with its comment (SQLite has none), by name. */
export async function listDbTables(db: Database): Promise<DbTable[]> {
  if (db.dialect === "mysql") {
    const rows = await db.raw.all(
      "SELECT TABLE_NAME AS name, TABLE_COMMENT AS comment FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    );
    return rows.map((r) => ({ table_name: text(r.name), table_comment: text(r.comment) }));
  }
  const rows = await db.raw.all(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  return rows.map((r) => ({ table_name: text(r.name), table_comment: "" }));
}

/** The database's name as the DB table list shows it (SQLite: the file's name without extension). */
export async function databaseNameOf(db: Database): Promise<string> {
  if (db.dialect === "mysql") {
    const [row] = await db.raw.all("SELECT DATABASE() AS name");
    return text(row?.name);
  }
  const file = db.url.replace(/^file:/, "").split(/[?#]/)[0];
  return (
    file
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.[^.]*$/, "") || "main"
  );
}

/** `VARCHAR(64)` → `"64"` for character types; other types have no length (upstream's reflection). */
function lengthOf(type: string): string {
  const m =
    /^\s*(n?var)?char\w*\s*\((\d+)\)|^\s*(text|varchar2?|nvarchar|character varying)\s*\((\d+)\)/i.exec(type);
  return m ? (m[2] ?? m[4] ?? "") : "";
}

/** The columns of one existing table in their order, or `null` when there is no such table. */
export async function introspectColumns(
  db: Database,
  tableName: string,
): Promise<IntrospectedColumn[] | null> {
  const known = (await listDbTables(db)).find((t) => t.table_name === tableName);
  if (!known) return null;
  return db.dialect === "mysql" ? mysqlColumns(db, tableName) : sqliteColumns(db, tableName);
}

async function mysqlColumns(db: Database, table: string): Promise<IntrospectedColumn[]> {
  const cols = await db.raw.all(
    "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra, COLUMN_COMMENT AS comment, COLUMN_KEY AS ckey FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
    [table],
  );
  const uniques = await db.raw.all(
    "SELECT INDEX_NAME AS i, COLUMN_NAME AS c, NON_UNIQUE AS nu FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY'",
    [table],
  );
  const uniqueColumns = new Set(uniques.filter((u) => Number(u.nu) === 0).map((u) => text(u.c)));
  return cols.map((c, i) => {
    const dflt = c.dflt === null || c.dflt === undefined || text(c.dflt) === "NULL" ? "" : text(c.dflt);
    const type = text(c.type).toUpperCase();
    return {
      column_name: text(c.name),
      column_comment: text(c.comment),
      column_type: type,
      column_length: lengthOf(type),
      column_default: dflt,
      sort: i + 1,
      is_pk: text(c.ckey) === "PRI",
      is_unique: uniqueColumns.has(text(c.name)),
      is_increment: text(c.extra).toLowerCase().includes("auto_increment"),
      is_nullable: text(c.nullable) === "YES",
    };
  });
}

/**
 * SQLite stores this project's booleans as INTEGER and its datetimes and JSON as TEXT: for tables
 * of our own schema, the drizzle definition says what the column holds (upstream's SQLite tables
 * declare BOOLEAN/DATETIME/VARCHAR themselves and need no hint).
 */
function declaredSqliteType(db: Database, table: string, column: string, type: string): string {
  const t = (
    db.t as unknown as Record<string, Record<string, { columnType?: string } | undefined> | undefined>
  )[table];
  const columnType = t && Object.hasOwn(t, column) ? t[column]?.columnType : undefined;
  if (columnType === "SQLiteBoolean") return "BOOLEAN";
  if (columnType === "SQLiteTextJson") return "JSON";
  if (columnType === "SQLiteCustomColumn") return "DATETIME";
  const bounded = /^TEXT\((\d+)\)$/.exec(type);
  return bounded ? `VARCHAR(${bounded[1]})` : type;
}

async function sqliteColumns(db: Database, table: string): Promise<IntrospectedColumn[]> {
  const q = quoteIdent("sqlite", table);
  const [master] = await db.raw.all("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [
    table,
  ]);
  const autoincrement = /\bautoincrement\b/i.test(text(master?.sql));
  const cols = await db.raw.all(`PRAGMA table_info(${q})`);
  const uniqueColumns = new Set<string>();
  for (const index of await db.raw.all(`PRAGMA index_list(${q})`)) {
    if (Number(index.unique) !== 1 || text(index.origin) === "pk") continue;
    const members = await db.raw.all(`PRAGMA index_info(${quoteIdent("sqlite", text(index.name))})`);
    for (const m of members) uniqueColumns.add(text(m.name));
  }
  return cols.map((c, i) => {
    const type = declaredSqliteType(db, table, text(c.name), text(c.type).toUpperCase());
    const pk = Number(c.pk) > 0;
    return {
      column_name: text(c.name),
      column_comment: "",
      column_type: type,
      column_length: lengthOf(type),
      column_default: c.dflt_value === null || c.dflt_value === undefined ? "" : text(c.dflt_value),
      sort: i + 1,
      is_pk: pk,
      is_unique: uniqueColumns.has(text(c.name)),
      is_increment: pk && autoincrement,
      is_nullable: !pk && Number(c.notnull) !== 1,
    };
  });
}
