import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { pageQuerySchema } from "@/core/http/pagination";
import {
  baseOutFields,
  optionalIntFilter,
  optionalText,
  statusCode,
  userByOutFields,
} from "@/core/http/schemas";

/** Filters of the list (contract §5; the SPA's `tenant_id` is ignored, as upstream did). */
export const portalFilter = z.object({
  name: z.string().nullish().openapi({ description: "应用名称 (模糊)" }),
  status: z.string().nullish().openapi({ description: '状态 "0"/"1"' }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalIntFilter("创建人ID"),
  updated_id: optionalIntFilter("更新人ID"),
});

export type PortalFilter = z.infer<typeof portalFilter>;

export const portalQuery = pageQuerySchema.extend(portalFilter.shape);

/**
 * An absolute http(s) URL: the SPA renders these as links and images, so `javascript:`, `data:`
 * and relative or host-less values are refused.
 */
export function isWebUrl(text: string): boolean {
  if (!/^https?:\/\/[^\s/?#]+/i.test(text)) return false;
  // stored as sent, so no whitespace or control characters may hide in it
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const accessUrl = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "访问地址不能为空")
      .max(255, "访问地址长度不能超过255个字符")
      .refine(isWebUrl, "访问地址必须为 http/https URL"),
  )
  .openapi({ type: "string", example: "https://example.com/app" });

/** Empty (or blank) means "no icon". */
const iconUrl = z
  .string()
  .nullish()
  .transform((s) => (s === undefined ? undefined : (s ?? "").trim() || null))
  .pipe(
    z
      .string()
      .max(300, "应用图标URL长度不能超过300个字符")
      .refine(isWebUrl, "应用图标URL必须为 http/https URL")
      .nullish(),
  )
  .openapi({ type: ["string", "null"], example: "https://example.com/icon.png" });

/**
 * Create and update share these fields (ApplicationCreateSchema = ApplicationUpdateSchema).
 * Optional ones carry no defaults: an update writes only what was sent, create fills them in.
 * `status` is validated here although upstream stored any text.
 */
export const portalInput = z
  .object({
    name: z
      .string()
      .transform((s) => s.trim())
      .pipe(z.string().min(1, "应用名称不能为空").max(64, "应用名称长度不能超过64个字符"))
      .openapi({ type: "string", example: "统计平台" }),
    access_url: accessUrl,
    icon_url: iconUrl,
    status: statusCode.optional(),
    description: optionalText(255, "描述"),
  })
  .openapi("ApplicationInput");

export type PortalInput = z.infer<typeof portalInput>;

export const portalOut = z
  .object({
    ...baseOutFields,
    name: z.string(),
    access_url: z.string(),
    icon_url: z.string().nullable(),
    tenant_id: z.number().int(),
    /** Declared `{id, name}` upstream but never loaded there either. */
    tenant: z.null(),
    ...userByOutFields,
  })
  .openapi("Application");

export type PortalOut = z.infer<typeof portalOut>;

/** One optional feature area, in the shape of FastapiAdmin's plugin metadata. */
export const pluginInfo = z
  .object({
    module_dir: z.string(),
    route_prefix: z.string(),
    has_manifest: z.boolean(),
    name: z.string().nullable(),
    title: z.string().nullable(),
    version: z.string().nullable(),
    description: z.string().nullable(),
    optional: z.boolean().nullable(),
    tags: z.array(z.string()).nullable(),
    manifest_name_mismatch: z.boolean().nullable(),
  })
  .openapi("PluginInfo");

export type PluginInfo = z.infer<typeof pluginInfo>;
