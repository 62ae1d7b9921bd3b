import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "../../../core/db/query";
import { sanitizeHtml } from "../../../core/http/sanitize-html";

/** The SPA may send code fields as numbers once a select was touched (contract §16.5 #52). */
const asText = (v: unknown) => (typeof v === "number" ? String(v) : v);

const statusCode = z
  .preprocess(asText, z.enum(["0", "1"], { error: "状态只能是 0 或 1" }))
  .openapi({ type: "string", enum: ["0", "1"], description: '"0" 启用, "1" 停用' });

/** An id filter; an empty value (`created_id=` from a cleared input) means "no filter". */
const optionalId = z
  .preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce
      .number({ error: "类型错误，提交参数应该为整数！" })
      .int("类型错误，提交参数应该为整数！")
      .optional(),
  )
  .openapi({ type: "integer" });

export const noticeQuery = z.object({
  notice_title: z.string().optional().openapi({ description: "公告标题 (模糊)" }),
  notice_type: z
    .preprocess(asText, z.string().optional())
    .openapi({ type: "string", description: '"1" 通知 / "2" 公告' }),
  description: z.string().optional().openapi({ description: "备注 (模糊)" }),
  status: z
    .preprocess(asText, z.string().optional())
    .openapi({ type: "string", description: '状态 "0"/"1"' }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalId,
  updated_id: optionalId,
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
      .preprocess(asText, z.enum(["1", "2"], { error: "公告类型仅支持 '1'(通知) 或 '2'(公告)" }))
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
    description: z
      .string()
      .max(255, "备注长度不能超过255个字符")
      .nullable()
      .optional()
      .transform((v) => (v === "" ? null : v)),
  })
  .openapi("NoticeInput");

export type NoticeInput = z.infer<typeof noticeInput>;

const userRef = z.object({ id: z.number().int(), name: z.string() }).nullable();

export const noticeOut = z
  .object({
    id: z.number().int(),
    uuid: z.string(),
    status: z.string(),
    description: z.string().nullable(),
    created_time: z.string().nullable(),
    updated_time: z.string().nullable(),
    is_deleted: z.boolean(),
    deleted_time: z.string().nullable(),
    notice_title: z.string(),
    notice_type: z.string(),
    notice_content: z.string().nullable(),
    created_id: z.number().int().nullable(),
    created_by: userRef,
    updated_id: z.number().int().nullable(),
    updated_by: userRef,
    deleted_id: z.number().int().nullable(),
    deleted_by: userRef,
  })
  .openapi("Notice");

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const idList = z.array(z.number().int()).openapi("NoticeIds", { example: [1, 2] });

export const batchStatus = z
  .object({
    ids: z.array(z.number().int()).default([]),
    status: statusCode,
  })
  .openapi("NoticeBatchSetAvailable");
