import { fits } from "./format";
import type { ColumnModel, TableModel } from "./model";

/*
 * `backend/db/generated/<table>.ts`: the table in the one-schema column kit (both dialects). The
 * table exists already (created by POST /generator/gencode/create or by hand), so the definition
 * serves queries only: it carries no indexes and stays out of drizzle-kit's migrations (the
 * schema modules export the hand-written tables by name; generated ones ride in `tables`).
 */

function builder(c: ColumnModel): string {
  if (c.pk) return "k.id()";
  switch (c.name) {
    case "uuid":
      return "k\n      .str(64)\n      .notNull()\n      .$defaultFn(() => crypto.randomUUID())";
    case "status":
      return 'k.str(10).notNull().default("0")';
    case "created_time":
      return "k.datetime().notNull().$defaultFn(nowString)";
    case "updated_time":
      return "k.datetime().notNull().$defaultFn(nowString).$onUpdateFn(nowString)";
    case "is_deleted":
      return "k.bool().notNull().default(false)";
  }
  const base =
    c.kind === "str"
      ? `k.str(${c.length})`
      : c.kind === "json"
        ? "k.json<unknown>()"
        : `k.${c.kind === "bigint" ? "bigint" : c.kind}()`;
  return c.nullable ? base : `${base}.notNull()`;
}

const SQLITE_TYPE: Record<ColumnModel["kind"], string> = {
  int: "INTEGER",
  bigint: "INTEGER",
  float: "REAL",
  bool: "INTEGER",
  str: "TEXT",
  text: "TEXT",
  longtext: "TEXT",
  datetime: "TEXT",
  date: "TEXT",
  time: "TEXT",
  json: "TEXT",
};

const MYSQL_TYPE = (c: ColumnModel) =>
  ({
    int: "INT",
    bigint: "BIGINT",
    float: "DOUBLE",
    bool: "TINYINT(1)",
    str: `VARCHAR(${c.length})`,
    text: "TEXT",
    longtext: "LONGTEXT",
    datetime: "DATETIME",
    date: "DATE",
    time: "TIME",
    json: "JSON",
  })[c.kind];

/** A literal server default worth repeating in DDL (numbers and quoted strings only). */
function defaultOf(c: ColumnModel): string | null {
  if (c.name === "status") return "'0'";
  if (c.name === "is_deleted") return "0";
  const d = (c.columnDefault ?? "").trim().replace(/^\((.*)\)$/, "$1");
  if (["text", "longtext", "json"].includes(c.kind)) return null;
  return /^(-?\d+(\.\d+)?|'[^'\\]*')$/.test(d) ? d : null;
}

/** `CREATE TABLE IF NOT EXISTS` of the table on each dialect (for fresh databases and tests). */
export function tableDdl(m: TableModel, dialect: "sqlite" | "mysql"): string {
  // both dialects read back-quoted names (SQLite for MySQL's sake)
  const quote = (n: string) => `\`${n}\``;
  const cols = m.columns.map((c) => {
    if (c.pk)
      return `${quote(c.name)} ${dialect === "mysql" ? "INT AUTO_INCREMENT PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"}`;
    const d = defaultOf(c);
    return `${quote(c.name)} ${dialect === "mysql" ? MYSQL_TYPE(c) : SQLITE_TYPE[c.kind]}${c.nullable ? "" : " NOT NULL"}${d ? ` DEFAULT ${d}` : ""}`;
  });
  return `CREATE TABLE IF NOT EXISTS ${quote(m.tableName)} (${cols.join(", ")})`;
}

const ddlProp = (key: string, text: string) =>
  fits(`${key}: ${JSON.stringify(text)},`, 2)
    ? `  ${key}: ${JSON.stringify(text)},`
    : `  ${key}:\n    ${JSON.stringify(text)},`;

export function renderTableDefinition(m: TableModel, now: string): string {
  const usesNow = m.columns.some((c) => c.name === "created_time" || c.name === "updated_time");
  const cols = m.columns.map((c) => `    ${c.key}: ${builder(c)},`).join("\n");
  return `${usesNow ? 'import { nowString } from "../kit/datetime";\n' : ""}import type { Kit, KitDialect } from "../kit/types";

/**
 * ${m.tableName} (${m.label}), written by the code generator at ${now}. The table exists in the
 * database; this definition is what the generated module queries (see db/generated/index.ts).
 */
export const ${m.tableFactory} = <D extends KitDialect>(k: Kit<D>) =>
  k.table(${JSON.stringify(m.tableName)}, {
${cols}
  });

/**
 * The table's DDL on each dialect, for a database that lacks it (a fresh install, a test
 * database): the migrations do not create generated tables.
 */
export const ${m.tableFactory}Ddl = {
${ddlProp("sqlite", tableDdl(m, "sqlite"))}
${ddlProp("mysql", tableDdl(m, "mysql"))}
};
`;
}

export interface TableRegistryEntry {
  table: string;
  factory: string;
}

/**
 * `backend/db/generated/index.ts`: every generated table, spread into db/tables.ts, and their DDL,
 * which the start runs after the migrations (`CREATE TABLE IF NOT EXISTS`), so a fresh database
 * of a deployment that ships generated modules has their tables.
 */
export function renderTableRegistry(entries: TableRegistryEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  const imports = sorted
    .map((e) => `import { ${e.factory}, ${e.factory}Ddl } from "./${e.table}";\n`)
    .join("");
  const body = sorted.length
    ? `{\n${sorted.map((e) => `    ${e.table}: ${e.factory}(k),`).join("\n")}\n  }`
    : "{}";
  const ddlDecl = "export const generatedTableDdl: { sqlite: string; mysql: string }[] =";
  const oneLine = `${ddlDecl} [${sorted.map((e) => `${e.factory}Ddl`).join(", ")}];`;
  const ddl =
    oneLine.length <= 110
      ? oneLine
      : `${ddlDecl} [\n${sorted.map((e) => `  ${e.factory}Ddl,`).join("\n")}\n];`;
  return `// Registry written by the code generator: it rewrites this file, merging its entries.
import type { Kit, KitDialect } from "../kit/types";
${imports}
/**
 * Tables of modules written by the code generator, spread into db/tables.ts's table set. The
 * generator rewrites this file (merging entries); keep hand-written tables in db/tables.ts.
 */
export function generatedTables<D extends KitDialect>(${sorted.length ? "k" : "_k"}: Kit<D>) {
  return ${body};
}

/** Each generated table's \`CREATE TABLE IF NOT EXISTS\` per dialect, run at start after the migrations. */
${ddl}
`;
}

/** The entries listed in a table registry's text. */
export function parseTableRegistry(text: string): TableRegistryEntry[] {
  return [...text.matchAll(/^\s+([A-Za-z0-9_]+): ([A-Za-z0-9_$]+)\(k\),$/gm)].map((m) => ({
    table: m[1],
    factory: m[2],
  }));
}
