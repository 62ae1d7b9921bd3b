import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields } from "@/core/http/schemas";

/*
 * Request and response shapes of the system parameters, contract §12.8. Request objects are not
 * strict: the SPA posts whole rows back, extra keys are ignored.
 */

/** `"0"` enabled / `"1"` disabled; numbers are accepted too (the SPA sometimes sends 0/1). */
const statusValue = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v),
  z.enum(["0", "1"], { error: "状态只能为 0 (启用) 或 1 (停用)" }),
);

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1, "id 必须大于等于 1")
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const keyParam = z.object({
  config_key: z
    .string()
    .min(1)
    .max(500, "参数键名长度不能超过500个字符")
    .openapi({ param: { name: "config_key", in: "path" }, example: "sys_web_title" }),
});

/** Batch delete body: a bare JSON array of ids. */
export const idsBody = z
  .array(z.number().int().min(1, "id 必须大于等于 1"))
  .max(1000, "一次最多操作 1000 条数据")
  .openapi({ example: [17] });

export const paramIn = z
  .object({
    config_name: z
      .string()
      .trim()
      .min(1, "参数名称不能为空")
      .max(64, "参数名称长度不能超过64个字符")
      .openapi({ example: "网站名称" }),
    config_key: z
      .string()
      .trim()
      .toLowerCase()
      .min(1, "参数键名不能为空")
      .max(500, "参数键名长度不能超过500个字符")
      .regex(/^[a-z][a-z0-9_.-]*$/, "参数键名必须以小写字母开头，仅包含小写字母/数字/_.-")
      .openapi({ example: "sys_web_title" }),
    config_value: z.string().max(500, "参数键值长度不能超过500个字符").nullish(),
    config_type: z.boolean().nullish(),
    status: statusValue.default("0"),
    description: z.string().max(500, "描述长度不能超过500个字符").nullish(),
  })
  .openapi("ParamCreate");

export type ParamIn = z.infer<typeof paramIn>;

export const paramOut = z
  .object({
    ...baseOutFields,
    config_name: z.string(),
    config_key: z.string(),
    config_value: z.string().nullable(),
    config_type: z.boolean().nullable(),
  })
  .openapi("Param");

export type ParamRow = z.infer<typeof paramOut>;

/** `true`/`false` (the SPA's query string), `1`/`0`, or a JSON boolean; empty means no filter. */
const boolFilter = z.preprocess((v) => {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  const s = String(v).trim().toLowerCase();
  if (s === "true" || s === "1") return true;
  if (s === "false" || s === "0") return false;
  return v;
}, z.boolean().optional());

/** Filters of the list and export (§12.8 ParamQuery). */
export const paramFilters = z.object({
  config_name: z.string().max(64, "参数名称长度不能超过64个字符").optional(),
  config_key: z.string().max(500, "参数键名长度不能超过500个字符").optional(),
  config_type: boolFilter,
  description: z.string().max(500, "描述长度不能超过500个字符").optional(),
  status: z.string().optional(),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
});

export type ParamFilters = Partial<z.infer<typeof paramFilters>>;

export const paramListQuery = pageQuerySchema.extend(paramFilters.shape);

export const uploadForm = z
  .object({ file: z.any().openapi({ type: "string", format: "binary" }) })
  .openapi("ParamUpload");

export const uploadOut = z
  .object({
    file_path: z.string(),
    file_name: z.string(),
    origin_name: z.string(),
    file_url: z.string(),
  })
  .openapi("UploadResult");
