import { LOG_TYPE } from "@/core/log/operation-log";
import { buildXlsx, type SheetColumn } from "@/core/xlsx";
import type { LogRow } from "./log.repo";

/** Header titles and cell values, in the contract's column order (L4). */
const COLUMNS: SheetColumn<LogRow>[] = [
  { header: "编号", width: 8, value: (r) => r.id },
  { header: "日志类型", width: 10, value: (r) => (r.type === LOG_TYPE.LOGIN ? "登录日志" : "操作日志") },
  { header: "请求URL", width: 36, value: (r) => r.request_path },
  { header: "请求方式", width: 10, value: (r) => r.request_method },
  { header: "请求参数", width: 40, value: (r) => r.request_payload },
  { header: "操作地址", width: 16, value: (r) => r.request_ip },
  { header: "登录位置", width: 14, value: (r) => r.login_location },
  { header: "操作系统", width: 12, value: (r) => r.request_os },
  { header: "浏览器", width: 12, value: (r) => r.request_browser },
  { header: "返回参数", width: 40, value: (r) => r.response_json },
  { header: "响应状态", width: 10, value: (r) => (r.status === "0" ? "成功" : "失败") },
  { header: "处理时间", width: 10, value: (r) => r.process_time },
  { header: "备注", width: 20, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
  { header: "创建者ID", width: 10, value: (r) => r.created_id },
  { header: "更新者ID", width: 10, value: (r) => r.updated_id },
];

/** One sheet: a header row and one row per log entry. */
export const logWorkbook = (rows: LogRow[]) => buildXlsx(COLUMNS, rows);
