import { buildXlsx, type SheetColumn, statusLabel } from "@/core/xlsx";
import type { PositionRow } from "./position.repo";

/** Header titles and cell values, in the contract's column order (P7). */
const COLUMNS: SheetColumn<PositionRow>[] = [
  { header: "编号", width: 12, value: (r) => r.id },
  { header: "岗位名称", width: 24, value: (r) => r.name },
  { header: "显示顺序", width: 12, value: (r) => r.order },
  { header: "状态", width: 12, value: (r) => statusLabel(r.status) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
  { header: "创建者ID", width: 12, value: (r) => r.created_id },
  { header: "更新者ID", width: 12, value: (r) => r.updated_id },
];

/** One sheet, a header row and one row per position (header only when there are none). */
export const positionWorkbook = (rows: PositionRow[]) => buildXlsx(COLUMNS, rows);
