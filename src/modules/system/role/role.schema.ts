import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import { baseOutFields, idArray } from "@/core/http/schemas";
import { deptOut } from "@/modules/system/dept/dept.schema";
import { menuOut } from "@/modules/system/menu/menu.schema";

/** Numeric strings become numbers, as upstream's lax integer parsing did. */
const numeric = (v: unknown) => (typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v);

export const DATA_SCOPE_MSG = "数据权限范围必须为: 1,2,3,4,5";
const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_]{1,15}$/;

const dataScope = z.number().int().min(1, DATA_SCOPE_MSG).max(5, DATA_SCOPE_MSG);
const statusField = z.enum(["0", "1"], { error: "状态只能为 0 或 1" });
const ids = idArray(10000);

/**
 * RoleCreate / RoleUpdate. Unlike upstream, `data_scope` is range-checked here too (§16 #42);
 * fields left out of an update keep their stored values.
 */
export const roleInput = z
  .object({
    name: z
      .string({ error: "请求失败，缺少必填项！" })
      .trim()
      .min(1, "角色名称不能为空")
      .max(64)
      .openapi({ example: "运营角色" }),
    code: z
      .string({ error: "请求失败，缺少必填项！" })
      .trim()
      .min(1, "编码不能为空")
      .regex(CODE_PATTERN, "编码需字母开头，允许字母/数字/下划线，长度2-16")
      .openapi({ example: "OPS" }),
    order: z.preprocess(numeric, z.number().int().min(1, "显示排序必须大于等于 1").nullish()),
    data_scope: z.preprocess(numeric, dataScope.nullish()).openapi({
      description: "1 仅本人, 2 本部门, 3 本部门及以下, 4 全部, 5 自定义",
      example: 1,
    }),
    status: statusField.optional(),
    description: z
      .string()
      .trim()
      .max(255)
      .nullish()
      .transform((v) => (v === "" ? null : v)),
    totp_required: z.boolean().nullish().openapi({
      description: "要求该角色的用户启用两步验证 (TOTP)；未绑定的用户登录后只能访问绑定接口",
      example: false,
    }),
  })
  .openapi("RoleInput");

export type RoleInput = z.infer<typeof roleInput>;

export const roleFilter = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  status: z.string().optional(),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
});

export type RoleFilter = z.infer<typeof roleFilter>;

export const roleQuery = pageQuerySchema.extend(roleFilter.shape);
export type RoleQuery = z.infer<typeof roleQuery>;

/** R7. Roles, menus and custom departments to grant; replaces what the caller can see. */
export const rolePermissionInput = z
  .object({
    data_scope: z.preprocess((v) => (v === undefined || v === null ? 1 : numeric(v)), dataScope),
    role_ids: z.preprocess((v) => v ?? [], ids.min(1, "角色不能为空")),
    menu_ids: z.preprocess((v) => v ?? [], ids),
    dept_ids: z.preprocess((v) => v ?? [], ids),
  })
  .openapi("RolePermissionSetting", {
    example: { role_ids: [2], menu_ids: [2, 22, 101, 102], data_scope: 5, dept_ids: [1] },
  });

export type RolePermissionInput = z.infer<typeof rolePermissionInput>;

export const roleOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    code: z.string(),
    order: z.number().int(),
    data_scope: z.number().int(),
    /** Role endpoints say it; a user's embedded roles leave it out. */
    totp_required: z.boolean().optional().openapi({ description: "该角色的用户须启用两步验证 (TOTP)" }),
    menus: z.array(menuOut),
    depts: z.array(deptOut),
  })
  .openapi("Role");

export type RoleOut = z.infer<typeof roleOut>;

export const idParam = z.object({
  id: z
    .preprocess(numeric, z.number().int().min(1))
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const roleBatchStatus = z
  .object({ ids: ids.default([]), status: statusField.default("0") })
  .openapi("RoleBatchSetAvailable");
