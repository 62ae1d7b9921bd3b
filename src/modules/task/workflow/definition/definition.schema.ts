import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import { commonRef, optionalIntFilter } from "@/core/http/schemas";

export const WORKFLOW_STATUSES = ["draft", "published", "archived"] as const;

export const workflowFilter = z.object({
  name: z.string().nullish(),
  code: z.string().nullish(),
  status: z.string().nullish().openapi({ description: "draft/published/archived" }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalIntFilter("创建人ID"),
  updated_id: optionalIntFilter("更新人ID"),
});

export type WorkflowFilter = z.infer<typeof workflowFilter>;
export const workflowQuery = pageQuerySchema.extend(workflowFilter.shape);

const trimmed = (max: number, empty: string, tooLong: string) =>
  z
    .string({ error: empty })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, empty).max(max, tooLong))
    .openapi({ type: "string" });

/** Vue Flow objects: kept verbatim; the engine reads `id`, `type`, `data.args/kwargs`, `source/target`. */
const graphItems = z
  .array(z.record(z.string(), z.unknown()))
  .max(1000, "工作流节点或连线不能超过 1000 个")
  .nullish();

const fields = {
  name: trimmed(128, "流程名称不能为空", "流程名称长度不能超过128个字符"),
  code: trimmed(64, "流程编码不能为空", "流程编码长度不能超过64个字符"),
  description: z.string().nullish(),
  nodes: graphItems,
  edges: graphItems,
};

export const workflowCreate = z.object(fields).openapi("WorkflowCreate");
export type WorkflowCreate = z.infer<typeof workflowCreate>;

/** Only the keys sent are written; `workflow_status` must be a known state (§14 #31). */
export const workflowUpdate = z
  .object({
    name: fields.name.optional(),
    code: fields.code.optional(),
    description: fields.description,
    nodes: fields.nodes,
    edges: fields.edges,
    workflow_status: z.enum(WORKFLOW_STATUSES, { error: "流程状态须为 draft/published/archived" }).optional(),
  })
  .openapi("WorkflowUpdate");
export type WorkflowUpdate = z.infer<typeof workflowUpdate>;

export const workflowOut = z
  .object({
    id: z.number().int(),
    uuid: z.string(),
    name: z.string(),
    code: z.string(),
    status: z.string(),
    description: z.string().nullable(),
    nodes: z.array(z.record(z.string(), z.unknown())).nullable(),
    edges: z.array(z.record(z.string(), z.unknown())).nullable(),
    created_time: z.string().nullable(),
    updated_time: z.string().nullable(),
    created_id: z.number().int().nullable(),
    created_by: commonRef.nullable(),
    updated_id: z.number().int().nullable(),
    updated_by: commonRef.nullable(),
    deleted_id: z.number().int().nullable(),
    deleted_by: commonRef.nullable(),
  })
  .openapi("Workflow");
export type WorkflowOut = z.infer<typeof workflowOut>;

export const publishInput = z.object({ remark: z.string().nullish() }).openapi("WorkflowPublish");

export const executeInput = z
  .object({
    workflow_id: z.number({ error: "请求失败，缺少必填项！" }).int(),
    variables: z.record(z.string(), z.unknown()).nullish(),
    business_key: z.string().nullish(),
    job_id: z.number().int().nullish(),
  })
  .openapi("WorkflowExecute");
export type WorkflowExecuteInput = z.infer<typeof executeInput>;

export const executeOut = z
  .object({
    workflow_id: z.number().int(),
    workflow_name: z.string(),
    status: z.enum(["completed", "failed"]),
    start_time: z.string(),
    end_time: z.string(),
    variables: z.record(z.string(), z.unknown()),
    node_results: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
  })
  .openapi("WorkflowExecuteResult");
