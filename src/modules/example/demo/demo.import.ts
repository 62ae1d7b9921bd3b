import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { AppError, badRequest } from "@/core/http/errors";
import { issueMessage } from "@/core/http/validation";
import { readFirstSheet, SheetError } from "@/core/xlsx";
import { STATUS_VALUE } from "./demo.excel";
import * as repo from "./demo.repo";
import type { ExampleInput } from "./demo.schema";
import { newRow } from "./demo.service";
import type { ExampleSpec } from "./demo.spec";

/** Rows of one upload: keeps a single request (and its transaction) short. */
export const MAX_IMPORT_ROWS = 1000;

/** Accepted header texts per field: the template's, and the export's where they differ. */
const COLUMNS = {
  name: ["名称"],
  status: ["状态"],
  description: ["描述", "备注"],
} as const;
type Field = keyof typeof COLUMNS;

const fail = (msg: string) => badRequest(`导入失败: ${msg}`);

/**
 * Imports rows from the template's first sheet (upstream: §8.2 import, bugs §14 #43). Each row is
 * checked with the create body's schema, so the import stores nothing create would refuse (no
 * "nan" descriptions). Rows whose name already exists — or repeats an earlier row — are refused,
 * never overwritten. The good rows go in one transaction, each refused row is reported with its
 * reasons: nothing is half-imported.
 */
export async function importDemos(
  deps: AppDeps,
  spec: ExampleSpec,
  p: Principal,
  file: unknown,
): Promise<string> {
  const { db } = deps;
  if (!(file instanceof File) || !file.name) throw badRequest("请选择要上传的文件");
  if (!file.name.toLowerCase().endsWith(".xlsx")) throw fail("仅支持 .xlsx 文件");
  if (file.size > deps.settings.MAX_FILE_SIZE) {
    throw fail(`文件大小超过限制，最大允许 ${Math.floor(deps.settings.MAX_FILE_SIZE / 1024 / 1024)}MB`);
  }

  let rows: Awaited<ReturnType<typeof readFirstSheet>>;
  try {
    rows = await readFirstSheet(new Uint8Array(await file.arrayBuffer()), MAX_IMPORT_ROWS);
  } catch (err) {
    if (err instanceof SheetError) throw fail(`单次最多导入${MAX_IMPORT_ROWS}条数据`);
    if (err instanceof AppError) throw err; // the workbook would expand past the limits
    deps.logger.warn("example import: unreadable workbook", { err: String(err) });
    throw fail("无法读取文件，请使用导入模板 (.xlsx)");
  }
  if (rows.length < 2) throw fail("导入文件为空");

  const [header, ...data] = rows;
  const index = {} as Record<Field, number>;
  for (const field of Object.keys(COLUMNS) as Field[]) {
    index[field] = header.cells.findIndex((h) => (COLUMNS[field] as readonly string[]).includes(h));
  }
  if (index.name < 0) throw fail("导入文件缺少必要的列: 名称");

  const errors: string[] = [];
  const candidates: { line: number; input: ExampleInput }[] = [];
  for (const row of data) {
    const line = row.rowNumber - header.rowNumber;
    const cell = (f: Field) => (index[f] >= 0 ? (row.cells[index[f]] ?? "") : "");
    const statusText = cell("status");
    const status = statusText ? STATUS_VALUE[statusText] : "0";
    const parsed = spec.input.safeParse({ name: cell("name"), status, description: cell("description") });
    const reasons: string[] = [];
    if (!status) reasons.push("状态只能为正常、停用");
    if (!parsed.success) {
      // the first problem of each field, in the body's order
      const seen = new Set<string>();
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".");
        if (seen.has(key)) continue;
        seen.add(key);
        reasons.push(issueMessage(issue));
      }
    }
    if (reasons.length || !parsed.success) {
      errors.push(`第${line}行: ${reasons.join("；")}`);
      continue;
    }
    candidates.push({ line, input: parsed.data });
  }

  const taken = await repo.takenNames(
    db,
    spec,
    candidates.map((c) => c.input.name),
  );
  const accepted: ExampleInput[] = [];
  for (const c of candidates) {
    if (taken.has(c.input.name)) {
      errors.push(`第${c.line}行: 名称已存在`);
      continue;
    }
    // a later row repeating an accepted row's name is refused as a duplicate
    taken.add(c.input.name);
    accepted.push(c.input);
  }
  errors.sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));

  if (accepted.length) {
    const values = accepted.map((input) => newRow(spec, p, input));
    await db.transaction((tx) => repo.insertDemos(tx, db, spec, values));
  }

  let report = `成功导入 ${accepted.length} 条数据`;
  if (errors.length) report += `\n错误信息:\n${errors.join("\n")}`;
  return report;
}
