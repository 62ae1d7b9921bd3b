import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { sanitizeHtml } from "@/core/http/sanitize-html";
import {
  baseOutFields,
  numberAsText,
  optionalIntFilter,
  optionalText,
  statusCode,
  userByOutFields,
} from "@/core/http/schemas";

export const noticeQuery = z.object({
  notice_title: z.string().optional().openapi({ description: "公告标题 (模糊)" }),
  notice_type: z
    .preprocess(numberAsText, z.string().optional())
    .openapi({ type: "string", description: '"1" 通知 / "2" 公告' }),
  description: z.string().optional().openapi({ description: "备注 (模糊)" }),
  status: z
    .preprocess(numberAsText, z.string().optional())
    .openapi({ type: "string", description: '状态 "0"/"1"' }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalIntFilter(),
  updated_id: optionalIntFilter(),
});

export type NoticeQuery = z.infer<typeof noticeQuery>;

/** Create and update take the same body (contract N3/N4): all required fields again on update. */
export const noticeInput = z
  .object({
    notice_title: z
      .string({ error: "请求失败，缺少必填项！" })
      .transform((s) => s.trim())
      .pipe(z.string().min(1, "公告标题不能为空").max(50, "公告标题长度不能超过50个字符"))
      .openapi({ type: "string", example: "系统维护通知" }),
    notice_type: z
      .preprocess(numberAsText, z.enum(["1", "2"], { error: "公告类型仅支持 '1'(通知) 或 '2'(公告)" }))
      .openapi({ type: "string", enum: ["1", "2"], description: '"1" 通知, "2" 公告' }),
    // Sanitised here, so no unsafe markup ever reaches the service or the table.
    notice_content: z
      .string({ error: "请求失败，缺少必填项！" })
      .transform((html) => sanitizeHtml(html).trim())
      .pipe(z.string().min(1, "公告内容不能为空"))
      .openapi({
        type: "string",
        example: "<p>今晚 22:00 系统维护</p>",
        description: "HTML，保存前按白名单清理",
      }),
    status: statusCode.optional(),
    description: optionalText(255, "备注"),
  })
  .openapi("NoticeInput");

export type NoticeInput = z.infer<typeof noticeInput>;

export const noticeOut = z
  .object({
    ...baseOutFields,
    notice_title: z.string(),
    notice_type: z.string(),
    notice_content: z.string().nullable(),
    ...userByOutFields,
  })
  .openapi("Notice");
