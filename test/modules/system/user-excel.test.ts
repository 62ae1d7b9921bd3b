import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

/* U14–U16: import template, export, import. */

let t: TestApp;
let adminHeaders: Record<string, string>;
let d2: number;
let offDept: number;

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const EXPORT_HEADERS = [
  "用户编号",
  "头像",
  "用户名称",
  "用户昵称",
  "部门",
  "部门编号",
  "邮箱",
  "手机号",
  "性别",
  "状态",
  "是否超级管理员",
  "最后登录时间",
  "备注",
  "创建时间",
  "更新时间",
  "更新者ID",
];

beforeAll(async () => {
  t = await createTestApp();
  adminHeaders = await authHeaders(t, "admin");
  const { sys_dept } = t.deps.db.t;
  d2 = t.deps.db.insertId(
    await t.deps.db.orm.insert(sys_dept).values({ name: "导出部", code: "EXP", parent_id: 1 }),
  );
  offDept = t.deps.db.insertId(
    await t.deps.db.orm.insert(sys_dept).values({ name: "停用部", code: "OFFX", parent_id: 1, status: "1" }),
  );
}, 30_000); // a fresh MariaDB database takes a few seconds on a busy machine
afterAll(() => t.close());

const post = (app: TestApp, path: string, headers: Record<string, string>, init: RequestInit = {}) =>
  app.request(`/api/v1/system/user${path}`, {
    method: "POST",
    ...init,
    headers: { ...headers, ...init.headers },
  });

async function sheetRows(res: Response): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const rows: unknown[][] = [];
  wb.worksheets[0].eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

async function workbookFile(rows: unknown[][], name = "users.xlsx", validations = false): Promise<File> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Sheet1");
  for (const r of rows) ws.addRow(r);
  if (validations) {
    const dv = (ws as unknown as { dataValidations: { add(range: string, v: object): void } })
      .dataValidations;
    dv.add("F2:F1048576", { type: "list", allowBlank: true, formulae: ['"男,女,未知"'] });
    dv.add("G2:G1048576", { type: "list", allowBlank: true, formulae: ['"正常,停用"'] });
  }
  return new File([await wb.xlsx.writeBuffer()], name);
}

function importFile(app: TestApp, headers: Record<string, string>, file?: File) {
  const fd = new FormData();
  if (file) fd.append("file", file);
  return post(app, "/import/data", headers, { body: fd });
}

async function userByName(app: TestApp, username: string) {
  const { sys_user } = app.deps.db.t;
  const [row] = await app.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, username));
  return row;
}

const HEADER = ["部门编号", "账号", "昵称", "邮箱", "手机号", "性别", "状态"];

describe("U14 POST /system/user/import/template", () => {
  test("header row, list validations; a filled-in template imports", async () => {
    const res = await post(t, "/import/template", adminHeaders);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX);
    expect(res.headers.get("content-disposition")).toBe(
      "attachment; filename=%E7%94%A8%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx",
    );
    expect(res.headers.get("access-control-expose-headers")).toContain("Content-Disposition");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0];
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    expect(ws.getColumn(1).width).toBe(12);
    expect(ws.getCell("A1").alignment?.horizontal).toBe("center");
    expect((ws.getCell("A1").fill as ExcelJS.FillPattern).pattern).toBe("solid");
    const validations = (ws as unknown as { dataValidations: { find(a: string): any } }).dataValidations;
    expect(validations.find("F2")).toMatchObject({ type: "list", formulae: ['"男,女,未知"'] });
    expect(validations.find("G1048576")).toMatchObject({ type: "list", formulae: ['"正常,停用"'] });

    // A template filled in and saved by Excel keeps those whole-column validations; exceljs is too
    // slow to rewrite the loaded template, so the same sheet is built directly.
    const filled = await workbookFile(
      [HEADER, [1, "tpl_user", "模板用户", "tpl@example.com", "13800138000", "女", "停用"]],
      "用户导入模板.xlsx",
      true,
    );
    const imported = await importFile(t, adminHeaders, filled);
    expect(await body(imported)).toMatchObject({ code: 0, msg: "导入用户成功", data: "成功导入 1 条数据" });
    expect(await userByName(t, "tpl_user")).toMatchObject({
      name: "模板用户",
      gender: "1",
      status: "1",
      dept_id: 1,
    });
  });

  test("401 and 403", async () => {
    expect((await post(t, "/import/template", {})).status).toBe(401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:export"] });
    expect((await post(t, "/import/template", other.headers)).status).toBe(403);
  });
});

describe("U15 POST /system/user/export", () => {
  test("every user in scope, with labels, as xlsx", async () => {
    const res = await post(t, "/export", adminHeaders);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX);
    expect(res.headers.get("content-disposition")).toBe("attachment; filename=user.xlsx");
    const rows = await sheetRows(res);
    expect(rows[0]).toEqual(EXPORT_HEADERS);
    const { sys_user } = t.deps.db.t;
    const live = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.is_deleted, false));
    expect(rows.length - 1).toBe(live.length);
    const superRow = rows.find((r) => r[2] === "super")!;
    expect(superRow.slice(0, 11)).toEqual([
      1,
      "/api/v1/static/image/avatar.svg",
      "super",
      "超级管理员",
      "集团总公司",
      1,
      undefined,
      undefined,
      "男",
      "启用",
      "是",
    ]);
    expect(superRow[13]).toBeInstanceOf(Date);
  });

  test("filters from the query string or from the JSON body (the SPA's)", async () => {
    const byQuery = await sheetRows(await post(t, "/export?username=admin", adminHeaders));
    expect(byQuery.slice(1).map((r) => r[2])).toEqual(["admin"]);
    const byBody = await sheetRows(
      await post(t, "/export", adminHeaders, {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          username: "super",
          page_no: 1,
          page_size: 10,
          status: null,
          created_time: [],
        }),
      }),
    );
    expect(byBody.slice(1).map((r) => r[2])).toEqual(["super"]);
    const ordered = await sheetRows(
      await post(t, `/export?order_by=${encodeURIComponent('[{"id":"desc"}]')}`, adminHeaders),
    );
    const ids = ordered.slice(1).map((r) => r[0] as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  test("no rows → 400 JSON envelope", async () => {
    const res = await post(t, "/export?username=nobody_ref", adminHeaders);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await body(res)).toMatchObject({ code: -1, msg: "没有数据可导出", success: false });
  });

  test("a scoped caller exports only its scope; 401; 403", async () => {
    const me = await createScopedUser(t, {
      permissions: ["module_system:user:export"],
      dataScope: 2,
      deptId: d2,
    });
    const rows = await sheetRows(await post(t, "/export", me.headers));
    expect(rows.slice(1).map((r) => r[2])).toEqual([me.username]);
    expect((await post(t, "/export", {})).status).toBe(401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    expect((await post(t, "/export", other.headers)).status).toBe(403);
  });
});

describe("U16 POST /system/user/import/data", () => {
  test("imports the good rows, reports each refused row, overwrites nobody", async () => {
    const userBefore = await userByName(t, "user");
    const file = await workbookFile([
      HEADER,
      [1, "imp_a", "导入甲", "a@imp.example", 13800000011, "男", "正常"],
      [d2, "imp_b", "导入乙", "", "", "未知", "停用"],
      [1, "", "没有账号", "", "", "", ""],
      [1, "imp_c", "坏邮箱", "not-mail", "", "男", "正常"],
      [1, "user", "已存在", "", "", "", ""],
      [99999, "imp_d", "没有部门", "", "", "", ""],
      [offDept, "imp_e", "停用部门", "", "", "", ""],
      [1, "imp_a", "重复账号", "", "", "", ""],
      [1, "imp_f", "坏性别", "", "", "男女", "未知状态"],
      [null, "imp_g", "无部门", { text: "g@imp.example", hyperlink: "mailto:g@imp.example" }, "", "女", ""],
    ]);
    const res = await importFile(t, adminHeaders, file);
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("导入用户成功");
    expect(b.data).toBe(
      [
        "成功导入 3 条数据",
        "错误信息:",
        "第3行: 账号不能为空",
        "第4行: 邮箱地址格式不正确",
        "第5行: 账号已存在",
        "第6行: 部门不存在",
        "第7行: 部门已被禁用",
        "第8行: 账号已存在",
        "第9行: 性别只能为男、女、未知；状态只能为正常、停用",
      ].join("\n"),
    );
    const a = await userByName(t, "imp_a");
    expect(a).toMatchObject({
      name: "导入甲",
      email: "a@imp.example",
      mobile: "13800000011",
      gender: "0",
      status: "0",
      dept_id: 1,
      is_superuser: false,
      created_id: 2,
    });
    expect(a.password).toStartWith("$argon2id$");
    expect(await t.deps.hasher.verify(a.password, "123456")).toBe(false);
    expect(await userByName(t, "imp_b")).toMatchObject({
      gender: "2",
      status: "1",
      email: null,
      mobile: null,
    });
    expect(await userByName(t, "imp_g")).toMatchObject({
      dept_id: null,
      gender: "1",
      email: "g@imp.example",
    });
    expect(await userByName(t, "imp_c")).toBeUndefined();
    const { sys_user_roles } = t.deps.db.t;
    expect(await t.deps.db.orm.select().from(sys_user_roles).where(eq(sys_user_roles.user_id, a.id))).toEqual(
      [],
    );
    const userAfter = await userByName(t, "user");
    expect(userAfter.password).toBe(userBefore.password);
    expect(userAfter.name).toBe(userBefore.name);
  });

  test("file-level refusals → 400 and nothing imported", async () => {
    const cases: [File | undefined, string][] = [
      [undefined, "请选择要上传的文件"],
      [new File(["a,b"], "users.csv"), "导入失败: 仅支持 .xlsx 文件"],
      [new File(["not a zip"], "users.xlsx"), "导入失败: 无法读取文件，请使用导入模板 (.xlsx)"],
      [await workbookFile([HEADER]), "导入失败: 导入文件为空"],
      [await workbookFile([]), "导入失败: 导入文件为空"],
      [
        await workbookFile([
          ["部门编号", "账号"],
          [1, "imp_x"],
        ]),
        "导入失败: 导入文件缺少必要的列: 昵称",
      ],
      [
        await workbookFile([HEADER, ...Array.from({ length: 1001 }, (_, i) => [1, `bulk_${i}`, "批量"])]),
        "导入失败: 单次最多导入1000条数据",
      ],
    ];
    for (const [file, msg] of cases) {
      const res = await importFile(t, adminHeaders, file);
      expect(res.status).toBe(400);
      expect(await body(res)).toMatchObject({ code: -1, msg });
    }
    expect(await userByName(t, "bulk_0")).toBeUndefined();
    expect(await userByName(t, "imp_x")).toBeUndefined();
  });

  test("sheet-wide validation and merge ranges are not expanded (a crafted file cannot stall it)", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sheet1");
    ws.addRow(HEADER);
    ws.addRow([1, "wide_range", "大范围"]);
    const dv = (ws as unknown as { dataValidations: { add(range: string, v: object): void } })
      .dataValidations;
    dv.add("A1:XFD1048576", { type: "list", allowBlank: true, formulae: ['"x,y"'] });
    ws.mergeCells("J5:K6");
    const file = new File([await wb.xlsx.writeBuffer()], "wide.xlsx");
    expect((await body(await importFile(t, adminHeaders, file))).data).toBe("成功导入 1 条数据");
  });

  test("a scoped caller imports only into departments it can see", async () => {
    const me = await createScopedUser(t, {
      permissions: ["module_system:user:import"],
      dataScope: 2,
      deptId: d2,
    });
    const file = await workbookFile([HEADER, [d2, "scoped_in", "范围内"], [1, "scoped_out", "范围外"]]);
    const b = await body(await importFile(t, me.headers, file));
    expect(b.data).toBe("成功导入 1 条数据\n错误信息:\n第2行: 部门不存在");
    expect(await userByName(t, "scoped_in")).toMatchObject({ dept_id: d2, created_id: me.id });
  });

  test("401 and 403", async () => {
    const file = await workbookFile([HEADER, [1, "nobody_1", "x"]]);
    expect((await importFile(t, {}, file)).status).toBe(401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:export"] });
    expect((await importFile(t, other.headers, file)).status).toBe(403);
  });
});

describe("export → import into a fresh app", () => {
  test("the same users come back (existing accounts are refused, not overwritten)", async () => {
    const api = client(t, adminHeaders);
    for (const [username, gender, status] of [
      ["rt_male", "0", "0"],
      ["rt_female", "1", "1"],
      ["rt_unknown", "2", "0"],
    ]) {
      const res = await api.post("/system/user/create", {
        username,
        password: "roundtrip-1",
        name: `往返${username}`,
        gender,
        status,
        email: `${username}@rt.example`,
        mobile: `1390000${String(username.length).padStart(4, "0")}`.slice(0, 11),
        dept_id: 1,
      });
      expect(res.status).toBe(200);
    }
    const exported = await post(t, "/export?username=rt_", adminHeaders);
    expect(exported.status).toBe(200);
    const file = new File([await exported.arrayBuffer()], "user.xlsx");

    const fresh = await createTestApp();
    try {
      const res = await importFile(fresh, await authHeaders(fresh, "admin"), file);
      expect(await body(res)).toMatchObject({ code: 0, data: "成功导入 3 条数据" });
      const pick = (u: Record<string, unknown>) => ({
        name: u.name,
        gender: u.gender,
        status: u.status,
        email: u.email,
        mobile: u.mobile,
        dept_id: u.dept_id,
      });
      for (const username of ["rt_male", "rt_female", "rt_unknown"]) {
        expect(pick(await userByName(fresh, username))).toEqual(pick(await userByName(t, username)));
      }
      // the source's export includes the seeded accounts: they are refused, not overwritten
      const all = await importFile(
        fresh,
        await authHeaders(fresh, "admin"),
        await (async () => {
          const r = await post(t, "/export?username=admin", adminHeaders);
          return new File([await r.arrayBuffer()], "user.xlsx");
        })(),
      );
      expect((await body(all)).data).toBe("成功导入 0 条数据\n错误信息:\n第1行: 账号已存在");
    } finally {
      await fresh.close();
    }
  }, 30_000);
});
