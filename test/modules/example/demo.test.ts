import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, like } from "drizzle-orm";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

/* §8: the example plugin's demo (gen_demo, typed columns a–i) and demo01 (gen_demo01). */

let t: TestApp;
let adminHeaders: Record<string, string>;
let admin: ReturnType<typeof client>;
let n = 0;

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

beforeAll(async () => {
  t = await createTestApp();
  adminHeaders = await authHeaders(t, "admin");
  admin = client(t, adminHeaders);
}, 30_000);
afterAll(() => t.close());

type Row = {
  id: number;
  name: string;
  status: string;
  description: string | null;
  created_id: number | null;
};

const KINDS = [
  { key: "demo", table: "gen_demo", label: "示例", template: "示例导入模板.xlsx" },
  { key: "demo01", table: "gen_demo01", label: "示例01", template: "示例01导入模板.xlsx" },
] as const;
type Kind = (typeof KINDS)[number];

const COMMON_KEYS = [
  "created_by",
  "created_id",
  "created_time",
  "deleted_by",
  "deleted_id",
  "deleted_time",
  "description",
  "id",
  "is_deleted",
  "name",
  "status",
  "updated_by",
  "updated_id",
  "updated_time",
  "uuid",
];
const TYPED = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
const keysOf = (k: Kind) => (k.key === "demo" ? [...COMMON_KEYS, ...TYPED] : COMMON_KEYS).sort();

const perms = (k: Kind) =>
  ["query", "detail", "create", "update", "delete", "patch", "export", "import", "download"].map(
    (a) => `module_example:${k.key}:${a}`,
  );

async function make(k: Kind, c = admin, fields: Record<string, unknown> = {}): Promise<Row> {
  n++;
  const res = await c.post(`/example/${k.key}/create`, { name: `row_${n}`, ...fields });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data;
}

async function stored(k: Kind, id: number) {
  const table = t.deps.db.t[k.table];
  const [row] = await t.deps.db.orm.select().from(table).where(eq(table.id, id));
  return row;
}

async function sheetRows(res: Response): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const rows: unknown[][] = [];
  wb.worksheets[0].eachRow((row) => {
    // exceljs leaves empty cells as holes, which map() would skip
    rows.push(Array.from((row.values as unknown[]).slice(1), (v) => v ?? null));
  });
  return rows;
}

async function workbookFile(rows: unknown[][], name = "import.xlsx"): Promise<File> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Sheet1");
  for (const r of rows) ws.addRow(r);
  return new File([await wb.xlsx.writeBuffer()], name);
}

function upload(k: Kind, headers: Record<string, string>, file?: File) {
  const fd = new FormData();
  if (file) fd.append("file", file);
  return t.request(`/api/v1/example/${k.key}/import`, { method: "POST", headers, body: fd });
}

const FULL = {
  name: "demoref",
  status: "0",
  description: "reference",
  a: 1,
  b: 9007199254740,
  c: 1.5,
  d: true,
  e: "2025-01-31",
  f: "12:30:00",
  g: "2025-01-31 12:30:00",
  h: "long text",
  i: { k: "v" },
};

describe("demo's typed columns (gen_demo a–i)", () => {
  test("create stores and returns every kind of column (the capture's body)", async () => {
    const res = await admin.post("/example/demo/create", FULL);
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "创建示例成功" });
    expect(Object.keys(b.data).sort()).toEqual(keysOf(KINDS[0]));
    expect(b.data).toMatchObject({
      ...FULL,
      is_deleted: false,
      deleted_time: null,
      created_id: 2,
      created_by: { id: 2, name: "管理员" },
      updated_by: { id: 2, name: "管理员" },
      deleted_by: null,
    });
    const detail = await body(await admin.get(`/example/demo/detail/${b.data.id}`));
    expect(detail).toMatchObject({ code: 0, msg: "获取示例详情成功", data: FULL });
  });

  test("values at the edges of their types round-trip exactly", async () => {
    const edge = {
      name: "edge_values",
      a: -2147483648,
      b: -9007199254740991,
      c: 0.1,
      d: false,
      e: "2024-02-29",
      f: "23:59:59",
      g: "1999-12-31 23:59:59",
      h: "多字节文本 ✓",
      i: { nested: { list: [1, "二", null], flag: true } },
    };
    const created = await body(await admin.post("/example/demo/create", edge));
    expect(created.data).toMatchObject(edge);
    expect((await body(await admin.get(`/example/demo/detail/${created.data.id}`))).data).toMatchObject(edge);
  });

  test("defaults: d true, others null; form values are normalised", async () => {
    const plain = await make(KINDS[0]);
    expect(plain).toMatchObject({ status: "0", description: null, a: null, b: null, c: null, d: true });
    expect(plain).toMatchObject({ e: null, f: null, g: null, h: null, i: null });
    const form = await make(KINDS[0], admin, {
      a: "7",
      c: "2.25",
      d: "false",
      e: "",
      f: "08:05",
      g: "2025-03-04T05:06:07.123",
      i: '{"x": 1}',
      status: 1,
    });
    expect(form).toMatchObject({ a: 7, c: 2.25, d: false, e: null, f: "08:05:00", g: "2025-03-04 05:06:07" });
    expect(form).toMatchObject({ i: { x: 1 }, status: "1" });
  });

  test("typed field validation (422 code 1)", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ a: 1.5 }, "类型错误，提交参数应该为整数！"],
      [{ a: 2147483648 }, "a: 不能大于 2147483647"],
      [{ b: 2 ** 60 }, "b: 不能大于 9007199254740991"],
      [{ c: "abc" }, "类型错误，提交参数应该为整数！"],
      [{ d: "maybe" }, "类型错误，提交参数应该为布尔值！"],
      [{ d: null }, "类型错误，提交参数应该为布尔值！"],
      [{ e: "2025-02-30" }, "e 必须为日期 (YYYY-MM-DD)"],
      [{ e: "31/01/2025" }, "e 必须为日期 (YYYY-MM-DD)"],
      [{ f: "24:00:00" }, "f 必须为时间 (HH:MM:SS)"],
      [{ g: "2025-01-31T12:30:00Z" }, "g 必须为日期时间 (YYYY-MM-DD HH:MM:SS)"],
      [{ g: "yesterday" }, "g 必须为日期时间 (YYYY-MM-DD HH:MM:SS)"],
      [{ h: "字".repeat(21846) }, "h 长度不能超过65535字节"],
      [{ i: [1, 2] }, "i 必须为 JSON 对象"],
      [{ i: "not json" }, "i 必须为 JSON 对象"],
      [{ i: 5 }, "i 必须为 JSON 对象"],
    ];
    for (const [fields, msg] of cases) {
      const payload = { name: "typed_bad", ...fields };
      const res = await admin.post("/example/demo/create", payload);
      expect({ fields, status: res.status }).toEqual({ fields, status: 422 });
      const b = await body(res);
      expect({ fields, code: b.code, msg: b.msg }).toEqual({ fields, code: 1, msg });
    }
    const { gen_demo } = t.deps.db.t;
    expect(await t.deps.db.orm.select().from(gen_demo).where(eq(gen_demo.name, "typed_bad"))).toHaveLength(0);
  });

  test("update writes only the typed fields sent; null clears one", async () => {
    const row = await make(KINDS[0], admin, { a: 5, e: "2025-01-01", i: { keep: 1 } });
    const res = await admin.put(`/example/demo/update/${row.id}`, { name: row.name, a: null, c: 3.5 });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({
      a: null,
      c: 3.5,
      e: "2025-01-01",
      i: { keep: 1 },
      d: true,
    });
    expect(await stored(KINDS[0], row.id)).toMatchObject({ a: null, c: 3.5, e: "2025-01-01" });
  });

  test("demo01 rows have no typed fields; demo01 ignores them in a body", async () => {
    const row = await make(KINDS[1], admin, { a: 5, i: { x: 1 } });
    expect(Object.keys(row).sort()).toEqual(keysOf(KINDS[1]));
  });
});

describe("name rules (§14 #42 fixed)", () => {
  test("demo accepts letters of any script, digits, _ and - mixed; demo01 ASCII only", async () => {
    for (const name of ["demo_ref", "a-b_1", "示例名称", "abc123"]) {
      const res = await admin.post("/example/demo/create", { name, status: "0" });
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
    expect((await admin.post("/example/demo01/create", { name: "demo01_ref-1" })).status).toBe(200);
    const cjk = await admin.post("/example/demo01/create", { name: "示例名称" });
    expect(cjk.status).toBe(422);
    expect((await body(cjk)).msg).toBe("名称只能包含字母、数字、下划线和中划线");
  });

  for (const k of KINDS) {
    test(`${k.key}: common validation messages (422 code 1, body echoed)`, async () => {
      const cases: [unknown, string][] = [
        [{}, "请求失败，缺少必填项！"],
        [{ name: "   " }, "名称不能为空"],
        [{ name: "a" }, "名称长度必须在2-50个字符之间"],
        [{ name: "x".repeat(51) }, "名称长度必须在2-50个字符之间"],
        [{ name: "a b" }, "名称只能包含字母、数字、下划线和中划线"],
        [{ name: "a.b" }, "名称只能包含字母、数字、下划线和中划线"],
        [{ name: "ab", status: "2" }, "是否启用必须为0或1"],
        [{ name: "ab", description: "d".repeat(256) }, "描述长度不能超过255个字符"],
      ];
      for (const [payload, msg] of cases) {
        const res = await admin.post(`/example/${k.key}/create`, payload);
        expect(res.status).toBe(422);
        expect(await body(res)).toMatchObject({ code: 1, msg, data: payload as any });
      }
    });
  }
});

for (const k of KINDS) {
  const base = `/example/${k.key}`;

  describe(`${k.key}: create / detail / update`, () => {
    test("create trims the name, fills audit users; duplicate → 409", async () => {
      const res = await admin.post(`${base}/create`, {
        name: `  ${k.key}_trim  `,
        description: "d",
        extra: 1,
      });
      const b = await body(res);
      expect(b).toMatchObject({ code: 0, msg: `创建${k.label}成功` });
      expect(Object.keys(b.data).sort()).toEqual(keysOf(k));
      expect(b.data).toMatchObject({ name: `${k.key}_trim`, status: "0", description: "d", created_id: 2 });
      const dup = await admin.post(`${base}/create`, { name: `${k.key}_trim` });
      expect(dup.status).toBe(409);
      expect(await body(dup)).toMatchObject({ code: -1, msg: "创建失败，名称已存在", data: null });
    });

    test("detail; missing → 404 该数据不存在", async () => {
      const row = await make(k);
      const b = await body(await admin.get(`${base}/detail/${row.id}`));
      expect(b).toMatchObject({
        code: 0,
        msg: `获取${k.label}详情成功`,
        data: { id: row.id, name: row.name },
      });
      const missing = await admin.get(`${base}/detail/999999`);
      expect(missing.status).toBe(404);
      expect(await body(missing)).toMatchObject({ code: -1, msg: "该数据不存在", data: null });
    });

    test("update: partial write, updater recorded; missing 404, duplicate 409, bad body 422", async () => {
      const row = await make(k, admin, { status: "1", description: "keep" });
      const other = await make(k);
      const superUser = client(t, await authHeaders(t, "super"));
      const res = await superUser.put(`${base}/update/${row.id}`, { name: `${row.name}x` });
      const b = await body(res);
      expect(b).toMatchObject({ code: 0, msg: `修改${k.label}成功` });
      expect(b.data).toMatchObject({
        name: `${row.name}x`,
        status: "1",
        description: "keep",
        created_id: 2,
        updated_id: 1,
        updated_by: { id: 1, name: "超级管理员" },
      });
      const missing = await admin.put(`${base}/update/999999`, { name: "abc" });
      expect(missing.status).toBe(404);
      expect((await body(missing)).msg).toBe("更新失败，该数据不存在");
      const dup = await admin.put(`${base}/update/${row.id}`, { name: other.name });
      expect(dup.status).toBe(409);
      expect((await body(dup)).msg).toBe("更新失败，名称重复");
      expect(
        (await admin.put(`${base}/update/${row.id}`, { name: `${row.name}x`, description: "" })).status,
      ).toBe(200);
      expect((await stored(k, row.id)).description).toBeNull();
      expect((await admin.put(`${base}/update/${row.id}`, { name: "a b" })).status).toBe(422);
      expect((await stored(k, row.id)).name).toBe(`${row.name}x`);
    });
  });

  describe(`${k.key}: list`, () => {
    test("paged, newest first, filters (name, description, status, times, creator) and order_by", async () => {
      const tag = `L${k.key}${Date.now() % 100000}`;
      const first = await make(k, admin, { name: `${tag}_a`, description: "备注_一" });
      const second = await make(k, admin, { name: `${tag}_b`, status: "1", description: "备注二" });
      const table = t.deps.db.t[k.table];
      await t.deps.db.orm
        .update(table)
        .set({ updated_time: "2099-01-01 00:00:00" })
        .where(eq(table.id, first.id));
      const q = `name=${encodeURIComponent(tag)}`;

      const b = await body(await admin.get(`${base}/list?page_no=1&page_size=1&${q}`));
      expect(b).toMatchObject({ code: 0, msg: `查询${k.label}列表成功` });
      expect(b.data).toMatchObject({ total: 2, page_no: 1, page_size: 1, has_next: true });
      expect(b.data.items.map((x: Row) => x.id)).toEqual([first.id]);
      expect(Object.keys(b.data.items[0]).sort()).toEqual(keysOf(k));

      const ids = async (query: string) =>
        (await body(await admin.get(`${base}/list?${q}&${query}`))).data.items.map((x: Row) => x.id);
      expect(await ids(`order_by=${encodeURIComponent('[{"id":"asc"}]')}`)).toEqual([first.id, second.id]);
      expect(await ids("status=1")).toEqual([second.id]);
      expect(await ids(`description=${encodeURIComponent("备注_")}`)).toEqual([first.id]);
      expect(await ids("updated_time=2098-12-31 00:00:00&updated_time=2099-01-02 00:00:00")).toEqual([
        first.id,
      ]);
      expect(await ids("created_id=1")).toEqual([]);
    });

    test("bad paging → 422, unknown order field → 400", async () => {
      expect((await admin.get(`${base}/list?page_no=0`)).status).toBe(422);
      const res = await admin.get(`${base}/list?order_by=${encodeURIComponent('[{"nope":"asc"}]')}`);
      expect(res.status).toBe(400);
      expect((await body(res)).code).toBe(-1);
    });
  });

  describe(`${k.key}: delete and status`, () => {
    test("status of every id; empty 400, bad status 422, missing 404 naming the id (nothing written)", async () => {
      const a = await make(k);
      const b = await make(k);
      const res = await admin.patch(`${base}/available/setting`, { ids: [a.id, b.id], status: "1" });
      expect(await body(res)).toMatchObject({ code: 0, msg: `批量修改${k.label}状态成功`, data: null });
      expect((await stored(k, a.id)).status).toBe("1");
      expect((await stored(k, b.id)).status).toBe("1");
      expect((await admin.patch(`${base}/available/setting`, { ids: [], status: "0" })).status).toBe(400);
      expect((await admin.patch(`${base}/available/setting`, { ids: [a.id], status: "on" })).status).toBe(
        422,
      );
      const missing = await admin.patch(`${base}/available/setting`, { ids: [a.id, 999999], status: "0" });
      expect(missing.status).toBe(404);
      expect((await body(missing)).msg).toBe("修改失败，ID为999999的数据不存在");
      expect((await stored(k, a.id)).status).toBe("1");
    });

    test("soft delete with audit; empty 400, not a list 422, missing 404 naming the id", async () => {
      const a = await make(k);
      const keep = await make(k);
      const res = await admin.delete(`${base}/delete`, [a.id]);
      expect(await body(res)).toMatchObject({ code: 0, msg: `删除${k.label}成功`, data: null });
      expect(await stored(k, a.id)).toMatchObject({ is_deleted: true, deleted_id: 2 });
      expect((await admin.get(`${base}/detail/${a.id}`)).status).toBe(404);
      // the name is free again
      expect((await admin.post(`${base}/create`, { name: a.name })).status).toBe(200);

      const empty = await admin.delete(`${base}/delete`, []);
      expect(empty.status).toBe(400);
      expect((await body(empty)).msg).toBe("删除失败，删除对象不能为空");
      expect((await admin.delete(`${base}/delete`, { ids: [keep.id] })).status).toBe(422);
      const missing = await admin.delete(`${base}/delete`, [keep.id, a.id]);
      expect(missing.status).toBe(404);
      expect((await body(missing)).msg).toBe(`删除失败，ID为${a.id}的数据不存在`);
      expect((await stored(k, keep.id)).is_deleted).toBe(false);
    });
  });

  describe(`${k.key}: export, template, import`, () => {
    test("export: the contract's columns, creator's name; filters from query or JSON body", async () => {
      const tag = `X${k.key}${Date.now() % 100000}`;
      const on = await make(k, admin, { name: `${tag}_on`, description: "备注" });
      const off = await make(k, client(t, await authHeaders(t, "super")), {
        name: `${tag}_off`,
        status: "1",
      });

      const res = await admin.post(`${base}/export?name=${tag}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(XLSX);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename=${k.key}.xlsx`);
      expect(res.headers.get("access-control-expose-headers")).toContain("Content-Disposition");
      const rows = await sheetRows(res);
      expect(rows[0]).toEqual(["编号", "名称", "状态", "备注", "创建时间", "更新时间", "创建者"]);
      expect(rows.slice(1).map((r) => r[0])).toEqual([on.id, off.id]);
      expect(rows[1].slice(1, 4)).toEqual([on.name, "启用", "备注"]);
      expect(rows[1][6]).toBe("管理员");
      expect(rows[2].slice(2, 4)).toEqual(["停用", null]);
      expect(rows[2][6]).toBe("超级管理员");

      // the SPA's way: filters in the body (upstream exported the whole table)
      const viaBody = await sheetRows(
        await admin.post(`${base}/export`, { name: tag, status: "1", page_no: 1 }),
      );
      expect(viaBody.slice(1).map((r) => r[0])).toEqual([off.id]);
      expect(await sheetRows(await admin.post(`${base}/export`, { name: "no_such_row_name" }))).toHaveLength(
        1,
      );
      const bad = await admin.post(`${base}/export`, { created_time: ["x", "y"] });
      expect(bad.status).toBe(422);
      expect(bad.headers.get("content-type")).toContain("application/json");
    });

    test("template: 名称/状态/描述 header, styled, 正常/停用 list on the status column", async () => {
      const res = await admin.post(`${base}/download/template`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(XLSX);
      expect(res.headers.get("content-disposition")).toBe(
        `attachment; filename=${encodeURIComponent(k.template)}`,
      );
      const bytes = await res.arrayBuffer();
      const zip = await JSZip.loadAsync(bytes);
      const sheetXml = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
      expect(sheetXml).toContain('sqref="B2:B1048576"');
      expect(sheetXml).toContain("&quot;正常,停用&quot;");
      const wb = new ExcelJS.Workbook();
      // read without expanding the million-row validation
      await wb.xlsx.load(bytes, { ignoreNodes: ["dataValidations"] } as object);
      const ws = wb.worksheets[0];
      expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(["名称", "状态", "描述"]);
      expect(ws.getColumn(1).width).toBe(12);
      expect(ws.getCell("A1").alignment?.horizontal).toBe("center");
      expect((ws.getCell("B1").fill as ExcelJS.FillPattern).pattern).toBe("solid");
    });

    test("import: good rows stored, bad rows reported, existing names refused (not overwritten)", async () => {
      const tag = `I${k.key}${Date.now() % 100000}`;
      const existing = await make(k, admin, { name: `${tag}_old`, description: "原描述" });
      const file = await workbookFile([
        ["名称", "状态", "描述"],
        [`${tag}_new1`, "正常", "第一"],
        [`${tag}_new2`, "停用", null],
        ["", "正常", "缺名称"],
        [`${tag}_old`, "停用", "覆盖?"],
        ["a b", "正常", null],
        [`${tag}_new1`, "正常", "重复"],
        [`${tag}_bad_status`, "未知", null],
        [`${tag}_long`, "正常", "d".repeat(256)],
      ]);
      const res = await upload(k, adminHeaders, file);
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b).toMatchObject({ code: 0, msg: `导入${k.label}成功` });
      expect(b.data).toBe(
        [
          "成功导入 2 条数据",
          "错误信息:",
          "第3行: 名称不能为空",
          "第4行: 名称已存在",
          "第5行: 名称只能包含字母、数字、下划线和中划线",
          "第6行: 名称已存在",
          "第7行: 状态只能为正常、停用",
          "第8行: 描述长度不能超过255个字符",
        ].join("\n"),
      );
      const table = t.deps.db.t[k.table];
      const rows = await t.deps.db.orm
        .select()
        .from(table)
        .where(like(table.name, `${tag}%`));
      expect(rows.map((r) => r.name).sort()).toEqual([`${tag}_new1`, `${tag}_new2`, `${tag}_old`].sort());
      const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
      expect(byName[`${tag}_new1`]).toMatchObject({
        status: "0",
        description: "第一",
        created_id: 2,
        updated_id: 2,
      });
      // an empty description cell is null, not the text "nan" (§14 #43)
      expect(byName[`${tag}_new2`]).toMatchObject({ status: "1", description: null });
      expect(byName[`${tag}_old`]).toMatchObject({ id: existing.id, status: "0", description: "原描述" });
      if (k.key === "demo") expect(byName[`${tag}_new1`]).toMatchObject({ d: true, a: null, i: null });
    });

    test("import: an exported file imports again", async () => {
      const tag = `R${k.key}${Date.now() % 100000}`;
      const a = await make(k, admin, { name: `${tag}_a`, description: "往返" });
      const b = await make(k, admin, { name: `${tag}_b`, status: "1" });
      const exported = await admin.post(`${base}/export`, { name: tag });
      const file = new File([await exported.arrayBuffer()], `${k.key}.xlsx`);
      // while the rows exist, every row is refused and nothing changes
      const refused = await body(await upload(k, adminHeaders, file));
      expect(refused.data).toBe("成功导入 0 条数据\n错误信息:\n第1行: 名称已存在\n第2行: 名称已存在");
      expect((await admin.delete(`${base}/delete`, [a.id, b.id])).status).toBe(200);
      const again = await body(await upload(k, adminHeaders, file));
      expect(again).toMatchObject({ code: 0, data: "成功导入 2 条数据" });
      const list = (
        await body(
          await admin.get(`${base}/list?name=${tag}&order_by=${encodeURIComponent('[{"id":"asc"}]')}`),
        )
      ).data.items;
      expect(list.map((r: Row) => [r.name, r.status, r.description])).toEqual([
        [`${tag}_a`, "0", "往返"],
        [`${tag}_b`, "1", null],
      ]);
    });

    test("import refusals: no file, not xlsx, unreadable, empty, missing 名称 column (400, nothing stored)", async () => {
      const cases: [File | undefined, string][] = [
        [undefined, "请选择要上传的文件"],
        [new File(["a,b"], "rows.csv"), "导入失败: 仅支持 .xlsx 文件"],
        [new File(["not a zip"], "rows.xlsx"), "导入失败: 无法读取文件，请使用导入模板 (.xlsx)"],
        [await workbookFile([["名称", "状态", "描述"]]), "导入失败: 导入文件为空"],
        [
          await workbookFile([
            ["标题", "状态"],
            ["zz_nope", "正常"],
          ]),
          "导入失败: 导入文件缺少必要的列: 名称",
        ],
      ];
      for (const [file, msg] of cases) {
        const res = await upload(k, adminHeaders, file);
        expect({ msg, status: res.status }).toEqual({ msg, status: 400 });
        expect(await body(res)).toMatchObject({ code: -1, msg });
      }
      const table = t.deps.db.t[k.table];
      expect(await t.deps.db.orm.select().from(table).where(eq(table.name, "zz_nope"))).toHaveLength(0);
    });
  });

  describe(`${k.key}: security`, () => {
    const endpoints: [string, string, unknown?][] = [
      ["get", `${base}/list`],
      ["get", `${base}/detail/1`],
      ["post", `${base}/create`, { name: "ab" }],
      ["put", `${base}/update/1`, { name: "ab" }],
      ["delete", `${base}/delete`, [1]],
      ["patch", `${base}/available/setting`, { ids: [1], status: "1" }],
      ["post", `${base}/export`, {}],
      ["post", `${base}/import`],
      ["post", `${base}/download/template`],
    ];

    test("no token → 401 code 10401", async () => {
      const anon = client(t);
      for (const [method, path, payload] of endpoints) {
        const res = await (anon as any)[method](path, payload);
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
        expect((await body(res)).code).toBe(10401);
      }
    });

    test("holding only the other table's permissions → 403 code 10403 (files too, as JSON)", async () => {
      const other = KINDS.find((x) => x.key !== k.key)!;
      const u = await createScopedUser(t, { permissions: perms(other) });
      const c = client(t, u.headers);
      for (const [method, path, payload] of endpoints) {
        const res = await (c as any)[method](path, payload);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        expect(res.headers.get("content-type")).toContain("application/json");
        expect(await body(res)).toMatchObject({ code: 10403, msg: "无权限操作" });
      }
    });
  });

  describe(`${k.key}: data scope`, () => {
    test("scope 1 sees only its own rows in list, detail, export; others' rows are not found", async () => {
      const byAdmin = await make(k);
      const u = await createScopedUser(t, { permissions: perms(k), dataScope: 1 });
      const c = client(t, u.headers);
      const mine = await make(k, c);
      expect(mine.created_id).toBe(u.id);
      const listed = (await body(await c.get(`${base}/list?page_size=100`))).data.items.map((x: Row) => x.id);
      expect(listed).toEqual([mine.id]);
      expect((await c.get(`${base}/detail/${byAdmin.id}`)).status).toBe(404);
      expect((await c.put(`${base}/update/${byAdmin.id}`, { name: "takeover" })).status).toBe(404);
      expect((await c.delete(`${base}/delete`, [byAdmin.id])).status).toBe(404);
      expect((await c.patch(`${base}/available/setting`, { ids: [byAdmin.id], status: "1" })).status).toBe(
        404,
      );
      expect(await stored(k, byAdmin.id)).toMatchObject({
        name: byAdmin.name,
        status: "0",
        is_deleted: false,
      });
      const exported = await sheetRows(await c.post(`${base}/export`));
      expect(exported.slice(1).map((r) => r[0])).toEqual([mine.id]);
      // rows it imports are its own
      const imported = await body(
        await upload(k, u.headers, await workbookFile([["名称"], [`scoped_${k.key}_imp`]])),
      );
      expect(imported.data).toBe("成功导入 1 条数据");
      expect((await body(await c.get(`${base}/list?page_size=100`))).data.total).toBe(2);
      expect((await c.put(`${base}/update/${mine.id}`, { name: `${mine.name}_mine` })).status).toBe(200);
    });
  });
}
