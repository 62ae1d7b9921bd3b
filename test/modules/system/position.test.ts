import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

let t: TestApp;
let admin: ReturnType<typeof client>;
let n = 0;

const ALL = [
  "module_system:position:query",
  "module_system:position:detail",
  "module_system:position:create",
  "module_system:position:update",
  "module_system:position:delete",
  "module_system:position:patch",
  "module_system:position:export",
];

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
});
afterAll(async () => {
  await t.close();
});

type Position = {
  id: number;
  name: string;
  order: number;
  status: string;
  description: string | null;
  created_id: number | null;
  updated_id: number | null;
  created_by: { id: number; name: string } | null;
};

async function makePosition(c = admin, fields: Record<string, unknown> = {}): Promise<Position> {
  n++;
  const res = await c.post("/system/position/create", { name: `岗位${n}`, ...fields });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data;
}

async function positionRow(id: number) {
  const { sys_position } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_position).where(eq(sys_position.id, id));
  return row;
}

async function readXlsx(res: Response): Promise<(string | number | null)[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const rows: (string | number | null)[][] = [];
  book.worksheets[0].eachRow((row) => {
    rows.push(
      (row.values as unknown[]).slice(1).map((v) => (v === undefined ? null : (v as string | number))),
    );
  });
  return rows;
}

const KEYS = [
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
  "order",
  "status",
  "updated_by",
  "updated_id",
  "updated_time",
  "uuid",
].sort();

describe("POST /system/position/create", () => {
  test("creates with audit users and defaults", async () => {
    const res = await admin.post("/system/position/create", {
      name: "  参考岗位  ",
      description: "ref",
      extra: 1,
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "创建岗位成功" });
    expect(Object.keys(b.data).sort()).toEqual(KEYS);
    expect(b.data).toMatchObject({
      name: "参考岗位",
      order: 1,
      status: "0",
      description: "ref",
      is_deleted: false,
      deleted_time: null,
      created_id: 2,
      created_by: { id: 2, name: "管理员" },
      updated_id: 2,
      updated_by: { id: 2, name: "管理员" },
      deleted_id: null,
      deleted_by: null,
    });
  });

  test("validation (422 code 1)", async () => {
    const cases: [unknown, string][] = [
      [{}, "请求失败，缺少必填项！"],
      [{ name: "   " }, "岗位名称不能为空"],
      [{ name: "x".repeat(65) }, "岗位名称长度不能超过64个字符"],
      [{ name: "x", order: 0 }, "显示顺序不能小于1"],
      [{ name: "x", status: "9" }, "状态只能是 0 或 1"],
      [{ name: "x", description: "d".repeat(256) }, "备注长度不能超过255个字符"],
    ];
    for (const [payload, msg] of cases) {
      const res = await admin.post("/system/position/create", payload);
      expect(res.status).toBe(422);
      expect(await body(res)).toMatchObject({ code: 1, msg, data: payload as any });
    }
    const badJson = await t.request("/api/v1/system/position/create", {
      method: "POST",
      headers: { ...(await authHeaders(t, "admin")), "Content-Type": "application/json" },
      body: '{"name": ',
    });
    expect(badJson.status).toBe(422);
    expect((await body(badJson)).code).toBe(1);
  });

  test("duplicate name → 409", async () => {
    const p = await makePosition();
    const res = await admin.post("/system/position/create", { name: p.name });
    expect(res.status).toBe(409);
    expect(await body(res)).toMatchObject({ code: -1, msg: "创建失败，该岗位已存在" });
  });
});

describe("GET /system/position/detail/{id}", () => {
  test("returns the position", async () => {
    const p = await makePosition(admin, { order: 4, description: "详情" });
    const b = await body(await admin.get(`/system/position/detail/${p.id}`));
    expect(b).toMatchObject({ code: 0, msg: "获取岗位详情成功" });
    expect(b.data).toMatchObject({
      id: p.id,
      name: p.name,
      order: 4,
      description: "详情",
      created_by: { id: 2 },
    });
  });

  test("missing → 404", async () => {
    const res = await admin.get("/system/position/detail/999999");
    expect(res.status).toBe(404);
    expect(await body(res)).toMatchObject({ code: -1, msg: "该岗位不存在", data: null });
  });
});

describe("PUT /system/position/update/{id}", () => {
  test("updates sent fields, keeps the rest, records the updater", async () => {
    const p = await makePosition(admin, { order: 3, description: "keep" });
    const superHeaders = client(t, await authHeaders(t, "super"));
    const res = await superHeaders.put(`/system/position/update/${p.id}`, {
      name: `${p.name}改`,
      status: "1",
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "修改岗位成功" });
    expect(b.data).toMatchObject({
      name: `${p.name}改`,
      order: 3,
      status: "1",
      description: "keep",
      created_id: 2,
      updated_id: 1,
      updated_by: { id: 1, name: "超级管理员" },
    });
  });

  test("missing → 404, duplicate → 409, own name is fine, bad body → 422", async () => {
    const a = await makePosition();
    const b = await makePosition();
    const missing = await admin.put("/system/position/update/999999", { name: "x" });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("更新失败，该岗位不存在");
    const dup = await admin.put(`/system/position/update/${a.id}`, { name: b.name });
    expect(dup.status).toBe(409);
    expect((await body(dup)).msg).toBe("更新失败，岗位名称重复");
    expect((await admin.put(`/system/position/update/${a.id}`, { name: a.name, order: 7 })).status).toBe(200);
    expect((await positionRow(a.id)).order).toBe(7);
    const bad = await admin.put(`/system/position/update/${a.id}`, { order: 2 });
    expect(bad.status).toBe(422);
  });
});

describe("GET /system/position/list", () => {
  test("paged, default newest first, with filters and order_by", async () => {
    const tag = `列表${Date.now() % 100000}`;
    const first = await makePosition(admin, { name: `${tag}甲`, description: "备注_一" });
    const second = await makePosition(admin, { name: `${tag}乙`, status: "1" });
    // make the first row the most recently updated
    await t.deps.db.orm
      .update(t.deps.db.t.sys_position)
      .set({ updated_time: "2099-01-01 00:00:00" })
      .where(eq(t.deps.db.t.sys_position.id, first.id));

    const res = await admin.get(
      `/system/position/list?page_no=1&page_size=1&name=${encodeURIComponent(tag)}`,
    );
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "查询岗位列表成功" });
    expect(b.data).toMatchObject({ total: 2, page_no: 1, page_size: 1, has_next: true });
    expect(b.data.items.map((x: Position) => x.id)).toEqual([first.id]);
    expect(Object.keys(b.data.items[0]).sort()).toEqual(KEYS);

    const page2 = (
      await body(
        await admin.get(`/system/position/list?page_no=2&page_size=1&name=${encodeURIComponent(tag)}`),
      )
    ).data;
    expect(page2).toMatchObject({ has_next: false, items: [{ id: second.id }] });

    const asc = (
      await body(
        await admin.get(
          `/system/position/list?name=${encodeURIComponent(tag)}&order_by=${encodeURIComponent('[{"id":"asc"}]')}`,
        ),
      )
    ).data.items.map((x: Position) => x.id);
    expect(asc).toEqual([first.id, second.id]);

    const status = (
      await body(await admin.get(`/system/position/list?name=${encodeURIComponent(tag)}&status=1`))
    ).data;
    expect(status.items.map((x: Position) => x.id)).toEqual([second.id]);
    // LIKE is literal: `_` matches only an underscore
    const desc = (
      await body(await admin.get(`/system/position/list?description=${encodeURIComponent("备注_")}`))
    ).data;
    expect(desc.items.map((x: Position) => x.id)).toEqual([first.id]);
    const range = (
      await body(
        await admin.get(
          `/system/position/list?name=${encodeURIComponent(tag)}&updated_time=2098-12-31 00:00:00&updated_time=2099-01-02 00:00:00`,
        ),
      )
    ).data;
    expect(range.items.map((x: Position) => x.id)).toEqual([first.id]);
    const byCreator = (
      await body(await admin.get(`/system/position/list?name=${encodeURIComponent(tag)}&created_id=1`))
    ).data;
    expect(byCreator.total).toBe(0);
  });

  test("bad paging → 422, unknown order field → 400", async () => {
    expect((await admin.get("/system/position/list?page_size=101")).status).toBe(422);
    expect((await admin.get("/system/position/list?page_no=0")).status).toBe(422);
    const res = await admin.get(`/system/position/list?order_by=${encodeURIComponent('[{"nope":"asc"}]')}`);
    expect(res.status).toBe(400);
    expect((await body(res)).code).toBe(-1);
  });
});

describe("PATCH /system/position/available/setting", () => {
  test("sets the status of every id", async () => {
    const a = await makePosition();
    const b = await makePosition();
    const res = await admin.patch("/system/position/available/setting", { ids: [a.id, b.id], status: "1" });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "批量修改岗位状态成功", data: null });
    expect((await positionRow(a.id)).status).toBe("1");
    expect((await positionRow(b.id)).status).toBe("1");
  });

  test("errors: empty 400, bad status 422, missing 404 (nothing written)", async () => {
    const a = await makePosition();
    const empty = await admin.patch("/system/position/available/setting", { ids: [], status: "1" });
    expect(empty.status).toBe(400);
    const bad = await admin.patch("/system/position/available/setting", { ids: [a.id], status: "on" });
    expect(bad.status).toBe(422);
    const missing = await admin.patch("/system/position/available/setting", {
      ids: [a.id, 999999],
      status: "1",
    });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("修改失败，该岗位不存在");
    expect((await positionRow(a.id)).status).toBe("0");
  });
});

describe("DELETE /system/position/delete", () => {
  test("soft delete: row kept with audit, user links kept, invisible afterwards, name reusable", async () => {
    const p = await makePosition();
    const { sys_user_positions } = t.deps.db.t;
    await t.deps.db.orm.insert(sys_user_positions).values({ user_id: 3, position_id: p.id });
    const res = await admin.delete("/system/position/delete", [p.id]);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除岗位成功", data: null });
    const row = await positionRow(p.id);
    expect(row).toMatchObject({ is_deleted: true, deleted_id: 2 });
    expect(row.deleted_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const links = await t.deps.db.orm
      .select()
      .from(sys_user_positions)
      .where(eq(sys_user_positions.position_id, p.id));
    expect(links).toHaveLength(1);
    expect((await admin.get(`/system/position/detail/${p.id}`)).status).toBe(404);
    const list = (await body(await admin.get(`/system/position/list?name=${encodeURIComponent(p.name)}`)))
      .data;
    expect(list.total).toBe(0);
    expect((await admin.delete("/system/position/delete", [p.id])).status).toBe(404);
    expect((await admin.post("/system/position/create", { name: p.name })).status).toBe(200);
  });

  test("errors: empty 400, not a list 422, missing 404 (nothing deleted)", async () => {
    const p = await makePosition();
    const empty = await admin.delete("/system/position/delete", []);
    expect(empty.status).toBe(400);
    expect((await body(empty)).msg).toBe("删除失败，删除对象不能为空");
    const notList = await admin.delete("/system/position/delete", { ids: [p.id] });
    expect(notList.status).toBe(422);
    const missing = await admin.delete("/system/position/delete", [p.id, 999999]);
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("删除失败，该岗位不存在");
    expect((await positionRow(p.id)).is_deleted).toBe(false);
  });
});

describe("POST /system/position/export", () => {
  test("xlsx with the contract's columns; filters from query or body", async () => {
    const tag = `导出${Date.now() % 100000}`;
    const on = await makePosition(admin, { name: `${tag}开`, order: 2, description: "备注" });
    const off = await makePosition(admin, { name: `${tag}关`, status: "1" });

    const res = await admin.post(`/system/position/export?name=${encodeURIComponent(tag)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toBe("attachment; filename=position.xlsx");
    expect(res.headers.get("access-control-expose-headers")).toContain("Content-Disposition");
    const rows = await readXlsx(res);
    expect(rows[0]).toEqual([
      "编号",
      "岗位名称",
      "显示顺序",
      "状态",
      "备注",
      "创建时间",
      "更新时间",
      "创建者ID",
      "更新者ID",
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual([on.id, off.id]);
    expect(rows[1].slice(1, 5)).toEqual([`${tag}开`, 2, "启用", "备注"]);
    expect(rows[2][3]).toBe("停用");
    expect(rows[1][7]).toBe(2);

    const viaBody = await admin.post("/system/position/export", {
      name: tag,
      status: "1",
      page_no: 1,
      page_size: 10,
      created_time: [],
    });
    expect((await readXlsx(viaBody)).slice(1).map((r) => r[0])).toEqual([off.id]);

    const none = await admin.post("/system/position/export", { name: "不存在的岗位名" });
    expect(await readXlsx(none)).toHaveLength(1);
  });

  test("bad filter → 422 envelope", async () => {
    const res = await admin.post("/system/position/export", { created_time: ["x", "y"] });
    expect(res.status).toBe(422);
    expect((await body(res)).code).toBe(1);
  });
});

describe("security", () => {
  const endpoints: [string, string, unknown?][] = [
    ["get", "/system/position/list"],
    ["get", "/system/position/detail/1"],
    ["post", "/system/position/create", { name: "x" }],
    ["put", "/system/position/update/1", { name: "x" }],
    ["delete", "/system/position/delete", [1]],
    ["patch", "/system/position/available/setting", { ids: [1], status: "1" }],
    ["post", "/system/position/export", {}],
  ];

  test("no token → 401 code 10401", async () => {
    const anon = client(t);
    for (const [method, path, payload] of endpoints) {
      const res = await (anon as any)[method](path, payload);
      expect(res.status).toBe(401);
      expect((await body(res)).code).toBe(10401);
    }
  });

  test("without the permission → 403 code 10403 (export too, as JSON)", async () => {
    const other = await createScopedUser(t, { permissions: ["module_system:dept:query"] });
    const c = client(t, other.headers);
    for (const [method, path, payload] of endpoints) {
      const res = await (c as any)[method](path, payload);
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await body(res)).toMatchObject({ code: 10403, msg: "无权限操作" });
    }
  });
});

describe("data scope (by the creator's department)", () => {
  let deptA: number;
  let deptB: number;
  let byAdmin: Position;
  let byA: Position;
  let byB: Position;
  let userA: Awaited<ReturnType<typeof createScopedUser>>;

  beforeAll(async () => {
    const { sys_dept } = t.deps.db.t;
    deptA = t.deps.db.insertId(
      await t.deps.db.orm.insert(sys_dept).values({ name: "岗位部门A", code: "PA", parent_id: 1 }),
    );
    deptB = t.deps.db.insertId(
      await t.deps.db.orm.insert(sys_dept).values({ name: "岗位部门B", code: "PB", parent_id: 1 }),
    );
    userA = await createScopedUser(t, { permissions: ALL, dataScope: 4, deptId: deptA });
    const userB = await createScopedUser(t, { permissions: ALL, dataScope: 4, deptId: deptB });
    byAdmin = await makePosition();
    byA = await makePosition(client(t, userA.headers));
    byB = await makePosition(client(t, userB.headers));
    expect(byA.created_id).toBe(userA.id);
  });

  const visible = async (headers: Record<string, string>) =>
    (await body(await client(t, headers).get("/system/position/list?page_size=100"))).data.items.map(
      (x: Position) => x.id,
    );

  test("scope 2 sees positions created by users of its department only", async () => {
    const u = await createScopedUser(t, { permissions: ALL, dataScope: 2, deptId: deptA });
    const ids = await visible(u.headers);
    expect(ids).toContain(byA.id);
    expect(ids).not.toContain(byB.id);
    expect(ids).not.toContain(byAdmin.id);
  });

  test("scope 5 (custom) and scope 4 (all)", async () => {
    const custom = await createScopedUser(t, {
      permissions: ALL,
      dataScope: 5,
      deptId: deptA,
      customDeptIds: [deptB],
    });
    const ids = await visible(custom.headers);
    expect(ids).toContain(byB.id);
    expect(ids).not.toContain(byA.id);
    const all = await visible(userA.headers);
    expect(all).toEqual(expect.arrayContaining([byAdmin.id, byA.id, byB.id]));
  });

  test("scope 1 sees only its own creations; others' rows are not found for every operation", async () => {
    const u = await createScopedUser(t, { permissions: ALL, dataScope: 1, deptId: deptA });
    const c = client(t, u.headers);
    const mine = await makePosition(c);
    expect(await visible(u.headers)).toEqual([mine.id]);
    expect((await c.get(`/system/position/detail/${byA.id}`)).status).toBe(404);
    expect((await c.put(`/system/position/update/${byA.id}`, { name: "越权修改" })).status).toBe(404);
    expect((await c.delete("/system/position/delete", [byA.id])).status).toBe(404);
    expect((await c.patch("/system/position/available/setting", { ids: [byA.id], status: "1" })).status).toBe(
      404,
    );
    const row = await positionRow(byA.id);
    expect(row).toMatchObject({ name: byA.name, status: "0", is_deleted: false });
    const exported = await readXlsx(await c.post("/system/position/export"));
    expect(exported.slice(1).map((r) => r[0])).toEqual([mine.id]);
    // and its own row is fully manageable
    expect((await c.put(`/system/position/update/${mine.id}`, { name: `${mine.name}改` })).status).toBe(200);
    expect((await c.delete("/system/position/delete", [mine.id])).status).toBe(200);
  });
});
