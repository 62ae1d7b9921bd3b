import { buildXlsx, type SheetColumn, statusLabel } from "@/core/xlsx";
import type { RoleRow } from "./role.repo";

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
const COLUMNS: SheetColumn<RoleRow>[] = [
  { header: "角色编号", width: 10, value: (r) => r.id },
  { header: "角色名称", width: 24, value: (r) => r.name },
  { header: "角色编码", width: 16, value: (r) => r.code },
  { header: "显示顺序", width: 10, value: (r) => r.order },
  { header: "数据权限", width: 20, value: (r) => SCOPE_LABELS[r.data_scope] ?? String(r.data_scope) },
  { header: "状态", width: 8, value: (r) => statusLabel(r.status) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
];

/** One sheet: a header row, then one row per role. */
export const roleWorkbook = (rows: RoleRow[]) => buildXlsx(COLUMNS, rows);
