import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { baseOutFields, idArray } from "@/core/http/schemas";

/** Menu types (contract §11.5). */
export const MENU_TYPE = { DIRECTORY: 1, PAGE: 2, BUTTON: 3, LINK: 4 } as const;

/** Numeric strings become numbers, as upstream's lax integer parsing did (`"3"` → 3). */
const numeric = (v: unknown) => (typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v);

/** Booleans as JSON booleans, or the 0/1 and "true"/"false" spellings forms send. */
const flag = z
  .preprocess((v) => {
    if (v === 0 || v === "0" || v === "false") return false;
    if (v === 1 || v === "1" || v === "true") return true;
    return v;
  }, z.boolean())
  .optional();

/** Optional text: trimmed, blank becomes null (upstream's pre-processing). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v === "" ? null : v));

const statusField = z.enum(["0", "1"], { error: "状态只能为 0 或 1" });

/**
 * MenuCreate / MenuUpdate. Fields left out of an update keep their stored values; the rules that
 * involve several fields or the parent are checked by the service on the merged row.
 */
export const menuInput = z
  .object({
    name: z
      .string({ error: "请求失败，缺少必填项！" })
      .trim()
      .min(1, "菜单名称不能为空")
      .max(50)
      .openapi({ example: "用户管理" }),
    type: z.preprocess(
      numeric,
      z
        .number({ error: "请求失败，缺少必填项！" })
        .int()
        .min(1, "菜单类型必须为: 1,2,3,4")
        .max(4, "菜单类型必须为: 1,2,3,4"),
    ),
    order: z.preprocess(
      numeric,
      z.number({ error: "请求失败，缺少必填项！" }).int().min(1, "显示排序必须大于等于 1"),
    ),
    permission: text(100).openapi({ example: "module_system:user:query" }),
    icon: text(50),
    route_name: text(100),
    route_path: text(200),
    component_path: text(200).refine((v) => !v?.startsWith("/"), "组件路径不能以 / 开头"),
    redirect: text(200),
    hidden: flag,
    keep_alive: flag,
    always_show: flag,
    title: text(50),
    params: z
      .array(z.record(z.string(), z.string()))
      .nullish()
      .openapi({ example: [{ key: "a", value: "1" }] }),
    affix: flag,
    parent_id: z.preprocess(
      (v) => (v === "" ? null : numeric(v)),
      z.number().int().min(1, "父级菜单ID必须大于等于 1").nullish(),
    ),
    status: statusField.optional(),
    description: text(255),
    // Upstream coerced any unknown client to "pc"; the SPA only sends pc/app.
    client: z.preprocess(
      (v) => (v === undefined || v === null ? undefined : v === "app" ? "app" : "pc"),
      z.enum(["pc", "app"]).optional(),
    ),
  })
  .openapi("MenuInput");

export type MenuInput = z.infer<typeof menuInput>;

export const menuQuery = z.object({
  name: z.string().optional(),
  route_path: z.string().optional(),
  component_path: z.string().optional(),
  permission: z.string().optional(),
  type: z.preprocess(
    (v) => (v === "" ? undefined : numeric(v)),
    z.number().int().min(1, "菜单类型必须为: 1,2,3,4").max(4, "菜单类型必须为: 1,2,3,4").optional(),
  ),
  description: z.string().optional(),
  status: z.string().optional(),
  menu_client: z.enum(["pc", "app"], { error: "menu_client 只能为 pc 或 app" }).optional(),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
});

export type MenuQuery = z.infer<typeof menuQuery>;

export const menuOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    type: z.number().int(),
    order: z.number().int(),
    permission: z.string().nullable(),
    icon: z.string().nullable(),
    route_name: z.string().nullable(),
    route_path: z.string().nullable(),
    component_path: z.string().nullable(),
    redirect: z.string().nullable(),
    hidden: z.boolean(),
    keep_alive: z.boolean(),
    always_show: z.boolean(),
    title: z.string().nullable(),
    params: z.array(z.record(z.string(), z.string())).nullable(),
    affix: z.boolean(),
    parent_id: z.number().int().nullable(),
    client: z.string(),
    parent_name: z.string().nullable(),
  })
  .openapi("Menu");

export type MenuOut = z.infer<typeof menuOut>;

export const menuNode = menuOut
  .extend({
    // A getter: the node's own schema, so answers are checked (and documented) at every depth.
    get children() {
      return z.array(menuNode).nullable().openapi({ description: "子节点 (同 MenuNode)；叶子为 null" });
    },
  })
  .openapi("MenuNode");

export const idParam = z.object({
  id: z
    .preprocess(numeric, z.number().int().min(1))
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const batchStatus = z
  .object({
    ids: idArray().default([]),
    status: statusField.default("0"),
  })
  .openapi("MenuBatchSetAvailable");
