import { z } from "@hono/zod-openapi";
import type ExcelJS from "exceljs";

/** exceljs is loaded on first use: it costs a server ~30 MB of memory that most never need. */
const loadExcel = async () => (await import("exceljs")).default;

import type { Context } from "hono";
import { parseDateTime } from "./http/datetime";
import { validationError } from "./http/errors";
import { commonErrors } from "./http/openapi";
import { inflateEntry, readCentralDirectory, ZipLimitError } from "./zip-reader";

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
export async function sheetWorkbook<T>(columns: SheetColumn<T>[], rows: T[] = []) {
  const book = new (await loadExcel()).Workbook();
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
export async function buildXlsx<T>(columns: SheetColumn<T>[], rows: T[]): Promise<Uint8Array> {
  return workbookBytes((await sheetWorkbook(columns, rows)).book);
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
 * What an uploaded workbook may expand to before exceljs sees it (a 400 KB .xlsx of repeated
 * cells can inflate to gigabytes of XML and of parsed objects). Sized for the imports: at most
 * 1000 data rows are imported, and a 16-column export of that many is some 17,000 cells; exceljs
 * spends about a second on 40,000 cells, where the limit stops it.
 */
export const WORKBOOK_LIMITS = {
  /** files inside the archive */
  entries: 256,
  /** inflated bytes of one file inside the archive */
  entryBytes: 16 * 1024 * 1024,
  /** inflated bytes of the whole archive */
  totalBytes: 32 * 1024 * 1024,
  /** `<row>` elements, all sheets together (blank formatted rows included) */
  rows: MAX_STORED_ROWS,
  /** columns of any row (by cell reference or by count) */
  columns: 256,
  /** `<c>` cells of all sheets; shared strings, separately */
  cells: 40_000,
  /** XML elements of all parts together (styles, drawings... as much as cells) */
  elements: 400_000,
  /** characters of one cell's text (Excel's own maximum) */
  cellChars: 32_767,
};

const MB = 1024 * 1024;

interface ScanTotals {
  rows: number;
  cells: number;
  strings: number;
  elements: number;
}

const LT = 60;
const GT = 62;
const SLASH = 47;
const QUESTION = 63;
const BANG = 33;
const COLON = 58;
const EQUALS = 61;
/** Bytes of a tag kept for reading its name and `r` attribute (the rest only counts). */
const TAG_HEAD = 256;

const isSpace = (b: number) => b === 32 || b === 9 || b === 10 || b === 13;
const isUpper = (b: number) => b >= 65 && b <= 90;

/** The local name of the tag in `head[0..len)` (after any `x:` prefix): "row", "c", "si" or "". */
function localName(head: Uint8Array, len: number): "row" | "c" | "si" | "" {
  let start = 0;
  let end = 0;
  while (end < len && !isSpace(head[end] as number) && head[end] !== SLASH) {
    if (head[end] === COLON) start = end + 1;
    end++;
  }
  const n = end - start;
  const at = (k: number) => head[start + k];
  if (n === 1 && at(0) === 99) return "c";
  if (n === 2 && at(0) === 115 && at(1) === 105) return "si";
  if (n === 3 && at(0) === 114 && at(1) === 111 && at(2) === 119) return "row";
  return "";
}

/** The column number of a cell tag's `r="AB12"` attribute (`A` → 1, `XFD` → 16384); 0 without one. */
function cellColumn(head: Uint8Array, len: number): number {
  for (let i = 1; i + 3 < len; i++) {
    if (head[i] !== 114 || !isSpace(head[i - 1] as number)) continue;
    let j = i + 1;
    while (j < len && isSpace(head[j] as number)) j++;
    if (head[j] !== EQUALS) continue;
    j++;
    while (j < len && isSpace(head[j] as number)) j++;
    j++; // the quote
    let column = 0;
    while (j < len && isUpper(head[j] as number) && column <= 16384)
      column = column * 26 + ((head[j++] as number) - 64);
    return column;
  }
  return 0;
}

/**
 * Counts, chunk by chunk and on the raw UTF-8 bytes (markup is ASCII), what an XML part of the
 * workbook holds, refusing it as soon as a limit is passed. Nothing is held between chunks but a
 * few counters and the head of the current tag.
 */
function xmlPartScanner(kind: "sheet" | "strings" | "other", totals: ScanTotals) {
  const L = WORKBOOK_LIMITS;
  // Counted in bytes: UTF-8 takes at most 4 a character (a text run of entities such as
  // `&amp;` may be refused a little early; no real import cell comes near).
  const maxTextBytes = L.cellChars * 4;
  const head = new Uint8Array(TAG_HEAD);
  let inTag = false;
  let headLength = 0;
  let textBytes = 0;
  let cellsInRow = 0;
  const tooLong = () => validationError(`单元格内容过长：每个单元格最多 ${L.cellChars} 个字符`);
  const tag = () => {
    const first = head[0];
    if (headLength === 0 || first === SLASH || first === QUESTION || first === BANG) return;
    if (++totals.elements > L.elements) throw validationError(`文件内容过多：最多 ${L.elements} 个 XML 元素`);
    if (kind === "other") return;
    const name = localName(head, headLength);
    if (kind === "strings") {
      if (name === "si" && ++totals.strings > L.cells)
        throw validationError(`单元格数量超过限制：最多 ${L.cells} 个单元格`);
    } else if (name === "row") {
      cellsInRow = 0;
      if (++totals.rows > L.rows) throw new SheetError("too many rows");
    } else if (name === "c") {
      if (++totals.cells > L.cells) throw validationError(`单元格数量超过限制：最多 ${L.cells} 个单元格`);
      if (++cellsInRow > L.columns || cellColumn(head, headLength) > L.columns)
        throw validationError(`工作表列数超过限制：最多 ${L.columns} 列`);
    }
  };
  return {
    chunk(bytes: Uint8Array) {
      let i = 0;
      while (i < bytes.length) {
        if (inTag) {
          const gt = bytes.indexOf(GT, i);
          const end = gt < 0 ? bytes.length : gt;
          // Byte by byte: tags are short, and a subarray per tag costs more than the copy.
          const stop = Math.min(end, i + TAG_HEAD - headLength);
          for (let k = i; k < stop; k++) head[headLength++] = bytes[k] as number;
          if (gt < 0) return;
          tag();
          inTag = false;
          textBytes = 0;
          i = gt + 1;
        } else {
          const lt = bytes.indexOf(LT, i);
          const end = lt < 0 ? bytes.length : lt;
          textBytes += end - i;
          if (textBytes > maxTextBytes) throw tooLong();
          if (lt < 0) return;
          inTag = true;
          headLength = 0;
          i = lt + 1;
        }
      }
    },
  };
}

/**
 * Refuses (422, naming the limit) an uploaded .xlsx that would expand past WORKBOOK_LIMITS: the
 * central directory is checked first, then every part is inflated and counted, stopping at the
 * first limit passed. Throws SheetError past the stored-row limit, and a plain Error when the
 * file is not a readable zip (the caller's "unreadable file" answer).
 */
export async function assertWorkbookWithinLimits(data: Uint8Array): Promise<void> {
  const L = WORKBOOK_LIMITS;
  const tooLarge = () =>
    validationError(`文件解压后过大：单个部件最多 ${L.entryBytes / MB}MB，合计最多 ${L.totalBytes / MB}MB`);
  try {
    const entries = readCentralDirectory(data, L.entries);
    let declared = 0;
    for (const e of entries) {
      declared += e.declaredSize;
      if (e.declaredSize > L.entryBytes || declared > L.totalBytes) throw tooLarge();
    }
    const totals: ScanTotals = { rows: 0, cells: 0, strings: 0, elements: 0 };
    let inflated = 0;
    for (const entry of entries) {
      if (entry.name.endsWith("/")) continue;
      const name = entry.name.toLowerCase();
      const scanner = /^xl\/worksheets\/[^/]+\.xml$/.test(name)
        ? xmlPartScanner("sheet", totals)
        : name === "xl/sharedstrings.xml"
          ? xmlPartScanner("strings", totals)
          : /\.(xml|rels|vml)$/.test(name)
            ? xmlPartScanner("other", totals)
            : null;
      const budget = Math.min(L.entryBytes, L.totalBytes - inflated);
      inflated += await inflateEntry(data, entry, budget, (chunk) => scanner?.chunk(chunk));
    }
  } catch (err) {
    if (err instanceof ZipLimitError) {
      if (err.limit === "entries") throw validationError(`文件内容过多：压缩包最多 ${L.entries} 个文件`);
      if (err.limit === "entryBytes" || err.limit === "totalBytes") throw tooLarge();
      throw new Error(err.message);
    }
    throw err;
  }
}

/**
 * The first sheet's non-blank rows as text, header first, each with its Excel row number.
 * Throws SheetError when there are more than `maxRows` data rows, and a 422 AppError when the
 * file would expand past WORKBOOK_LIMITS (checked before exceljs parses anything).
 */
export async function readFirstSheet(
  data: Uint8Array,
  maxRows: number,
): Promise<{ rowNumber: number; cells: string[] }[]> {
  await assertWorkbookWithinLimits(data);
  const wb = new (await loadExcel()).Workbook();
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
