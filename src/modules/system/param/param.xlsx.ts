import ExcelJS from "exceljs";

/** One column of an export sheet: its Chinese header and how to read the cell from a row. */
export interface SheetColumn<T> {
  header: string;
  width?: number;
  value: (row: T) => string | number | boolean | null | undefined;
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * A one-sheet workbook (header row + one row per record) as a download. The file name is
 * percent-encoded and the header exposed, so the SPA can read it across origins.
 */
export async function xlsxResponse<T>(fileName: string, columns: SheetColumn<T>[], rows: T[]) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  sheet.columns = columns.map((col, i) => ({ header: col.header, key: String(i), width: col.width ?? 16 }));
  for (const row of rows) sheet.addRow(columns.map((col) => col.value(row) ?? null));
  const buffer = await book.xlsx.writeBuffer();
  return new Response(buffer as ArrayBuffer, {
    status: 200,
    headers: {
      "Content-Type": XLSX,
      "Content-Disposition": `attachment; filename=${encodeURIComponent(fileName)}`,
      "Access-Control-Expose-Headers": "Content-Disposition",
    },
  });
}
