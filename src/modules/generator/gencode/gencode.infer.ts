/*
 * Defaults of a freshly imported table (contract §7.3) and the inference of a column's generator
 * settings from its database type and name (§7.4). Pure functions: no database, no clock.
 */

/** Keeps `[a-z0-9_]`, every other run becomes one `_`, trimmed; a leading digit gets `_`. */
export function slugOf(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[0-9]/.test(slug) ? `_${slug}` : slug;
}

/** `package_name` as §7.2 normalises it: a slug prefixed `module_`; empty → null. */
export function packageNameOf(text: string | null | undefined): string | null {
  const slug = slugOf(text ?? "");
  if (!slug) return null;
  return slug.startsWith("module_") ? slug : `module_${slug}`;
}

/** `module_name`: a slug without a leading `module_`; empty → null. */
export function moduleNameOf(text: string | null | undefined): string | null {
  const slug = slugOf(text ?? "").replace(/^module_/, "");
  return slug || null;
}

/** `business_name`: a slug per `/`-separated segment, empty segments dropped; empty → null. */
export function businessNameOf(text: string | null | undefined): string | null {
  const path = (text ?? "").split("/").map(slugOf).filter(Boolean).join("/");
  return path || null;
}

/** `sys_user` → `SysUser`; a name without `_` only gets its first letter upper-cased. */
export function classNameOf(tableName: string): string {
  if (!tableName.includes("_")) return tableName.charAt(0).toUpperCase() + tableName.slice(1);
  return tableName
    .split("_")
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase())
    .join("");
}

/** `created_time` → `createdTime`. */
export function camelOf(columnName: string): string {
  const [first, ...rest] = columnName.split("_");
  return first + rest.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
}

/** The config of a table just imported (§7.3), before the §7.2 normalisers. */
export function tableDefaults(tableName: string, tableComment: string) {
  let module = tableName
    .toLowerCase()
    .replace(/^(gen_|tb_)/, "")
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!module) module = "module";
  const functionName = tableComment.replace(/表|测试/g, "").trim() || tableName;
  return {
    table_name: tableName,
    table_comment: tableComment || null,
    class_name: classNameOf(tableName),
    business_name: businessNameOf(tableName)?.slice(0, 30) ?? null,
    module_name: moduleNameOf(module)?.slice(0, 30) ?? null,
    package_name: packageNameOf(module.startsWith("module_") ? module : `module_${module}`),
    function_name: functionName.slice(0, 100),
    sub_table_name: null,
    sub_table_fk_name: null,
    parent_menu_id: null,
  };
}

const TIME_TYPES = new Set(["datetime", "time", "date", "timestamp"]);
const NUMBER_TYPES = new Set([
  "tinyint",
  "smallint",
  "mediumint",
  "int",
  "number",
  "integer",
  "bit",
  "bigint",
  "float",
  "double",
  "decimal",
  "boolean",
  "bool",
  "real",
  "numeric",
]);
const STRING_TYPES = new Set(["char", "varchar", "nvarchar", "varchar2"]);
const TEXT_TYPES = new Set(["tinytext", "text", "mediumtext", "longtext", "clob"]);

/** `VARCHAR(64)` → `varchar`; `tinyint(1)` → `boolean`; ` COLLATE …` and ` UNSIGNED` dropped. */
export function baseTypeOf(columnType: string): string {
  const t = columnType
    .replace(/\s+collate\s+\S+/i, "")
    .replace(/\s+unsigned\b/i, "")
    .trim()
    .toLowerCase();
  if (t.startsWith("tinyint(1")) return "boolean";
  if (t.includes("[]") || t.startsWith("array[")) return "array";
  return t.split("(")[0].split(" ")[0];
}

/**
 * The upstream category of a base type (str, int, float, Decimal, bool, date, time, datetime, dict,
 * list, bytes; "" unknown): what the templates choose zod types and form controls by.
 */
export function categoryOf(baseType: string): string {
  const t = baseType.toLowerCase();
  if (["tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year", "bit", "serial"].includes(t))
    return "int";
  if (["float", "double", "real"].includes(t)) return "float";
  if (["decimal", "numeric", "money", "number"].includes(t)) return "Decimal";
  if (["boolean", "bool"].includes(t)) return "bool";
  if (t === "date") return "date";
  if (t === "time") return "time";
  if (["datetime", "timestamp"].includes(t)) return "datetime";
  if (["json", "jsonb"].includes(t)) return "dict";
  if (t === "array") return "list";
  if (["binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob", "bytea"].includes(t))
    return "bytes";
  if (
    STRING_TYPES.has(t) ||
    TEXT_TYPES.has(t) ||
    ["enum", "set", "uuid", "character", "nchar", "string"].includes(t)
  )
    return "str";
  return "";
}

/**
 * The TypeScript type of a category: what `python_type` holds here (the SPA shows and edits that
 * key; the name is upstream's). Decimals, dates and bytes travel as strings on the wire.
 */
export function tsTypeOf(category: string): string {
  switch (category) {
    case "int":
    case "float":
      return "number";
    case "bool":
      return "boolean";
    case "dict":
      return "Record<string, unknown>";
    case "list":
      return "unknown[]";
    case "":
      return "";
    default:
      return "string";
  }
}

/** What introspection reports of one column (§7.4 first paragraph). */
export interface IntrospectedColumn {
  column_name: string;
  column_comment: string;
  column_type: string;
  column_length: string;
  column_default: string;
  sort: number;
  is_pk: boolean;
  is_unique: boolean;
  is_increment: boolean;
  is_nullable: boolean;
}

/** A column's generator settings inferred from its name and type (§7.4 table). */
export function inferColumn(col: IntrospectedColumn) {
  const name = col.column_name;
  const lower = name.toLowerCase();
  const base = baseTypeOf(col.column_type);
  let html = "input";
  if (lower.endsWith("status")) html = "radio";
  else if (lower.endsWith("type") || lower.endsWith("sex")) html = "select";
  else if (lower.endsWith("image")) html = "imageUpload";
  else if (lower.endsWith("file")) html = "fileUpload";
  else if (lower.endsWith("content")) html = "editor";
  else if (TIME_TYPES.has(base)) html = "datetime";
  else if (NUMBER_TYPES.has(base)) html = "input";
  else if (STRING_TYPES.has(base) || TEXT_TYPES.has(base)) {
    const length = Number.parseInt(col.column_length, 10);
    const declared = Number.isFinite(length);
    // SQLite's `TEXT(64)` (how this project's tables declare strings) is a bounded string, not a text.
    const isText = TEXT_TYPES.has(base) && !declared;
    html = isText || (declared && length >= 500) ? "textarea" : "input";
  }
  const pk = col.is_pk;
  const isQuery = !pk && !["id", "uuid", "description"].includes(name);
  return {
    ...col,
    python_type: tsTypeOf(categoryOf(base)),
    python_field: camelOf(name),
    html_type: html,
    is_insert: !pk && !["created_time", "updated_time"].includes(name),
    is_edit: !pk && !["id", "uuid", "created_time", "updated_time"].includes(name),
    is_list: !pk && !["id", "uuid"].includes(name),
    is_query: isQuery,
    query_type: isQuery
      ? lower.endsWith("name") || ["varchar", "char", "text"].includes(base)
        ? "LIKE"
        : "EQ"
      : null,
    dict_type: "",
  };
}

export type InferredColumn = ReturnType<typeof inferColumn>;
