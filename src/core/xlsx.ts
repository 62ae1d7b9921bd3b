import { z } from "@hono/zod-openapi";
import ExcelJS from "exceljs";
import type { Context } from "hono";
import { parseDateTime } from "./http/datetime";
import { commonErrors } from "./http/openapi";

/*
 * Spreadsheets (contract §12.12 "Export format", U14/U15): one-sheet workbooks with a styled
 * header row, their download response, and the bounded reader the user import relies on.
 */

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export type CellValue = string | number | boolean | Date | null | undefined;

/** One column of a sheet: its (Chinese) header, width, and how to read the cell from a record. */
export interface SheetColumn<T> {
  header: string;
  /** Characters; 16 when left out. */
  width?: number;
  value: (row: T) => CellValue;
  /** Excel number format of the column's cells, e.g. `DATETIME_FORMAT` for `excelDateTime` values. */
  numFmt?: string;
}

export const DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss";

/** A status column's cell (contract §12.12): "0" → 启用, anything else → 停用. */
export const statusLabel = (status: string) => (status === "0" ? "启用" : "停用");

/** A yes/no column's cell. */
export const yesNo = (value: boolean | null | undefined) => (value ? "是" : "否");

/** Bold, centred, on a light grey fill (the import template's header, contract U14). */
function styleHeader(row: ExcelJS.Row) {
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle" };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9D9D9" } };
  });
}

/**
 * A workbook with one sheet ("Sheet1"): the styled header row, then one row per record (just the
 * header when there are none). The sheet is returned too, for callers that add to it.
 */
export function sheetWorkbook<T>(columns: SheetColumn<T>[], rows: T[] = []) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  sheet.columns = columns.map((col) => ({
    header: col.header,
    width: col.width ?? 16,
    ...(col.numFmt ? { style: { numFmt: col.numFmt } } : {}),
  }));
  styleHeader(sheet.getRow(1));
  for (const row of rows) sheet.addRow(columns.map((col) => col.value(row) ?? null));
  return { book, sheet };
}

export async function workbookBytes(book: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array(await book.xlsx.writeBuffer());
}

/** `sheetWorkbook` as the bytes of an .xlsx file. */
export function buildXlsx<T>(columns: SheetColumn<T>[], rows: T[]): Promise<Uint8Array> {
  return workbookBytes(sheetWorkbook(columns, rows).book);
}

/**
 * Headers of a file download: the UTF-8 name percent-encoded as upstream sends it, and exposed
 * so that the SPA can read it from a cross-origin response.
 */
export function xlsxHeaders(fileName: string): Record<string, string> {
  return {
    "Content-Type": XLSX_TYPE,
    "Content-Disposition": `attachment; filename=${encodeURIComponent(fileName)}`,
    "Access-Control-Expose-Headers": "Content-Disposition",
  };
}

/** The download response of a route handler (typed `never`: the route declares it in `xlsxResponses`). */
export function xlsxFile(c: Context, data: Uint8Array, fileName: string): never {
  return c.body(data as Uint8Array<ArrayBuffer>, 200, xlsxHeaders(fileName)) as never;
}

/** OpenAPI `responses` of a route that answers with an xlsx file (errors stay JSON envelopes). */
export function xlsxResponses(description: string) {
  return {
    200: {
      description,
      content: { [XLSX_TYPE]: { schema: z.string().openapi({ type: "string", format: "binary" }) } },
    },
    ...commonErrors,
  };
}

/** A wire datetime as an Excel date showing the same wall-clock time (exceljs writes UTC). */
export function excelDateTime(value: string | null): Date | null {
  if (!value) return null;
  const d = parseDateTime(value);
  if (!d) return null;
  return new Date(
    Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()),
  );
}

/* ---------- reading an uploaded workbook ---------- */

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

/** The sheet holds more rows than the reader accepts. */
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
