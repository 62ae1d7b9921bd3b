import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { modules } from "@/modules";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

let t: TestApp;
let admin: ReturnType<typeof client>;
let n = 0;

const ALL = [
  "module_application:portal:query",
  "module_application:portal:detail",
  "module_application:portal:create",
  "module_application:portal:update",
  "module_application:portal:delete",
  "module_application:portal:patch",
];

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
});
afterAll(async () => {
  await t.close();
});

type App = {
  id: number;
  name: string;
  access_url: string;
  icon_url: string | null;
  status: string;
  description: string | null;
  created_id: number | null;
};

async function makeApp(c = admin, fields: Record<string, unknown> = {}): Promise<App> {
  n++;
  const res = await c.post("/application/portal/create", {
    name: `应用${n}`,
    access_url: `https://example.com/app/${n}`,
    ...fields,
  });
  const b = await body(res);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${b.msg}`);
  return b.data;
}

async function portalRow(id: number) {
  const { app_portal } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(app_portal).where(eq(app_portal.id, id));
  return row;
}

const KEYS = [
  "access_url",
  "created_by",
  "created_id",
  "created_time",
  "deleted_by",
  "deleted_id",
  "deleted_time",
  "description",
  "icon_url",
  "id",
  "is_deleted",
  "name",
  "status",
  "tenant",
  "tenant_id",
  "updated_by",
  "updated_id",
  "updated_time",
  "uuid",
].sort();

describe("POST /application/portal/create", () => {
  test("creates with audit users, tenant 1 and defaults (the capture's body)", async () => {
    const res = await admin.post("/application/portal/create", {
      name: "参考应用ref",
      access_url: " https://example.com/app ",
      icon_url: "https://example.com/i.png",
      status: "0",
      description: "reference",
      tenant_id: 9,
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "创建应用成功" });
    expect(Object.keys(b.data).sort()).toEqual(KEYS);
    expect(b.data).toMatchObject({
      name: "参考应用ref",
      access_url: "https://example.com/app",
      icon_url: "https://example.com/i.png",
      status: "0",
      description: "reference",
      tenant_id: 1,
      tenant: null,
      is_deleted: false,
      deleted_time: null,
      created_id: 2,
      created_by: { id: 2, name: "管理员" },
      updated_id: 2,
      updated_by: { id: 2, name: "管理员" },
      deleted_id: null,
      deleted_by: null,
    });
    expect(b.data.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(b.data.created_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  test("blank icon → null, status defaults to 0", async () => {
    const app = await makeApp(admin, { icon_url: "  " });
    expect(app).toMatchObject({ icon_url: null, status: "0", description: null });
  });

  test("validation (422 code 1): required fields, lengths, http/https URLs only", async () => {
    const url = "https://example.com";
    const cases: [unknown, string][] = [
      [{ access_url: url }, "请求失败，缺少必填项！"],
      [{ name: "x" }, "请求失败，缺少必填项！"],
      [{ name: "  ", access_url: url }, "应用名称不能为空"],
      [{ name: "x".repeat(65), access_url: url }, "应用名称长度不能超过64个字符"],
      [{ name: "x", access_url: "   " }, "访问地址不能为空"],
      [{ name: "x", access_url: `${url}/${"p".repeat(250)}` }, "访问地址长度不能超过255个字符"],
      [{ name: "x", access_url: "javascript:alert(1)" }, "访问地址必须为 http/https URL"],
      [{ name: "x", access_url: "JavaScript://example.com/%0aalert(1)" }, "访问地址必须为 http/https URL"],
      [{ name: "x", access_url: "ftp://example.com" }, "访问地址必须为 http/https URL"],
      [{ name: "x", access_url: "/relative/path" }, "访问地址必须为 http/https URL"],
      [{ name: "x", access_url: "https://" }, "访问地址必须为 http/https URL"],
      [{ name: "x", access_url: "https://exa mple.com" }, "访问地址必须为 http/https URL"],
      [
        { name: "x", access_url: url, icon_url: "data:image/png;base64,AAAA" },
        "应用图标URL必须为 http/https URL",
      ],
      [{ name: "x", access_url: url, icon_url: "javascript:alert(1)" }, "应用图标URL必须为 http/https URL"],
      [
        { name: "x", access_url: url, icon_url: `${url}/${"i".repeat(300)}` },
        "应用图标URL长度不能超过300个字符",
      ],
      [{ name: "x", access_url: url, status: "9" }, "状态只能是 0 或 1"],
      [{ name: "x", access_url: url, description: "d".repeat(256) }, "描述长度不能超过255个字符"],
    ];
    for (const [payload, msg] of cases) {
      const res = await admin.post("/application/portal/create", payload);
      expect({ payload, status: res.status }).toEqual({ payload, status: 422 });
      expect(await body(res)).toMatchObject({ code: 1, msg, data: payload as any });
    }
    const { app_portal } = t.deps.db.t;
    const stored = await t.deps.db.orm.select().from(app_portal).where(eq(app_portal.name, "x"));
    expect(stored).toHaveLength(0);
  });

  test("duplicate name → 409; a deleted name can be used again", async () => {
    const a = await makeApp();
    const res = await admin.post("/application/portal/create", {
      name: a.name,
      access_url: "http://x.example",
    });
    expect(res.status).toBe(409);
    expect(await body(res)).toMatchObject({ code: -1, msg: "创建失败，应用名称已存在", data: null });
    expect((await admin.delete("/application/portal/delete", [a.id])).status).toBe(200);
    expect(
      (await admin.post("/application/portal/create", { name: a.name, access_url: "http://x.example" }))
        .status,
    ).toBe(200);
  });
});

describe("GET /application/portal/detail/{id}", () => {
  test("returns the application", async () => {
    const a = await makeApp(admin, { description: "详情", icon_url: "http://cdn.example/i.svg" });
    const b = await body(await admin.get(`/application/portal/detail/${a.id}`));
    expect(b).toMatchObject({ code: 0, msg: "获取应用详情成功" });
    expect(Object.keys(b.data).sort()).toEqual(KEYS);
    expect(b.data).toMatchObject({
      id: a.id,
      name: a.name,
      description: "详情",
      icon_url: "http://cdn.example/i.svg",
      tenant_id: 1,
      tenant: null,
      created_by: { id: 2, name: "管理员" },
    });
  });

  test("missing → 404 应用不存在; bad id → 422", async () => {
    const res = await admin.get("/application/portal/detail/999999");
    expect(res.status).toBe(404);
    expect(await body(res)).toMatchObject({ code: -1, msg: "应用不存在", data: null });
    expect((await admin.get("/application/portal/detail/abc")).status).toBe(422);
  });
});

describe("PUT /application/portal/update/{id}", () => {
  test("writes the sent fields, keeps the rest (the capture's partial body), records the updater", async () => {
    const a = await makeApp(admin, {
      icon_url: "https://example.com/i.png",
      status: "1",
      description: "keep",
    });
    const superUser = client(t, await authHeaders(t, "super"));
    const res = await superUser.put(`/application/portal/update/${a.id}`, {
      name: a.name,
      access_url: "https://example.com/app2",
      description: "updated",
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "修改应用成功" });
    expect(b.data).toMatchObject({
      name: a.name,
      access_url: "https://example.com/app2",
      icon_url: "https://example.com/i.png",
      status: "1",
      description: "updated",
      created_id: 2,
      updated_id: 1,
      updated_by: { id: 1, name: "超级管理员" },
    });
    // an explicit empty icon clears it
    const cleared = await body(
      await admin.put(`/application/portal/update/${a.id}`, {
        name: a.name,
        access_url: a.access_url,
        icon_url: "",
      }),
    );
    expect(cleared.data.icon_url).toBeNull();
    expect((await portalRow(a.id)).icon_url).toBeNull();
  });

  test("missing → 404, duplicate → 409, own name is fine, bad body → 422 and nothing written", async () => {
    const a = await makeApp();
    const b = await makeApp();
    const missing = await admin.put("/application/portal/update/999999", {
      name: "x",
      access_url: "http://a.b",
    });
    expect(missing.status).toBe(404);
    expect(await body(missing)).toMatchObject({ code: -1, msg: "更新失败，该应用不存在" });
    const dup = await admin.put(`/application/portal/update/${a.id}`, {
      name: b.name,
      access_url: a.access_url,
    });
    expect(dup.status).toBe(409);
    expect(await body(dup)).toMatchObject({ code: -1, msg: "更新失败，应用名称重复" });
    expect(
      (
        await admin.put(`/application/portal/update/${a.id}`, {
          name: a.name,
          access_url: "https://ok.example",
        })
      ).status,
    ).toBe(200);
    const bad = await admin.put(`/application/portal/update/${a.id}`, {
      name: a.name,
      access_url: "javascript:alert(1)",
    });
    expect(bad.status).toBe(422);
    expect((await body(bad)).msg).toBe("访问地址必须为 http/https URL");
    expect((await portalRow(a.id)).access_url).toBe("https://ok.example");
    expect((await admin.put(`/application/portal/update/${a.id}`, { name: a.name })).status).toBe(422);
  });
});

describe("GET /application/portal/list", () => {
  test("paged, newest first by default, filters and order_by; tenant_id ignored", async () => {
    const tag = `列表${Date.now() % 100000}`;
    const first = await makeApp(admin, { name: `${tag}甲` });
    const second = await makeApp(admin, { name: `${tag}_乙`, status: "1" });
    await t.deps.db.orm
      .update(t.deps.db.t.app_portal)
      .set({ updated_time: "2099-01-01 00:00:00" })
      .where(eq(t.deps.db.t.app_portal.id, first.id));
    const q = `name=${encodeURIComponent(tag)}&tenant_id=5`;

    const b = await body(await admin.get(`/application/portal/list?page_no=1&page_size=1&${q}`));
    expect(b).toMatchObject({ code: 0, msg: "查询应用列表成功" });
    expect(b.data).toMatchObject({ total: 2, page_no: 1, page_size: 1, has_next: true });
    expect(b.data.items.map((x: App) => x.id)).toEqual([first.id]);
    expect(Object.keys(b.data.items[0]).sort()).toEqual(KEYS);

    const page2 = (await body(await admin.get(`/application/portal/list?page_no=2&page_size=1&${q}`))).data;
    expect(page2).toMatchObject({ has_next: false, items: [{ id: second.id }] });

    const asc = (
      await body(
        await admin.get(`/application/portal/list?${q}&order_by=${encodeURIComponent('[{"id":"asc"}]')}`),
      )
    ).data.items.map((x: App) => x.id);
    expect(asc).toEqual([first.id, second.id]);

    const off = (await body(await admin.get(`/application/portal/list?${q}&status=1`))).data;
    expect(off.items.map((x: App) => x.id)).toEqual([second.id]);
    // LIKE is literal: `_` matches only an underscore
    const literal = (
      await body(await admin.get(`/application/portal/list?name=${encodeURIComponent(`${tag}_`)}`))
    ).data;
    expect(literal.items.map((x: App) => x.id)).toEqual([second.id]);
    const range = (
      await body(
        await admin.get(
          `/application/portal/list?${q}&updated_time=2098-12-31 00:00:00&updated_time=2099-01-02 00:00:00`,
        ),
      )
    ).data;
    expect(range.items.map((x: App) => x.id)).toEqual([first.id]);
    expect((await body(await admin.get(`/application/portal/list?${q}&created_id=1`))).data.total).toBe(0);
    expect((await body(await admin.get(`/application/portal/list?${q}&created_id=2`))).data.total).toBe(2);
  });

  test("bad paging or time range → 422, unknown order field → 400", async () => {
    expect((await admin.get("/application/portal/list?page_size=101")).status).toBe(422);
    expect((await admin.get("/application/portal/list?created_time=x&created_time=y")).status).toBe(422);
    const res = await admin.get(
      `/application/portal/list?order_by=${encodeURIComponent('[{"nope":"asc"}]')}`,
    );
    expect(res.status).toBe(400);
    expect((await body(res)).code).toBe(-1);
  });
});

describe("GET /application/portal/plugins", () => {
  test("the optional areas this server mounts, in the PluginInfo shape, sorted", async () => {
    const res = await admin.get("/application/portal/plugins");
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "查询插件元数据成功" });
    const dirs = b.data.map((p: { module_dir: string }) => p.module_dir);
    expect(dirs).toEqual([...dirs].sort());
    expect(dirs).toEqual(expect.arrayContaining(["module_application", "module_example", "module_monitor"]));
    expect(dirs).not.toContain("module_system");
    expect(dirs).not.toContain("module_common");
    const example = b.data.find((p: { module_dir: string }) => p.module_dir === "module_example");
    expect(example).toEqual({
      module_dir: "module_example",
      route_prefix: "/example",
      has_manifest: true,
      name: "example",
      title: "示例插件",
      version: "1.0.0",
      description: expect.any(String),
      optional: true,
      tags: ["demo", "sample"],
      manifest_name_mismatch: false,
    });
    // every listed area really is mounted, and answers under its prefix
    for (const p of b.data as { route_prefix: string; has_manifest: boolean }[]) {
      expect(modules.some((m) => m.path.startsWith(`${p.route_prefix}/`))).toBe(true);
      expect(Object.keys(p).sort()).toEqual(Object.keys(example).sort());
    }
  });
});

describe("PATCH /application/portal/available/setting", () => {
  test("sets the status of every id", async () => {
    const a = await makeApp();
    const b = await makeApp();
    const res = await admin.patch("/application/portal/available/setting", {
      ids: [a.id, b.id],
      status: "1",
    });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "批量修改应用状态成功", data: null });
    expect((await portalRow(a.id)).status).toBe("1");
    expect((await portalRow(b.id)).status).toBe("1");
  });

  test("errors: empty 400, bad status 422, missing 404 (nothing written)", async () => {
    const a = await makeApp();
    const empty = await admin.patch("/application/portal/available/setting", { ids: [], status: "1" });
    expect(empty.status).toBe(400);
    expect((await body(empty)).msg).toBe("修改失败，修改对象不能为空");
    expect(
      (await admin.patch("/application/portal/available/setting", { ids: [a.id], status: "x" })).status,
    ).toBe(422);
    const missing = await admin.patch("/application/portal/available/setting", {
      ids: [a.id, 999999],
      status: "1",
    });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("修改失败，应用 999999 不存在");
    expect((await portalRow(a.id)).status).toBe("0");
  });
});

describe("DELETE /application/portal/delete", () => {
  test("soft delete: row kept with audit, invisible afterwards", async () => {
    const a = await makeApp();
    const res = await admin.delete("/application/portal/delete", [a.id, a.id]);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除应用成功", data: null });
    const row = await portalRow(a.id);
    expect(row).toMatchObject({ is_deleted: true, deleted_id: 2 });
    expect(row.deleted_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect((await admin.get(`/application/portal/detail/${a.id}`)).status).toBe(404);
    expect(
      (await body(await admin.get(`/application/portal/list?name=${encodeURIComponent(a.name)}`))).data.total,
    ).toBe(0);
    const again = await admin.delete("/application/portal/delete", [a.id]);
    expect(again.status).toBe(404);
    expect((await body(again)).msg).toBe(`删除失败，应用 ${a.id} 不存在`);
  });

  test("errors: empty 400, not a list 422, missing 404 (nothing deleted)", async () => {
    const a = await makeApp();
    const empty = await admin.delete("/application/portal/delete", []);
    expect(empty.status).toBe(400);
    expect(await body(empty)).toMatchObject({ code: -1, msg: "删除失败，删除对象不能为空" });
    expect((await admin.delete("/application/portal/delete", { ids: [a.id] })).status).toBe(422);
    const missing = await admin.delete("/application/portal/delete", [a.id, 999999]);
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("删除失败，应用 999999 不存在");
    expect((await portalRow(a.id)).is_deleted).toBe(false);
  });
});

describe("security", () => {
  const endpoints: [string, string, unknown?][] = [
    ["get", "/application/portal/list"],
    ["get", "/application/portal/plugins"],
    ["get", "/application/portal/detail/1"],
    ["post", "/application/portal/create", { name: "x", access_url: "http://a.b" }],
    ["put", "/application/portal/update/1", { name: "x", access_url: "http://a.b" }],
    ["delete", "/application/portal/delete", [1]],
    ["patch", "/application/portal/available/setting", { ids: [1], status: "1" }],
  ];

  test("no token → 401 code 10401", async () => {
    const anon = client(t);
    for (const [method, path, payload] of endpoints) {
      const res = await (anon as any)[method](path, payload);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect((await body(res)).code).toBe(10401);
    }
  });

  test("without the permission → 403 code 10403", async () => {
    const other = await createScopedUser(t, { permissions: ["module_example:demo:query"] });
    const c = client(t, other.headers);
    for (const [method, path, payload] of endpoints) {
      const res = await (c as any)[method](path, payload);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(await body(res)).toMatchObject({ code: 10403, msg: "无权限操作" });
    }
  });

  test("each permission opens only its own endpoint", async () => {
    const reader = client(
      t,
      (await createScopedUser(t, { permissions: ["module_application:portal:query"] })).headers,
    );
    expect((await reader.get("/application/portal/list")).status).toBe(200);
    expect((await reader.get("/application/portal/plugins")).status).toBe(200);
    expect((await reader.get("/application/portal/detail/1")).status).toBe(403);
    expect(
      (await reader.post("/application/portal/create", { name: "x", access_url: "http://a.b" })).status,
    ).toBe(403);
  });
});

describe("data scope (by the creator's department)", () => {
  test("scope 1 sees only its own rows; others' rows are not found for every operation", async () => {
    const byAdmin = await makeApp();
    const u = await createScopedUser(t, { permissions: ALL, dataScope: 1 });
    const c = client(t, u.headers);
    const mine = await makeApp(c);
    expect(mine.created_id).toBe(u.id);
    const ids = (await body(await c.get("/application/portal/list?page_size=100"))).data.items.map(
      (x: App) => x.id,
    );
    expect(ids).toEqual([mine.id]);
    expect((await c.get(`/application/portal/detail/${byAdmin.id}`)).status).toBe(404);
    expect(
      (
        await c.put(`/application/portal/update/${byAdmin.id}`, {
          name: "越权修改",
          access_url: "http://a.b",
        })
      ).status,
    ).toBe(404);
    expect((await c.delete("/application/portal/delete", [byAdmin.id])).status).toBe(404);
    expect(
      (await c.patch("/application/portal/available/setting", { ids: [byAdmin.id], status: "1" })).status,
    ).toBe(404);
    expect(await portalRow(byAdmin.id)).toMatchObject({ name: byAdmin.name, status: "0", is_deleted: false });
    // its own row is fully manageable
    expect((await c.get(`/application/portal/detail/${mine.id}`)).status).toBe(200);
    expect(
      (await c.patch("/application/portal/available/setting", { ids: [mine.id], status: "1" })).status,
    ).toBe(200);
    expect((await c.delete("/application/portal/delete", [mine.id])).status).toBe(200);
  });

  test("scope 2 sees rows created by users of its own department", async () => {
    const { sys_dept } = t.deps.db.t;
    const deptA = t.deps.db.insertId(
      await t.deps.db.orm.insert(sys_dept).values({ name: "门户部门A", code: "PORTA", parent_id: 1 }),
    );
    const creator = await createScopedUser(t, { permissions: ALL, dataScope: 4, deptId: deptA });
    const byA = await makeApp(client(t, creator.headers));
    const byAdmin = await makeApp();
    const viewer = await createScopedUser(t, { permissions: ALL, dataScope: 2, deptId: deptA });
    const ids = (
      await body(await client(t, viewer.headers).get("/application/portal/list?page_size=100"))
    ).data.items.map((x: App) => x.id);
    expect(ids).toContain(byA.id);
    expect(ids).not.toContain(byAdmin.id);
  });
});
