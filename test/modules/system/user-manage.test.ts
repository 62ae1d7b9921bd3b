import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, inArray } from "drizzle-orm";
import type { CreateInput, UserOut } from "@/modules/system/user/user.service";
import reference from "../../fixtures/reference/user-detail-created.json";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

/* U8–U13: list, detail, create, update, delete, status — with permissions and data scope. */

let t: TestApp;
let admin: ReturnType<typeof client>;
/** dept tree: 1 ─┬─ d2 ── d3
 *               ├─ d4
 *               └─ d5 (disabled) */
let d2: number;
let d3: number;
let d4: number;
let d5: number;
let positionId: number;
let roleId: number;

async function insertDept(name: string, code: string, parent: number, status = "0") {
  const { sys_dept } = t.deps.db.t;
  return t.deps.db.insertId(
    await t.deps.db.orm.insert(sys_dept).values({ name, code, parent_id: parent, status }),
  );
}

let seq = 0;
/** A fixture user inserted directly (dept, creator, status as given). */
async function fixtureUser(opts: { dept?: number | null; createdBy?: number; status?: string } = {}) {
  const { sys_user } = t.deps.db.t;
  const username = `fx_${++seq}`;
  const id = t.deps.db.insertId(
    await t.deps.db.orm.insert(sys_user).values({
      username,
      password: "x",
      name: `夹具${seq}`,
      dept_id: opts.dept === undefined ? 1 : opts.dept,
      created_id: opts.createdBy ?? null,
      status: opts.status ?? "0",
    }),
  );
  return { id, username };
}

/** A role with no menus and data scope 1 (own rows): within any caller's authority. */
async function weakRole() {
  const { sys_role } = t.deps.db.t;
  const code = `WK${++seq}`;
  return t.deps.db.insertId(await t.deps.db.orm.insert(sys_role).values({ name: code, code, data_scope: 1 }));
}

async function userRow(id: number) {
  const { sys_user } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.id, id));
  return row;
}

/** Ids a list call returns, across all pages. */
async function listedIds(api: ReturnType<typeof client>, query = ""): Promise<number[]> {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const res = await api.get(`/system/user/list?page_size=100&page_no=${page}${query}`);
    expect(res.status).toBe(200);
    const b = await body(res);
    ids.push(...b.data.items.map((u: { id: number }) => u.id));
    if (!b.data.has_next) return ids.sort((a, b) => a - b);
  }
}

/** Ground truth from the database: live users matching `where`. */
async function expectedIds(where: (u: TestApp["deps"]["db"]["t"]["sys_user"]) => any): Promise<number[]> {
  const { sys_user } = t.deps.db.t;
  const rows = await t.deps.db.orm
    .select({ id: sys_user.id })
    .from(sys_user)
    .where(and(eq(sys_user.is_deleted, false), where(sys_user)));
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
  d2 = await insertDept("研发部", "RD", 1);
  d3 = await insertDept("研发一组", "RD1", d2);
  d4 = await insertDept("市场部", "MK", 1);
  d5 = await insertDept("停用部", "OFF", 1, "1");
  const { sys_position, sys_role } = t.deps.db.t;
  positionId = t.deps.db.insertId(
    await t.deps.db.orm.insert(sys_position).values({ name: "工程师", created_id: 2 }),
  );
  roleId = t.deps.db.insertId(
    await t.deps.db.orm.insert(sys_role).values({ name: "查询角色", code: "QRY", data_scope: 4 }),
  );
  for (const dept of [1, d2, d3, d4, null]) await fixtureUser({ dept });
}, 30_000); // a fresh MariaDB database takes a few seconds on a busy machine
afterAll(() => t.close());

describe("U8 GET /system/user/list", () => {
  test("a page of user objects without password hashes, newest first", async () => {
    const res = await admin.get("/system/user/list");
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("查询用户成功");
    expect(Object.keys(b.data).sort()).toEqual(["has_next", "items", "page_no", "page_size", "total"]);
    expect(b.data).toMatchObject({ page_no: 1, page_size: 10 });
    expect(b.data.total).toBe((await expectedIds(() => undefined)).length);
    const expectedKeys = Object.keys(reference.response.data).filter((k) => k !== "password");
    for (const item of b.data.items) {
      expect(Object.keys(item).sort()).toEqual([...expectedKeys].sort());
      expect(item.menus).toEqual([]);
    }
    const times = b.data.items.map((u: { updated_time: string }) => u.updated_time);
    expect(times).toEqual([...times].sort().reverse());
  });

  test("filters: username/name/mobile like, status, dept_id, time range, order_by", async () => {
    const u = await fixtureUser({ dept: d4 });
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm
      .update(sys_user)
      .set({ mobile: "13511112222", email: "fx@corp.example", status: "1" })
      .where(eq(sys_user.id, u.id));
    expect(await listedIds(admin, `&username=${u.username}`)).toEqual([u.id]);
    expect(await listedIds(admin, "&mobile=1111")).toEqual([u.id]); // partial numbers work (§16 #40)
    expect(await listedIds(admin, "&email=corp.exam")).toEqual([u.id]);
    expect(await listedIds(admin, `&name=${encodeURIComponent("夹具")}&status=1`)).toEqual([u.id]);
    expect(await listedIds(admin, `&dept_id=${d4}`)).toEqual(await expectedIds((s) => eq(s.dept_id, d4)));
    expect(await listedIds(admin, "&username=%25")).toEqual([]); // % is literal
    const all = await expectedIds(() => undefined);
    expect(
      await listedIds(admin, "&created_time=2000-01-01 00:00:00&created_time=2099-12-31 23:59:59"),
    ).toEqual(all);
    expect(
      await listedIds(admin, "&created_time=2000-01-01 00:00:00&created_time=2000-12-31 23:59:59"),
    ).toEqual([]);
    const ordered = await body(
      await admin.get(`/system/user/list?page_size=3&order_by=${encodeURIComponent('[{"id":"asc"}]')}`),
    );
    expect(ordered.data.items.map((x: { id: number }) => x.id)).toEqual([1, 2, 3]);
    expect(ordered.data.has_next).toBe(true);
  });

  test("bad paging, unknown or secret sort fields are refused", async () => {
    expect((await admin.get("/system/user/list?page_size=101")).status).toBe(422);
    expect((await admin.get("/system/user/list?page_no=0")).status).toBe(422);
    expect((await admin.get("/system/user/list?dept_id=abc")).status).toBe(422);
    const unknown = await admin.get(`/system/user/list?order_by=${encodeURIComponent('[{"nope":"asc"}]')}`);
    expect(unknown.status).toBe(400);
    // also when the key is spelt with a JSON escape
    for (const field of ['"password"', '"\\u0070assword"']) {
      const secret = await admin.get(
        `/system/user/list?order_by=${encodeURIComponent(`[{${field}:"asc"}]`)}`,
      );
      expect(secret.status).toBe(400);
    }
  });

  test("401 without token, 403 without module_system:user:query", async () => {
    const none = await client(t).get("/system/user/list");
    expect(none.status).toBe(401);
    expect((await body(none)).code).toBe(10401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:detail"] });
    const denied = await client(t, other.headers).get("/system/user/list");
    expect(denied.status).toBe(403);
    expect(await body(denied)).toMatchObject({ code: 10403, msg: "无权限操作" });
  });
});

describe("data scope on the user list (contract §6.4)", () => {
  const perm = ["module_system:user:query"];

  test("1 (self): only users the caller created", async () => {
    const me = await createScopedUser(t, { permissions: perm, dataScope: 1, deptId: d2 });
    const mine = await fixtureUser({ dept: d4, createdBy: me.id });
    expect(await listedIds(client(t, me.headers))).toEqual([mine.id]);
  });

  test("2 (own department): exactly the users of d2", async () => {
    const me = await createScopedUser(t, { permissions: perm, dataScope: 2, deptId: d2 });
    const ids = await listedIds(client(t, me.headers));
    expect(ids).toEqual(await expectedIds((s) => eq(s.dept_id, d2)));
    expect(ids).toContain(me.id);
  });

  test("3 (department and below): d2 and d3", async () => {
    const me = await createScopedUser(t, { permissions: perm, dataScope: 3, deptId: d2 });
    const ids = await listedIds(client(t, me.headers));
    expect(ids).toEqual(await expectedIds((s) => inArray(s.dept_id, [d2, d3])));
    expect(ids.length).toBeGreaterThan(2);
  });

  test("4 (all): everyone", async () => {
    const me = await createScopedUser(t, { permissions: perm, dataScope: 4, deptId: d2 });
    expect(await listedIds(client(t, me.headers))).toEqual(await expectedIds(() => undefined));
  });

  test("5 (custom): only the role's departments", async () => {
    const me = await createScopedUser(t, {
      permissions: perm,
      dataScope: 5,
      deptId: d2,
      customDeptIds: [d4],
    });
    const ids = await listedIds(client(t, me.headers));
    expect(ids).toEqual(await expectedIds((s) => eq(s.dept_id, d4)));
    expect(ids).not.toContain(me.id);
  });
});

describe("U9 GET /system/user/detail/{id}", () => {
  test("a user object with full roles, positions and dept", async () => {
    const res = await admin.get("/system/user/detail/1");
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("获取用户详情成功");
    expect(b.data).not.toHaveProperty("password");
    expect(b.data).toMatchObject({
      id: 1,
      username: "super",
      role_ids: [1],
      dept: { id: 1, name: "集团总公司" },
    });
    const refRole = reference.response.data.roles[0];
    expect(Object.keys(b.data.roles[0]).sort()).toEqual(Object.keys(refRole).sort());
  });

  test("unknown id → 404; out of scope → 404; 401; 403", async () => {
    const missing = await admin.get("/system/user/detail/999999");
    expect(missing.status).toBe(404);
    expect(await body(missing)).toMatchObject({ code: -1, msg: "用户不存在" });
    const scoped = await createScopedUser(t, {
      permissions: ["module_system:user:detail"],
      dataScope: 2,
      deptId: d2,
    });
    const outside = await fixtureUser({ dept: d4 });
    const inside = await fixtureUser({ dept: d2 });
    expect((await client(t, scoped.headers).get(`/system/user/detail/${outside.id}`)).status).toBe(404);
    expect((await client(t, scoped.headers).get(`/system/user/detail/${inside.id}`)).status).toBe(200);
    expect((await client(t).get("/system/user/detail/1")).status).toBe(401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    expect((await client(t, other.headers).get("/system/user/detail/1")).status).toBe(403);
  });
});

describe("U10 POST /system/user/create", () => {
  /** A valid body (the service's own input type), with `over` on top (possibly invalid on purpose). */
  const payload = (over: Record<string, unknown> = {}) => {
    const valid: CreateInput = {
      username: `new_${++seq}`,
      password: "initial-pass-1",
      name: "新用户",
      gender: "1",
      status: "0",
      description: "created by test",
    };
    return { ...valid, ...over };
  };

  test("creates with dept, roles and positions; the password is hashed and never returned", async () => {
    const res = await admin.post(
      "/system/user/create",
      payload({
        username: "alice",
        email: "alice@example.com",
        dept_id: d2,
        role_ids: [roleId],
        position_ids: [positionId],
      }),
    );
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("创建用户成功");
    const created: UserOut = b.data;
    expect(created).toMatchObject({
      username: "alice",
      name: "新用户",
      email: "alice@example.com",
      gender: "1",
      is_superuser: false,
      dept_id: d2,
      dept: { id: d2, name: "研发部" },
      dept_name: "研发部",
      role_ids: [roleId],
      position_ids: [positionId],
      positions: [{ id: positionId, name: "工程师" }],
      created_by: { id: 2, name: "管理员" },
      updated_by: { id: 2, name: "管理员" },
      tenant: { id: 1, name: "系统租户" },
    });
    expect(created.roles[0]).toMatchObject({ id: roleId, code: "QRY", menus: [], depts: [] });
    expect(created).not.toHaveProperty("password");
    const row = await userRow(created.id);
    expect(row.password).toStartWith("$argon2id$");
    expect(await t.deps.hasher.verify(row.password, "initial-pass-1")).toBe(true);
  });

  test("superusers cannot be created", async () => {
    const res = await admin.post("/system/user/create", payload({ is_superuser: true }));
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: -1, msg: "不允许创建超级管理员" });
  });

  test("duplicates → 409 with readable messages (deleted users' names stay taken)", async () => {
    const dup = await admin.post("/system/user/create", payload({ username: "admin" }));
    expect(dup.status).toBe(409);
    expect(await body(dup)).toMatchObject({ code: -1, msg: "已存在相同用户名称的账号" });
    await admin.post(
      "/system/user/create",
      payload({ username: "bob", mobile: "13622223333", email: "bob@example.com" }),
    );
    const mobile = await admin.post("/system/user/create", payload({ mobile: "13622223333" }));
    expect(mobile.status).toBe(409);
    expect((await body(mobile)).msg).toBe("创建失败，手机号已存在");
    const email = await admin.post("/system/user/create", payload({ email: "bob@example.com" }));
    expect((await body(email)).msg).toBe("创建失败，邮箱已存在");
    const { sys_user } = t.deps.db.t;
    const gone = await fixtureUser();
    await t.deps.db.orm.update(sys_user).set({ is_deleted: true }).where(eq(sys_user.id, gone.id));
    expect((await admin.post("/system/user/create", payload({ username: gone.username }))).status).toBe(409);
  });

  test("unknown or disabled dept, unknown role or position → 400 and nothing written", async () => {
    const before = (await expectedIds(() => undefined)).length;
    const cases: [Record<string, unknown>, string][] = [
      [{ dept_id: 99999 }, "部门不存在"],
      [{ dept_id: d5 }, "部门已被禁用"],
      [{ role_ids: [roleId, 99999] }, "部分角色不存在"],
      [{ position_ids: [99999] }, "部分岗位不存在"],
    ];
    for (const [over, msg] of cases) {
      const res = await admin.post("/system/user/create", payload(over));
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe(msg);
    }
    expect((await expectedIds(() => undefined)).length).toBe(before);
  });

  test("validation → 422", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ password: "short" }, "密码长度不能少于8个字符"],
      [{ password: "x".repeat(129) }, "密码长度不能超过128个字符"],
      [{ name: undefined }, "名称不能为空"],
      [{ username: "  " }, "账号不能为空"],
      [{ mobile: "1234" }, "手机号格式不正确"],
      [{ status: "9" }, "状态只能为 0(正常) 或 1(停用)"],
    ];
    for (const [over, msg] of cases) {
      const res = await admin.post("/system/user/create", payload(over));
      expect(res.status).toBe(422);
      expect((await body(res)).msg).toBe(msg);
    }
  });

  test("a scoped caller may only assign its visible departments and roles", async () => {
    const me = await createScopedUser(t, {
      permissions: ["module_system:user:create"],
      dataScope: 2,
      deptId: d2,
    });
    const api = client(t, me.headers);
    const otherDept = await api.post("/system/user/create", payload({ dept_id: d4 }));
    expect(otherDept.status).toBe(400);
    expect((await body(otherDept)).msg).toBe("部门不存在");
    // a role reaching wider than the caller (scope 4) is refused as beyond its authority...
    const widerRole = await api.post("/system/user/create", payload({ dept_id: d2, role_ids: [roleId] }));
    expect(widerRole.status).toBe(403);
    // ...and one within it that the caller does not hold is still not theirs to hand out
    const otherRole = await api.post(
      "/system/user/create",
      payload({ dept_id: d2, role_ids: [await weakRole()] }),
    );
    expect((await body(otherRole)).msg).toBe("部分角色不存在");
    const ok = await api.post("/system/user/create", payload({ dept_id: d2, role_ids: [me.roleId] }));
    expect(ok.status).toBe(200);
    expect((await body(ok)).data).toMatchObject({ created_id: me.id, role_ids: [me.roleId] });
  });

  test("401 and 403", async () => {
    expect((await client(t).post("/system/user/create", payload())).status).toBe(401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    expect((await client(t, other.headers).post("/system/user/create", payload())).status).toBe(403);
  });
});

describe("U11 PUT /system/user/update/{id}", () => {
  async function created(over: Record<string, unknown> = {}) {
    const res = await admin.post("/system/user/create", {
      username: `upd_${++seq}`,
      password: "initial-pass-1",
      name: "待修改",
      dept_id: d2,
      role_ids: [roleId],
      position_ids: [positionId],
      ...over,
    });
    expect(res.status).toBe(200);
    return (await body(res)).data;
  }

  test("the SPA's whole detail object round-trips; links replace; the password is untouched", async () => {
    const user = await created();
    const before = (await userRow(user.id)).password;
    const res = await admin.put(`/system/user/update/${user.id}`, {
      ...user,
      password: "$2b$12$attacker-supplied-hash",
      name: "已修改",
      gender: 0,
      dept_id: d4,
      role_ids: [],
      position_ids: [positionId],
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("修改用户成功");
    expect(b.data).toMatchObject({
      name: "已修改",
      gender: "0",
      dept: { id: d4, name: "市场部" },
      role_ids: [],
    });
    expect(b.data.roles).toEqual([]);
    expect(b.data.position_ids).toEqual([positionId]);
    expect((await userRow(user.id)).password).toBe(before);
    // absent lists leave links alone
    const again = await body(await admin.put(`/system/user/update/${user.id}`, { username: user.username }));
    expect(again.data).toMatchObject({ name: "已修改", position_ids: [positionId] });
  });

  test("is_superuser can never be set; superusers cannot be modified", async () => {
    const user = await created();
    const promote = await admin.put(`/system/user/update/${user.id}`, {
      username: user.username,
      is_superuser: true,
    });
    expect(promote.status).toBe(400);
    expect((await body(promote)).msg).toBe("不允许设置超级管理员");
    expect((await userRow(user.id)).is_superuser).toBe(false);
    const su = await admin.put("/system/user/update/1", { username: "super", name: "超级管理员" });
    expect(su.status).toBe(400);
    expect(await body(su)).toMatchObject({ code: -1, msg: "超级管理员不允许修改" });
  });

  test("not found, conflicts, validation", async () => {
    const missing = await admin.put("/system/user/update/999999", { username: "ghost" });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("用户不存在");
    const a = await created({ mobile: "13544445555" });
    const b = await created();
    const name = await admin.put(`/system/user/update/${b.id}`, { username: a.username });
    expect(name.status).toBe(409);
    expect((await body(name)).msg).toBe("已存在相同的账号");
    const mobile = await admin.put(`/system/user/update/${b.id}`, {
      username: b.username,
      mobile: "13544445555",
    });
    expect((await body(mobile)).msg).toBe("更新失败，手机号已存在");
    const noName = await admin.put(`/system/user/update/${b.id}`, { name: "x" });
    expect(noName.status).toBe(422);
    const badRole = await admin.put(`/system/user/update/${b.id}`, {
      username: b.username,
      role_ids: [99999],
    });
    expect((await body(badRole)).msg).toBe("部分角色不存在");
    const offDept = await admin.put(`/system/user/update/${b.id}`, { username: b.username, dept_id: d5 });
    expect((await body(offDept)).msg).toBe("部门已被禁用");
  });

  test("role changes apply to the target's next request; disabling ends its sessions", async () => {
    const target = await createScopedUser(t);
    const api = client(t, target.headers);
    expect((await api.get("/system/user/list")).status).toBe(403);
    const { sys_menu, sys_role_menus } = t.deps.db.t;
    const [menu] = await t.deps.db.orm
      .select({ id: sys_menu.id })
      .from(sys_menu)
      .where(eq(sys_menu.permission, "module_system:user:query"));
    await t.deps.db.orm.insert(sys_role_menus).values({ role_id: roleId, menu_id: menu.id });
    const res = await admin.put(`/system/user/update/${target.id}`, {
      username: target.username,
      role_ids: [target.roleId, roleId],
    });
    expect(res.status).toBe(200);
    expect((await api.get("/system/user/list")).status).toBe(200);
    await admin.put(`/system/user/update/${target.id}`, { username: target.username, status: "1" });
    expect((await api.get("/system/user/current/info")).status).toBe(401);
  });

  test("a scoped caller cannot reach other departments and keeps roles it cannot see", async () => {
    const me = await createScopedUser(t, {
      permissions: ["module_system:user:update"],
      dataScope: 2,
      deptId: d2,
    });
    const api = client(t, me.headers);
    const outside = await created({ dept_id: d4 });
    expect((await api.put(`/system/user/update/${outside.id}`, { username: outside.username })).status).toBe(
      404,
    );
    // dept d2, holds a role `me` cannot see (one within its authority: see test/security)
    const hidden = await weakRole();
    const inside = await created({ role_ids: [hidden] });
    const res = await api.put(`/system/user/update/${inside.id}`, {
      username: inside.username,
      role_ids: [me.roleId],
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data.role_ids.sort()).toEqual([hidden, me.roleId].sort());
    const move = await api.put(`/system/user/update/${inside.id}`, {
      username: inside.username,
      dept_id: d4,
    });
    expect((await body(move)).msg).toBe("部门不存在");
  });

  test("401 and 403", async () => {
    expect((await client(t).put("/system/user/update/3", { username: "user" })).status).toBe(401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    expect((await client(t, other.headers).put("/system/user/update/3", { username: "user" })).status).toBe(
      403,
    );
  });
});

describe("U12 DELETE /system/user/delete", () => {
  test("soft-deletes disabled users, drops their links and sessions", async () => {
    const target = await createScopedUser(t);
    const { sys_user, sys_user_roles } = t.deps.db.t;
    await t.deps.db.orm.update(sys_user).set({ status: "1" }).where(eq(sys_user.id, target.id));
    const res = await admin.delete("/system/user/delete", [target.id]);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除用户成功", data: null });
    const row = await userRow(target.id);
    expect(row).toMatchObject({ is_deleted: true, deleted_id: 2 });
    expect(row.deleted_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const links = await t.deps.db.orm
      .select()
      .from(sys_user_roles)
      .where(eq(sys_user_roles.user_id, target.id));
    expect(links).toEqual([]);
    expect((await admin.get(`/system/user/detail/${target.id}`)).status).toBe(404);
    expect(await listedIds(admin)).not.toContain(target.id);
    expect((await client(t, target.headers).get("/system/user/current/info")).status).toBe(401);
  });

  test("refusals; one refused id deletes nothing", async () => {
    const empty = await admin.delete("/system/user/delete", []);
    expect(empty.status).toBe(400);
    expect((await body(empty)).msg).toBe("删除失败，删除对象不能为空");
    const su = await admin.delete("/system/user/delete", [1]);
    expect(await body(su)).toMatchObject({ code: -1, msg: "超级管理员不能删除" });
    const enabled = await fixtureUser();
    const en = await admin.delete("/system/user/delete", [enabled.id]);
    expect(en.status).toBe(400);
    expect((await body(en)).msg).toBe("用户已启用,不能删除");
    const missing = await admin.delete("/system/user/delete", [999999]);
    expect(missing.status).toBe(404);
    const disabled = await fixtureUser({ status: "1" });
    const mixed = await admin.delete("/system/user/delete", [disabled.id, enabled.id]);
    expect(mixed.status).toBe(400);
    expect((await userRow(disabled.id)).is_deleted).toBe(false);
    const notList = await admin.delete("/system/user/delete", { ids: [disabled.id] });
    expect(notList.status).toBe(422);
  });

  test("scope, 401 and 403", async () => {
    const me = await createScopedUser(t, {
      permissions: ["module_system:user:delete"],
      dataScope: 2,
      deptId: d2,
    });
    const outside = await fixtureUser({ dept: d4, status: "1" });
    expect((await client(t, me.headers).delete("/system/user/delete", [outside.id])).status).toBe(404);
    expect((await userRow(outside.id)).is_deleted).toBe(false);
    expect((await client(t).delete("/system/user/delete", [outside.id])).status).toBe(401);
    const other = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    expect((await client(t, other.headers).delete("/system/user/delete", [outside.id])).status).toBe(403);
  });
});

describe("U13 PATCH /system/user/available/setting", () => {
  test("disables (ending sessions) and enables again", async () => {
    const target = await createScopedUser(t);
    const off = await admin.patch("/system/user/available/setting", { ids: [target.id], status: "1" });
    expect(off.status).toBe(200);
    expect(await body(off)).toMatchObject({ code: 0, msg: "批量修改用户状态成功", data: null });
    expect((await userRow(target.id)).status).toBe("1");
    expect((await client(t, target.headers).get("/system/user/current/info")).status).toBe(401);
    await admin.patch("/system/user/available/setting", { ids: [target.id], status: "0" });
    expect((await userRow(target.id)).status).toBe("0");
    expect(
      (await client(t, await authHeaders(t, target.username)).get("/system/user/current/info")).status,
    ).toBe(200);
  });

  test("refusals: superuser, unknown id, bad status, out of scope", async () => {
    const su = await admin.patch("/system/user/available/setting", { ids: [2], status: "1" });
    expect(su.status).toBe(400);
    expect((await body(su)).msg).toBe("超级管理员状态不能修改");
    expect((await userRow(2)).status).toBe("0");
    const missing = await admin.patch("/system/user/available/setting", { ids: [999999], status: "1" });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("用户ID 999999 不存在");
    const bad = await admin.patch("/system/user/available/setting", { ids: [3], status: "2" });
    expect(bad.status).toBe(422);
    const me = await createScopedUser(t, {
      permissions: ["module_system:user:patch"],
      dataScope: 2,
      deptId: d2,
    });
    const outside = await fixtureUser({ dept: d4 });
    const res = await client(t, me.headers).patch("/system/user/available/setting", {
      ids: [outside.id],
      status: "1",
    });
    expect(res.status).toBe(404);
    expect((await userRow(outside.id)).status).toBe("0");
  });

  test("401 and 403", async () => {
    expect((await client(t).patch("/system/user/available/setting", { ids: [3], status: "1" })).status).toBe(
      401,
    );
    const other = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const res = await client(t, other.headers).patch("/system/user/available/setting", {
      ids: [3],
      status: "1",
    });
    expect(res.status).toBe(403);
  });
});
