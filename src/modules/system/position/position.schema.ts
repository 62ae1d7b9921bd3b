import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "../../../core/db/query";
import { pageQuerySchema } from "../../../core/http/pagination";

/** The SPA sometimes sends codes as numbers once a select was touched (contract §16.5 #52). */
const statusCode = z
  .preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z.enum(["0", "1"], { error: "状态只能是 0 或 1" }),
  )
  .openapi({ type: "string", enum: ["0", "1"], description: '"0" 启用, "1" 停用' });

/** An id filter; empty text or null (the SPA's cleared field) means "no filter". */
const optionalId = z
  .preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().int().optional())
  .openapi({ type: "integer" });

/** Filters of the list and the export (contract P1/P7). */
export const positionFilter = z.object({
  name: z.string().nullish().openapi({ description: "岗位名称 (模糊)" }),
  description: z.string().nullish().openapi({ description: "备注 (模糊)" }),
  status: z.string().nullish().openapi({ description: '状态 "0"/"1"' }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalId,
  updated_id: optionalId,
});

export type PositionFilter = z.infer<typeof positionFilter>;

export const positionQuery = pageQuerySchema.extend(positionFilter.shape);

/**
 * Create and update share these fields. Optional ones carry no defaults: an update writes only what
 * was sent; create fills the defaults itself.
 */
export const positionInput = z
  .object({
    name: z
      .string()
      .transform((s) => s.trim())
      .pipe(z.string().min(1, "岗位名称不能为空").max(64, "岗位名称长度不能超过64个字符"))
      .openapi({ type: "string", example: "开发工程师" }),
    order: z.coerce.number().int("显示顺序必须是整数").min(1, "显示顺序不能小于1").optional(),
    status: statusCode.optional(),
    description: z
      .string()
      .max(255, "备注长度不能超过255个字符")
      .nullable()
      .optional()
      .transform((v) => (v === "" ? null : v)),
  })
  .openapi("PositionInput");

export type PositionInput = z.infer<typeof positionInput>;

const userRef = z.object({ id: z.number().int(), name: z.string() }).nullable();

export const positionOut = z
  .object({
    id: z.number().int(),
    uuid: z.string(),
    status: z.string(),
    description: z.string().nullable(),
    created_time: z.string().nullable(),
    updated_time: z.string().nullable(),
    is_deleted: z.boolean(),
    deleted_time: z.string().nullable(),
    name: z.string(),
    order: z.number().int(),
    created_id: z.number().int().nullable(),
    created_by: userRef,
    updated_id: z.number().int().nullable(),
    updated_by: userRef,
    deleted_id: z.number().int().nullable(),
    deleted_by: userRef,
  })
  .openapi("Position");

export type PositionOut = z.infer<typeof positionOut>;

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const idList = z.array(z.number().int()).openapi({ example: [1, 2] });

export const batchStatus = z
  .object({
    ids: z.array(z.number().int()).default([]),
    status: statusCode,
  })
  .openapi("PositionBatchSetAvailable");
