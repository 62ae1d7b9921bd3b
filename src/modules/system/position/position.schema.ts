import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields, optionalText, statusCode, userByOutFields } from "@/core/http/schemas";

/**
 * An id filter; empty text or null (the SPA's cleared field) means "no filter". Unlike the shared
 * `optionalIntFilter`, an integer beyond 2^53 answers "不能大于 …" rather than the type message.
 */
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
    description: optionalText(255, "备注"),
  })
  .openapi("PositionInput");

export type PositionInput = z.infer<typeof positionInput>;

export const positionOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    order: z.number().int(),
    ...userByOutFields,
  })
  .openapi("Position");

export type PositionOut = z.infer<typeof positionOut>;
