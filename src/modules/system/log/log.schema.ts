import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import {
  baseOutFields,
  numberAsText,
  optionalIntFilter as optionalInt,
  userByOutFields,
} from "@/core/http/schemas";

const optionalText = (description: string) =>
  z.preprocess(numberAsText, z.string().optional()).openapi({ type: "string", description });

export const logQuery = z.object({
  type: optionalInt("1 登录日志, 2 操作日志"),
  request_path: optionalText("请求路径 (模糊)"),
  request_method: optionalText("请求方法"),
  request_ip: optionalText("请求 IP"),
  response_code: optionalInt("HTTP 状态码"),
  description: optionalText("描述 (模糊)"),
  status: optionalText('"0" 成功, "1" 失败'),
  creator_name: optionalText("操作人姓名 (模糊)"),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalInt("创建者ID"),
  updated_id: optionalInt("更新者ID"),
});

export type LogQuery = z.infer<typeof logQuery>;

export const logOut = z
  .object({
    ...baseOutFields,
    status: z.string().openapi({ description: '"0" 成功, "1" 失败' }),
    type: z.number().int().openapi({ description: "1 登录日志, 2 操作日志" }),
    request_path: z.string(),
    request_method: z.string(),
    request_payload: z.string().nullable().openapi({ description: "JSON 文本，密码等敏感字段已脱敏" }),
    request_ip: z.string().nullable(),
    login_location: z.string().nullable(),
    request_os: z.string().nullable(),
    request_browser: z.string().nullable(),
    response_code: z.number().int(),
    response_json: z
      .string()
      .nullable()
      .openapi({ description: "JSON 文本，敏感字段已脱敏；携带令牌的响应 (登录、刷新等) 不保存，为 null" }),
    process_time: z.string().nullable(),
    ...userByOutFields,
  })
  .openapi("OperationLog");
