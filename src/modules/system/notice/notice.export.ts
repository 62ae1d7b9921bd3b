import ExcelJS from "exceljs";
import type { NoticeRow } from "./notice.repo";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Header titles and cell values, in the contract's column order (N7). */
const COLUMNS: [string, number, (r: NoticeRow) => string | number | null][] = [
  ["编号", 8, (r) => r.id],
  ["公告标题", 30, (r) => r.notice_title],
  [
    "公告类型（1通知 2公告）",
    14,
    (r) => (r.notice_type === "1" ? "通知" : r.notice_type === "2" ? "公告" : r.notice_type),
  ],
  ["公告内容", 50, (r) => r.notice_content],
  ["状态", 8, (r) => (r.status === "0" ? "启用" : "停用")],
  ["备注", 24, (r) => r.description],
  ["创建时间", 20, (r) => r.created_time],
  ["更新时间", 20, (r) => r.updated_time],
  ["创建者ID", 10, (r) => r.created_id],
  ["更新者ID", 10, (r) => r.updated_id],
];

/** One sheet: a header row and one row per notice (header only when there are none). */
export async function noticeWorkbook(rows: NoticeRow[]): Promise<ArrayBuffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  sheet.columns = COLUMNS.map(([header, width]) => ({ header, width }));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) sheet.addRow(COLUMNS.map(([, , value]) => value(r)));
  return (await book.xlsx.writeBuffer()) as ArrayBuffer;
}

/** Download headers: the UTF-8 file name percent-encoded, readable by the SPA from a cross-origin response. */
export function attachmentHeaders(fileName: string): Record<string, string> {
  return {
    "Content-Type": XLSX_TYPE,
    "Content-Disposition": `attachment; filename=${encodeURIComponent(fileName)}`,
    "Access-Control-Expose-Headers": "Content-Disposition",
  };
}
