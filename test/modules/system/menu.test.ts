import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

let t: TestApp;
let admin: ReturnType<typeof client>;
let anon: ReturnType<typeof client>;
let n = 0;

const MENU_KEYS = [
  "id",
  "uuid",
  "status",
  "description",
  "created_time",
  "updated_time",
  "is_deleted",
  "deleted_time",
  "name",
  "type",
  "order",
  "permission",
  "icon",
  "route_name",
  "route_path",
  "component_path",
  "redirect",
  "hidden",
  "keep_alive",
  "always_show",
  "title",
  "params",
  "affix",
  "parent_id",
  "client",
  "parent_name",
];

type Menu = Record<string, any> & { id: number; children?: Menu[] | null };

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
  anon = client(t);
}, 60_000);
afterAll(async () => {
  await t.close();
});

async function menuRow(id: number) {
  const { sys_menu } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_menu).where(eq(sys_menu.id, id));
  return row;
}

async function seededId(name: string): Promise<number> {
  const { sys_menu } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select({ id: sys_menu.id }).from(sys_menu).where(eq(sys_menu.name, name));
  if (!row) throw new Error(`no seeded menu ${name}`);
  return row.id;
}

const dirBody = (fields: Record<string, unknown> = {}) => {
  n++;
  return {
    name: `测试目录${n}`,
    type: 1,
    order: 90 + n,
    icon: "menu",
    route_name: `TestDir${n}`,
    route_path: `/test-dir-${n}`,
    redirect: `/test-dir-${n}/index`,
    title: `测试目录${n}`,
    ...fields,
  };
};

const pageBody = (parentId: number, fields: Record<string, unknown> = {}) => {
  n++;
  return {
    name: `测试页面${n}`,
    type: 2,
    order: 1,
    route_name: `TestPage${n}`,
    route_path: `/test-page-${n}`,
    component_path: `module_test/page${n}/index`,
    title: `测试页面${n}`,
    parent_id: parentId,
    ...fields,
  };
};

const buttonBody = (parentId: number, fields: Record<string, unknown> = {}) => {
  n++;
  return { name: `测试按钮${n}`, type: 3, order: 1, title: `测试按钮${n}`, parent_id: parentId, ...fields };
};

async function create(payload: Record<string, unknown>, c = admin): Promise<Menu> {
  const res = await c.post("/system/menu/create", payload);
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data;
}

/** A directory with one page holding one button. */
async function family() {
  const dir = await create(dirBody());
  const page = await create(pageBody(dir.id));
  const button = await create(buttonBody(page.id, { permission: `module_test:thing${n}:query` }));
  return { dir, page, button };
}

function flatten(nodes: Menu[]): Menu[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children ?? [])]);
}

describe("GET /system/menu/tree", () => {
  test("whole seeded tree, ordered by order, leaves with children null", async () => {
    const res = await admin.get("/system/menu/tree");
    expect(res.status).toBe(200);
    const b = await body<Menu[]>(res);
    expect(b).toMatchObject({ code: 0, msg: "查询菜单树成功", status_code: 200, success: true });
    const roots = b.data;
    expect(roots.map((r) => r.name).slice(0, 3)).toEqual(["平台管理", "系统管理", "监控管理"]);
    expect(roots.filter((r) => r.client === "app")).toHaveLength(5);
    for (const root of roots) expect(root.parent_id).toBeNull();
    const all = flatten(roots);
    expect(all.length).toBeGreaterThanOrEqual(192);
    const platform = roots[0];
    expect(Object.keys(platform).filter((k) => k !== "children")).toEqual(MENU_KEYS);
    expect(platform.children!.map((c) => c.name)).toEqual(["菜单管理", "租户管理", "字典管理", "参数管理"]);
    const buttons = all.filter((m) => m.type === 3);
    expect(buttons.length).toBeGreaterThan(100);
    for (const button of buttons) expect(button.children).toBeNull();
    for (const node of all) {
      const orders = (node.children ?? []).map((c) => c.order);
      expect(orders).toEqual([...orders].sort((a, b) => a - b));
    }
  });

  test("filters: client, name (orphans become roots), type, status", async () => {
    const app = await body<Menu[]>(await admin.get("/system/menu/tree?menu_client=app"));
    expect(app.data.map((m) => m.name)).toEqual(["首页", "同事", "打卡", "消息", "我的"]);

    const byName = await body<Menu[]>(
      await admin.get(`/system/menu/tree?name=${encodeURIComponent("用户管理")}`),
    );
    expect(byName.data.map((m) => m.name)).toEqual(["用户管理"]);
    expect(byName.data[0].parent_id).not.toBeNull();

    const buttons = await body<Menu[]>(await admin.get("/system/menu/tree?type=3"));
    expect(buttons.data.length).toBeGreaterThan(100);
    expect(buttons.data.every((m) => m.type === 3)).toBe(true);

    const { dir, page } = await family();
    await admin.patch("/system/menu/available/setting", { ids: [dir.id], status: "1" });
    const disabled = await body<Menu[]>(await admin.get("/system/menu/tree?status=1"));
    expect(flatten(disabled.data).map((m) => m.id)).toEqual(expect.arrayContaining([dir.id, page.id]));
    expect(flatten(disabled.data).every((m) => m.status === "1")).toBe(true);
  });

  test("LIKE filters take % and _ literally", async () => {
    const res = await body<Menu[]>(await admin.get(`/system/menu/tree?name=${encodeURIComponent("%")}`));
    expect(res.data).toEqual([]);
  });

  test("unknown filters such as created_id are ignored instead of failing", async () => {
    const res = await admin.get("/system/menu/tree?created_id=1&menu_client=app");
    expect(res.status).toBe(200);
    expect((await body(res)).data).toHaveLength(5);
  });

  test("bad type / client → 422", async () => {
    const bad = await admin.get("/system/menu/tree?type=9");
    expect(bad.status).toBe(422);
    expect(await body(bad)).toMatchObject({ code: 1, msg: "菜单类型必须为: 1,2,3,4" });
    expect((await admin.get("/system/menu/tree?menu_client=tv")).status).toBe(422);
  });

  test("no token → 401; no permission → 403", async () => {
    const res = await anon.get("/system/menu/tree");
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
    const user = await createScopedUser(t, { permissions: ["module_system:menu:detail"] });
    const denied = await client(t, user.headers).get("/system/menu/tree");
    expect(denied.status).toBe(403);
    expect(await body(denied)).toMatchObject({ code: 10403, msg: "无权限操作" });
  });

  test("a non-superuser sees only the menus granted to their roles", async () => {
    const user = await createScopedUser(t, {
      permissions: ["module_system:menu:query", "module_system:user:query"],
    });
    const res = await body<Menu[]>(await client(t, user.headers).get("/system/menu/tree"));
    const names = flatten(res.data).map((m) => m.name);
    expect(names.sort()).toEqual(["查询用户", "查询菜单", "用户管理", "菜单管理"].sort());
    // granted pages whose directories were not granted stand as roots
    expect(res.data.map((m) => m.name).sort()).toEqual(["用户管理", "菜单管理"].sort());
  });
});

describe("GET /system/menu/detail/{id}", () => {
  test("Menu object with parent_name", async () => {
    const id = await seededId("用户管理");
    const res = await admin.get(`/system/menu/detail/${id}`);
    expect(res.status).toBe(200);
    const b = await body<Menu>(res);
    expect(b.msg).toBe("查询菜单详情成功");
    expect(Object.keys(b.data)).toEqual(MENU_KEYS);
    expect(b.data).toMatchObject({
      id,
      name: "用户管理",
      type: 2,
      permission: "module_system:user:query",
      route_path: "/system/user",
      component_path: "module_system/user/index",
      hidden: false,
      keep_alive: true,
      parent_name: "系统管理",
      client: "pc",
    });
    const root = await body<Menu>(await admin.get(`/system/menu/detail/${await seededId("系统管理")}`));
    expect(root.data.parent_name).toBeNull();
  });

  test("missing → 404; bad id → 422", async () => {
    const res = await admin.get("/system/menu/detail/999999");
    expect(res.status).toBe(404);
    expect(await body(res)).toMatchObject({ code: -1, msg: "菜单不存在" });
    expect((await admin.get("/system/menu/detail/abc")).status).toBe(422);
  });

  test("out of scope → 404; no permission → 403; no token → 401", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:menu:detail"] });
    const c = client(t, user.headers);
    const own = await c.get(`/system/menu/detail/${await seededId("详情菜单")}`);
    expect(own.status).toBe(200);
    expect((await c.get(`/system/menu/detail/${await seededId("用户管理")}`)).status).toBe(404);
    const other = await createScopedUser(t, { permissions: ["module_system:menu:query"] });
    expect((await client(t, other.headers).get("/system/menu/detail/1")).status).toBe(403);
    expect((await anon.get("/system/menu/detail/1")).status).toBe(401);
  });
});

describe("POST /system/menu/create", () => {
  test("directory, page (with params) and button", async () => {
    const res = await admin.post("/system/menu/create", dirBody({ description: " 参考 " }));
    expect(res.status).toBe(200);
    const dir = await body<Menu>(res);
    expect(dir.msg).toBe("创建菜单成功");
    expect(Object.keys(dir.data)).toEqual(MENU_KEYS);
    expect(dir.data).toMatchObject({
      type: 1,
      parent_id: null,
      parent_name: null,
      hidden: false,
      keep_alive: true,
      always_show: false,
      affix: false,
      status: "0",
      client: "pc",
      params: null,
      description: "参考",
      component_path: null,
      is_deleted: false,
    });
    expect(dir.data.uuid).toMatch(/^[0-9a-f-]{36}$/);

    const page = await create(pageBody(dir.data.id, { params: [{ key: "a", value: "1" }], icon: "  " }));
    expect(page).toMatchObject({
      type: 2,
      parent_id: dir.data.id,
      params: [{ key: "a", value: "1" }],
      icon: null,
    });
    const button = await create(buttonBody(page.id, { permission: "module_test:x:query" }));
    expect(button).toMatchObject({ type: 3, parent_id: page.id, permission: "module_test:x:query" });
    expect(await menuRow(button.id)).toMatchObject({ parent_id: page.id, type: 3 });
  });

  test("title defaults to the name; numeric strings are accepted", async () => {
    const dir = await create(dirBody({ title: undefined, order: "7" }));
    expect(dir.title).toBe(dir.name);
    expect(dir.order).toBe(7);
  });

  test("children may use a path relative to their parent", async () => {
    const dir = await create(dirBody());
    const page = await create(pageBody(dir.id, { route_path: "relative" }));
    expect(page.route_path).toBe("relative");
  });

  test("field rules → 422 code 1", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [dirBody({ type: 5 }), "菜单类型必须为: 1,2,3,4"],
      [dirBody({ redirect: "" }), "目录类型必须填写重定向地址"],
      [dirBody({ route_name: null }), "路由名称不能为空"],
      [dirBody({ route_path: " " }), "路由路径不能为空"],
      [dirBody({ route_path: "no-slash" }), "路由路径需以 / 开头"],
      [pageBody(1, { component_path: null }), "组件路径不能为空"],
      [pageBody(1, { component_path: "/abs/index" }), "组件路径不能以 / 开头"],
      [{ type: 1, order: 1 }, "请求失败，缺少必填项！"],
      [dirBody({ name: "  " }), "菜单名称不能为空"],
      [dirBody({ status: "2" }), "状态只能为 0 或 1"],
    ];
    for (const [payload, msg] of cases) {
      const res = await admin.post("/system/menu/create", payload);
      expect({ status: res.status, ...(await body(res)) }).toMatchObject({ status: 422, code: 1, msg });
    }
    const tooLong = await admin.post("/system/menu/create", dirBody({ name: "x".repeat(51) }));
    expect(tooLong.status).toBe(422);
  });

  test("placement rules → 400 code -1 with upstream's messages", async () => {
    const { dir, page, button } = await family();
    const link = await create({ name: `外链${n}`, type: 4, order: 1, title: `外链${n}`, parent_id: dir.id });
    const cases: [Record<string, unknown>, string][] = [
      [
        { name: "xref", type: 3, order: 1, title: "xref", permission: "a:b:c" },
        "顶级菜单仅允许目录、菜单或外链类型",
      ],
      [buttonBody(dir.id), "目录下仅允许新增目录、菜单或外链"],
      [pageBody(page.id), "菜单下仅允许新增按钮"],
      [buttonBody(button.id), "菜单或链接类型下不允许新增子菜单"],
      [buttonBody(link.id), "菜单或链接类型下不允许新增子菜单"],
      [pageBody(dir.id, { client: "app" }), "子菜单终端须与父菜单一致（均为 pc 或均为 app）"],
      [pageBody(999999), "父级菜单不存在"],
    ];
    for (const [payload, msg] of cases) {
      const res = await admin.post("/system/menu/create", payload);
      expect({ status: res.status, ...(await body(res)) }).toMatchObject({ status: 400, code: -1, msg });
    }
  });

  test("same title under the same parent → 409; elsewhere fine", async () => {
    const { dir, page } = await family();
    const dup = await admin.post("/system/menu/create", pageBody(dir.id, { title: page.title }));
    expect(dup.status).toBe(409);
    expect(await body(dup)).toMatchObject({ code: -1, msg: "创建失败，该菜单已存在" });
    const other = await create(dirBody());
    expect((await admin.post("/system/menu/create", pageBody(other.id, { title: page.title }))).status).toBe(
      200,
    );
  });

  test("a non-superuser cannot create a menu carrying a permission they lack", async () => {
    const user = await createScopedUser(t, {
      permissions: ["module_system:menu:create", "module_system:menu:query", "module_system:user:query"],
    });
    const c = client(t, user.headers);
    const parent = await seededId("用户管理");
    const refused = await c.post(
      "/system/menu/create",
      buttonBody(parent, { permission: "module_system:user:delete" }),
    );
    expect(refused.status).toBe(400);
    expect((await body(refused)).msg).toContain("module_system:user:delete");
    const allowed = await c.post(
      "/system/menu/create",
      buttonBody(parent, { permission: "module_system:user:query" }),
    );
    expect(allowed.status).toBe(200);
  });

  test("no token → 401; no permission → 403 (before validation)", async () => {
    expect((await anon.post("/system/menu/create", dirBody())).status).toBe(401);
    const user = await createScopedUser(t, { permissions: ["module_system:menu:query"] });
    const res = await client(t, user.headers).post("/system/menu/create", {});
    expect(res.status).toBe(403);
    expect((await body(res)).code).toBe(10403);
  });
});

describe("PUT /system/menu/update/{id}", () => {
  test("a seeded child with a relative route_path saves back unchanged", async () => {
    for (const name of ["菜单管理", "租户管理", "批量修改字典状态", "删除岗位"]) {
      const id = await seededId(name);
      const detail = (await body<Menu>(await admin.get(`/system/menu/detail/${id}`))).data;
      const res = await admin.put(`/system/menu/update/${id}`, detail);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      const b = await body<Menu>(res);
      expect(b.msg).toBe("修改菜单成功");
      const { updated_time: _a, ...before } = detail;
      const { updated_time: _b, ...after } = b.data;
      expect(after).toEqual({ ...before, parent_name: null });
    }
  });

  test("changes what is sent, keeps what is not", async () => {
    const { dir, page } = await family();
    const res = await admin.put(`/system/menu/update/${page.id}`, {
      name: page.name,
      type: 2,
      order: 5,
      route_name: page.route_name,
      route_path: page.route_path,
      component_path: page.component_path,
      title: "新标题",
      hidden: true,
      parent_name: "ignored",
    });
    expect(res.status).toBe(200);
    const b = await body<Menu>(res);
    expect(b.data).toMatchObject({
      order: 5,
      title: "新标题",
      hidden: true,
      parent_id: dir.id,
      keep_alive: true,
    });
    expect(await menuRow(page.id)).toMatchObject({
      order: 5,
      title: "新标题",
      hidden: true,
      parent_id: dir.id,
    });
  });

  test("re-parenting: into its own subtree → 400; to another directory → 200", async () => {
    const { dir, page } = await family();
    const sub = await create(dirBody({ parent_id: dir.id }));
    const self = await admin.put(`/system/menu/update/${dir.id}`, { ...dir, parent_id: dir.id });
    expect(self.status).toBe(400);
    expect((await body(self)).msg).toBe("上级菜单不能是自身或其下级菜单");
    const cycle = await admin.put(`/system/menu/update/${dir.id}`, { ...dir, parent_id: sub.id });
    expect(cycle.status).toBe(400);
    expect((await menuRow(dir.id)).parent_id).toBeNull();

    const other = await create(dirBody());
    const moved = await admin.put(`/system/menu/update/${page.id}`, { ...page, parent_id: other.id });
    expect(moved.status).toBe(200);
    expect((await menuRow(page.id)).parent_id).toBe(other.id);
    const missing = await admin.put(`/system/menu/update/${page.id}`, { ...page, parent_id: 999999 });
    expect(await body(missing)).toMatchObject({ code: -1, msg: "更新失败，父级菜单不存在" });
  });

  test("type and client must stay compatible with parent and children", async () => {
    const { dir, page } = await family();
    const toButton = await admin.put(`/system/menu/update/${page.id}`, { ...page, type: 3 });
    expect(await body(toButton)).toMatchObject({ code: -1, msg: "目录下仅允许新增目录、菜单或外链" });
    const toDir = await admin.put(`/system/menu/update/${page.id}`, { ...page, type: 1, redirect: "/x" });
    expect(toDir.status).toBe(400);
    expect((await body(toDir)).msg).toBe("该菜单下已有子菜单，不能改为此类型");
    const toApp = await admin.put(`/system/menu/update/${dir.id}`, { ...dir, client: "app" });
    expect(toApp.status).toBe(400);
    expect((await menuRow(dir.id)).client).toBe("pc");
  });

  test("title taken by a sibling → 409; missing menu → 404", async () => {
    const { dir, page } = await family();
    const sibling = await create(pageBody(dir.id));
    const res = await admin.put(`/system/menu/update/${sibling.id}`, { ...sibling, title: page.title });
    expect(res.status).toBe(409);
    expect((await body(res)).msg).toBe("更新失败，菜单标题重复");
    const missing = await admin.put("/system/menu/update/999999", dirBody());
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("更新失败，该菜单不存在");
  });

  test("saving a disabled status disables the subtree", async () => {
    const { dir, page, button } = await family();
    expect((await admin.put(`/system/menu/update/${dir.id}`, { ...dir, status: "1" })).status).toBe(200);
    expect((await menuRow(page.id)).status).toBe("1");
    expect((await menuRow(button.id)).status).toBe("1");
  });

  test("a non-superuser cannot turn a held menu into a permission they lack", async () => {
    const user = await createScopedUser(t, {
      permissions: ["module_system:menu:update", "module_system:menu:detail", "module_system:menu:query"],
    });
    const c = client(t, user.headers);
    const id = await seededId("详情菜单");
    const detail = (await body<Menu>(await c.get(`/system/menu/detail/${id}`))).data;
    const refused = await c.put(`/system/menu/update/${id}`, {
      ...detail,
      permission: "module_system:user:delete",
    });
    expect(refused.status).toBe(400);
    expect((await menuRow(id)).permission).toBe("module_system:menu:detail");
    const allowed = await c.put(`/system/menu/update/${id}`, { ...detail, order: detail.order });
    expect(allowed.status).toBe(200);
    // menus outside the caller's roles are not found
    const other = await c.put(`/system/menu/update/${await seededId("用户管理")}`, detail);
    expect(other.status).toBe(404);
  });

  test("no token → 401; no permission → 403", async () => {
    expect((await anon.put("/system/menu/update/1", dirBody())).status).toBe(401);
    const user = await createScopedUser(t, { permissions: ["module_system:menu:query"] });
    expect((await client(t, user.headers).put("/system/menu/update/1", dirBody())).status).toBe(403);
  });
});

describe("PATCH /system/menu/available/setting", () => {
  test("disable cascades down, enable cascades up", async () => {
    const { dir, page, button } = await family();
    const res = await admin.patch("/system/menu/available/setting", { ids: [dir.id], status: "1" });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "批量修改菜单状态成功", data: null });
    for (const id of [dir.id, page.id, button.id]) expect((await menuRow(id)).status).toBe("1");

    await admin.patch("/system/menu/available/setting", { ids: [button.id], status: "0" });
    for (const id of [dir.id, page.id, button.id]) expect((await menuRow(id)).status).toBe("0");
  });

  test("disabling a menu takes its permission away at once", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:position:query"] });
    const c = client(t, user.headers);
    expect((await c.get("/system/position/list")).status).toBe(200);
    const { sys_menu } = t.deps.db.t;
    const ids = (
      await t.deps.db.orm
        .select({ id: sys_menu.id })
        .from(sys_menu)
        .where(eq(sys_menu.permission, "module_system:position:query"))
    ).map((r) => r.id);
    await admin.patch("/system/menu/available/setting", { ids, status: "1" });
    expect((await c.get("/system/position/list")).status).toBe(403);
    await admin.patch("/system/menu/available/setting", { ids, status: "0" });
    expect((await c.get("/system/position/list")).status).toBe(200);
  });

  test("bad status → 422; unknown id → 404; empty → 400", async () => {
    const bad = await admin.patch("/system/menu/available/setting", { ids: [1], status: "2" });
    expect(bad.status).toBe(422);
    expect((await body(bad)).msg).toBe("状态只能为 0 或 1");
    expect((await admin.patch("/system/menu/available/setting", { ids: [999999], status: "1" })).status).toBe(
      404,
    );
    expect((await admin.patch("/system/menu/available/setting", { ids: [], status: "1" })).status).toBe(400);
  });

  test("out-of-scope ids → 404; no permission → 403; no token → 401", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:menu:patch"] });
    const c = client(t, user.headers);
    const { dir } = await family();
    expect((await c.patch("/system/menu/available/setting", { ids: [dir.id], status: "1" })).status).toBe(
      404,
    );
    expect((await menuRow(dir.id)).status).toBe("0");
    const other = await createScopedUser(t, { permissions: ["module_system:menu:query"] });
    expect(
      (await client(t, other.headers).patch("/system/menu/available/setting", { ids: [1] })).status,
    ).toBe(403);
    expect((await anon.patch("/system/menu/available/setting", { ids: [1] })).status).toBe(401);
  });
});

describe("DELETE /system/menu/delete", () => {
  test("a menu with children is refused; the whole subtree together is deleted", async () => {
    const { dir, page, button } = await family();
    const { sys_role_menus } = t.deps.db.t;
    const holder = await createScopedUser(t, { permissions: [button.permission] });
    expect(
      await t.deps.db.orm.select().from(sys_role_menus).where(eq(sys_role_menus.menu_id, button.id)),
    ).toHaveLength(1);

    const refused = await admin.delete("/system/menu/delete", [dir.id]);
    expect(refused.status).toBe(400);
    expect((await body(refused)).msg).toBe(`删除失败，菜单「${dir.name}」下存在子菜单，请先删除子菜单`);
    expect(await menuRow(dir.id)).toBeDefined();

    const res = await admin.delete("/system/menu/delete", [dir.id, page.id, button.id]);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除菜单成功", data: null });
    for (const id of [dir.id, page.id, button.id]) expect(await menuRow(id)).toBeUndefined();
    expect(
      await t.deps.db.orm.select().from(sys_role_menus).where(eq(sys_role_menus.role_id, holder.roleId)),
    ).toHaveLength(0);
    expect((await admin.get(`/system/menu/detail/${dir.id}`)).status).toBe(404);
  });

  test("a leaf is deleted alone", async () => {
    const { page, button } = await family();
    expect((await admin.delete("/system/menu/delete", [button.id])).status).toBe(200);
    expect(await menuRow(button.id)).toBeUndefined();
    expect(await menuRow(page.id)).toBeDefined();
  });

  test("empty → 400; unknown → 404; not a list → 422", async () => {
    const empty = await admin.delete("/system/menu/delete", []);
    expect(await body(empty)).toMatchObject({ code: -1, msg: "删除失败，删除对象不能为空" });
    expect(empty.status).toBe(400);
    const missing = await admin.delete("/system/menu/delete", [999999]);
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("删除失败，该菜单不存在");
    const notList = await admin.delete("/system/menu/delete", { ids: [1] });
    expect(notList.status).toBe(422);
    expect((await body(notList)).msg).toBe("类型错误，输入应该是一个有效的列表！");
  });

  test("out-of-scope → 404; no permission → 403; no token → 401", async () => {
    const { button } = await family();
    const user = await createScopedUser(t, { permissions: ["module_system:menu:delete"] });
    expect((await client(t, user.headers).delete("/system/menu/delete", [button.id])).status).toBe(404);
    expect(await menuRow(button.id)).toBeDefined();
    const other = await createScopedUser(t, { permissions: ["module_system:menu:query"] });
    expect((await client(t, other.headers).delete("/system/menu/delete", [button.id])).status).toBe(403);
    expect((await anon.delete("/system/menu/delete", [button.id])).status).toBe(401);
  });

  test("deleting links rows from every role (one role holding several menus)", async () => {
    const { page, button } = await family();
    const second = await create(buttonBody(page.id, { permission: `module_test:other${n}:query` }));
    const holder = await createScopedUser(t, { permissions: [button.permission, second.permission] });
    await admin.delete("/system/menu/delete", [button.id]);
    const { sys_role_menus } = t.deps.db.t;
    const links = await t.deps.db.orm
      .select()
      .from(sys_role_menus)
      .where(inArray(sys_role_menus.role_id, [holder.roleId]));
    expect(links.map((l) => l.menu_id)).toEqual([second.id]);
  });
});

describe("seeded accounts", () => {
  test("the seeded super user (ADMIN role) is also a superuser", async () => {
    const c = client(t, await authHeaders(t, "super"));
    expect((await c.get("/system/menu/tree")).status).toBe(200);
  });
});
