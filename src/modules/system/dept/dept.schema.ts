import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { baseOutFields, optionalText, statusCode } from "@/core/http/schemas";
import type { TreeNode } from "@/core/http/tree";

export const deptQuery = z.object({
  name: z.string().optional().openapi({ description: "部门名称 (模糊)" }),
  status: z.string().optional().openapi({ description: '状态 "0"/"1"' }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
});

/**
 * Fields of a create or update. Optional fields have no defaults here: an update writes only what
 * was sent (the original keeps unsent fields); create fills the defaults itself.
 */
export const deptInput = z
  .object({
    name: z
      .string()
      .transform((s) => s.replace(/\s+/g, ""))
      .pipe(z.string().min(1, "部门名称不能为空").max(64, "部门名称长度不能超过64个字符"))
      .openapi({ type: "string", example: "研发部" }),
    code: z
      .string()
      .transform((s) => s.trim())
      .pipe(
        z
          .string()
          .min(1, "编码不能为空")
          .regex(/^[A-Za-z][A-Za-z0-9_]{1,15}$/, "编码需字母开头，允许字母/数字/下划线，长度2-16"),
      )
      .openapi({ type: "string", example: "RD" }),
    order: z.coerce.number().int("排序必须是整数").min(0, "排序不能小于0").optional(),
    leader: optionalText(32, "负责人"),
    phone: optionalText(11, "电话"),
    email: optionalText(64, "邮箱"),
    // 0 is what a tree-select sends for "no parent"; upstream let it through to an FK error.
    parent_id: z.coerce
      .number()
      .int("上级部门ID必须是整数")
      .min(0, "上级部门ID不能小于0")
      .nullable()
      .optional()
      .transform((v) => (v === 0 ? null : v)),
    status: statusCode.optional(),
    description: optionalText(255, "描述"),
  })
  .openapi("DeptInput");

export type DeptInput = z.infer<typeof deptInput>;

export const deptOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    order: z.number().int(),
    code: z.string(),
    leader: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    parent_id: z.number().int().nullable(),
    parent_name: z.string().nullable().openapi({ description: "上级部门名称，仅详情接口填充" }),
  })
  .openapi("Dept");

export type DeptOut = z.infer<typeof deptOut>;
export type DeptNode = TreeNode<DeptOut>;

export const deptNode = deptOut
  .extend({
    // A getter: the node's own schema, so answers are checked (and documented) at every depth.
    get children() {
      return z.array(deptNode).nullable().openapi({ description: "下级部门 (同结构)；叶子节点为 null" });
    },
  })
  .openapi("DeptNode");
