import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { dataScopeFilter, descendantsOf } from "@/core/auth/data-scope";
import { loadPrincipal } from "@/core/auth/principal";
import { createTestApp, type TestApp } from "../support/app";
import { createScopedUser } from "../support/auth";

/*
 * Departments:  1 集团总公司 ─┬─ A ─── A1
 *                              └─ B
 * Users (besides the seed): a_user in A, a1_user in A1, b_user in B; the viewer sits in A.
 */
let t: TestApp;
const dept: Record<string, number> = {};
const user: Record<string, number> = {};

async function insertDept(name: string, code: string, parent: number) {
  const r = await t.deps.db.orm.insert(t.deps.db.t.sys_dept).values({ name, code, parent_id: parent });
  return t.deps.db.insertId(r);
}

async function insertUser(username: string, deptId: number, createdBy: number | null = null) {
  const r = await t.deps.db.orm
    .insert(t.deps.db.t.sys_user)
    .values({ username, name: username, password: "x", dept_id: deptId, created_id: createdBy });
  return t.deps.db.insertId(r);
}

beforeAll(async () => {
  t = await createTestApp();
  dept.A = await insertDept("A", "A", 1);
  dept.A1 = await insertDept("A1", "A1", dept.A);
  dept.B = await insertDept("B", "B", 1);
  user.a = await insertUser("a_user", dept.A);
  user.a1 = await insertUser("a1_user", dept.A1);
  user.b = await insertUser("b_user", dept.B);
});
afterAll(() => t.close());

/** Usernames the viewer may see in sys_user under the `user` strategy. */
async function visibleUsers(viewerId: number): Promise<string[]> {
  const principal = (await loadPrincipal(t.deps.db, t.deps.cache, viewerId))!;
  const { sys_user } = t.deps.db.t;
  const where = await dataScopeFilter(t.deps.db, principal, {
    kind: "user",
    dept: sys_user.dept_id,
    creator: sys_user.created_id,
  });
  const rows = await t.deps.db.orm
    .select({ id: sys_user.id, username: sys_user.username })
    .from(sys_user)
    .where(where);
  // Other tests' viewers live in these departments too; only the fixture users and the viewer count.
  return rows
    .filter((r) => r.id === viewerId || !r.username.startsWith("scoped_"))
    .map((r) => r.username)
    .sort();
}

async function visibleDepts(viewerId: number): Promise<number[]> {
  const principal = (await loadPrincipal(t.deps.db, t.deps.cache, viewerId))!;
  const { sys_dept } = t.deps.db.t;
  const where = await dataScopeFilter(t.deps.db, principal, { kind: "dept", id: sys_dept.id });
  return (await t.deps.db.orm.select({ id: sys_dept.id }).from(sys_dept).where(where))
    .map((r) => r.id)
    .sort();
}

describe("the five data scopes on users", () => {
  test("1 · own data: only users the viewer created", async () => {
    const v = await createScopedUser(t, { dataScope: 1, deptId: dept.A });
    const mine = await insertUser("made_by_v1", dept.B, v.id);
    expect(await visibleUsers(v.id)).toEqual(["made_by_v1"]);
    await t.deps.db.orm.delete(t.deps.db.t.sys_user).where(eq(t.deps.db.t.sys_user.id, mine));
  });

  test("2 · own department", async () => {
    const v = await createScopedUser(t, { dataScope: 2, deptId: dept.A });
    expect(await visibleUsers(v.id)).toEqual(["a_user", v.username].sort());
  });

  test("3 · own department and below", async () => {
    const v = await createScopedUser(t, { dataScope: 3, deptId: dept.A });
    expect(await visibleUsers(v.id)).toEqual(["a1_user", "a_user", v.username].sort());
    expect(await visibleDepts(v.id)).toEqual([dept.A, dept.A1].sort());
  });

  test("4 · all data", async () => {
    const v = await createScopedUser(t, { dataScope: 4, deptId: dept.A });
    expect(await visibleUsers(v.id)).toEqual(
      ["a1_user", "a_user", "admin", "b_user", "super", "user", v.username].sort(),
    );
  });

  test("5 · custom departments", async () => {
    const v = await createScopedUser(t, { dataScope: 5, deptId: dept.A, customDeptIds: [dept.B] });
    expect(await visibleUsers(v.id)).toEqual(["b_user"]);
    expect(await visibleDepts(v.id)).toEqual([dept.B]);
  });

  test("several roles add up", async () => {
    const v = await createScopedUser(t, { dataScope: 2, deptId: dept.A });
    const extra = await t.deps.db.orm
      .insert(t.deps.db.t.sys_role)
      .values({ name: "extra", code: "EXTRA5", data_scope: 5 });
    const roleId = t.deps.db.insertId(extra);
    await t.deps.db.orm.insert(t.deps.db.t.sys_role_depts).values({ role_id: roleId, dept_id: dept.B });
    await t.deps.db.orm.insert(t.deps.db.t.sys_user_roles).values({ user_id: v.id, role_id: roleId });
    await t.deps.cache.del(`principal:${v.id}`);
    expect(await visibleUsers(v.id)).toEqual(["a_user", "b_user", v.username].sort());
  });
});

describe("failing closed", () => {
  test("a user without roles sees only the users they created", async () => {
    const v = await createScopedUser(t, { dataScope: 4 });
    await t.deps.db.orm
      .delete(t.deps.db.t.sys_user_roles)
      .where(eq(t.deps.db.t.sys_user_roles.user_id, v.id));
    await t.deps.cache.del(`principal:${v.id}`);
    expect(await visibleUsers(v.id)).toEqual([]);
  });

  test("a disabled role grants nothing", async () => {
    const v = await createScopedUser(t, { dataScope: 4 });
    await t.deps.db.orm
      .update(t.deps.db.t.sys_role)
      .set({ status: "1" })
      .where(eq(t.deps.db.t.sys_role.id, v.roleId));
    await t.deps.cache.del(`principal:${v.id}`);
    expect(await visibleUsers(v.id)).toEqual([]);
  });

  test("scope 2 without a department sees no department", async () => {
    const v = await createScopedUser(t, { dataScope: 2, deptId: null });
    expect(await visibleDepts(v.id)).toEqual([]);
  });

  test("superusers are filtered by their tenant only", async () => {
    const principal = (await loadPrincipal(t.deps.db, t.deps.cache, 2))!;
    const { sys_dept, sys_menu } = t.deps.db.t;
    // platform-wide tables: no filter at all
    expect(await dataScopeFilter(t.deps.db, principal, { kind: "menu", id: sys_menu.id })).toBeUndefined();
    // tenant-owned tables: every row of the superuser's tenant, and only those
    const where = await dataScopeFilter(t.deps.db, principal, { kind: "dept", id: sys_dept.id });
    expect(where).toBeDefined();
    const seen = await t.deps.db.orm.select({ id: sys_dept.id }).from(sys_dept).where(where);
    const own = await t.deps.db.orm
      .select({ id: sys_dept.id })
      .from(sys_dept)
      .where(eq(sys_dept.tenant_id, principal.tenant_id ?? 1));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((r) => r.id).sort()).toEqual(own.map((r) => r.id).sort());
  });

  test("menus and roles: only the viewer's own", async () => {
    const v = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const principal = (await loadPrincipal(t.deps.db, t.deps.cache, v.id))!;
    const { sys_menu, sys_role } = t.deps.db.t;
    const menus = await t.deps.db.orm
      .select({ permission: sys_menu.permission })
      .from(sys_menu)
      .where(await dataScopeFilter(t.deps.db, principal, { kind: "menu", id: sys_menu.id }));
    expect([...new Set(menus.map((m) => m.permission))]).toEqual(["module_system:user:query"]);
    const roles = await t.deps.db.orm
      .select({ id: sys_role.id })
      .from(sys_role)
      .where(await dataScopeFilter(t.deps.db, principal, { kind: "role", id: sys_role.id }));
    expect(roles.map((r) => r.id)).toEqual([v.roleId]);
  });
});

test("descendants survive a corrupt cycle", () => {
  const depts = [
    { id: 1, parent_id: null },
    { id: 2, parent_id: 1 },
    { id: 3, parent_id: 2 },
    { id: 2, parent_id: 3 },
  ];
  expect(descendantsOf(1, depts).sort()).toEqual([1, 2, 3]);
});
