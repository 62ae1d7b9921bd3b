import { z } from "@hono/zod-openapi";
import { pageQuerySchema } from "@/core/http/pagination";
import { filterText } from "@/core/http/schemas";

const optionalText = filterText
  .max(2048)
  .nullable()
  .optional()
  .transform((v) => v ?? undefined);

export const resourceFilters = z
  .object({
    path: optionalText.openapi({ description: "目录：相对路径、/ 或条目的 file_url；空为根目录" }),
    name: optionalText.openapi({ description: "名称包含 (不区分大小写)" }),
  })
  .openapi("ResourceFilter");

export const resourceListQuery = pageQuerySchema.extend(resourceFilters.shape);

export const resourceItem = z
  .object({
    name: z.string(),
    file_url: z.string(),
    relative_path: z.string(),
    is_file: z.boolean(),
    is_dir: z.boolean(),
    size: z.number().int().nullable(),
    created_time: z.string().nullable().openapi({ description: "ISO 8601 (YYYY-MM-DDTHH:MM:SS.ffffff)" }),
    modified_time: z.string().nullable(),
    is_hidden: z.boolean(),
  })
  .openapi("ResourceItem");

export const uploadForm = z
  .object({
    file: z.any().optional().openapi({ type: "string", format: "binary" }),
    target_path: z.string().optional().openapi({ description: "目标目录；空为根目录" }),
  })
  .openapi("ResourceUpload");

export const uploadOut = z
  .object({
    filename: z.string(),
    file_url: z.string(),
    file_size: z.number().int(),
    upload_time: z.string().nullable(),
  })
  .openapi("ResourceUploadResult");

export const downloadQuery = z.object({
  path: z.string({ error: "请求失败，缺少必填项！" }).min(1, "路径不能为空").max(2048),
});

export const pathList = z.array(z.string().max(2048)).openapi("ResourcePaths", { example: ["a/b.png"] });

const requiredPath = z
  .string({ error: "请求失败，缺少必填项！" })
  .max(2048)
  .refine((v) => v.trim() !== "", "路径不能为空");

export const transferBody = z
  .object({
    source_path: requiredPath,
    target_path: requiredPath,
    overwrite: z.boolean().default(false),
  })
  .openapi("ResourceTransfer");

export const renameBody = z
  .object({
    old_path: requiredPath,
    new_name: z
      .string({ error: "请求失败，缺少必填项！" })
      .max(255)
      .refine((v) => v.trim() !== "", "参数不能为空")
      .refine((v) => !/\.\.|[/\\]/.test(v), "新名称包含不安全字符"),
  })
  .openapi("ResourceRename");

export const createDirBody = z
  .object({
    parent_path: z
      .string()
      .max(2048)
      .nullable()
      .optional()
      .transform((v) => v ?? "")
      .refine((v) => !v.includes("..") && !v.startsWith("\\"), "参数包含不安全字符"),
    dir_name: z
      .string({ error: "请求失败，缺少必填项！" })
      .max(255)
      .refine((v) => v.trim() !== "", "参数不能为空")
      .refine((v) => !/\.\.|[/\\]/.test(v), "参数包含不安全字符"),
  })
  .openapi("ResourceCreateDir");
