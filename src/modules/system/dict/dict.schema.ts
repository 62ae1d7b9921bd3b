import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields } from "@/core/http/schemas";

/*
 * Request and response shapes of the dictionary (types and their items), contract §12.7.
 * Request objects are not strict: the SPA posts whole rows back, extra keys are ignored.
 */

/** `"0"` enabled / `"1"` disabled; numbers are accepted too (the SPA sometimes sends 0/1). */
export const statusValue = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v),
  z.enum(["0", "1"], { error: "状态只能为 0 (启用) 或 1 (停用)" }),
);

/** A required text field: trimmed; blank gets the contract's message. */
const requiredText = (blank: string, max: number, tooLong: string) =>
  z.string().trim().min(1, blank).max(max, tooLong);

const optionalText = (max: number, tooLong: string) => z.string().max(max, tooLong).nullish();

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1, "id 必须大于等于 1")
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

/** Batch delete body: a bare JSON array of ids. */
export const idsBody = z
  .array(z.number().int().min(1, "id 必须大于等于 1"))
  .max(1000, "一次最多操作 1000 条数据")
  .openapi({ example: [1, 2] });

export const batchStatusBody = z
  .object({
    ids: z
      .array(z.number().int().min(1, "id 必须大于等于 1"))
      .max(1000, "一次最多操作 1000 条数据")
      .default([]),
    status: statusValue.default("0"),
  })
  .openapi("DictBatchSetAvailable");

// ---- dict types ----

export const dictTypeIn = z
  .object({
    dict_name: requiredText("字典名称不能为空", 64, "字典名称长度不能超过64个字符").openapi({
      example: "用户性别",
    }),
    dict_type: requiredText("字典类型不能为空", 64, "字典类型长度不能超过64个字符")
      .regex(/^[a-z][a-z0-9_]*$/, "字典类型必须以字母开头，且只能为（小写字母，数字，下滑线）")
      .openapi({ example: "sys_user_sex" }),
    status: statusValue.default("0"),
    description: optionalText(255, "描述长度不能超过255个字符"),
  })
  .openapi("DictTypeCreate");

export type DictTypeIn = z.infer<typeof dictTypeIn>;

export const dictTypeOut = z
  .object({ ...baseOutFields, dict_name: z.string(), dict_type: z.string() })
  .openapi("DictType");

export type DictTypeRow = z.infer<typeof dictTypeOut>;

/** Filters of the type list and export (§12.7.1 DictTypeQuery). */
export const dictTypeFilters = z.object({
  dict_name: z.string().max(100, "字典名称长度不能超过100个字符").optional(),
  dict_type: z.string().max(100, "字典类型长度不能超过100个字符").optional(),
  status: z.string().optional(),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
});

export type DictTypeFilters = Partial<z.infer<typeof dictTypeFilters>>;

export const dictTypeListQuery = pageQuerySchema.extend(dictTypeFilters.shape);

// ---- dict data ----

const dictSort = z
  .number()
  .int()
  .min(1, "字典排序必须在 1 到 999 之间")
  .max(999, "字典排序必须在 1 到 999 之间");

export const dictDataIn = z
  .object({
    dict_sort: z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), dictSort),
    dict_label: requiredText("字典标签不能为空", 100, "字典标签长度不能超过100个字符").openapi({
      example: "男",
    }),
    dict_value: requiredText("字典键值不能为空", 100, "字典键值长度不能超过100个字符").openapi({
      example: "0",
    }),
    dict_type: requiredText("字典类型不能为空", 100, "字典类型长度不能超过100个字符").openapi({
      example: "sys_user_sex",
    }),
    dict_type_id: z.preprocess(
      (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
      z.number().int().min(1, "字典类型ID不能为空且必须大于0"),
    ),
    css_class: optionalText(100, "样式属性长度不能超过100个字符"),
    list_class: optionalText(255, "表格回显样式长度不能超过255个字符"),
    is_default: z.boolean().default(false),
    status: statusValue.default("0"),
    description: optionalText(255, "描述长度不能超过255个字符"),
  })
  .openapi("DictDataCreate");

export type DictDataIn = z.infer<typeof dictDataIn>;

export const dictDataOut = z
  .object({
    ...baseOutFields,
    dict_sort: z.number().int(),
    dict_label: z.string(),
    dict_value: z.string(),
    dict_type: z.string(),
    dict_type_id: z.number().int(),
    css_class: z.string().nullable(),
    list_class: z.string().nullable(),
    is_default: z.boolean(),
  })
  .openapi("DictData");

export type DictDataRow = z.infer<typeof dictDataOut>;

/** Filters of the item list and export (§12.7.2 DictDataQuery). */
export const dictDataFilters = z.object({
  dict_label: z.string().max(100, "字典标签长度不能超过100个字符").optional(),
  dict_type: z.string().max(100, "字典类型长度不能超过100个字符").optional(),
  dict_type_id: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce.number().int().optional(),
  ),
  status: z.string().optional(),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
});

export type DictDataFilters = Partial<z.infer<typeof dictDataFilters>>;

export const dictDataListQuery = pageQuerySchema.extend(dictDataFilters.shape);

export const dictDataExportFilters = dictDataFilters.extend({ order_by: z.string().optional() });

export const dictTypeParam = z.object({
  dict_type: z
    .string()
    .min(1)
    .max(255, "字典类型长度不能超过255个字符")
    .openapi({ param: { name: "dict_type", in: "path" }, example: "sys_user_sex" }),
});
