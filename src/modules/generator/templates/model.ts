import type { GenColumnInput, GenTableInput } from "./types";

/*
 * What the templates read: a table config turned into names and typed columns once, so each
 * template only prints. Every rule about "which columns go where" lives here.
 */

/** The column kit builder a column maps to (db/kit/types.ts). */
export type ColumnKind =
  | "int"
  | "bigint"
  | "float"
  | "bool"
  | "str"
  | "text"
  | "longtext"
  | "datetime"
  | "date"
  | "time"
  | "json";

export interface ColumnModel {
  name: string;
  /** Property access in generated code: `t.name` or `t["odd name"]`. */
  prop: string;
  /** Object key in generated code: `name` or `"odd name"`. */
  key: string;
  label: string;
  kind: ColumnKind;
  /** VARCHAR length (str), else null. */
  length: number | null;
  nullable: boolean;
  /** The database fills it when left out (a server default), so create need not send it. */
  hasDefault: boolean;
  columnDefault: string | null;
  pk: boolean;
  unique: boolean;
  /** ModelMixin / UserMixin column: filled by the server, never part of a body. */
  managed: boolean;
  insert: boolean;
  edit: boolean;
  list: boolean;
  query: "like" | "eq" | "range" | null;
  htmlType: string;
  dictType: string | null;
}

export interface TableModel {
  tableName: string;
  /** PascalCase entity name (`GenDemo01`). */
  className: string;
  /** camelCase of the module (`demo01`), the prefix of function and variable names. */
  camel: string;
  /** PascalCase of the module (`Demo01`). */
  pascal: string;
  packageName: string;
  moduleName: string;
  /** The package without `module_`: the URL's first segment (`/api/v1/<area>/<module>`). */
  area: string;
  /** `/<area>/<module>`, where the router is mounted under /api/v1. */
  mountPath: string;
  permissionPrefix: string;
  label: string;
  routerName: string;
  tableFactory: string;
  /** The table's definition is generated (db/generated/), not hand-written in db/tables.ts. */
  generated: boolean;
  columns: ColumnModel[];
  pk: ColumnModel;
  has: {
    status: boolean;
    description: boolean;
    softDelete: boolean;
    deletedBy: boolean;
    audit: boolean;
    createdTime: boolean;
    updatedTime: boolean;
    uuid: boolean;
  };
  /** Set on the sub table of a master–detail pair. */
  parent: { model: TableModel; fk: ColumnModel } | null;
  /** Set on the main table of a master–detail pair. */
  child: { model: TableModel; fk: ColumnModel; listField: string } | null;
}

export class RenderError extends Error {}

const MANAGED = new Set([
  "id",
  "uuid",
  "created_time",
  "updated_time",
  "is_deleted",
  "deleted_time",
  "created_id",
  "updated_id",
  "deleted_id",
]);

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "")
    .replace(/^(\d)/, "_$1");

const words = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean);
export const pascalCase = (s: string) =>
  words(s)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("") || "Entity";
export const camelCase = (s: string) => {
  const p = pascalCase(s);
  return p[0].toLowerCase() + p.slice(1);
};

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A label (table or column comment) as it is printed into comments, template literals and
 * strings of the generated code: one line, nothing that ends a comment or starts interpolation.
 */
export const safeLabel = (s: string) =>
  [...s]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? " " : ch))
    .join("")
    .replace(/\\/g, "/")
    .replace(/`/g, "'")
    .replace(/\$\{/g, "$ {")
    .replace(/\*\//g, "* /")
    .replace(/-->/g, "-- >")
    .trim();

/** The base type of a column type text: `VARCHAR(64)` → `varchar`, `TINYINT(1)` → `bool`. */
export function kindOf(columnType: string, name: string): { kind: ColumnKind; length: number | null } {
  const text = columnType
    .trim()
    .toLowerCase()
    .replace(/\s+collate\s+\S+/, "")
    .replace(/\s+unsigned/, "");
  if (/^tinyint\(1\)/.test(text)) return { kind: "bool", length: null };
  const base = text.split("(")[0].split(" ")[0];
  const length = Number(/\((\d+)/.exec(text)?.[1] ?? Number.NaN);
  switch (base) {
    case "bigint":
      return { kind: "bigint", length: null };
    case "int":
    case "integer":
    case "smallint":
    case "mediumint":
    case "tinyint":
    case "year":
    case "bit":
      // SQLite stores booleans as INTEGER: a ModelMixin flag keeps its meaning
      return { kind: name === "is_deleted" ? "bool" : "int", length: null };
    case "float":
    case "double":
    case "real":
    case "decimal":
    case "numeric":
      return { kind: "float", length: null };
    case "bool":
    case "boolean":
      return { kind: "bool", length: null };
    case "char":
    case "varchar":
    case "nvarchar":
    case "varchar2":
    case "character":
      return Number.isFinite(length) && length > 0 ? { kind: "str", length } : { kind: "text", length: null };
    case "longtext":
      return { kind: "longtext", length: null };
    case "datetime":
    case "timestamp":
      return { kind: "datetime", length: null };
    case "date":
      return { kind: "date", length: null };
    case "time":
      return { kind: "time", length: null };
    case "json":
    case "jsonb":
      return { kind: "json", length: null };
    default:
      return { kind: "text", length: null };
  }
}

/** The ModelMixin columns keep the kinds the hand-written tables give them, whatever SQLite reports. */
const MANAGED_KIND: Record<string, ColumnKind> = {
  id: "int",
  uuid: "str",
  status: "str",
  description: "text",
  created_time: "datetime",
  updated_time: "datetime",
  is_deleted: "bool",
  deleted_time: "datetime",
  created_id: "int",
  updated_id: "int",
  deleted_id: "int",
};

/** `python_type` values meaning JSON: upstream's Python names and the TypeScript ones our import writes. */
const JSON_HINTS = new Set(["dict", "list", "Record<string, unknown>", "unknown[]"]);

function columnModel(c: GenColumnInput): ColumnModel {
  const name = c.column_name.trim();
  let { kind, length } = kindOf(c.column_type || "text", name);
  // MariaDB reports JSON columns as LONGTEXT; the import's type hint still says JSON
  if ((kind === "text" || kind === "longtext") && JSON_HINTS.has((c.python_type ?? "").trim())) kind = "json";
  if (MANAGED_KIND[name] && !c.is_pk) {
    kind = MANAGED_KIND[name];
    length = name === "uuid" ? 64 : name === "status" ? 10 : null;
  }
  const pk = Boolean(c.is_pk);
  const managed = pk || MANAGED.has(name);
  const queryType = (c.query_type ?? "").toUpperCase();
  const timeLike = kind === "datetime" || kind === "date";
  let query: ColumnModel["query"] = null;
  if (c.is_query && !managed) {
    if (queryType === "BETWEEN" && timeLike) query = "range";
    else if (queryType === "LIKE" && (kind === "str" || kind === "text" || kind === "longtext"))
      query = "like";
    else if (kind !== "json") query = "eq";
  }
  if (c.is_query && (name === "created_time" || name === "updated_time")) query = "range";
  return {
    name,
    prop: IDENT.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`,
    key: IDENT.test(name) ? name : JSON.stringify(name),
    label: safeLabel(c.column_comment ?? "") || name,
    kind,
    length,
    nullable: pk ? false : c.is_nullable !== false,
    hasDefault: (c.column_default ?? "") !== "" || name === "status",
    columnDefault: c.column_default ?? null,
    pk,
    unique: Boolean(c.is_unique) && !pk && !managed,
    managed,
    insert: !managed && c.is_insert !== false,
    edit: !managed && c.is_edit !== false,
    list:
      !pk && name !== "is_deleted" && name !== "deleted_time" && name !== "deleted_id" && c.is_list !== false,
    query,
    htmlType: (c.html_type ?? "").trim() || "input",
    dictType: (c.dict_type ?? "").trim() || null,
  };
}

function requireName(value: string | null | undefined, what: string, table: string): string {
  const v = (value ?? "").trim();
  if (!v) throw new RenderError(`无法为表 ${table} 生成代码：${what}未设置`);
  return v;
}

/** The package's URL segment and folder: `module_shop` → `shop`. */
export const areaOf = (packageName: string) => packageName.replace(/^module_/, "") || packageName;

function tableModel(input: GenTableInput, packageName: string, moduleName: string): TableModel {
  const tableName = requireName(input.table_name, "表名", input.table_name);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tableName)) {
    throw new RenderError(`无法为表 ${tableName} 生成代码：表名只能包含字母、数字和下划线`);
  }
  const columns = [...input.columns]
    .sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0))
    .map(columnModel)
    .filter((c, i, all) => all.findIndex((o) => o.name === c.name) === i);
  if (!columns.length) throw new RenderError(`无法为表 ${tableName} 生成代码：没有字段`);
  const pk = columns.find((c) => c.pk) ?? columns.find((c) => c.name === "id");
  if (!pk || (pk.kind !== "int" && pk.kind !== "bigint")) {
    throw new RenderError(`无法为表 ${tableName} 生成代码：需要一个整数主键`);
  }
  pk.pk = true;
  pk.managed = true;
  pk.insert = pk.edit = pk.list = false;
  pk.query = null;
  const names = new Set(columns.map((c) => c.name));
  const area = areaOf(packageName);
  const pascal = pascalCase(moduleName);
  const camel = camelCase(`${area}_${moduleName}`);
  return {
    tableName,
    className: (input.class_name ?? "").trim() || pascalCase(tableName),
    camel: camelCase(moduleName),
    pascal,
    packageName,
    moduleName,
    area,
    mountPath: `/${area}/${moduleName}`,
    permissionPrefix: `${packageName}:${moduleName}`,
    label: safeLabel(input.function_name ?? "") || safeLabel(input.table_comment ?? "") || tableName,
    routerName: `${camel}Router`,
    tableFactory: `${camelCase(tableName)}Table`,
    generated: true,
    columns,
    pk,
    has: {
      status: names.has("status"),
      description: names.has("description"),
      softDelete: names.has("is_deleted"),
      deletedBy: names.has("is_deleted") && names.has("deleted_time") && names.has("deleted_id"),
      audit: names.has("created_id") && names.has("updated_id") && names.has("deleted_id"),
      createdTime: names.has("created_time"),
      updatedTime: names.has("updated_time"),
      uuid: names.has("uuid"),
    },
    parent: null,
    child: null,
  };
}

const packageOf = (input: GenTableInput) => {
  const raw = slug(requireName(input.package_name, "包名", input.table_name));
  return raw.startsWith("module_") ? raw : `module_${raw}`;
};
const moduleOf = (input: GenTableInput) =>
  slug(requireName(input.module_name, "模块名", input.table_name)).replace(/^module_/, "") || "module";

/**
 * The main table's model and, for a master–detail config (§7.5), the sub table's, linked both
 * ways. The sub table lives in the main table's package; its module is its own (upstream gave it
 * the main table's, so both wrote the same files, §14 #37).
 */
export function buildModels(input: GenTableInput): TableModel[] {
  const packageName = packageOf(input);
  const main = tableModel(input, packageName, moduleOf(input));
  const subName = (input.sub_table_name ?? "").trim();
  const fkName = (input.sub_table_fk_name ?? "").trim();
  if (!subName && !fkName) return [main];
  if (!subName || !fkName) throw new RenderError("子表表名与子表外键列须同时填写或同时留空");
  if (subName === main.tableName) throw new RenderError("子表表名不能与主表表名相同");
  const sub = input.sub_table;
  if (!sub || sub.table_name.trim() !== subName || !sub.columns.length) {
    throw new RenderError(`当前数据库中不存在表「${subName}」或该表无列，请先建表再配置主子表`);
  }
  const fallbackModule = slug(subName.replace(/^(gen|tb)_/, "")) || "sub";
  let subModule = (sub.module_name ?? "").trim() ? moduleOf(sub) : fallbackModule;
  if (subModule === main.moduleName)
    subModule = fallbackModule === main.moduleName ? `${fallbackModule}_sub` : fallbackModule;
  const child = tableModel(sub, packageName, subModule);
  const fk = child.columns.find((c) => c.name === fkName);
  if (!fk) throw new RenderError(`子表「${subName}」中不存在名为「${fkName}」的列，请核对外键列名`);
  if (fk.kind !== "int" && fk.kind !== "bigint") throw new RenderError(`子表外键列「${fkName}」须为整数列`);
  // children are always filtered by their parent
  fk.query = "eq";
  child.parent = { model: main, fk };
  main.child = { model: child, fk, listField: `${slug(subName)}_list` };
  return [main, child];
}
