import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, inArray } from "drizzle-orm";
import ExcelJS from "exceljs";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

let t: TestApp;
let admin: ReturnType<typeof client>;
let anon: ReturnType<typeof client>;
let n = 0;
/** A department below the seeded root (1), and one beside it. */
let childDept: number;
let otherDept: number;

const ROLE_KEYS = [
  "id",
  "uuid",
  "status",
  "description",
  "created_time",
  "updated_time",
  "is_deleted",
  "deleted_time",
  "name",
  "code",
  "order",
  "data_scope",
  "totp_required", // ours: the second-factor requirement (README "Second factor")
  "menus",
  "depts",
];

type Role = Record<string, any> & { id: number; menus: any[]; depts: any[] };

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
  anon = client(t);
  const { db } = t.deps;
  childDept = db.insertId(
    await db.orm.insert(db.t.sys_dept).values({ name: "分公司", code: "BRANCH", parent_id: 1 }),
  );
  otherDept = db.insertId(await db.orm.insert(db.t.sys_dept).values({ name: "独立公司", code: "OTHER" }));
}, 60_000);
afterAll(async () => {
  await t.close();
});

async function makeRole(fields: Record<string, unknown> = {}): Promise<Role> {
  n++;
  const res = await admin.post("/system/role/create", {
    name: `测试角色${n}`,
    code: `role_t${n}`,
    ...fields,
  });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data;
}

async function roleRow(id: number) {
  const { sys_role } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_role).where(eq(sys_role.id, id));
  return row;
}

async function menuIdsOf(...permissions: string[]): Promise<number[]> {
  const { sys_menu } = t.deps.db.t;
  const rows = await t.deps.db.orm
    .select({ id: sys_menu.id })
    .from(sys_menu)
    .where(inArray(sys_menu.permission, permissions));
  return rows.map((r) => r.id);
}

async function menuIdByName(name: string): Promise<number> {
  const { sys_menu } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select({ id: sys_menu.id }).from(sys_menu).where(eq(sys_menu.name, name));
  return row.id;
}

async function linkedMenus(roleId: number): Promise<number[]> {
  const { sys_role_menus } = t.deps.db.t;
  const rows = await t.deps.db.orm.select().from(sys_role_menus).where(eq(sys_role_menus.role_id, roleId));
  return rows.map((r) => r.menu_id).sort((a, b) => a - b);
}

async function linkedDepts(roleId: number): Promise<number[]> {
  const { sys_role_depts } = t.deps.db.t;
  const rows = await t.deps.db.orm.select().from(sys_role_depts).where(eq(sys_role_depts.role_id, roleId));
  return rows.map((r) => r.dept_id).sort((a, b) => a - b);
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

async function readXlsx(res: Response): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const rows: unknown[][] = [];
  book.worksheets[0].eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((v) => v ?? null));
  });
  return rows;
}

describe("GET /system/role/list", () => {
  test("page of Role objects with menus and depts", async () => {
    const role = await makeRole({ description: "列表用" });
    const res = await admin.get("/system/role/list?page_no=1&page_size=100");
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("查询角色成功");
    expect(Object.keys(b.data).sort()).toEqual(["has_next", "items", "page_no", "page_size", "total"]);
    const items: Role[] = b.data.items;
    expect(b.data.total).toBe(items.length);
    // default order updated_time desc: the newest role first
    expect(items[0].id).toBe(role.id);
    const seeded = items.find((r) => r.code === "ADMIN")!;
    expect(Object.keys(seeded)).toEqual(ROLE_KEYS);
    expect(seeded).toMatchObject({ id: 1, name: "管理员角色", data_scope: 4, menus: [], depts: [] });
  });

  test("filters, order_by and paging", async () => {
    const a = await makeRole({ name: `筛选甲${n}`, description: "找我" });
    await makeRole({ name: `筛选乙${n}`, status: "1" });
    const byName = await body(await admin.get(`/system/role/list?name=${encodeURIComponent("筛选甲")}`));
    expect(byName.data.items.map((r: Role) => r.id)).toEqual([a.id]);
    const byDesc = await body(await admin.get(`/system/role/list?description=${encodeURIComponent("找我")}`));
    expect(byDesc.data.items.map((r: Role) => r.id)).toEqual([a.id]);
    const disabled = await body(await admin.get("/system/role/list?status=1&page_size=100"));
    expect(disabled.data.items.length).toBeGreaterThan(0);
    expect(disabled.data.items.every((r: Role) => r.status === "1")).toBe(true);
    const range = await body(
      await admin.get(
        "/system/role/list?created_time=2000-01-01%2000:00:00&created_time=2000-12-31%2000:00:00",
      ),
    );
    expect(range.data.total).toBe(0);
    const ordered = await body(
      await admin.get(`/system/role/list?page_size=2&order_by=${encodeURIComponent('[{"id":"asc"}]')}`),
    );
    expect(ordered.data.items[0].id).toBe(1);
    expect(ordered.data).toMatchObject({ page_no: 1, page_size: 2, has_next: true });
  });

  test("bad paging / order field / time range → 4xx", async () => {
    expect((await admin.get("/system/role/list?page_size=101")).status).toBe(422);
    const badOrder = await admin.get(`/system/role/list?order_by=${encodeURIComponent('[{"nope":"asc"}]')}`);
    expect(badOrder.status).toBe(400);
    expect((await admin.get("/system/role/list?created_time=x&created_time=y")).status).toBe(422);
  });

  test("a non-superuser sees only their own roles", async () => {
    await makeRole();
    const user = await createScopedUser(t, { permissions: ["module_system:role:query"] });
    const b = await body(await client(t, user.headers).get("/system/role/list?page_size=100"));
    expect(b.data.total).toBe(1);
    expect(b.data.items[0].id).toBe(user.roleId);
    expect(b.data.items[0].menus.map((m: any) => m.permission)).toEqual([
      "module_system:role:query",
      "module_system:role:query",
    ]);
  });

  test("no token → 401; no permission → 403", async () => {
    const res = await anon.get("/system/role/list");
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
    const user = await createScopedUser(t, { permissions: ["module_system:role:detail"] });
    const denied = await client(t, user.headers).get("/system/role/list");
    expect(denied.status).toBe(403);
    expect(await body(denied)).toMatchObject({ code: 10403, msg: "无权限操作" });
  });
});

describe("GET /system/role/detail/{id}", () => {
  test("Role object; menus flat and ordered by order; depts as Dept objects", async () => {
    const role = await makeRole();
    const menuIds = [
      await menuIdByName("查询用户"),
      await menuIdByName("系统管理"),
      await menuIdByName("用户管理"),
      await menuIdByName("详情用户"),
    ];
    await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      menu_ids: menuIds,
      data_scope: 5,
      dept_ids: [childDept],
    });
    const res = await admin.get(`/system/role/detail/${role.id}`);
    expect(res.status).toBe(200);
    const b = await body<Role>(res);
    expect(b.msg).toBe("获取角色详情成功");
    expect(Object.keys(b.data)).toEqual(ROLE_KEYS);
    expect(b.data.data_scope).toBe(5);
    const orders = b.data.menus.map((m) => m.order);
    expect(orders).toEqual([...orders].sort((a, c) => a - c));
    expect(sorted(b.data.menus.map((m) => m.id))).toEqual(sorted(menuIds));
    for (const m of b.data.menus) expect(m).not.toHaveProperty("children");
    expect(b.data.depts).toHaveLength(1);
    expect(b.data.depts[0]).toMatchObject({
      id: childDept,
      name: "分公司",
      code: "BRANCH",
      parent_id: 1,
      parent_name: null,
    });
  });

  test("missing → 404; bad id → 422", async () => {
    const res = await admin.get("/system/role/detail/999999");
    expect(res.status).toBe(404);
    expect(await body(res)).toMatchObject({ code: -1, msg: "角色不存在" });
    expect((await admin.get("/system/role/detail/x")).status).toBe(422);
  });

  test("another's role → 404; no permission → 403; no token → 401", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:role:detail"] });
    const c = client(t, user.headers);
    expect((await c.get(`/system/role/detail/${user.roleId}`)).status).toBe(200);
    expect((await c.get("/system/role/detail/1")).status).toBe(404);
    const other = await createScopedUser(t, { permissions: ["module_system:role:query"] });
    expect((await client(t, other.headers).get("/system/role/detail/1")).status).toBe(403);
    expect((await anon.get("/system/role/detail/1")).status).toBe(401);
  });
});

describe("POST /system/role/create", () => {
  test("defaults and shape", async () => {
    const res = await admin.post("/system/role/create", { name: " 新角色 ", code: "new_role" });
    expect(res.status).toBe(200);
    const b = await body<Role>(res);
    expect(b.msg).toBe("创建角色成功");
    expect(Object.keys(b.data)).toEqual(ROLE_KEYS);
    expect(b.data).toMatchObject({
      name: "新角色",
      code: "new_role",
      order: 1,
      data_scope: 1,
      status: "0",
      description: null,
      is_deleted: false,
      menus: [],
      depts: [],
    });
    expect(await roleRow(b.data.id)).toMatchObject({ code: "new_role", data_scope: 1 });
  });

  test("explicit null order / data_scope take the defaults", async () => {
    const role = await makeRole({ order: null, data_scope: null });
    expect(role).toMatchObject({ order: 1, data_scope: 1 });
  });

  test("name or code taken → 409", async () => {
    const dupName = await admin.post("/system/role/create", { name: "管理员角色", code: "ADMIN2" });
    expect(dupName.status).toBe(409);
    expect(await body(dupName)).toMatchObject({ code: -1, msg: "创建失败，该角色已存在" });
    const dupCode = await admin.post("/system/role/create", { name: "别的名字", code: "ADMIN" });
    expect(dupCode.status).toBe(409);
    expect((await body(dupCode)).msg).toBe("创建失败，编码已存在");
  });

  test("validation → 422 code 1", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "x", code: "1abc" }, "编码需字母开头，允许字母/数字/下划线，长度2-16"],
      [{ name: "x", code: "a".repeat(17) }, "编码需字母开头，允许字母/数字/下划线，长度2-16"],
      [{ name: "x", code: " " }, "编码不能为空"],
      [{ name: " ", code: "abc" }, "角色名称不能为空"],
      [{ code: "abc" }, "请求失败，缺少必填项！"],
      [{ name: "x", code: "abc", data_scope: 9 }, "数据权限范围必须为: 1,2,3,4,5"],
      [{ name: "x", code: "abc", status: "x" }, "状态只能为 0 或 1"],
      [{ name: "x", code: "abc", order: 0 }, "显示排序必须大于等于 1"],
    ];
    for (const [payload, msg] of cases) {
      const res = await admin.post("/system/role/create", payload);
      expect({ status: res.status, ...(await body(res)) }).toMatchObject({ status: 422, code: 1, msg });
    }
  });

  test("a non-superuser cannot create a role with wider data scope than their own", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:role:create"], dataScope: 2 });
    const c = client(t, user.headers);
    n++;
    const wide = await c.post("/system/role/create", { name: `宽${n}`, code: `wide${n}`, data_scope: 4 });
    expect(wide.status).toBe(400);
    expect((await body(wide)).msg).toBe("授权失败，不能授予超出自身数据权限的数据范围");
    const narrow = await c.post("/system/role/create", { name: `窄${n}`, code: `narrow${n}`, data_scope: 2 });
    expect(narrow.status).toBe(200);
  });

  test("no token → 401; no permission → 403", async () => {
    expect((await anon.post("/system/role/create", { name: "a", code: "abc" })).status).toBe(401);
    const user = await createScopedUser(t, { permissions: ["module_system:role:query"] });
    expect((await client(t, user.headers).post("/system/role/create", {})).status).toBe(403);
  });
});

describe("PUT /system/role/update/{id}", () => {
  test("updates what is sent, keeps the rest", async () => {
    const role = await makeRole({ order: 4, data_scope: 2, description: "旧" });
    const res = await admin.put(`/system/role/update/${role.id}`, {
      ...role,
      name: `${role.name}改`,
      description: "updated",
      menus: "ignored",
    });
    expect(res.status).toBe(200);
    const b = await body<Role>(res);
    expect(b.msg).toBe("修改角色成功");
    expect(b.data).toMatchObject({ name: `${role.name}改`, description: "updated", order: 4, data_scope: 2 });
    const partial = await admin.put(`/system/role/update/${role.id}`, {
      name: `${role.name}改`,
      code: role.code,
    });
    expect((await body<Role>(partial)).data).toMatchObject({
      order: 4,
      data_scope: 2,
      description: "updated",
    });
  });

  test("custom departments stay with scope 5 and go when the scope changes", async () => {
    const role = await makeRole();
    await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      data_scope: 5,
      dept_ids: [1],
    });
    const same = await admin.put(`/system/role/update/${role.id}`, {
      name: role.name,
      code: role.code,
      order: 2,
    });
    expect((await body<Role>(same)).data.depts.map((d) => d.id)).toEqual([1]);
    const other = await admin.put(`/system/role/update/${role.id}`, {
      name: role.name,
      code: role.code,
      data_scope: 2,
    });
    expect((await body<Role>(other)).data).toMatchObject({ data_scope: 2, depts: [] });
    expect(await linkedDepts(role.id)).toEqual([]);
  });

  test("missing → 404; name / code taken → 409", async () => {
    const a = await makeRole();
    const b = await makeRole();
    const missing = await admin.put("/system/role/update/999999", { name: "x", code: "abc" });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("更新失败，该角色不存在");
    const name = await admin.put(`/system/role/update/${b.id}`, { name: a.name, code: b.code });
    expect(name.status).toBe(409);
    expect((await body(name)).msg).toBe("更新失败，角色名称重复");
    const code = await admin.put(`/system/role/update/${b.id}`, { name: b.name, code: a.code });
    expect(code.status).toBe(409);
    expect((await body(code)).msg).toBe("更新失败，角色编码已存在");
  });

  test("disabling a role through update takes its permissions away at once", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:menu:query"] });
    const c = client(t, user.headers);
    expect((await c.get("/system/menu/tree")).status).toBe(200);
    const role = await roleRow(user.roleId);
    expect((await admin.put(`/system/role/update/${role.id}`, { ...role, status: "1" })).status).toBe(200);
    expect((await c.get("/system/menu/tree")).status).toBe(403);
  });

  test("another's role → 404; widening own data scope → 400; no permission → 403; no token → 401", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:role:update"], dataScope: 2 });
    const c = client(t, user.headers);
    const own = await roleRow(user.roleId);
    expect((await c.put("/system/role/update/1", { name: "x", code: "abc" })).status).toBe(404);
    const widen = await c.put(`/system/role/update/${own.id}`, { ...own, data_scope: 3 });
    expect(widen.status).toBe(400);
    expect((await roleRow(own.id)).data_scope).toBe(2);
    const other = await createScopedUser(t, { permissions: ["module_system:role:query"] });
    expect((await client(t, other.headers).put("/system/role/update/1", {})).status).toBe(403);
    expect((await anon.put("/system/role/update/1", {})).status).toBe(401);
  });
});

describe("PATCH /system/role/available/setting", () => {
  test("disabling a role removes its permissions at once; enabling restores them", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:menu:query"] });
    const c = client(t, user.headers);
    expect((await c.get("/system/menu/tree")).status).toBe(200);
    const res = await admin.patch("/system/role/available/setting", { ids: [user.roleId], status: "1" });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "批量修改角色状态成功", data: null });
    expect((await roleRow(user.roleId)).status).toBe("1");
    expect((await c.get("/system/menu/tree")).status).toBe(403);
    await admin.patch("/system/role/available/setting", { ids: [user.roleId], status: "0" });
    expect((await c.get("/system/menu/tree")).status).toBe(200);
  });

  test("bad status → 422; unknown → 404; empty → 400", async () => {
    const bad = await admin.patch("/system/role/available/setting", { ids: [1], status: "9" });
    expect(bad.status).toBe(422);
    expect((await admin.patch("/system/role/available/setting", { ids: [999999], status: "1" })).status).toBe(
      404,
    );
    expect((await admin.patch("/system/role/available/setting", { ids: [], status: "1" })).status).toBe(400);
  });

  test("another's role → 404; no permission → 403; no token → 401", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:role:patch"] });
    expect(
      (await client(t, user.headers).patch("/system/role/available/setting", { ids: [1], status: "1" }))
        .status,
    ).toBe(404);
    expect((await roleRow(1)).status).toBe("0");
    const other = await createScopedUser(t, { permissions: ["module_system:role:query"] });
    expect(
      (await client(t, other.headers).patch("/system/role/available/setting", { ids: [1] })).status,
    ).toBe(403);
    expect((await anon.patch("/system/role/available/setting", { ids: [1] })).status).toBe(401);
  });
});

describe("DELETE /system/role/delete", () => {
  test("physical delete with its links; holders lose the permissions at once", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:menu:query"], customDeptIds: [1] });
    const c = client(t, user.headers);
    expect((await c.get("/system/menu/tree")).status).toBe(200);
    const res = await admin.delete("/system/role/delete", [user.roleId]);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除角色成功", data: null });
    expect(await roleRow(user.roleId)).toBeUndefined();
    expect(await linkedMenus(user.roleId)).toEqual([]);
    expect(await linkedDepts(user.roleId)).toEqual([]);
    const { sys_user_roles } = t.deps.db.t;
    expect(
      await t.deps.db.orm.select().from(sys_user_roles).where(eq(sys_user_roles.user_id, user.id)),
    ).toEqual([]);
    expect((await c.get("/system/menu/tree")).status).toBe(403);
    expect((await admin.get(`/system/role/detail/${user.roleId}`)).status).toBe(404);
  });

  test("empty → 400; unknown → 404 (nothing deleted); not a list → 422", async () => {
    const empty = await admin.delete("/system/role/delete", []);
    expect(empty.status).toBe(400);
    expect((await body(empty)).msg).toBe("删除失败，删除对象不能为空");
    const role = await makeRole();
    const missing = await admin.delete("/system/role/delete", [role.id, 999999]);
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("删除失败，该角色不存在");
    expect(await roleRow(role.id)).toBeDefined();
    expect((await admin.delete("/system/role/delete", { ids: [role.id] })).status).toBe(422);
  });

  test("another's role → 404; no permission → 403; no token → 401", async () => {
    const role = await makeRole();
    const user = await createScopedUser(t, { permissions: ["module_system:role:delete"] });
    expect((await client(t, user.headers).delete("/system/role/delete", [role.id])).status).toBe(404);
    expect(await roleRow(role.id)).toBeDefined();
    const other = await createScopedUser(t, { permissions: ["module_system:role:query"] });
    expect((await client(t, other.headers).delete("/system/role/delete", [role.id])).status).toBe(403);
    expect((await anon.delete("/system/role/delete", [role.id])).status).toBe(401);
  });
});

describe("PATCH /system/role/permission/setting", () => {
  test("replaces menus and data scope; custom departments only with scope 5", async () => {
    const role = await makeRole();
    const menus = [2, 22, 101, 102];
    const res = await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      menu_ids: menus,
      data_scope: 1,
      dept_ids: [],
    });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "授权角色成功", data: null });
    expect(await linkedMenus(role.id)).toEqual(menus);

    await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      menu_ids: [22],
      data_scope: 5,
      dept_ids: [1, childDept],
    });
    expect(await linkedMenus(role.id)).toEqual([22]);
    expect(await linkedDepts(role.id)).toEqual(sorted([1, childDept]));
    expect((await roleRow(role.id)).data_scope).toBe(5);

    await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      menu_ids: [],
      data_scope: 3,
      dept_ids: [otherDept],
    });
    expect(await linkedMenus(role.id)).toEqual([]);
    expect(await linkedDepts(role.id)).toEqual([]);
    expect((await roleRow(role.id)).data_scope).toBe(3);
  });

  test("a granted permission works on the holder's very next request", async () => {
    const user = await createScopedUser(t, {});
    const c = client(t, user.headers);
    const denied = await c.get("/system/menu/tree");
    expect(denied.status).toBe(403);
    const menuIds = await menuIdsOf("module_system:menu:query");
    const res = await admin.patch("/system/role/permission/setting", {
      role_ids: [user.roleId],
      menu_ids: menuIds,
      data_scope: 4,
    });
    expect(res.status).toBe(200);
    const tree = await c.get("/system/menu/tree");
    expect(tree.status).toBe(200);
    const names: string[] = (await body(tree)).data.map((m: any) => m.name).sort();
    expect(names).toEqual(["菜单管理"]);
  });

  test("validation → 422 code 1 (upstream texts)", async () => {
    const scope = await admin.patch("/system/role/permission/setting", {
      role_ids: [1],
      menu_ids: [],
      data_scope: 9,
    });
    expect({ status: scope.status, ...(await body(scope)) }).toMatchObject({
      status: 422,
      code: 1,
      msg: "数据权限范围必须为: 1,2,3,4,5",
    });
    const roles = await admin.patch("/system/role/permission/setting", {
      role_ids: [],
      menu_ids: [],
      data_scope: 1,
    });
    expect({ status: roles.status, ...(await body(roles)) }).toMatchObject({
      status: 422,
      code: 1,
      msg: "角色不能为空",
    });
    const absent = await admin.patch("/system/role/permission/setting", { data_scope: 1 });
    expect((await body(absent)).msg).toBe("角色不能为空");
  });

  test("unknown role → 404; unknown menu or department → 400; nothing changes", async () => {
    const role = await makeRole();
    await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      menu_ids: [22],
      data_scope: 1,
    });
    const noRole = await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id, 999999],
      menu_ids: [],
    });
    expect(noRole.status).toBe(404);
    const noMenu = await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      menu_ids: [999999],
    });
    expect(noMenu.status).toBe(400);
    expect((await body(noMenu)).msg).toBe("授权失败，菜单不存在: 999999");
    const noDept = await admin.patch("/system/role/permission/setting", {
      role_ids: [role.id],
      menu_ids: [],
      data_scope: 5,
      dept_ids: [999999],
    });
    expect(noDept.status).toBe(400);
    expect(await linkedMenus(role.id)).toEqual([22]);
    expect((await roleRow(role.id)).data_scope).toBe(1);
  });

  test("a non-superuser cannot grant menus they do not hold or departments they cannot see", async () => {
    const perms = ["module_system:role:permission", "module_system:menu:query"];
    const user = await createScopedUser(t, { permissions: perms, dataScope: 2 });
    const c = client(t, user.headers);
    const held = await menuIdsOf(...perms);
    const foreign = await menuIdByName("删除用户");

    const menuRefused = await c.patch("/system/role/permission/setting", {
      role_ids: [user.roleId],
      menu_ids: [...held, foreign],
      data_scope: 2,
    });
    expect(menuRefused.status).toBe(400);
    expect((await body(menuRefused)).msg).toBe(`授权失败，不能授予自己未拥有的菜单: ${foreign}`);
    expect(await linkedMenus(user.roleId)).toEqual(sorted(held));

    const deptRefused = await c.patch("/system/role/permission/setting", {
      role_ids: [user.roleId],
      menu_ids: held,
      data_scope: 5,
      dept_ids: [1, otherDept],
    });
    expect(deptRefused.status).toBe(400);
    expect((await body(deptRefused)).msg).toBe(`授权失败，不能授予数据权限范围以外的部门: ${otherDept}`);

    const widen = await c.patch("/system/role/permission/setting", {
      role_ids: [user.roleId],
      menu_ids: held,
      data_scope: 4,
    });
    expect(widen.status).toBe(400);
    expect((await roleRow(user.roleId)).data_scope).toBe(2);

    // another user's role is out of scope (their own roles only)
    const stranger = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const otherRole = await c.patch("/system/role/permission/setting", {
      role_ids: [stranger.roleId],
      menu_ids: [],
      data_scope: 1,
    });
    expect(otherRole.status).toBe(404);
    expect(await linkedMenus(stranger.roleId)).toHaveLength(2);

    // switching the own role to custom would narrow the editor's own scope (see
    // test/security/own-data-scope-cannot-be-narrowed); a second role keeps it
    const keeper = await body(
      await admin.post("/system/role/create", {
        name: `保底${user.roleId}`,
        code: `keep${user.roleId}`,
        data_scope: 2,
      }),
    );
    await admin.put(`/system/user/update/${user.id}`, {
      username: user.username,
      role_ids: [user.roleId, keeper.data.id],
    });
    const allowed = await c.patch("/system/role/permission/setting", {
      role_ids: [user.roleId],
      menu_ids: held,
      data_scope: 5,
      dept_ids: [1],
    });
    expect(allowed.status).toBe(200);
    expect(await linkedDepts(user.roleId)).toEqual([1]);
  });

  test("links the editor cannot see are kept", async () => {
    const perms = ["module_system:role:permission", "module_system:menu:query"];
    const user = await createScopedUser(t, { permissions: perms, dataScope: 4 });
    const held = await menuIdsOf(...perms);
    // a disabled menu on the editor's own role: linked, but not part of what they hold
    const hidden = await menuIdByName("角色导出");
    const { sys_role_menus } = t.deps.db.t;
    await t.deps.db.orm.insert(sys_role_menus).values({ role_id: user.roleId, menu_id: hidden });
    await admin.patch("/system/menu/available/setting", { ids: [hidden], status: "1" });
    try {
      const res = await client(t, user.headers).patch("/system/role/permission/setting", {
        role_ids: [user.roleId],
        menu_ids: held,
        data_scope: 4,
      });
      expect(res.status).toBe(200);
      expect(await linkedMenus(user.roleId)).toEqual(sorted([...held, hidden]));
    } finally {
      await admin.patch("/system/menu/available/setting", { ids: [hidden], status: "0" });
    }
  });

  test("no permission → 403; no token → 401", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:role:update"] });
    const res = await client(t, user.headers).patch("/system/role/permission/setting", {
      role_ids: [user.roleId],
      menu_ids: [],
    });
    expect(res.status).toBe(403);
    expect(await linkedMenus(user.roleId)).toHaveLength(1);
    expect((await anon.patch("/system/role/permission/setting", { role_ids: [1] })).status).toBe(401);
  });
});

describe("POST /system/role/export", () => {
  const HEADER = [
    "角色编号",
    "角色名称",
    "角色编码",
    "显示顺序",
    "数据权限",
    "状态",
    "备注",
    "创建时间",
    "更新时间",
  ];

  test("xlsx of every role in id order", async () => {
    const res = await admin.post("/system/role/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toBe("attachment; filename=role.xlsx");
    expect(res.headers.get("access-control-expose-headers")).toContain("Content-Disposition");
    const rows = await readXlsx(res);
    expect(rows[0]).toEqual(HEADER);
    expect(rows[1].slice(0, 7)).toEqual([1, "管理员角色", "ADMIN", 1, "全部数据权限", "启用", "初始化角色"]);
    const ids = rows.slice(1).map((r) => r[0] as number);
    expect(ids).toEqual(sorted(ids));
    const { sys_role } = t.deps.db.t;
    expect(ids).toHaveLength((await t.deps.db.orm.select({ id: sys_role.id }).from(sys_role)).length);
  });

  test("filters from the JSON body or the query string", async () => {
    const role = await makeRole({ name: `导出专用${n}`, status: "1", data_scope: 3 });
    const byBody = await readXlsx(await admin.post("/system/role/export", { name: "导出专用", page_no: 1 }));
    expect(byBody).toHaveLength(2);
    expect(byBody[1].slice(0, 6)).toEqual([role.id, role.name, role.code, 1, "本部门及以下数据权限", "停用"]);
    const byQuery = await readXlsx(
      await admin.post(`/system/role/export?name=${encodeURIComponent("导出专用")}`),
    );
    expect(byQuery).toHaveLength(2);
    const none = await readXlsx(await admin.post("/system/role/export", { name: "没有这个角色" }));
    expect(none).toEqual([HEADER]);
  });

  test("a non-superuser exports only their own roles; no permission → 403; no token → 401", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:role:export"] });
    const rows = await readXlsx(await client(t, user.headers).post("/system/role/export"));
    expect(rows.slice(1).map((r) => r[0])).toEqual([user.roleId]);
    const other = await createScopedUser(t, { permissions: ["module_system:role:query"] });
    const denied = await client(t, other.headers).post("/system/role/export");
    expect(denied.status).toBe(403);
    expect((await body(denied)).code).toBe(10403);
    expect((await anon.post("/system/role/export")).status).toBe(401);
  });

  test("bad filter → 422 envelope", async () => {
    const res = await admin.post("/system/role/export", { created_time: ["x", "y"] });
    expect(res.status).toBe(422);
    expect((await body(res)).code).toBe(1);
  });
});

describe("seeded links", () => {
  test("the super user holds role 1", async () => {
    const { sys_user_roles } = t.deps.db.t;
    const rows = await t.deps.db.orm
      .select()
      .from(sys_user_roles)
      .where(and(eq(sys_user_roles.user_id, 1), eq(sys_user_roles.role_id, 1)));
    expect(rows).toHaveLength(1);
    expect((await client(t, await authHeaders(t, "super")).get("/system/role/detail/1")).status).toBe(200);
  });
});
