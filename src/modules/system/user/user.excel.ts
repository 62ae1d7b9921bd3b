import ExcelJS from "exceljs";
import { parseDateTime } from "../../../core/http/datetime";

/* The user module's spreadsheets: import template, export, and reading an uploaded import. */

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Headers of a file download; the name is percent-encoded UTF-8 as upstream sends it. */
export function xlsxHeaders(fileName: string): Record<string, string> {
  return {
    "Content-Type": XLSX_TYPE,
    "Content-Disposition": `attachment; filename=${encodeURIComponent(fileName)}`,
    "Access-Control-Expose-Headers": "Content-Disposition",
  };
}

export const TEMPLATE_HEADERS = ["部门编号", "账号", "昵称", "邮箱", "手机号", "性别", "状态"] as const;

/** Labels of the sys_user_sex dictionary ("0" 男, "1" 女, "2" 未知) — the same both ways. */
export const GENDER_LABEL: Record<string, string> = { "0": "男", "1": "女", "2": "未知" };
export const GENDER_VALUE: Record<string, string> = { 男: "0", 女: "1", 未知: "2" };
/** The template says 正常/停用, the export 启用/停用: both read back. */
export const STATUS_VALUE: Record<string, string> = { 正常: "0", 启用: "0", 停用: "1" };

const asBuffer = async (wb: ExcelJS.Workbook) => new Uint8Array(await wb.xlsx.writeBuffer());

function styleHeader(row: ExcelJS.Row) {
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle" };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9D9D9" } };
  });
}

export async function importTemplate(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Sheet1");
  ws.columns = TEMPLATE_HEADERS.map((header) => ({ header, width: 12 }));
  styleHeader(ws.getRow(1));
  // exceljs keeps range validations as one <dataValidation sqref="F2:F1048576">; its typings omit the API.
  const validations = (ws as unknown as { dataValidations: { add(range: string, v: object): void } })
    .dataValidations;
  const list = (values: string) => ({
    type: "list",
    allowBlank: true,
    formulae: [`"${values}"`],
    showErrorMessage: true,
  });
  validations.add("F2:F1048576", list("男,女,未知"));
  validations.add("G2:G1048576", list("正常,停用"));
  return asBuffer(wb);
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

/** A wire datetime as an Excel date showing the same wall-clock time (exceljs writes UTC). */
function excelDate(value: string | null): Date | null {
  if (!value) return null;
  const d = parseDateTime(value);
  if (!d) return null;
  return new Date(
    Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()),
  );
}

/**
 * The export sheet: the contract's columns plus 部门编号, so that the file imports again
 * (the importer reads 用户名称/用户昵称/部门编号/邮箱/手机号/性别/状态 from it).
 */
export async function exportWorkbook(rows: ExportRow[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Sheet1");
  const dateStyle = { numFmt: "yyyy-mm-dd hh:mm:ss" };
  ws.columns = [
    { header: "用户编号", key: "id", width: 10 },
    { header: "头像", key: "avatar", width: 30 },
    { header: "用户名称", key: "username", width: 16 },
    { header: "用户昵称", key: "name", width: 16 },
    { header: "部门", key: "dept_name", width: 16 },
    { header: "部门编号", key: "dept_id", width: 10 },
    { header: "邮箱", key: "email", width: 24 },
    { header: "手机号", key: "mobile", width: 14 },
    { header: "性别", key: "gender", width: 8 },
    { header: "状态", key: "status", width: 8 },
    { header: "是否超级管理员", key: "is_superuser", width: 14 },
    { header: "最后登录时间", key: "last_login", width: 20, style: dateStyle },
    { header: "备注", key: "description", width: 24 },
    { header: "创建时间", key: "created_time", width: 20, style: dateStyle },
    { header: "更新时间", key: "updated_time", width: 20, style: dateStyle },
    { header: "更新者ID", key: "updated_id", width: 10 },
  ];
  styleHeader(ws.getRow(1));
  for (const r of rows) {
    ws.addRow({
      ...r,
      gender: GENDER_LABEL[r.gender ?? "2"] ?? "未知",
      status: r.status === "0" ? "启用" : "停用",
      is_superuser: r.is_superuser ? "是" : "否",
      last_login: excelDate(r.last_login),
      created_time: excelDate(r.created_time),
      updated_time: excelDate(r.updated_time),
    });
  }
  return asBuffer(wb);
}

/** What a cell holds, as trimmed text (rich text, hyperlinks and formula results included). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(v.richText))
      return v.richText
        .map((p) => p.text)
        .join("")
        .trim();
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    if (v.error !== undefined) return "";
  }
  return String(value).trim();
}

export class SheetError extends Error {}

/**
 * Sheet parts an import never needs. Range-based ones matter most: exceljs expands every
 * data-validation / merge range cell by cell, which for the template's F2:F1048576 costs seconds
 * and hundreds of MB, and for a crafted A1:XFD1048576 would never finish.
 */
const IGNORED_NODES = [
  "dataValidations",
  "conditionalFormatting",
  "mergeCells",
  "hyperlinks",
  "autoFilter",
  "rowBreaks",
  "picture",
  "drawing",
  "tableParts",
  "extLst",
];

/** Rows stored in the file (blank formatted rows included) beyond which it is not read at all. */
const MAX_STORED_ROWS = 50_000;

/**
 * The first sheet's non-blank rows as text, header first, each with its Excel row number.
 * Throws SheetError when there are more than `maxRows` data rows.
 */
export async function readFirstSheet(
  data: Uint8Array,
  maxRows: number,
): Promise<{ rowNumber: number; cells: string[] }[]> {
  const wb = new ExcelJS.Workbook();
  try {
    // `ignoreNodes` and `maxRows` are real loader options missing from exceljs' typings.
    await wb.xlsx.load(
      Buffer.from(data) as unknown as ArrayBuffer,
      {
        ignoreNodes: IGNORED_NODES,
        maxRows: MAX_STORED_ROWS,
      } as object,
    );
  } catch (err) {
    if (err instanceof Error && /^Max row count/.test(err.message)) throw new SheetError("too many rows");
    throw err;
  }
  const sheet = wb.worksheets[0];
  const rows: { rowNumber: number; cells: string[] }[] = [];
  if (!sheet) return rows;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = Array.isArray(row.values) ? row.values : [];
    const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
    if (cells.every((c) => c === "")) return;
    rows.push({ rowNumber: row.number, cells });
  });
  // header + maxRows data rows
  if (rows.length > maxRows + 1) throw new SheetError("too many rows");
  return rows;
}
