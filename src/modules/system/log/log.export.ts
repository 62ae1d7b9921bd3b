import ExcelJS from "exceljs";
import { LOG_TYPE } from "../../../core/log/operation-log";
import type { LogRow } from "./log.repo";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Header titles and cell values, in the contract's column order (L4). */
const COLUMNS: [string, number, (r: LogRow) => string | number | null][] = [
  ["编号", 8, (r) => r.id],
  ["日志类型", 10, (r) => (r.type === LOG_TYPE.LOGIN ? "登录日志" : "操作日志")],
  ["请求URL", 36, (r) => r.request_path],
  ["请求方式", 10, (r) => r.request_method],
  ["请求参数", 40, (r) => r.request_payload],
  ["操作地址", 16, (r) => r.request_ip],
  ["登录位置", 14, (r) => r.login_location],
  ["操作系统", 12, (r) => r.request_os],
  ["浏览器", 12, (r) => r.request_browser],
  ["返回参数", 40, (r) => r.response_json],
  ["响应状态", 10, (r) => (r.status === "0" ? "成功" : "失败")],
  ["处理时间", 10, (r) => r.process_time],
  ["备注", 20, (r) => r.description],
  ["创建时间", 20, (r) => r.created_time],
  ["更新时间", 20, (r) => r.updated_time],
  ["创建者ID", 10, (r) => r.created_id],
  ["更新者ID", 10, (r) => r.updated_id],
];

/** One sheet: a header row and one row per log entry. */
export async function logWorkbook(rows: LogRow[]): Promise<ArrayBuffer> {
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
