import { z } from "@hono/zod-openapi";

const required = (max = 128) =>
  z.string({ error: "请求失败，缺少必填项！" }).min(1, "请求失败，缺少必填项！").max(max);

/** The SPA's multipart login and the OAuth2 password form (Swagger's Authorize) share these fields. */
export const loginForm = z
  .object({
    username: required(64).openapi({ example: "admin" }),
    password: required(128).openapi({ example: "123456", format: "password" }),
    captcha_key: z.string().optional().default(""),
    captcha: z.string().optional().default(""),
    login_type: z.string().max(32).optional(),
    grant_type: z.literal("password", { error: "grant_type 只能为 password" }).optional(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    client_secret: z.string().optional(),
    remember: z.string().optional(),
  })
  .openapi("LoginForm");

export const tokenPair = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("bearer"),
    expires_in: z.number().int(),
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
