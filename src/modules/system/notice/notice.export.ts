import { buildXlsx, type SheetColumn, statusLabel } from "@/core/xlsx";
import type { NoticeRow } from "./notice.repo";

/** Header titles and cell values, in the contract's column order (N7). */
const COLUMNS: SheetColumn<NoticeRow>[] = [
  { header: "编号", width: 8, value: (r) => r.id },
  { header: "公告标题", width: 30, value: (r) => r.notice_title },
  {
    header: "公告类型（1通知 2公告）",
    width: 14,
    value: (r) => (r.notice_type === "1" ? "通知" : r.notice_type === "2" ? "公告" : r.notice_type),
  },
  { header: "公告内容", width: 50, value: (r) => r.notice_content },
  { header: "状态", width: 8, value: (r) => statusLabel(r.status) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
  { header: "创建者ID", width: 10, value: (r) => r.created_id },
  { header: "更新者ID", width: 10, value: (r) => r.updated_id },
];

/** One sheet: a header row and one row per notice (header only when there are none). */
export const noticeWorkbook = (rows: NoticeRow[]) => buildXlsx(COLUMNS, rows);
