import { z } from "@hono/zod-openapi";

const required = (max: number) =>
  z.string({ error: "请求失败，缺少必填项！" }).min(1, "请求失败，缺少必填项！").max(max);

/** The caller's password again (set-up binds a device to the account). */
export const totpSetupBody = z
  .object({ password: required(128).openapi({ format: "password" }) })
  .openapi("TotpSetupBody");

export const totpSetupOut = z
  .object({
    secret: z
      .string()
      .openapi({ description: "Base32 密钥 (手动输入用)；仅此一次返回", example: "JBSWY3DPEHPK3PXP" }),
    otpauth_uri: z.string().openapi({
      description: "otpauth:// 链接 (身份验证器 App 扫码或打开)；仅此一次返回",
      example:
        "otpauth://totp/hono-admin:admin?issuer=hono-admin&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30",
    }),
    qr_svg: z.string().openapi({
      description: "otpauth_uri 的二维码：SVG 的 data URL (可直接作为 <img src>)",
      example: "data:image/svg+xml;base64,PHN2ZyB4bWxucz0i…",
    }),
  })
  .openapi("TotpSetup");

export type TotpSetupOut = z.infer<typeof totpSetupOut>;

export const totpConfirmBody = z
  .object({ otp: required(16).openapi({ description: "身份验证器上的 6 位动态码", example: "123456" }) })
  .openapi("TotpConfirmBody");

export const totpConfirmOut = z
  .object({
    recovery_codes: z.array(z.string()).openapi({
      description: "10 个一次性恢复码 (xxxxx-xxxxx)，仅此一次返回，服务器只保存其散列",
      example: ["abcde-fghij"],
    }),
  })
  .openapi("TotpConfirm");

export const totpDisableBody = z
  .object({
    password: required(128).openapi({ format: "password" }),
    otp: required(16).openapi({ description: "6 位动态码或一个未用过的恢复码", example: "123456" }),
  })
  .openapi("TotpDisableBody");

export const totpStatusOut = z
  .object({
    enabled: z.boolean(),
    pending: z.boolean().openapi({ description: "已获取密钥、尚未用第一个动态码确认" }),
    required: z.boolean().openapi({ description: "所属角色要求启用两步验证" }),
    enabled_time: z.string().nullable(),
    recovery_codes_left: z.number().int(),
    session_restricted: z.enum(["enrol", "verify"]).nullable().openapi({
      description: "本会话受限的原因：enrol 需先绑定；verify 登录时未验证动态码 (第三方登录)",
    }),
  })
  .openapi("TotpStatus");

export type TotpStatusOut = z.infer<typeof totpStatusOut>;

export const totpResetBody = z
  .object({ id: z.number().int().min(1).openapi({ description: "用户 ID", example: 2 }) })
  .openapi("TotpResetBody");
