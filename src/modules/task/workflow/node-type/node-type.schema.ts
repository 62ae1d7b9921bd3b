import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields, optionalIntFilter, userByOutFields } from "@/core/http/schemas";

export const CATEGORIES = ["trigger", "action", "condition", "control"] as const;

export const nodeTypeFilter = z.object({
  name: z.string().nullish(),
  code: z.string().nullish(),
  category: z.string().nullish(),
  // upstream skipped `false` (§14 #7); here both values filter
  is_active: z
    .enum(["true", "false", ""])
    .optional()
    .transform((v) => (v === "true" ? true : v === "false" ? false : undefined))
    .openapi({ type: "string", enum: ["true", "false"] }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalIntFilter("创建人ID"),
  updated_id: optionalIntFilter("更新人ID"),
});

export type NodeTypeFilter = z.infer<typeof nodeTypeFilter>;
export const nodeTypeQuery = pageQuerySchema.extend(nodeTypeFilter.shape);

const trimmed = (max: number, empty: string, tooLong: string) =>
  z
    .string({ error: empty })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, empty).max(max, tooLong))
    .openapi({ type: "string" });

export const nodeTypeInput = z
  .object({
    name: trimmed(128, "节点名称不能为空", "节点名称长度不能超过128个字符"),
    code: trimmed(64, "节点编码不能为空", "节点编码长度不能超过64个字符"),
    category: z
      .string()
      .nullish()
      .transform((v) => v?.trim() || "action")
      .refine(
        (v) => (CATEGORIES as readonly string[]).includes(v),
        `category 须为: {${CATEGORIES.join(", ")}}`,
      )
      .openapi({ type: "string", enum: [...CATEGORIES] }),
    func: z
      .string({ error: "必须提供 func 代码块" })
      .transform((s) => s.trim())
      .pipe(z.string().min(1, "必须提供 func 代码块"))
      .openapi({ type: "string", description: "已注册的处理函数名", example: "echo" }),
    args: z.string().nullish(),
    kwargs: z.string().nullish(),
    sort_order: z.number().int().min(0, "排序不能小于0").nullish(),
    is_active: z.boolean().nullish(),
  })
  .openapi("WorkflowNodeTypeInput");

export type NodeTypeInput = z.infer<typeof nodeTypeInput>;

export const nodeTypeOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    code: z.string(),
    category: z.string(),
    func: z.string(),
    args: z.string().nullable(),
    kwargs: z.string().nullable(),
    sort_order: z.number().int(),
    is_active: z.boolean(),
    ...userByOutFields,
  })
  .openapi("WorkflowNodeType");

export type NodeTypeOut = z.infer<typeof nodeTypeOut>;

export const nodeTypeOption = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    category: z.string(),
    args: z.string(),
    kwargs: z.string(),
  })
  .openapi("WorkflowNodeTypeOption");
