import {
  DATETIME_FORMAT,
  excelDateTime,
  type SheetColumn,
  sheetWorkbook,
  statusLabel,
  workbookBytes,
  yesNo,
} from "@/core/xlsx";

/* The user module's spreadsheets: the import template and the export (reading is in core/xlsx). */

export const TEMPLATE_HEADERS = ["部门编号", "账号", "昵称", "邮箱", "手机号", "性别", "状态"] as const;

/** Labels of the sys_user_sex dictionary ("0" 男, "1" 女, "2" 未知) — the same both ways. */
export const GENDER_LABEL: Record<string, string> = { "0": "男", "1": "女", "2": "未知" };
export const GENDER_VALUE: Record<string, string> = { 男: "0", 女: "1", 未知: "2" };
/** The template says 正常/停用, the export 启用/停用: both read back. */
export const STATUS_VALUE: Record<string, string> = { 正常: "0", 启用: "0", 停用: "1" };

export async function importTemplate(): Promise<Uint8Array> {
  const { book, sheet } = await sheetWorkbook(
    TEMPLATE_HEADERS.map((header) => ({ header, width: 12, value: () => null })),
  );
  // exceljs keeps range validations as one <dataValidation sqref="F2:F1048576">; its typings omit the API.
  const validations = (sheet as unknown as { dataValidations: { add(range: string, v: object): void } })
    .dataValidations;
  const list = (values: string) => ({
    type: "list",
    allowBlank: true,
    formulae: [`"${values}"`],
    showErrorMessage: true,
  });
  validations.add("F2:F1048576", list("男,女,未知"));
  validations.add("G2:G1048576", list("正常,停用"));
  return workbookBytes(book);
}

export interface ExportRow {
  id: number;
  avatar: string | null;
  username: string;
  name: string;
  dept_name: string | null;
  dept_id: number | null;
  email: string | null;
  mobile: string | null;
  gender: string | null;
  status: string;
  is_superuser: boolean;
  last_login: string | null;
  description: string | null;
  created_time: string | null;
  updated_time: string | null;
  updated_id: number | null;
}

/**
 * The export sheet: the contract's columns plus 部门编号, so that the file imports again
 * (the importer reads 用户名称/用户昵称/部门编号/邮箱/手机号/性别/状态 from it).
 */
const EXPORT_COLUMNS: SheetColumn<ExportRow>[] = [
  { header: "用户编号", width: 10, value: (r) => r.id },
  { header: "头像", width: 30, value: (r) => r.avatar },
  { header: "用户名称", width: 16, value: (r) => r.username },
  { header: "用户昵称", width: 16, value: (r) => r.name },
  { header: "部门", width: 16, value: (r) => r.dept_name },
  { header: "部门编号", width: 10, value: (r) => r.dept_id },
  { header: "邮箱", width: 24, value: (r) => r.email },
  { header: "手机号", width: 14, value: (r) => r.mobile },
  { header: "性别", width: 8, value: (r) => GENDER_LABEL[r.gender ?? "2"] ?? "未知" },
  { header: "状态", width: 8, value: (r) => statusLabel(r.status) },
  { header: "是否超级管理员", width: 14, value: (r) => yesNo(r.is_superuser) },
  { header: "最后登录时间", width: 20, numFmt: DATETIME_FORMAT, value: (r) => excelDateTime(r.last_login) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, numFmt: DATETIME_FORMAT, value: (r) => excelDateTime(r.created_time) },
  { header: "更新时间", width: 20, numFmt: DATETIME_FORMAT, value: (r) => excelDateTime(r.updated_time) },
  { header: "更新者ID", width: 10, value: (r) => r.updated_id },
];

export async function exportWorkbook(rows: ExportRow[]): Promise<Uint8Array> {
  return workbookBytes((await sheetWorkbook(EXPORT_COLUMNS, rows)).book);
}
