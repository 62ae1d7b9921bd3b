import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser } from "../support/auth";

/*
 * Department writes stay inside the caller's data scope at the edges too:
 * - the root (no parent) is a place only "all data" callers (and superusers) may put a
 *   department, by creating it there or moving one there;
 * - disabling takes the subtree along, so it is refused when the subtree reaches departments
 *   outside the caller's scope.
 *
 * Departments: 1 ─ A ─ A1 ─ A1a, and 1 ─ B.
 */

let t: TestApp;
let admin: ReturnType<typeof client>;
let A: number;
let A1: number;
let A1a: number;
let B: number;
let n = 0;

const PERMS = [
  "module_system:dept:query",
  "module_system:dept:create",
  "module_system:dept:update",
  "module_system:dept:patch",
];

async function dept(parent: number) {
  const { sys_dept } = t.deps.db.t;
  n++;
  return t.deps.db.insertId(
    await t.deps.db.orm.insert(sys_dept).values({ name: `根测${n}`, code: `RT${n}`, parent_id: parent }),
  );
}

async function deptRow(id: number) {
  const { sys_dept } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_dept).where(eq(sys_dept.id, id));
  return row;
}

async function deptNamed(name: string) {
  const { sys_dept } = t.deps.db.t;
  return t.deps.db.orm.select().from(sys_dept).where(eq(sys_dept.name, name));
}

async function expectForbidden(res: Response) {
  const b = await body(res);
  expect({ status: res.status, code: b.code }).toEqual({ status: 403, code: 10403 });
  expect(b.msg).toMatch(/无权/);
}

async function statuses() {
  return Promise.all([A, A1, A1a, B].map(async (id) => (await deptRow(id)).status));
}

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
  A = await dept(1);
  A1 = await dept(A);
  A1a = await dept(A1);
  B = await dept(1);
}, 30_000);
afterAll(() => t.close());

describe("the root belongs to 'all data'", () => {
  test("own-department and department-and-below callers cannot create a top-level department", async () => {
    for (const dataScope of [2, 3]) {
      const c = client(t, (await createScopedUser(t, { permissions: PERMS, dataScope, deptId: A })).headers);
      for (const parent of [{ parent_id: null }, { parent_id: 0 }, {}]) {
        const name = `顶级越权${++n}`;
        await expectForbidden(await c.post("/system/dept/create", { name, code: `TOP${n}`, ...parent }));
        expect(await deptNamed(name)).toEqual([]);
      }
    }
  });

  test("nor a custom-scope caller, even one granted every department", async () => {
    const u = await createScopedUser(t, {
      permissions: PERMS,
      dataScope: 5,
      deptId: A,
      customDeptIds: [1, A, A1, A1a, B],
    });
    const name = `顶级越权${++n}`;
    await expectForbidden(await client(t, u.headers).post("/system/dept/create", { name, code: `TOP${n}` }));
    expect(await deptNamed(name)).toEqual([]);
  });

  test("a caller cannot move their own department (or one below it) to the root", async () => {
    const c = client(t, (await createScopedUser(t, { permissions: PERMS, dataScope: 3, deptId: A })).headers);
    for (const id of [A, A1]) {
      const row = await deptRow(id);
      for (const parent_id of [null, 0]) {
        await expectForbidden(
          await c.put(`/system/dept/update/${id}`, { name: row.name, code: row.code, parent_id }),
        );
        expect((await deptRow(id)).parent_id).toBe(row.parent_id);
      }
    }
    // saving it where it is still works
    const a = await deptRow(A);
    const keep = await c.put(`/system/dept/update/${A}`, { name: a.name, code: a.code, description: "kept" });
    expect(keep.status).toBe(200);
  });

  test("an 'all data' caller may create and move departments at the root", async () => {
    const c = client(t, (await createScopedUser(t, { permissions: PERMS, dataScope: 4, deptId: A })).headers);
    const created = await c.post("/system/dept/create", {
      name: `顶级${++n}`,
      code: `TOP${n}`,
      parent_id: null,
    });
    expect(created.status).toBe(200);
    expect((await body(created)).data.parent_id).toBeNull();
    const id = await dept(B);
    const row = await deptRow(id);
    const moved = await c.put(`/system/dept/update/${id}`, {
      name: row.name,
      code: row.code,
      parent_id: null,
    });
    expect(moved.status).toBe(200);
    expect((await deptRow(id)).parent_id).toBeNull();
  });
});

describe("disabling does not cascade out of scope", () => {
  test("own-department scope: disabling A (whose sub-departments it cannot see) → 403, nothing switched", async () => {
    const c = client(t, (await createScopedUser(t, { permissions: PERMS, dataScope: 2, deptId: A })).headers);
    await expectForbidden(await c.patch("/system/dept/available/setting", { ids: [A], status: "1" }));
    expect(await statuses()).toEqual(["0", "0", "0", "0"]);
    const a = await deptRow(A);
    await expectForbidden(
      await c.put(`/system/dept/update/${A}`, { name: a.name, code: a.code, status: "1" }),
    );
    expect(await statuses()).toEqual(["0", "0", "0", "0"]);
  });

  test("custom scope over A and A1 only: disabling A → 403 (A1a is out of scope)", async () => {
    const u = await createScopedUser(t, {
      permissions: PERMS,
      dataScope: 5,
      deptId: A,
      customDeptIds: [A, A1],
    });
    await expectForbidden(
      await client(t, u.headers).patch("/system/dept/available/setting", { ids: [A], status: "1" }),
    );
    expect(await statuses()).toEqual(["0", "0", "0", "0"]);
  });

  test("department-and-below scope: the whole subtree is in scope, so disabling A cascades", async () => {
    const c = client(t, (await createScopedUser(t, { permissions: PERMS, dataScope: 3, deptId: A })).headers);
    const res = await c.patch("/system/dept/available/setting", { ids: [A], status: "1" });
    expect(res.status).toBe(200);
    expect(await statuses()).toEqual(["1", "1", "1", "0"]);
    expect((await admin.patch("/system/dept/available/setting", { ids: [A1a], status: "0" })).status).toBe(
      200,
    );
    expect(await statuses()).toEqual(["0", "0", "0", "0"]);
  });
});
