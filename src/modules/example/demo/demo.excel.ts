import { type SheetColumn, sheetWorkbook, statusLabel, workbookBytes } from "@/core/xlsx";

/* The example plugin's spreadsheets: the import template and the export (reading is in core/xlsx). */

export const TEMPLATE_HEADERS = ["名称", "状态", "描述"] as const;

/** The template says 正常/停用 and the export 启用/停用: both read back, as do "0"/"1". */
export const STATUS_VALUE: Record<string, string> = { 正常: "0", 启用: "0", 停用: "1", "0": "0", "1": "1" };

export async function importTemplate(): Promise<Uint8Array> {
  const { book, sheet } = await sheetWorkbook(
    TEMPLATE_HEADERS.map((header) => ({ header, width: 12, value: () => null })),
  );
  // exceljs keeps a range validation as one <dataValidation sqref="B2:B1048576">; its typings omit the API.
  const validations = (sheet as unknown as { dataValidations: { add(range: string, v: object): void } })
    .dataValidations;
  validations.add("B2:B1048576", {
    type: "list",
    allowBlank: true,
    formulae: ['"正常,停用"'],
    showErrorMessage: true,
  });
  return workbookBytes(book);
}

export interface ExportRow {
  id: number;
  name: string;
  status: string;
  description: string | null;
  created_time: string | null;
  updated_time: string | null;
  creator: string | null;
}

/**
 * The contract's columns. 创建者 is the creator's name (upstream always wrote "未知", §14 #44);
 * 名称/状态/备注 are what the import reads back.
 */
const EXPORT_COLUMNS: SheetColumn<ExportRow>[] = [
  { header: "编号", width: 10, value: (r) => r.id },
  { header: "名称", width: 20, value: (r) => r.name },
  { header: "状态", width: 10, value: (r) => statusLabel(r.status) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
  { header: "创建者", width: 16, value: (r) => r.creator ?? "未知" },
];

export async function exportWorkbook(rows: ExportRow[]): Promise<Uint8Array> {
  return workbookBytes((await sheetWorkbook(EXPORT_COLUMNS, rows)).book);
}
