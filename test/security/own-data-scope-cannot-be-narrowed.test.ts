import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser, type ScopedUser } from "../support/auth";

/*
 * A role editor may not narrow their own data scope through a role they hold. Once narrowed they
 * could not grant the old scope back (a non-superuser grants at most the scope they hold), so
 * switching one's own role to custom departments (5), or to a smaller scope, is refused unless
 * the editor keeps at least the scope level and the departments they had (through another role,
 * or because the new custom departments cover them). Whatever was allowed can be switched back.
 *
 * Departments: 1 ─ A ─ A1, and 1 ─ B.
 */

let t: TestApp;
let admin: ReturnType<typeof client>;
let A: number;
let A1: number;
let B: number;

const PERMS = [
  "module_system:role:query",
  "module_system:role:update",
  "module_system:role:permission",
  "module_system:menu:query",
];

async function dept(name: string, code: string, parent: number) {
  const { sys_dept } = t.deps.db.t;
  return t.deps.db.insertId(await t.deps.db.orm.insert(sys_dept).values({ name, code, parent_id: parent }));
}

async function roleRow(id: number) {
  const { sys_role } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_role).where(eq(sys_role.id, id));
  return row;
}

async function roleDepts(id: number) {
  const { sys_role_depts } = t.deps.db.t;
  const rows = await t.deps.db.orm.select().from(sys_role_depts).where(eq(sys_role_depts.role_id, id));
  return rows.map((r) => r.dept_id).sort((a, b) => a - b);
}

async function menusOf(roleId: number) {
  const detail = await body(await admin.get(`/system/role/detail/${roleId}`));
  return (detail.data.menus as { id: number }[]).map((m) => m.id);
}

/** PUT /system/role/update with the role's own fields and a new data scope. */
async function putScope(c: ReturnType<typeof client>, roleId: number, data_scope: number) {
  const row = await roleRow(roleId);
  return c.put(`/system/role/update/${roleId}`, { name: row.name, code: row.code, data_scope });
}

async function setPermission(
  c: ReturnType<typeof client>,
  roleId: number,
  data_scope: number,
  dept_ids: number[] = [],
) {
  return c.patch("/system/role/permission/setting", {
    role_ids: [roleId],
    menu_ids: await menusOf(roleId),
    data_scope,
    dept_ids,
  });
}

async function expectRefused(res: Response) {
  const b = await body(res);
  expect(res.status).toBe(400);
  expect(b.msg).toContain("不能缩小自己所持角色的数据范围");
}

/** A second role for `user`, given through the admin (superuser). */
async function giveSecondRole(user: ScopedUser, data_scope: number) {
  const created = await body(
    await admin.post("/system/role/create", { name: `第二${user.id}`, code: `second${user.id}`, data_scope }),
  );
  const roleId = created.data.id as number;
  const res = await admin.put(`/system/user/update/${user.id}`, {
    username: user.username,
    role_ids: [user.roleId, roleId],
  });
  expect(res.status).toBe(200);
  return roleId;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
  A = await dept("甲部", "OSA", 1);
  A1 = await dept("甲一组", "OSA1", A);
  B = await dept("乙部", "OSB", 1);
}, 30_000);
afterAll(() => t.close());

describe("an editor whose only role has scope 3 (A and below)", () => {
  let editor: ScopedUser;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    editor = await createScopedUser(t, { permissions: PERMS, dataScope: 3, deptId: A });
    c = client(t, editor.headers);
  });

  test("cannot switch it to custom departments (update or permission setting)", async () => {
    await expectRefused(await putScope(c, editor.roleId, 5));
    await expectRefused(await setPermission(c, editor.roleId, 5, [A]));
    // not even to custom departments covering everything it reaches now: it could not restore 3
    await expectRefused(await setPermission(c, editor.roleId, 5, [A, A1]));
    expect((await roleRow(editor.roleId)).data_scope).toBe(3);
    expect(await roleDepts(editor.roleId)).toEqual([]);
  });

  test("cannot switch it to a smaller scope", async () => {
    for (const scope of [1, 2]) {
      await expectRefused(await putScope(c, editor.roleId, scope));
      await expectRefused(await setPermission(c, editor.roleId, scope));
    }
    expect((await roleRow(editor.roleId)).data_scope).toBe(3);
  });

  test("its role still works with the scope it had", async () => {
    const list = await body(await c.get("/system/role/list"));
    expect(list.data.items.map((r: { id: number }) => r.id)).toEqual([editor.roleId]);
    const same = await putScope(c, editor.roleId, 3);
    expect(same.status).toBe(200);
  });

  test("a superuser may still narrow it", async () => {
    const res = await putScope(admin, editor.roleId, 2);
    expect(res.status).toBe(200);
    expect((await roleRow(editor.roleId)).data_scope).toBe(2);
    await putScope(admin, editor.roleId, 3);
  });
});

describe("an editor with a second role keeping the scope", () => {
  test("may switch the first role to custom and back again", async () => {
    const editor = await createScopedUser(t, { permissions: PERMS, dataScope: 3, deptId: A });
    await giveSecondRole(editor, 3);
    const c = client(t, editor.headers);
    const toCustom = await setPermission(c, editor.roleId, 5, [A1]);
    expect(toCustom.status).toBe(200);
    expect((await roleRow(editor.roleId)).data_scope).toBe(5);
    const back = await putScope(c, editor.roleId, 3);
    expect(back.status).toBe(200);
    expect((await roleRow(editor.roleId)).data_scope).toBe(3);
  });
});

describe("an editor with custom departments A and B", () => {
  test("cannot drop one of them, and may keep them", async () => {
    const editor = await createScopedUser(t, {
      permissions: PERMS,
      dataScope: 5,
      deptId: A,
      customDeptIds: [A, B],
    });
    const c = client(t, editor.headers);
    await expectRefused(await setPermission(c, editor.roleId, 5, [A]));
    expect(await roleDepts(editor.roleId)).toEqual([A, B].sort((a, b) => a - b));
    const same = await setPermission(c, editor.roleId, 5, [B, A]);
    expect(same.status).toBe(200);
    expect(await roleDepts(editor.roleId)).toEqual([A, B].sort((a, b) => a - b));
  });
});
