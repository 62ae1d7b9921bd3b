import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "../../../core/db/query";

/** An integer filter; an empty value (`type=` from a cleared select) means "no filter". */
const optionalInt = (description: string) =>
  z
    .preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      z.coerce
        .number({ error: "类型错误，提交参数应该为整数！" })
        .int("类型错误，提交参数应该为整数！")
        .optional(),
    )
    .openapi({ type: "integer", description });
const optionalText = (description: string) =>
  z
    .preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().optional())
    .openapi({ type: "string", description });

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

const userRef = z.object({ id: z.number().int(), name: z.string() }).nullable();

export const logOut = z
  .object({
    id: z.number().int(),
    uuid: z.string(),
    status: z.string().openapi({ description: '"0" 成功, "1" 失败' }),
    description: z.string().nullable(),
    created_time: z.string().nullable(),
    updated_time: z.string().nullable(),
    is_deleted: z.boolean(),
    deleted_time: z.string().nullable(),
    type: z.number().int().openapi({ description: "1 登录日志, 2 操作日志" }),
    request_path: z.string(),
    request_method: z.string(),
    request_payload: z.string().nullable().openapi({ description: "JSON 文本，密码等敏感字段已脱敏" }),
    request_ip: z.string().nullable(),
    login_location: z.string().nullable(),
    request_os: z.string().nullable(),
    request_browser: z.string().nullable(),
    response_code: z.number().int(),
    response_json: z.string().nullable(),
    process_time: z.string().nullable(),
    created_id: z.number().int().nullable(),
    created_by: userRef,
    updated_id: z.number().int().nullable(),
    updated_by: userRef,
    deleted_id: z.number().int().nullable(),
    deleted_by: userRef,
  })
  .openapi("OperationLog");

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const idList = z.array(z.number().int()).openapi("LogIds", { example: [1, 2] });
