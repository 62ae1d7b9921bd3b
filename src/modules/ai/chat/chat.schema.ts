import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";

const required = { error: "请求失败，缺少必填项！" };

const title = z
  .string(required)
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "会话标题不能为空").max(255, "会话标题长度不能超过255个字符"))
  .openapi({ type: "string", example: "新对话" });

export const sessionIdParam = z.object({
  session_id: z
    .string()
    .max(64)
    .openapi({ param: { name: "session_id", in: "path" }, example: "5f0c…" }),
});

export const sessionTitleInput = z.object({ title }).openapi("AiSessionTitle");

export const sessionIdList = z
  .array(z.string().max(64))
  .max(1000, "一次最多提交 1000 个编号")
  .openapi("AiSessionIds", { example: ["5f0c…"] });

/** The memory page's search bar (upstream ignored these; here they filter). */
export const sessionListQuery = pageQuerySchema.extend({
  title: z.string().max(255).optional().openapi({ description: "标题 (模糊)" }),
  created_at: timeRangeQuery,
  updated_at: timeRangeQuery,
});
export type SessionListQuery = z.infer<typeof sessionListQuery>;

export const chatInput = z
  .object({
    message: z.string(required).openapi({ example: "系统里有多少用户？" }),
    session_id: z.string().max(64).nullish(),
  })
  .openapi("AiChatInput");
export type ChatInput = z.infer<typeof chatInput>;

const messageOut = z.object({
  id: z.string(),
  role: z.string(),
  content: z.string(),
  /** unix seconds */
  created_at: z.number().int().nullable(),
});

const toolOut = z.object({
  tool_call_id: z.string().nullable(),
  tool_name: z.string().nullable(),
  tool_args: z.string().nullable(),
  result: z.string().nullable(),
});

const runOut = z.object({
  run_id: z.string(),
  status: z.string(),
  created_at: z.number().int().nullable(),
  messages: z.array(messageOut).optional(),
  tools: z.array(toolOut).optional(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
});

/** Upstream's session object (agno's team session plus the fields the SPA reads), §9.1. */
export const sessionOut = z
  .object({
    id: z.string(),
    session_id: z.string(),
    title: z.string(),
    user_id: z.string().nullable().openapi({ description: "登录名 (upstream 的 user_id)" }),
    team_id: z.string().nullable().openapi({ description: "会话创建时的部门 id" }),
    team_name: z.string().nullable(),
    agent_id: z.null(),
    workflow_id: z.null(),
    session_type: z.string(),
    session_data: z.object({ session_name: z.string() }),
    agent_data: z.null(),
    team_data: z.null(),
    workflow_data: z.null(),
    metadata: z.null(),
    summary: z.string().nullable(),
    runs: z.array(runOut).openapi({ description: "列表中只含每轮的概要；详情含消息与工具调用" }),
    messages: z.array(messageOut),
    message_count: z.number().int(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    created_at: z.number().int().nullable(),
    updated_at: z.number().int().nullable(),
    created_time: z.string().nullable(),
    updated_time: z.string().nullable(),
  })
  .openapi("AiChatSession");
export type SessionOut = z.infer<typeof sessionOut>;

export const chatOut = z
  .object({
    response: z.string(),
    session_id: z.string(),
    function_calls: z
      .array(z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()) }))
      .nullable(),
    action: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("AiChatResponse");
export type ChatOut = z.infer<typeof chatOut>;
