import { dataScopeFilter, tenantOf } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { AppError, badRequest } from "@/core/http/errors";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import { readFirstSheet, SheetError } from "@/core/xlsx";
import { GENDER_VALUE, STATUS_VALUE } from "./user.excel";
import type { UserInsert } from "./user.repo";
import * as repo from "./user.repo";
import { emailField, mobileField } from "./user.schema";

/** Each row costs a password hash (~10 ms): a bound keeps one request from running for minutes. */
export const MAX_IMPORT_ROWS = 1000;

/** Accepted header texts per field: the template's, and the export's where they differ. */
const COLUMNS = {
  dept_id: ["部门编号"],
  username: ["账号", "用户名称"],
  name: ["昵称", "用户昵称"],
  email: ["邮箱"],
  mobile: ["手机号"],
  gender: ["性别"],
  status: ["状态"],
} as const;
type Field = keyof typeof COLUMNS;
const REQUIRED: Field[] = ["dept_id", "username", "name"];

interface Candidate {
  line: number;
  username: string;
  name: string;
  dept_id: number | null;
  email: string | null;
  mobile: string | null;
  gender: string;
  status: string;
}

const fail = (msg: string) => badRequest(`导入失败: ${msg}`);

/** A password nobody knows: imported accounts are usable only after an administrator resets it. */
function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Imports users from the template's sheet. Every row is checked first; the good rows are
 * written in one transaction and each refused row is reported with its reasons, so nothing is
 * half-imported. Existing accounts are refused, never overwritten (upstream reset their
 * passwords, §16 #36); new accounts get a random unknown password and no roles.
 */
export async function importUsers(deps: AppDeps, p: Principal, file: unknown): Promise<string> {
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
    deps.logger.warn("user import: unreadable workbook", { err: String(err) });
    throw fail("无法读取文件，请使用导入模板 (.xlsx)");
  }
  if (rows.length < 2) throw fail("导入文件为空");

  const [header, ...data] = rows;
  const index = {} as Record<Field, number>;
  for (const field of Object.keys(COLUMNS) as Field[]) {
    index[field] = header.cells.findIndex((h) => (COLUMNS[field] as readonly string[]).includes(h));
  }
  const missing = REQUIRED.filter((f) => index[f] < 0).map((f) => COLUMNS[f][0]);
  if (missing.length) throw fail(`导入文件缺少必要的列: ${missing.join(", ")}`);

  const errors: string[] = [];
  const candidates: Candidate[] = [];
  for (const row of data) {
    const line = row.rowNumber - header.rowNumber;
    const cell = (f: Field) => (index[f] >= 0 ? (row.cells[index[f]] ?? "") : "");
    const reasons: string[] = [];

    const username = cell("username");
    if (!username) reasons.push("账号不能为空");
    else if (username.length > 32) reasons.push("账号长度不能超过32个字符");
    const name = cell("name");
    if (!name) reasons.push("昵称不能为空");
    else if (name.length > 32) reasons.push("昵称长度不能超过32个字符");

    let dept_id: number | null = null;
    const deptText = cell("dept_id");
    if (deptText) {
      if (/^\d+$/.test(deptText)) dept_id = Number(deptText);
      else reasons.push("部门编号必须为整数");
    }

    const email = emailField.safeParse(cell("email"));
    if (!email.success) reasons.push("邮箱地址格式不正确");
    const mobile = mobileField.safeParse(cell("mobile"));
    if (!mobile.success) reasons.push("手机号格式不正确");

    const genderText = cell("gender");
    const gender = genderText ? GENDER_VALUE[genderText] : "2";
    if (!gender) reasons.push("性别只能为男、女、未知");
    const statusText = cell("status");
    const status = statusText ? STATUS_VALUE[statusText] : "0";
    if (!status) reasons.push("状态只能为正常、停用");

    if (reasons.length) {
      errors.push(`第${line}行: ${reasons.join("；")}`);
      continue;
    }
    candidates.push({
      line,
      username,
      name,
      dept_id,
      email: email.data ?? null,
      mobile: mobile.data ?? null,
      gender,
      status,
    });
  }

  // Departments must be visible to the caller and enabled, as in a single create.
  const deptIds = [...new Set(candidates.map((c) => c.dept_id).filter((d): d is number => d !== null))];
  const deptScope = await dataScopeFilter(db, p, { kind: "dept", id: db.t.sys_dept.id });
  const depts = new Map((await repo.visibleDepts(db, deptIds, deptScope)).map((d) => [d.id, d.status]));

  const existing = await repo.identitiesAmong(db, {
    usernames: candidates.map((c) => c.username),
    mobiles: candidates.flatMap((c) => (c.mobile ? [c.mobile] : [])),
    emails: candidates.flatMap((c) => (c.email ? [c.email] : [])),
  });
  const usernames = new Set(existing.map((e) => e.username));
  const mobiles = new Set(existing.flatMap((e) => (e.mobile ? [e.mobile] : [])));
  const emails = new Set(existing.flatMap((e) => (e.email ? [e.email] : [])));

  const accepted: Candidate[] = [];
  for (const c of candidates) {
    const reasons: string[] = [];
    if (usernames.has(c.username)) reasons.push("账号已存在");
    if (c.mobile && mobiles.has(c.mobile)) reasons.push("手机号已存在");
    if (c.email && emails.has(c.email)) reasons.push("邮箱已存在");
    if (c.dept_id !== null) {
      const deptStatus = depts.get(c.dept_id);
      if (deptStatus === undefined) reasons.push("部门不存在");
      else if (deptStatus !== "0") reasons.push("部门已被禁用");
    }
    if (reasons.length) {
      errors.push(`第${c.line}行: ${reasons.join("；")}`);
      continue;
    }
    // Later rows repeating an accepted row's account, mobile or email are refused as duplicates.
    usernames.add(c.username);
    if (c.mobile) mobiles.add(c.mobile);
    if (c.email) emails.add(c.email);
    accepted.push(c);
  }
  errors.sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));

  if (accepted.length) {
    const values: UserInsert[] = await mapLimit(accepted, 4, async (c) => ({
      username: c.username,
      password: await deps.hasher.hash(randomPassword()),
      name: c.name,
      dept_id: c.dept_id,
      email: c.email,
      mobile: c.mobile,
      gender: c.gender,
      status: c.status,
      is_superuser: false,
      tenant_id: tenantOf(p),
      created_id: p.id,
      updated_id: p.id,
    }));
    // Someone taking one of these accounts meanwhile rolls the whole batch back.
    await conflictOnDuplicate(db, "导入失败: 账号、手机号或邮箱已存在，请重新导入", () =>
      db.transaction((tx) => repo.insertUsers(tx, db, values)),
    );
  }

  let report = `成功导入 ${accepted.length} 条数据`;
  if (errors.length) report += `\n错误信息:\n${errors.join("\n")}`;
  return report;
}
