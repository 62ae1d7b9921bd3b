import { z } from "@hono/zod-openapi";

const required = (max = 128) =>
  z.string({ error: "请求失败，缺少必填项！" }).min(1, "请求失败，缺少必填项！").max(max);

/** The SPA's multipart login and the OAuth2 password form (Swagger's Authorize) share these fields. */
export const loginForm = z
  .object({
    username: required(64).openapi({ example: "admin" }),
    // 128 for the password itself, room for a second-factor code typed after it
    password: required(160).openapi({
      example: "123456",
      format: "password",
      description: "密码；已启用两步验证的账号在密码后直接输入 6 位动态码或恢复码 (「密码123456」)",
    }),
    captcha_key: z.string().optional().default(""),
    captcha: z.string().optional().default(""),
    login_type: z.string().max(32).optional(),
    grant_type: z.literal("password", { error: "grant_type 只能为 password" }).optional(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    client_secret: z.string().optional(),
    remember: z.string().optional(),
    otp: z
      .string()
      .max(16)
      .optional()
      .openapi({ description: "两步验证码 (6 位动态码或恢复码)；提交时密码字段只含密码", example: "123456" }),
  })
  .openapi("LoginForm");

export type LoginForm = z.infer<typeof loginForm>;

export const tokenPair = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("bearer"),
    expires_in: z.number().int(),
    second_factor: z.enum(["enrol"]).optional().openapi({
      description:
        "enrol：所属角色要求两步验证而尚未绑定，此令牌只能访问绑定接口 (/system/user/current/totp/…)",
    }),
  })
  .openapi("TokenPair");

export const refreshBody = z.object({ refresh_token: required(4096) }).openapi("RefreshTokenBody");
export const logoutBody = z.object({ token: required(4096) }).openapi("LogoutBody");

export const captchaOut = z
  .object({ enable: z.boolean(), key: z.string(), img_base: z.string() })
  .openapi("Captcha");

export const autoLoginUser = z.object({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
});

export const unlockBody = z.object({ username: required(64) }).openapi("UnlockBody");
