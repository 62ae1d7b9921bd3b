import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/core/auth/password-policy";
import { timeRangeQuery } from "@/core/db/query";
import { formatDateTime, parseDateTime } from "@/core/http/datetime";
import { baseOutFields, numberAsText, optionalText, statusCode } from "@/core/http/schemas";

const name = z
  .string({ error: "请求失败，缺少必填项！" })
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "名称不能为空").max(100, "名称长度不能超过100个字符"))
  .openapi({ type: "string", example: "示例租户" });

/** Letters and digits of any script, like Python's `str.isalnum()` upstream used. */
const code = z
  .preprocess(numberAsText, z.string({ error: "请求失败，缺少必填项！" }))
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "编码不能为空")
      .max(100, "编码长度不能超过100个字符")
      .regex(/^[\p{L}\p{N}]+$/u, "编码只能包含字母和数字"),
  )
  .openapi({ type: "string", example: "demo01" });

/** `YYYY-MM-DD HH:MM:SS` (a bare date means midnight); empty text clears the value. */
const dateTime = z
  .string()
  .nullable()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === null) return v;
    if (v.trim() === "") return null;
    const date = parseDateTime(v);
    if (!date) {
      ctx.addIssue({ code: "custom", message: "时间格式错误，应为 YYYY-MM-DD HH:MM:SS" });
      return z.NEVER;
    }
    return formatDateTime(date);
  })
  .openapi({ type: "string", example: "2026-01-01 00:00:00" });

const fields = {
  status: statusCode.optional(),
  description: optionalText(255, "描述"),
  start_time: dateTime,
  end_time: dateTime,
};

/** Both ends given and in the wrong order (same wire format, so text order is time order). */
export const endsBeforeStart = (start?: string | null, end?: string | null) =>
  !!start && !!end && start > end;

export const TIME_ORDER_MESSAGE = "结束时间不能早于开始时间";

/**
 * The tenant's first administrator (issue 14): a superuser inside the new tenant only. Usernames
 * are unique across tenants (the SPA's login has no tenant field, so login finds the tenant).
 */
export const tenantAdmin = z
  .object({
    username: z
      .string({ error: "账号不能为空" })
      .trim()
      .min(1, "账号不能为空")
      .max(32, "账号长度不能超过32个字符"),
    password: z
      .string({ error: "密码不能为空" })
      .min(PASSWORD_MIN_LENGTH, `密码长度不能少于${PASSWORD_MIN_LENGTH}个字符`)
      .max(PASSWORD_MAX_LENGTH, `密码长度不能超过${PASSWORD_MAX_LENGTH}个字符`),
    name: z
      .string({ error: "名称不能为空" })
      .trim()
      .min(1, "名称不能为空")
      .max(32, "名称长度不能超过32个字符"),
  })
  .openapi("TenantAdmin");

export const tenantCreate = z
  .object({ name, code, ...fields, admin: tenantAdmin.optional() })
  .superRefine((v, ctx) => {
    if (endsBeforeStart(v.start_time, v.end_time)) {
      ctx.addIssue({ code: "custom", path: ["end_time"], message: TIME_ORDER_MESSAGE });
    }
  })
  .openapi("TenantCreate");

/** Partial update: only the fields sent are written (contract X4). */
export const tenantUpdate = z
  .object({ name: name.optional(), code: code.optional(), ...fields })
  .superRefine((v, ctx) => {
    if (endsBeforeStart(v.start_time, v.end_time)) {
      ctx.addIssue({ code: "custom", path: ["end_time"], message: TIME_ORDER_MESSAGE });
    }
  })
  .openapi("TenantUpdate");

export type TenantCreate = z.infer<typeof tenantCreate>;
export type TenantUpdate = z.infer<typeof tenantUpdate>;

export const tenantQuery = z.object({
  name: z.string().optional().openapi({ description: "名称 (模糊)" }),
  code: z.string().optional().openapi({ description: "编码 (模糊)" }),
  status: z.string().optional().openapi({ description: '状态 "0"/"1"' }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
});

export type TenantQuery = z.infer<typeof tenantQuery>;

export const tenantOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    code: z.string(),
    start_time: z.string().nullable(),
    end_time: z.string().nullable(),
  })
  .openapi("Tenant");
