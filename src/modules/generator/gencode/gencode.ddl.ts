import type { AST } from "node-sql-parser";
import type { Dialect } from "@/core/db/database";
import { badRequest } from "@/core/http/errors";

/*
 * POST /create (contract §7.6): user DDL is parsed with a real SQL parser (node-sql-parser, the
 * connected database's dialect) and only an allow-list of statement shapes passes: CREATE TABLE
 * with plain columns and keys, and ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY. What runs is the
 * parser's rendering of the checked syntax tree, re-parsed once more, never the submitted text, so
 * a statement hidden in a comment or a string cannot reach the database.
 */

export const DDL_PREFIX = "创建表结构失败: ";
const MAX_SQL_CHARS = 64 * 1024;
/** Table, column and constraint names: identifiers a generated module can use as they are. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const fail = (msg: string) => badRequest(`${DDL_PREFIX}${msg}`);

const MSG_FORBIDDEN = "sql语句包含禁止的关键操作（DROP/DELETE/INSERT/UPDATE/TRUNCATE）";
const MSG_NO_CREATE = "sql语句不是合法的建表语句：缺少 CREATE TABLE";
const MSG_ALTER = "仅允许 ALTER TABLE ADD CONSTRAINT ... FOREIGN KEY ...（拒绝其它 ALTER）";
const MSG_OTHER = "仅允许 CREATE TABLE 与 ALTER TABLE ADD CONSTRAINT ... FOREIGN KEY 语句";

const FORBIDDEN = new Set(["drop", "delete", "insert", "update", "truncate", "replace"]);
/** MySQL table options a generated table may carry; anything else (DATA DIRECTORY, UNION, …) is refused. */
const TABLE_OPTIONS = new Set([
  "engine",
  "charset",
  "default charset",
  "character set",
  "default character set",
  "collate",
  "default collate",
  "comment",
  "auto_increment",
  "row_format",
]);

/** A node of node-sql-parser's syntax tree (loosely typed upstream): every field is checked where read. */
type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => !!v && typeof v === "object" && !Array.isArray(v);
/** `v` as a node; an empty one when it is not. */
const nodeOf = (v: unknown): Node => (isNode(v) ? v : {});
/** `v` as a list; empty when it is not one. */
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** `v` as a list of nodes. */
const nodesOf = (v: unknown): Node[] => listOf(v).map(nodeOf);
/** `v` as text ("" for null/undefined). */
const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

export interface DdlPlan {
  /** Tables the DDL creates, in order. */
  tables: string[];
  /** The statements to run, in order, as the parser renders them for the dialect. */
  statements: string[];
}

interface SqlParser {
  astify(sql: string): unknown;
  sqlify(ast: Node): string;
}

async function parserFor(dialect: Dialect): Promise<SqlParser> {
  // Loaded on first use: only this route needs the grammar (~250 KB per dialect).
  const { Parser } =
    dialect === "mysql"
      ? await import("node-sql-parser/build/mysql")
      : await import("node-sql-parser/build/sqlite");
  const parser = new Parser();
  return {
    astify: (sql) => parser.astify(sql),
    // The tree the parser itself produced, checked and adapted above.
    sqlify: (ast) => parser.sqlify(ast as unknown as AST),
  };
}

/**
 * Parses `text` in the database's dialect. On SQLite, DDL in MySQL's dialect (what the SPA's table
 * designer writes: backticks, AUTO_INCREMENT, ENGINE=…) is read with MySQL's grammar and then
 * rendered for SQLite.
 */
async function parse(dialect: Dialect, text: string): Promise<unknown> {
  const attempts: Dialect[] = dialect === "mysql" ? ["mysql"] : ["sqlite", "mysql"];
  let first: unknown;
  for (const source of attempts) {
    try {
      return (await parserFor(source)).astify(text);
    } catch (err) {
      first ??= err;
    }
  }
  const where = (first as { location?: { start?: { line?: number; column?: number } } }).location?.start;
  throw fail(`SQL 解析失败${where ? `（第 ${where.line} 行第 ${where.column} 列）` : ""}，请检查语法`);
}

const nameOf = (v: unknown): string => {
  if (typeof v === "string") return v;
  if (isNode(v)) {
    if (typeof v.column === "string") return v.column;
    if (v.column) return nameOf(v.column);
    if (v.expr) return nameOf(v.expr);
    if (typeof v.value === "string") return v.value;
  }
  return "";
};

function requireIdentifier(name: string, what: string) {
  if (!IDENTIFIER.test(name))
    throw fail(`${what}「${name}」不合法：只能包含字母、数字和下划线，且不能以数字开头`);
}

/** Functions a default may call: the clock only (`DEFAULT (load_file(…))` would read server files). */
const ALLOWED_FUNCTIONS = new Set([
  "CURRENT_TIMESTAMP",
  "NOW",
  "CURRENT_DATE",
  "CURRENT_TIME",
  "LOCALTIMESTAMP",
]);
/** MySQL storage engines a generated table may use (no CONNECT, FEDERATED, …: they reach files or servers). */
const ENGINES = new Set(["INNODB", "MYISAM", "ARIA"]);

function functionNameOf(node: Node): string {
  const parts = nodeOf(node.name).name;
  if (Array.isArray(parts)) return parts.map((p) => str(nodeOf(p).value)).join(".");
  return str(node.name);
}

/** The first function call in a definition that is not the clock, if any. */
function disallowedFunction(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const found = disallowedFunction(n);
      if (found) return found;
    }
    return null;
  }
  if (!isNode(node)) return null;
  if (node.type === "function" || node.type === "aggr_func") {
    const name = functionNameOf(node);
    if (!ALLOWED_FUNCTIONS.has(name.toUpperCase())) return name || "?";
  }
  for (const v of Object.values(node)) {
    const found = disallowedFunction(v);
    if (found) return found;
  }
  return null;
}

/** A sub-select or a reference to tables anywhere in a definition (CHECK, DEFAULT, generated column). */
function containsQuery(node: unknown): boolean {
  if (Array.isArray(node)) return node.some((n) => containsQuery(n));
  if (!isNode(node)) return false;
  if (node.type === "select" || "tableList" in node || node.ast) return true;
  return Object.values(node).some(containsQuery);
}

function tableRefOf(node: unknown): { db: string | null; table: string } {
  const ref = nodeOf(Array.isArray(node) ? node[0] : node);
  return { db: ref.db ? str(ref.db) : null, table: nameOf(ref.table ?? "") };
}

function checkCreateTable(stmt: Node): string {
  if (!Array.isArray(stmt.table) || stmt.table.length !== 1) throw fail(MSG_OTHER);
  const { db, table } = tableRefOf(stmt.table);
  if (db) throw fail(`表名不能指定数据库或模式: ${db}.${table}`);
  requireIdentifier(table, "表名");
  if (stmt.temporary) throw fail("不允许创建临时表");
  if (stmt.as || stmt.query_expr || stmt.like) throw fail("不允许 CREATE TABLE ... AS/LIKE，请写出列定义");
  const defs = nodesOf(stmt.create_definitions);
  if (!defs.length) throw fail(`表 ${table} 没有列定义`);
  if (containsQuery(defs)) throw fail("列定义中不允许子查询");
  const fn = disallowedFunction(defs);
  if (fn) throw fail(`列定义中不允许调用函数 ${fn}（默认值只能是常量或 CURRENT_TIMESTAMP）`);
  if (defs.some((d) => d.generated)) throw fail("不允许生成列 (AS …)");
  for (const d of defs) {
    if (d.resource === "column") requireIdentifier(nameOf(d.column), "列名");
    else if (d.resource === "constraint" || d.resource === "index") {
      if (d.constraint) requireIdentifier(nameOf(d.constraint), "约束名");
      if (d.index) requireIdentifier(nameOf(d.index), "索引名");
      for (const c of listOf(d.definition)) requireIdentifier(nameOf(c), "列名");
      const ref = d.reference_definition;
      if (ref) requireIdentifier(tableRefOf(nodeOf(ref).table).table, "外键引用的表名");
    } else {
      throw fail(MSG_OTHER);
    }
    const ref = d.reference_definition;
    if (d.resource === "column" && ref)
      requireIdentifier(tableRefOf(nodeOf(ref).table).table, "外键引用的表名");
  }
  for (const option of nodesOf(stmt.table_options)) {
    const keyword = str(option.keyword).toLowerCase();
    // On SQLite these MySQL options are dropped (see adaptForSqlite); the same list is checked.
    if (!TABLE_OPTIONS.has(keyword)) throw fail(`不允许的表选项: ${keyword}`);
    if (keyword === "engine" && !ENGINES.has(String(nameOf(option.value)).toUpperCase()))
      throw fail(`不允许的存储引擎: ${nameOf(option.value)}（可用 InnoDB、MyISAM、Aria）`);
  }
  return table;
}

function checkAlter(stmt: Node): { table: string; constraints: Node[] } {
  const { db, table } = tableRefOf(stmt.table);
  if (db) throw fail(MSG_ALTER);
  requireIdentifier(table, "表名");
  const items = nodesOf(stmt.expr);
  if (!items.length) throw fail(MSG_ALTER);
  const constraints = items.map((e) => {
    const def = e.create_definitions;
    const isFk =
      e.action === "add" &&
      e.resource === "constraint" &&
      isNode(def) &&
      str(def.constraint_type).toUpperCase() === "FOREIGN KEY";
    if (!isFk || !isNode(def)) throw fail(MSG_ALTER);
    if (def.constraint) requireIdentifier(nameOf(def.constraint), "约束名");
    for (const c of listOf(def.definition)) requireIdentifier(nameOf(c), "列名");
    requireIdentifier(tableRefOf(nodeOf(def.reference_definition).table).table, "外键引用的表名");
    if (containsQuery(def)) throw fail(MSG_ALTER);
    return def;
  });
  return { table, constraints };
}

const quoted = (name: string) => `"${name}"`;

/**
 * A CREATE TABLE made fit for SQLite: no comments, table options or ON UPDATE; an auto-increment
 * key becomes `INTEGER PRIMARY KEY` (the rowid, which fills itself); `UNIQUE KEY name (…)` a plain
 * UNIQUE; `KEY name (…)` a separate CREATE INDEX (returned).
 */
function adaptForSqlite(stmt: Node): string[] {
  const table = tableRefOf(stmt.table).table;
  const indexes: string[] = [];
  const defs = nodesOf(stmt.create_definitions);
  const autoKeys = new Set<string>();
  for (const d of defs) {
    if (d.resource !== "column") continue;
    delete d.comment;
    // SQLite has no ON UPDATE clause for columns
    const defaultValue = nodeOf(nodeOf(d.default_val).value);
    if (defaultValue.over) defaultValue.over = null;
    if (d.auto_increment) {
      delete d.auto_increment;
      d.definition = { dataType: "INTEGER" };
      d.primary_key = "primary key";
      autoKeys.add(nameOf(d.column));
    }
  }
  stmt.create_definitions = defs.filter((d) => {
    const type = str(d.constraint_type).toLowerCase();
    if (d.resource === "constraint" && type === "primary key") {
      const cols = listOf(d.definition).map((c) => nameOf(c));
      return !(cols.length === 1 && autoKeys.has(cols[0]));
    }
    if (d.resource === "index") {
      const cols = listOf(d.definition).map((c) => nameOf(c));
      const name = nameOf(d.index) || `ix_${table}_${cols.join("_")}`;
      requireIdentifier(name, "索引名");
      indexes.push(`CREATE INDEX ${quoted(name)} ON ${quoted(table)} (${cols.map(quoted).join(", ")})`);
      return false;
    }
    if (d.resource === "constraint" && type.startsWith("unique")) {
      d.constraint_type = "unique";
      d.index = null;
      d.index_type = null;
    }
    return true;
  });
  stmt.table_options = null;
  return indexes;
}

/**
 * Checks user DDL and returns what to run, or throws a 400 naming the problem. Nothing here touches
 * the database; the caller checks the table names against the catalogue and runs the statements.
 */
export async function planDdl(dialect: Dialect, sql: string): Promise<DdlPlan> {
  const text = sql.trim();
  if (!text) throw fail("SQL语句不能为空");
  if (text.length > MAX_SQL_CHARS) throw fail(`SQL语句过长（最多 ${MAX_SQL_CHARS} 个字符）`);
  const parser = await parserFor(dialect);
  const parsed = await parse(dialect, text);
  const statements = (Array.isArray(parsed) ? parsed : [parsed]).filter(Boolean).map(nodeOf);
  const kindOf = (s: Node) => str(s.type).toLowerCase();
  if (statements.some((s) => FORBIDDEN.has(kindOf(s)))) throw fail(MSG_FORBIDDEN);
  const creates = statements.filter(
    (s) => kindOf(s) === "create" && str(s.keyword).toLowerCase() === "table",
  );
  if (!creates.length) throw fail(MSG_NO_CREATE);

  const tables: string[] = [];
  const createByTable = new Map<string, Node>();
  const out: Node[] = [];
  for (const stmt of statements) {
    const kind = kindOf(stmt);
    if (kind === "create" && str(stmt.keyword).toLowerCase() === "table") {
      const table = checkCreateTable(stmt);
      if (createByTable.has(table)) throw fail(`表 ${table} 重复定义`);
      tables.push(table);
      createByTable.set(table, stmt);
      out.push(stmt);
    } else if (kind === "alter") {
      const { table, constraints } = checkAlter(stmt);
      if (dialect === "sqlite") {
        // SQLite cannot add a constraint to an existing table: fold it into this request's CREATE.
        const create = createByTable.get(table);
        if (!create) throw fail("SQLite 不支持 ALTER TABLE 添加外键：请把外键约束写进该表的 CREATE TABLE");
        create.create_definitions = [
          ...nodesOf(create.create_definitions),
          ...constraints.map((c) => ({ ...c, resource: "constraint" })),
        ];
      } else {
        out.push(stmt);
      }
    } else {
      throw fail(MSG_OTHER);
    }
  }

  // SQLite: adapted after every ALTER has been folded in; its extra indexes run after the tables.
  const extraIndexes = dialect === "sqlite" ? out.flatMap(adaptForSqlite) : [];
  const rendered = out.map((stmt) => {
    const sqlText = parser.sqlify(stmt);
    // What runs must parse back to exactly one statement of the same kind.
    let again: unknown;
    try {
      again = parser.astify(sqlText);
    } catch {
      throw fail(MSG_OTHER);
    }
    const list = Array.isArray(again) ? again : [again];
    if (list.length !== 1 || kindOf(nodeOf(list[0])) !== kindOf(stmt)) throw fail(MSG_OTHER);
    return sqlText;
  });
  return { tables, statements: [...rendered, ...extraIndexes] };
}
