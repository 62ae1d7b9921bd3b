import { z } from "@hono/zod-openapi";
import { baseOutFields } from "@/core/http/schemas";

export const tableListQuery = z.object({
  table_name: z.string().optional().openapi({ description: "表名称 (模糊)" }),
  table_comment: z.string().optional().openapi({ description: "表描述 (模糊)" }),
});
export type TableListQuery = z.infer<typeof tableListQuery>;

export const tableIdParam = z.object({
  table_id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "table_id", in: "path" }, example: 1 }),
});

export const tableNameParam = z.object({
  table_name: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "table_name", in: "path" }, example: "gen_demo01" }),
});

/** A JSON array of table names (import, batch ZIP). */
export const tableNames = z
  .array(z.string().max(200), { error: "类型错误，输入应该是一个有效的列表！" })
  .max(100, "一次最多提交 100 个表名")
  .openapi("GenTableNames", { example: ["gen_demo01"] });

export const createSqlBody = z
  .object({
    sql: z.string({ error: "请求失败，缺少必填项！" }).openapi({ example: "CREATE TABLE shop_order (...)" }),
  })
  .openapi("GenCreateTableSql");

const trimmedOrNull = (max: number, label: string) =>
  z
    .string()
    .nullable()
    .optional()
    .transform((v) => (v == null ? v : v.trim() || null))
    .pipe(z.string().max(max, `${label}长度不能超过${max}个字符`).nullable().optional());

const flag = z.boolean().nullable().optional();

/** Names that end up as identifiers in generated code and SQL: letters, digits, `_`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const identifier = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label}长度不能超过${max}个字符`)
    .regex(IDENTIFIER, `${label}只能包含字母、数字和下划线，且不能以数字开头`);
/** Like `identifier`, but empty text (a cleared field) means null. */
const optionalIdentifier = (label: string, max: number) =>
  z
    .string()
    .nullable()
    .optional()
    .transform((v) => (v == null ? v : v.trim() || null))
    .pipe(identifier(label, max).nullable().optional());
const pick = (values: readonly string[], label: string) =>
  z
    .string()
    .nullable()
    .optional()
    .refine((v) => v == null || v === "" || values.includes(v), `${label}只能是 ${values.join("/")}`);

export const HTML_TYPES = [
  "input",
  "textarea",
  "select",
  "radio",
  "checkbox",
  "datetime",
  "imageUpload",
  "fileUpload",
  "editor",
] as const;
export const QUERY_TYPES = ["EQ", "NE", "GT", "GTE", "LT", "LTE", "LIKE", "BETWEEN"] as const;

/** A column as the SPA sends it back in an update: only ones with an id are written. */
export const genColumnInput = z.object({
  id: z.number().int().nullable().optional(),
  column_name: identifier("列名", 200).optional(),
  column_comment: z.string().max(500).nullable().optional(),
  column_type: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_(), ]*$/, "列类型只能包含字母、数字、括号、逗号和空格")
    .optional(),
  column_length: z.string().max(50).nullable().optional(),
  column_default: z.string().max(200).nullable().optional(),
  is_pk: flag,
  is_increment: flag,
  is_nullable: flag,
  is_unique: flag,
  python_type: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_<>[\], .]*$/, "类型只能包含字母、数字和 <>[], 等类型符号")
    .nullable()
    .optional(),
  python_field: z
    .string()
    .max(200)
    .regex(/^([A-Za-z_$][A-Za-z0-9_$]*)?$/, "属性名只能包含字母、数字、_ 和 $，且不能以数字开头")
    .nullable()
    .optional(),
  is_insert: flag,
  is_edit: flag,
  is_list: flag,
  is_query: flag,
  query_type: pick(QUERY_TYPES, "查询方式"),
  html_type: pick(HTML_TYPES, "显示类型"),
  dict_type: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_:.-]*$/, "字典类型只能包含字母、数字和 _:.-")
    .nullable()
    .optional(),
  sort: z.number().int().nullable().optional(),
});
export type GenColumnInput = z.infer<typeof genColumnInput>;

/** PUT /update body (GenTableSchema): unknown keys (`id`, `pk_column`, `sub_table`, …) are dropped. */
export const genTableUpdate = z
  .object({
    table_name: z
      .string({ error: "表名称不能为空" })
      .transform((s) => s.trim())
      .pipe(z.string().min(1, "表名称不能为空").pipe(identifier("表名称", 200))),
    table_comment: trimmedOrNull(500, "表描述"),
    class_name: trimmedOrNull(100, "实体类名称"),
    function_name: trimmedOrNull(100, "功能名称"),
    description: trimmedOrNull(255, "备注"),
    // Slugs: they become folders and permission strings. Case is folded and `module_` added by the
    // service; anything else (spaces, `-`, `.`, `/`, `..`) is refused rather than rewritten.
    package_name: z
      .string()
      .trim()
      .max(100)
      .regex(/^[A-Za-z0-9_]*$/, "包名只能包含字母、数字和下划线（如 module_shop）")
      .nullable()
      .optional(),
    module_name: z
      .string()
      .trim()
      .max(100)
      .regex(/^[A-Za-z0-9_]*$/, "模块名只能包含字母、数字和下划线（如 order）")
      .nullable()
      .optional(),
    business_name: z
      .string()
      .trim()
      .max(100)
      .regex(/^[A-Za-z0-9_]*(\/[A-Za-z0-9_]+)*$/, "业务名只能包含字母、数字、下划线，多段时用 / 分隔")
      .nullable()
      .optional(),
    sub_table_name: optionalIdentifier("子表表名", 64),
    sub_table_fk_name: optionalIdentifier("子表外键列", 64),
    parent_menu_id: z.number().int().nullable().optional(),
    columns: z.array(genColumnInput).max(500).nullable().optional(),
  })
  .openapi("GenTableUpdate");
export type GenTableUpdate = z.infer<typeof genTableUpdate>;

export const genColumnOut = z
  .object({
    ...baseOutFields,
    table_id: z.number().int(),
    column_name: z.string(),
    column_comment: z.string().nullable(),
    column_type: z.string(),
    column_length: z.string().nullable(),
    column_default: z.string().nullable(),
    is_pk: z.boolean(),
    is_increment: z.boolean(),
    is_nullable: z.boolean(),
    is_unique: z.boolean(),
    python_type: z.string().nullable().openapi({ description: "TypeScript 类型 (字段名沿用上游)" }),
    python_field: z.string().nullable().openapi({ description: "camelCase 字段名" }),
    is_insert: z.boolean().nullable(),
    is_edit: z.boolean().nullable(),
    is_list: z.boolean().nullable(),
    is_query: z.boolean().nullable(),
    query_type: z.string().nullable(),
    html_type: z.string().nullable(),
    dict_type: z.string().nullable(),
    sort: z.number().int(),
    super_column: z.string(),
  })
  .openapi("GenColumn");

const genTableFields = {
  ...baseOutFields,
  table_name: z.string(),
  table_comment: z.string().nullable(),
  class_name: z.string().nullable(),
  package_name: z.string().nullable(),
  module_name: z.string().nullable(),
  business_name: z.string().nullable(),
  function_name: z.string().nullable(),
  sub_table_name: z.string().nullable(),
  sub_table_fk_name: z.string().nullable(),
  parent_menu_id: z.number().int().nullable(),
  columns: z.array(genColumnOut).nullable(),
  pk_column: genColumnOut.nullable(),
  sub: z.boolean().nullable(),
  master_sub_hint: z.string().nullable(),
};

export const genTableOut = z
  .object({
    ...genTableFields,
    // One level deep: a sub table never has its own sub table here.
    sub_table: z.object({ ...genTableFields, sub_table: z.null() }).nullable(),
  })
  .openapi("GenTable");

export const dbTableOut = z
  .object({
    database_name: z.string(),
    table_name: z.string(),
    table_type: z.string(),
    table_comment: z.string(),
  })
  .openapi("GenDbTable");

const syncFields = {
  table_name: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(
    z.object({
      column_name: z.string(),
      change_fields: z.array(z.string()),
      before: z.record(z.string(), z.unknown()),
      after: z.record(z.string(), z.unknown()),
    }),
  ),
  unchanged: z.number().int(),
  sub_table_name: z.string().nullable(),
};

export const syncPreviewOut = z
  .object({ ...syncFields, sub: z.object({ ...syncFields, sub: z.null() }).nullable() })
  .openapi("GenSyncPreview");

export const previewOut = z.record(z.string(), z.string()).openapi("GenPreview", {
  description: "输出路径 → 文件内容；后端路径以 backend/ 开头，前端以 frontend/ 开头",
});
