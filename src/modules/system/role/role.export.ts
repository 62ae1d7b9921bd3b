import ExcelJS from "exceljs";
import type { RoleRow } from "./role.repo";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const SCOPE_LABELS: Record<number, string> = {
  1: "仅本人数据权限",
  2: "本部门数据权限",
  3: "本部门及以下数据权限",
  4: "全部数据权限",
  5: "自定义数据权限",
};

/**
 * The contract's R8 columns plus the role code. Upstream's 创建者ID/更新者ID are left out: roles
 * have no audit columns, so they were always empty (§16 #37).
 */
const COLUMNS: [string, number, (r: RoleRow) => string | number | null][] = [
  ["角色编号", 10, (r) => r.id],
  ["角色名称", 24, (r) => r.name],
  ["角色编码", 16, (r) => r.code],
  ["显示顺序", 10, (r) => r.order],
  ["数据权限", 20, (r) => SCOPE_LABELS[r.data_scope] ?? String(r.data_scope)],
  ["状态", 8, (r) => (r.status === "0" ? "启用" : "停用")],
  ["备注", 24, (r) => r.description],
  ["创建时间", 20, (r) => r.created_time],
  ["更新时间", 20, (r) => r.updated_time],
];

/** One sheet: a header row, then one row per role. */
export async function roleWorkbook(rows: RoleRow[]): Promise<ArrayBuffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  sheet.columns = COLUMNS.map(([header, width]) => ({ header, width }));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) sheet.addRow(COLUMNS.map(([, , value]) => value(r)));
  return (await book.xlsx.writeBuffer()) as ArrayBuffer;
}

/** Download headers: the UTF-8 file name percent-encoded, readable by the SPA through CORS. */
export function attachmentHeaders(fileName: string): Record<string, string> {
  return {
    "Content-Type": XLSX_TYPE,
    "Content-Disposition": `attachment; filename=${encodeURIComponent(fileName)}`,
    "Access-Control-Expose-Headers": "Content-Disposition",
  };
}
