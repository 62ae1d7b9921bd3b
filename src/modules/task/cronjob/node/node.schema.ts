import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { parseDateTime } from "@/core/http/datetime";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields, optionalIntFilter, userByOutFields } from "@/core/http/schemas";

const DATE_MESSAGE = "时间格式必须为 YYYY-MM-DD HH:MM:SS";

/** Optional `YYYY-MM-DD HH:MM:SS`; empty means none. */
const optionalDateTime = z
  .string()
  .nullish()
  .transform((v) => (v === undefined ? undefined : v?.trim() || null))
  .refine((v) => !v || parseDateTime(v) !== null, DATE_MESSAGE)
  .openapi({ type: ["string", "null"], example: "2025-06-01 08:00:00" });

export const nodeFilter = z.object({
  name: z.string().nullish().openapi({ description: "节点名称 (模糊)" }),
  // the SPA sends `code`; upstream ignored it (§12.7)
  code: z.string().nullish().openapi({ description: "节点编码 (模糊)" }),
  status: z.string().nullish(),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalIntFilter("创建人ID"),
  updated_id: optionalIntFilter("更新人ID"),
});

export type NodeFilter = z.infer<typeof nodeFilter>;
export const nodeQuery = pageQuerySchema.extend(nodeFilter.shape);

const trimmed = (max: number, empty: string, tooLong: string) =>
  z
    .string({ error: empty })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, empty).max(max, tooLong))
    .openapi({ type: "string" });

/** NodeCreateSchema = NodeUpdateSchema; `code` is required (the column is NOT NULL UNIQUE, §14 #20). */
export const nodeInput = z
  .object({
    name: trimmed(64, "节点名称不能为空", "节点名称长度不能超过64个字符"),
    code: trimmed(32, "节点编码不能为空", "节点编码长度不能超过32个字符"),
    func: z
      .string({ error: "必须提供代码块(func)" })
      .transform((s) => s.trim())
      .pipe(z.string().min(1, "必须提供代码块(func)"))
      .openapi({
        type: "string",
        description:
          "已注册的处理函数名（如 demo_handler），或在沙箱中运行的 JavaScript：`function handler(args, kwargs, ctx) { … }` 或 `export default function (args, kwargs, ctx) { … }`（ctx.log 写入执行日志）。Python 代码返回 422。",
        example: "demo_handler",
      }),
    args: z.string().nullish().openapi({ description: "逗号分隔的位置参数", example: "a,b" }),
    kwargs: z.string().nullish().openapi({ description: "关键字参数 JSON 对象文本", example: '{"k": 1}' }),
    coalesce: z.boolean().nullish(),
    max_instances: z.number().int().min(1, "最大实例数不能小于1").nullish(),
    jobstore: z.string().max(64).nullish(),
    executor: z.string().max(64).nullish(),
    start_date: optionalDateTime,
    end_date: optionalDateTime,
  })
  .openapi("NodeInput");

export type NodeInput = z.infer<typeof nodeInput>;

export const nodeOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    code: z.string(),
    func: z.string().nullable(),
    args: z.string().nullable(),
    kwargs: z.string().nullable(),
    coalesce: z.boolean().nullable(),
    max_instances: z.number().int().nullable(),
    jobstore: z.string().nullable(),
    executor: z.string().nullable(),
    start_date: z.string().nullable(),
    end_date: z.string().nullable(),
    trigger: z.string().nullable(),
    trigger_args: z.string().nullable(),
    func_kind: z.enum(["handler", "javascript"]).openapi({
      description: "func 的种类：handler 为已注册的处理函数名，javascript 为在 QuickJS 沙箱中运行的代码",
    }),
    edge_schedule: z.string().nullable().openapi({
      description:
        "在 Cloudflare Workers 上（Cron Trigger 每分钟一次）调度如何执行：秒级调度按分钟取整时给出说明；null 表示与调度一致或未调度",
    }),
    ...userByOutFields,
  })
  .openapi("Node");

export type NodeOut = z.infer<typeof nodeOut>;

export const nodeOption = z
  .object({
    id: z.number().int(),
    name: z.string(),
    code: z.string(),
    func: z.string().nullable(),
    args: z.string().nullable(),
    kwargs: z.string().nullable(),
  })
  .openapi("NodeOption");

const TRIGGERS = ["now", "cron", "interval", "date"] as const;

export const executeInput = z
  .object({
    trigger: z
      .string()
      .nullish()
      .transform((v) => (v ?? "now").trim() || "now")
      .refine(
        (v): v is (typeof TRIGGERS)[number] => (TRIGGERS as readonly string[]).includes(v),
        "触发器必须为 now/cron/interval/date",
      )
      .openapi({ type: "string", enum: [...TRIGGERS], example: "cron" }),
    trigger_args: z.string().nullish().openapi({ example: "0 0 2 * * ?" }),
    start_date: optionalDateTime,
    end_date: optionalDateTime,
  })
  .superRefine((v, ctx) => {
    if (v.trigger !== "now" && !v.trigger_args?.trim()) {
      ctx.addIssue({ code: "custom", message: "非立即执行时必须提供触发器参数", path: ["trigger_args"] });
    }
    const start = v.start_date ? parseDateTime(v.start_date) : null;
    const end = v.end_date ? parseDateTime(v.end_date) : null;
    if (start && end && end < start) {
      ctx.addIssue({ code: "custom", message: "结束时间不能早于开始时间", path: ["end_date"] });
    }
  })
  .openapi("NodeExecute");

export type ExecuteInput = z.infer<typeof executeInput>;

export const executeOut = z
  .object({ job_id: z.number().int(), status: z.string(), trigger: z.string() })
  .openapi("NodeExecuteResult");
