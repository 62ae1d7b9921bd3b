import ExcelJS from "exceljs";
import type { PositionRow } from "./position.repo";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Header titles and cell values, in the contract's column order (P7). */
const COLUMNS: [string, (r: PositionRow) => string | number | null][] = [
  ["编号", (r) => r.id],
  ["岗位名称", (r) => r.name],
  ["显示顺序", (r) => r.order],
  ["状态", (r) => (r.status === "0" ? "启用" : "停用")],
  ["备注", (r) => r.description],
  ["创建时间", (r) => r.created_time],
  ["更新时间", (r) => r.updated_time],
  ["创建者ID", (r) => r.created_id],
  ["更新者ID", (r) => r.updated_id],
];

/** One sheet, a header row and one row per position (header only when there are none). */
export async function positionWorkbook(rows: PositionRow[]): Promise<ArrayBuffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  sheet.addRow(COLUMNS.map(([title]) => title)).font = { bold: true };
  for (const r of rows) sheet.addRow(COLUMNS.map(([, value]) => value(r)));
  sheet.columns.forEach((col, i) => {
    col.width = i === 1 || i === 4 ? 24 : i >= 5 && i <= 6 ? 20 : 12;
  });
  const buffer = await book.xlsx.writeBuffer();
  return buffer as ArrayBuffer;
}

/** `Content-Disposition` for a download: the UTF-8 file name percent-encoded, as the SPA decodes it. */
export function attachmentHeaders(fileName: string): Record<string, string> {
  return {
    "Content-Type": XLSX_TYPE,
    "Content-Disposition": `attachment; filename=${encodeURIComponent(fileName)}`,
    "Access-Control-Expose-Headers": "Content-Disposition",
  };
}
