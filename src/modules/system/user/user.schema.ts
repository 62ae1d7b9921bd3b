import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/core/auth/password-policy";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields, commonRef, idArray, optionalIntFilter, userByOutFields } from "@/core/http/schemas";
import { menuOut } from "@/modules/system/menu/menu.schema";
import { roleOut } from "@/modules/system/role/role.schema";

/* ---------- field rules shared by the request bodies ---------- */

const MOBILE = /^1(3\d|4[4-9]|5[0-35-9]|6[67]|7[013-8]|8[0-9]|9[0-9])\d{8}$/;
const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;
const USERNAME = /^[A-Za-z][A-Za-z0-9_.-]{2,31}$/;

export const PASSWORD_MIN = PASSWORD_MIN_LENGTH;
export const PASSWORD_MAX = PASSWORD_MAX_LENGTH;

/** `""` and `null` mean "no value" for the optional text fields the SPA posts from its forms. */
const blank = (v: unknown) => (v === "" || v === null ? null : v);

/**
 * A new password: 8–128 characters, no composition rules (security baseline). The services also
 * refuse common and guessable ones (core/auth/password-policy.ts), which needs the account.
 */
export const newPassword = z
  .string({ error: "密码不能为空" })
  .min(PASSWORD_MIN, `密码长度不能少于${PASSWORD_MIN}个字符`)
  .max(PASSWORD_MAX, `密码长度不能超过${PASSWORD_MAX}个字符`);

export const mobileField = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : blank(typeof v === "string" ? v.trim() : v)),
  z.string().regex(MOBILE, "手机号格式不正确").nullable().optional(),
);

export const emailField = z.preprocess(
  (v) => blank(typeof v === "string" ? v.trim() : v),
  z.string().max(64, "邮箱长度不能超过64个字符").regex(EMAIL, "邮箱地址格式不正确").nullable().optional(),
);

/** The SPA's profile form sends gender as a number once picked (contract §16 #52): accept both. */
export const genderField = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : blank(v)),
  z.enum(["0", "1", "2"], { error: "性别只能为 0(男)、1(女)、2(未知)" }).nullable().optional(),
);

/** An avatar is shown as `<img src>`: only web URLs or our own static files. */
export const avatarField = z.preprocess(
  (v) => blank(typeof v === "string" ? v.trim() : v),
  z
    .string()
    .max(255, "头像地址长度不能超过255个字符")
    .refine(isAvatarUrl, "头像地址需为有效的HTTP/HTTPS URL")
    .nullable()
    .optional(),
);

export function isAvatarUrl(value: string): boolean {
  if (value.startsWith("/api/v1/static/")) return !value.includes("..") && !/[\s\\]/.test(value);
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const nameField = z
  .string({ error: "名称不能为空" })
  .trim()
  .min(1, "名称不能为空")
  .max(32, "名称长度不能超过32个字符");

const usernameField = z
  .string({ error: "账号不能为空" })
  .trim()
  .min(1, "账号不能为空")
  .max(32, "账号长度不能超过32个字符");

const statusField = z.enum(["0", "1"], { error: "状态只能为 0(正常) 或 1(停用)" });

const descriptionField = z.preprocess(
  blank,
  z.string().max(255, "备注长度不能超过255个字符").nullable().optional(),
);

const idList = idArray().nullable().optional();

/* ---------- request bodies ---------- */

/** The password typed again: needed only to change the account's mobile or email. */
const currentPasswordField = z
  .string()
  .max(PASSWORD_MAX, `密码长度不能超过${PASSWORD_MAX}个字符`)
  .nullable()
  .optional()
  .openapi({ description: "当前密码；修改手机号或邮箱时必填 (其余字段不需要)" });

export const currentUserUpdate = z
  .object({
    name: nameField.optional(),
    mobile: mobileField,
    email: emailField,
    gender: genderField,
    avatar: avatarField,
    current_password: currentPasswordField,
  })
  .openapi("CurrentUserUpdate");

export const userCreate = z
  .object({
    username: usernameField,
    password: newPassword,
    name: nameField,
    mobile: mobileField,
    email: emailField,
    gender: genderField,
    avatar: avatarField,
    status: statusField.default("0"),
    description: descriptionField,
    is_superuser: z.boolean().nullable().optional(),
    dept_id: z.number().int().nullable().optional(),
    tenant_id: z.number().int().nullable().optional(),
    role_ids: idList,
    position_ids: idList,
  })
  .openapi("UserCreate");

/** Fields absent from the body stay as they are; `password` and `last_login` are never written here. */
export const userUpdate = z
  .object({
    username: usernameField,
    name: nameField.optional(),
    mobile: mobileField,
    email: emailField,
    gender: genderField,
    avatar: avatarField,
    status: statusField.optional(),
    description: descriptionField,
    is_superuser: z.boolean().nullable().optional(),
    dept_id: z.number().int().nullable().optional(),
    tenant_id: z.number().int().nullable().optional(),
    role_ids: idList,
    position_ids: idList,
  })
  .openapi("UserUpdate");

export const changePassword = z
  .object({
    old_password: z.string({ error: "密码不能为空" }).min(1, "密码不能为空").max(PASSWORD_MAX),
    new_password: newPassword,
  })
  .openapi("ChangePassword");

export const resetPassword = z
  .object({ id: z.number().int(), password: newPassword })
  .openapi("ResetPassword");

export const userRegister = z
  .object({
    username: z
      .string({ error: "账号不能为空" })
      .trim()
      .min(1, "账号不能为空")
      .regex(USERNAME, "账号需字母开头，3-32位，仅含字母/数字/_ . -"),
    password: newPassword,
    mobile: mobileField,
    description: descriptionField,
  })
  .openapi("UserRegister");

const recoveryUsername = z.string({ error: "账号不能为空" }).trim().min(1, "账号不能为空").max(32);

/** Step 1 of recovery. The SPA's form also posts `new_password` / `confirmPassword`: accepted, unused. */
export const forgetPassword = z
  .object({
    username: recoveryUsername,
    mobile: z.preprocess(
      (v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : v),
      z.string({ error: "手机号不能为空" }).min(1, "手机号不能为空").regex(MOBILE, "手机号格式不正确"),
    ),
    new_password: z
      .unknown()
      .optional()
      .openapi({ type: "string", description: "忽略 (兼容旧表单)；新密码在第二步提交" }),
  })
  .openapi("ForgetPassword");

/** Step 2 of recovery: the one-time code that reached the account's mobile, and the new password. */
export const recoveryReset = z
  .object({
    username: recoveryUsername,
    captcha: z
      .string({ error: "验证码不能为空" })
      .trim()
      .min(1, "验证码不能为空")
      .max(16, "验证码格式不正确")
      .openapi({ description: "第一步发送到手机的一次性验证码 (8 位数字，10 分钟内有效，仅可使用一次)" }),
    new_password: newPassword,
  })
  .openapi("ForgetPasswordReset");

export const batchSetAvailable = z
  .object({ ids: idArray().default([]), status: statusField.default("0") })
  .openapi("UserBatchSetAvailable");

/* ---------- list filters (query string, or the export's JSON body) ---------- */

const text = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v === "" || v === null ? undefined : v),
  z.string().optional(),
);
const optionalInt = optionalIntFilter();

export const userFilters = {
  username: text,
  name: text,
  mobile: text,
  email: text,
  dept_id: optionalInt,
  tenant_id: optionalInt,
  status: text,
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalInt,
  updated_id: optionalInt,
};

export const userQuery = pageQuerySchema.extend(userFilters);
export type UserQuery = z.infer<typeof userQuery>;

export const exportQuery = z.object({ ...userFilters, order_by: z.string().optional() });
export type ExportQuery = z.infer<typeof exportQuery>;

/** The export's JSON body: the same filters; the SPA also posts paging fields and nulls. */
export const exportBody = z
  .object({
    ...userFilters,
    order_by: z.preprocess(
      (v) => (v === null || v === "" ? undefined : typeof v === "string" ? v : JSON.stringify(v)),
      z.string().optional(),
    ),
  })
  .openapi("UserExportFilter");

export const uploadForm = z.object({
  file: z.any().optional().openapi({ type: "string", format: "binary" }),
});

/* ---------- responses ---------- */

const ref = commonRef.nullable();

/** The Menu object, its `params` documented as the `{key, value}` pairs the SPA edits. */
export const userMenuOut = z
  .object({ ...menuOut.shape, params: z.array(z.object({ key: z.string(), value: z.string() })).nullable() })
  .openapi("UserRoleMenu");

export const userMenuNode = userMenuOut
  .extend({
    // A getter: the node's own schema, so answers are checked (and documented) at every depth.
    get children() {
      return z.array(userMenuNode).nullable().openapi({ description: "子菜单 (同结构)；叶子节点为 null" });
    },
  })
  .openapi("UserMenuNode");

export const userRoleOut = z.object({ ...roleOut.shape, menus: z.array(userMenuOut) }).openapi("UserRole");

export const userOut = z
  .object({
    tenant: ref,
    ...userByOutFields,
    ...baseOutFields,
    name: z.string(),
    mobile: z.string().nullable(),
    email: z.string().nullable(),
    gender: z.string().nullable(),
    avatar: z.string().nullable(),
    username: z.string(),
    is_superuser: z.boolean(),
    dept_id: z.number().int().nullable(),
    role_ids: z.array(z.number().int()),
    position_ids: z.array(z.number().int()),
    last_login: z.string().nullable(),
    gitee_login: z.string().nullable(),
    github_login: z.string().nullable(),
    wx_login: z.string().nullable(),
    qq_login: z.string().nullable(),
    dept_name: z.string().nullable(),
    dept: ref,
    positions: z.array(commonRef),
    roles: z.array(userRoleOut),
    menus: z.array(userMenuNode),
  })
  .openapi("UserOut");

export const recoveryRequestOut = z
  .object({ expires_in: z.number().int().openapi({ description: "验证码有效秒数" }) })
  .openapi("ForgetPasswordCodeSent");

export const ownSessionOut = z
  .object({
    session_id: z.string(),
    ipaddr: z.string().nullable(),
    login_location: z.string().nullable(),
    os: z.string().nullable(),
    browser: z.string().nullable(),
    login_type: z.string().nullable(),
    login_time: z.string().nullable(),
    last_seen: z.string(),
    current: z.boolean().openapi({ description: "本次请求所用的会话" }),
  })
  .openapi("OwnSession");

export const sessionIdParam = z.object({
  session_id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "会话编号格式不正确")
    .openapi({ param: { name: "session_id", in: "path" } }),
});

export const uploadOut = z
  .object({ file_path: z.string(), file_name: z.string(), origin_name: z.string(), file_url: z.string() })
  .openapi("UserAvatarUpload");
