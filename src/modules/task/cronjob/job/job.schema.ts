import { z } from "@hono/zod-openapi";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields } from "@/core/http/schemas";

export const jobLogQuery = pageQuerySchema.extend({
  job_id: z.string().nullish().openapi({ description: "任务ID (精确)" }),
  job_name: z.string().nullish().openapi({ description: "任务名称 (模糊)" }),
  status: z.string().nullish().openapi({ description: "pending/running/success/failed/timeout/cancelled" }),
  trigger_type: z.string().nullish().openapi({ description: "cron/interval/date/manual" }),
});

export type JobLogQuery = z.infer<typeof jobLogQuery>;

export const jobLogOut = z
  .object({
    ...baseOutFields,
    job_id: z.string(),
    job_name: z.string().nullable(),
    trigger_type: z.string().nullable(),
    next_run_time: z.string().nullable(),
    job_state: z.string().nullable(),
    result: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi("JobLog");

export type JobLogOut = z.infer<typeof jobLogOut>;

export const jobIdParam = z.object({
  job_id: z
    .string()
    .min(1)
    .openapi({ param: { name: "job_id", in: "path" }, example: "1" }),
});

export const schedulerStatus = z
  .object({ status: z.string(), is_running: z.boolean(), job_count: z.number().int() })
  .openapi("SchedulerStatus");

export const schedulerJob = z
  .object({
    id: z.string(),
    name: z.string(),
    trigger: z.string(),
    next_run_time: z.string().nullable(),
    status: z.string(),
  })
  .openapi("SchedulerJob");
