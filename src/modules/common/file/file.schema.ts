import { z } from "@hono/zod-openapi";

export const uploadForm = z
  .object({ file: z.any().optional().openapi({ type: "string", format: "binary" }) })
  .openapi("CommonFileUpload");

export const uploadOut = z
  .object({
    file_path: z.string().openapi({ example: "static/upload/2025/01/31/logo_20250131120000A042.png" }),
    file_name: z.string(),
    origin_name: z.string(),
    file_url: z.string(),
  })
  .openapi("CommonFileUploadResult");

export const downloadBody = z
  .object({
    file_path: z.string({ error: "请求失败，缺少必填项！" }).max(1024).openapi({
      example: "static/upload/2025/01/31/logo_20250131120000A042.png",
    }),
    delete: z.boolean().default(false).openapi({ description: "读取后删除该文件" }),
  })
  .openapi("CommonFileDownload");
