import type { Dialect } from "./database";

/*
 * What a live database holds (tables, columns, indexes, foreign keys), read from the catalogue of
 * either dialect. Used to adopt an existing FastapiAdmin database and to compare schema dumps.
 */

/** Plain SQL on the database's own connection, without the ORM (catalogue reads, DDL). */
export interface RawSql {
  readonly dialect: Dialect;
  all(sql: string, args?: unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, args?: unknown[]): Promise<void>;
  /**
   * Runs the statements in order in one transaction: all or nothing. SQLite includes DDL in it;
   * MySQL commits implicitly at any DDL statement, so give it DML only.
   */
  batch(statements: { sql: string; args?: unknown[] }[]): Promise<void>;
}

export interface LiveColumn {
  name: string;
  /** Declared type, lower case: `varchar(64)`, `int(11)`, `tinyint(1)`, `datetime` (SQLite: as written). */
  type: string;
  notNull: boolean;
  /** A SQL default exists (or the column fills itself: auto-increment, SQLite rowid alias). */
  hasDefault: boolean;
  autoIncrement: boolean;
}

export interface LiveIndex {
  name: string;
  unique: boolean;
  columns: string[];
}

export interface LiveForeignKey {
  name: string;
  columns: string[];
  foreignTable: string;
  /** Lower case: `cascade`, `set null`, `restrict`, `no action`, `set default`. */
  onDelete: string;
}

export interface LiveTable {
  name: string;
  columns: Map<string, LiveColumn>;
  primaryKey: string[];
  /** Secondary indexes, unique constraints included (not the primary key). */
  indexes: LiveIndex[];
  foreignKeys: LiveForeignKey[];
}

export type LiveSchema = Map<string, LiveTable>;

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

export const quoteIdent = (dialect: Dialect, name: string) =>
  dialect === "mysql" ? `\`${name.replace(/`/g, "``")}\`` : `"${name.replace(/"/g, '""')}"`;

/** Names of the base tables (SQLite's own `sqlite_*` tables left out). */
export async function listTables(raw: RawSql): Promise<string[]> {
  const rows =
    raw.dialect === "mysql"
      ? await raw.all(
          "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
        )
      : await raw.all(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        );
  return rows.map((r) => str(r.name));
}

export async function inspectSchema(raw: RawSql): Promise<LiveSchema> {
  return raw.dialect === "mysql" ? inspectMysql(raw) : inspectSqlite(raw);
}

async function inspectMysql(raw: RawSql): Promise<LiveSchema> {
  const schema: LiveSchema = new Map();
  for (const name of await listTables(raw)) {
    schema.set(name, { name, columns: new Map(), primaryKey: [], indexes: [], foreignKeys: [] });
  }
  const columns = await raw.all(
    "SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
  );
  for (const r of columns) {
    const table = schema.get(str(r.t));
    if (!table) continue;
    const extra = str(r.extra).toLowerCase();
    const autoIncrement = extra.includes("auto_increment");
    // MariaDB reports "no default" of a nullable column as the text NULL.
    const dflt = r.dflt === null || r.dflt === undefined ? null : str(r.dflt);
    table.columns.set(str(r.c), {
      name: str(r.c),
      type: str(r.type).toLowerCase(),
      notNull: str(r.nullable) === "NO",
      hasDefault: autoIncrement || (dflt !== null && dflt !== "NULL"),
      autoIncrement,
    });
  }
  const indexRows = await raw.all(
    "SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS nu, COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
  );
  for (const r of indexRows) {
    const table = schema.get(str(r.t));
    if (!table) continue;
    const name = str(r.i);
    if (name === "PRIMARY") {
      table.primaryKey.push(str(r.c));
      continue;
    }
    let index = table.indexes.find((i) => i.name === name);
    if (!index) {
      index = { name, unique: Number(r.nu) === 0, columns: [] };
      table.indexes.push(index);
    }
    index.columns.push(str(r.c));
  }
  const fkRows = await raw.all(
    "SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS n, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS ft, r.DELETE_RULE AS del FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
  );
  for (const r of fkRows) {
    const table = schema.get(str(r.t));
    if (!table) continue;
    const name = str(r.n);
    let fk = table.foreignKeys.find((f) => f.name === name);
    if (!fk) {
      fk = { name, columns: [], foreignTable: str(r.ft), onDelete: str(r.del).toLowerCase() };
      table.foreignKeys.push(fk);
    }
    fk.columns.push(str(r.c));
  }
  return schema;
}

async function inspectSqlite(raw: RawSql): Promise<LiveSchema> {
  const schema: LiveSchema = new Map();
  for (const name of await listTables(raw)) {
    const q = quoteIdent("sqlite", name);
    const [master] = await raw.all("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [name]);
    const hasAutoincrement = /\bautoincrement\b/i.test(str(master?.sql));
    const cols = await raw.all(`PRAGMA table_info(${q})`);
    const pk = cols
      .filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((c) => str(c.name));
    const table: LiveTable = { name, columns: new Map(), primaryKey: pk, indexes: [], foreignKeys: [] };
    for (const c of cols) {
      // A lone INTEGER primary key is the rowid: it fills itself when omitted.
      const rowid = pk.length === 1 && pk[0] === str(c.name) && str(c.type).toUpperCase() === "INTEGER";
      table.columns.set(str(c.name), {
        name: str(c.name),
        type: str(c.type).toLowerCase(),
        notNull: Number(c.notnull) === 1 || rowid,
        hasDefault: rowid || (c.dflt_value !== null && c.dflt_value !== undefined),
        autoIncrement: rowid && hasAutoincrement,
      });
    }
    for (const i of await raw.all(`PRAGMA index_list(${q})`)) {
      if (str(i.origin) === "pk") continue;
      const info = await raw.all(`PRAGMA index_info(${quoteIdent("sqlite", str(i.name))})`);
      table.indexes.push({
        name: str(i.name),
        unique: Number(i.unique) === 1,
        columns: info.sort((a, b) => Number(a.seqno) - Number(b.seqno)).map((x) => str(x.name)),
      });
    }
    const fks = new Map<number, LiveForeignKey>();
    for (const f of await raw.all(`PRAGMA foreign_key_list(${q})`)) {
      const id = Number(f.id);
      let fk = fks.get(id);
      if (!fk) {
        fk = {
          name: `#${id}`,
          columns: [],
          foreignTable: str(f.table),
          onDelete: str(f.on_delete).toLowerCase(),
        };
        fks.set(id, fk);
      }
      fk.columns.push(str(f.from));
    }
    table.foreignKeys = [...fks.values()];
    schema.set(name, table);
  }
  return schema;
}

const oneLine = (sql: string) => sql.replace(/\s+/g, " ").trim();

/**
 * A text dump of the schema, one line per table (MySQL: SHOW CREATE TABLE) or per object
 * (SQLite: the SQL it was created with), stable across runs: for before/after comparisons.
 */
export async function dumpSchema(raw: RawSql): Promise<string> {
  const lines: string[] = [];
  if (raw.dialect === "mysql") {
    for (const name of await listTables(raw)) {
      const [row] = await raw.all(`SHOW CREATE TABLE ${quoteIdent("mysql", name)}`);
      // AUTO_INCREMENT counters move with inserts; they are not schema.
      lines.push(oneLine(str(row?.["Create Table"]).replace(/ AUTO_INCREMENT=\d+/, "")));
    }
  } else {
    const rows = await raw.all(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY tbl_name, type DESC, name",
    );
    for (const r of rows)
      lines.push(`${str(r.type)} ${str(r.name)} ON ${str(r.tbl_name)}: ${oneLine(str(r.sql))}`);
  }
  return lines.join("\n");
}
