import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser, type ScopedUser } from "../support/auth";

/*
 * A non-superuser who manages users may act (reset the password, edit, switch on or off, delete,
 * unlock) only on accounts that can do no more than they can: no permission they lack, no data
 * scope reaching rows theirs does not. They may assign only such roles. Superusers are managed by
 * superusers only. Refusals are 403 / 10403 and change nothing.
 *
 * Departments: 1 ─ A ─ A1, and 1 ─ B. The caller manages users with data scope 3 at A.
 */

let t: TestApp;
let admin: ReturnType<typeof client>;
let A: number;
let A1: number;
let B: number;

const MANAGE = [
  "module_system:user:create",
  "module_system:user:update",
  "module_system:user:patch",
  "module_system:user:delete",
];
const NEW_PASSWORD = "Qx7-harbour-Lantern-93";

let caller: ScopedUser;
let api: ReturnType<typeof client>;
/** more permissions than the caller (role editing), narrower scope */
let morePerms: ScopedUser;
/** fewer permissions, but data scope "all" */
let wider: ScopedUser;
/** fewer permissions, custom scope on a department the caller does not reach */
let elsewhere: ScopedUser;
/** the caller's permissions and scope through a role of its own */
let equal: ScopedUser;
/** less of both */
let weaker: ScopedUser;

async function dept(name: string, code: string, parent: number) {
  const { sys_dept } = t.deps.db.t;
  return t.deps.db.insertId(await t.deps.db.orm.insert(sys_dept).values({ name, code, parent_id: parent }));
}

async function userRow(id: number) {
  const { sys_user } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.id, id));
  return row;
}

async function setStatusDirectly(id: number, status: string) {
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm.update(sys_user).set({ status }).where(eq(sys_user.id, id));
}

let ipSeq = 0;
/** Wrong passwords through the login form from one address until the account is locked. */
async function lock(username: string): Promise<string> {
  const ip = `127.0.9.${++ipSeq}`;
  for (let i = 0; i < 3; i++) await login(username, ip);
  expect(await isLocked(username, ip)).toBe(true);
  return ip;
}

const login = (username: string, ip: string) =>
  t.request(
    "/api/v1/system/auth/login",
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password: "not-the-password" }).toString(),
    },
    ip,
  );

/** A further wrong password is refused as locked (429), not checked (400). */
const isLocked = async (username: string, ip: string) => (await login(username, ip)).status === 429;

async function expectForbidden(res: Response) {
  const b = await body(res);
  expect({ status: res.status, code: b.code }).toEqual({ status: 403, code: 10403 });
  expect(b.msg).toMatch(/无权/);
}

beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: "3", LOGIN_IP_LIMIT_PER_MINUTE: "1000" });
  admin = client(t, await authHeaders(t, "admin"));
  A = await dept("甲部", "TKA", 1);
  A1 = await dept("甲一组", "TKA1", A);
  B = await dept("乙部", "TKB", 1);
  caller = await createScopedUser(t, { permissions: MANAGE, dataScope: 3, deptId: A });
  api = client(t, caller.headers);
  morePerms = await createScopedUser(t, {
    permissions: [...MANAGE, "module_system:role:update"],
    dataScope: 2,
    deptId: A1,
  });
  wider = await createScopedUser(t, { permissions: ["module_system:user:update"], dataScope: 4, deptId: A1 });
  elsewhere = await createScopedUser(t, {
    permissions: ["module_system:user:update"],
    dataScope: 5,
    customDeptIds: [B],
    deptId: A1,
  });
  equal = await createScopedUser(t, { permissions: MANAGE, dataScope: 3, deptId: A });
  weaker = await createScopedUser(t, {
    permissions: ["module_system:user:update"],
    dataScope: 2,
    deptId: A1,
  });
}, 30_000);
afterAll(() => t.close());

describe("a stronger colleague in the caller's data scope", () => {
  const stronger = () => [morePerms, wider, elsewhere];

  test("password reset → 403, hash unchanged", async () => {
    for (const target of stronger()) {
      const before = (await userRow(target.id)).password;
      await expectForbidden(
        await api.put("/system/user/reset/password", { id: target.id, password: NEW_PASSWORD }),
      );
      expect((await userRow(target.id)).password).toBe(before);
    }
  });

  test("edit → 403, nothing written", async () => {
    for (const target of stronger()) {
      const res = await api.put(`/system/user/update/${target.id}`, {
        username: target.username,
        name: "被接管",
        email: "taken@example.com",
      });
      await expectForbidden(res);
      const row = await userRow(target.id);
      expect(row.name).not.toBe("被接管");
      expect(row.email).toBeNull();
    }
  });

  test("disable (alone or in a batch with a weaker one) → 403, nobody switched", async () => {
    for (const target of stronger()) {
      await expectForbidden(
        await api.patch("/system/user/available/setting", { ids: [weaker.id, target.id], status: "1" }),
      );
      expect((await userRow(target.id)).status).toBe("0");
      expect((await userRow(weaker.id)).status).toBe("0");
    }
  });

  test("delete → 403, still there", async () => {
    for (const target of stronger()) {
      await setStatusDirectly(target.id, "1"); // only disabled users can be deleted at all
      await expectForbidden(await api.delete("/system/user/delete", [target.id]));
      expect((await userRow(target.id)).is_deleted).toBe(false);
      await setStatusDirectly(target.id, "0");
    }
  });

  test("unlock → 403, still locked", async () => {
    for (const target of stronger()) {
      const ip = await lock(target.username);
      await expectForbidden(await api.post("/system/auth/unlock", { username: target.username }));
      expect(await isLocked(target.username, ip)).toBe(true);
    }
  });
});

describe("an equal or weaker colleague", () => {
  test("password reset is allowed", async () => {
    for (const target of [equal, weaker]) {
      const before = (await userRow(target.id)).password;
      const res = await api.put("/system/user/reset/password", { id: target.id, password: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expect((await userRow(target.id)).password).not.toBe(before);
    }
  });

  test("edit is allowed", async () => {
    for (const target of [equal, weaker]) {
      const res = await api.put(`/system/user/update/${target.id}`, {
        username: target.username,
        name: "已改名",
      });
      expect(res.status).toBe(200);
      expect((await userRow(target.id)).name).toBe("已改名");
    }
  });

  test("unlock is allowed", async () => {
    for (const target of [equal, weaker]) {
      const ip = await lock(target.username);
      const res = await api.post("/system/auth/unlock", { username: target.username });
      expect(res.status).toBe(200);
      expect((await body(res)).data).toEqual({ unlocked: true });
      expect(await isLocked(target.username, ip)).toBe(false);
    }
  });

  test("disable, then delete, is allowed", async () => {
    const off = await api.patch("/system/user/available/setting", {
      ids: [equal.id, weaker.id],
      status: "1",
    });
    expect(off.status).toBe(200);
    expect((await userRow(weaker.id)).status).toBe("1");
    const del = await api.delete("/system/user/delete", [weaker.id]);
    expect(del.status).toBe(200);
    expect((await userRow(weaker.id)).is_deleted).toBe(true);
  });

  test("an account out of the caller's data scope is still not found (404), not forbidden", async () => {
    const outside = await createScopedUser(t, { permissions: [], dataScope: 1, deptId: B });
    const res = await api.post("/system/auth/unlock", { username: outside.username });
    expect(res.status).toBe(404);
  });
});

describe("assigning roles", () => {
  const payload = (over: Record<string, unknown>) => ({
    username: `tk_${Math.random().toString(36).slice(2, 10)}`,
    password: NEW_PASSWORD,
    name: "新同事",
    status: "0",
    dept_id: A1,
    ...over,
  });

  test("a role granting more permissions, or a wider data scope, → 403 on create", async () => {
    for (const role of [morePerms.roleId, wider.roleId, elsewhere.roleId]) {
      const username = `tk_refused_${role}`;
      await expectForbidden(await api.post("/system/user/create", payload({ username, role_ids: [role] })));
      const { sys_user } = t.deps.db.t;
      expect(await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, username))).toEqual([]);
    }
  });

  test("a stronger role → 403 on update; the account keeps its roles", async () => {
    const target = await createScopedUser(t, { permissions: [], dataScope: 1, deptId: A1 });
    for (const role of [morePerms.roleId, wider.roleId, elsewhere.roleId]) {
      await expectForbidden(
        await api.put(`/system/user/update/${target.id}`, {
          username: target.username,
          role_ids: [target.roleId, role],
        }),
      );
    }
    const detail = await body(await admin.get(`/system/user/detail/${target.id}`));
    expect(detail.data.role_ids).toEqual([target.roleId]);
  });

  test("the caller's own role can be assigned", async () => {
    const res = await api.post("/system/user/create", payload({ role_ids: [caller.roleId] }));
    expect(res.status).toBe(200);
    expect((await body(res)).data.role_ids).toEqual([caller.roleId]);
  });
});

describe("moving an account", () => {
  test("to a department where its roles would reach beyond the caller → 403, not moved", async () => {
    // P and Q are the caller's custom departments; Q has a sub-department Q1 the caller lacks.
    const P = await dept("丙部", "TKP", 1);
    const Q = await dept("丁部", "TKQ", 1);
    await dept("丁一组", "TKQ1", Q);
    const mover = await createScopedUser(t, {
      permissions: MANAGE,
      dataScope: 5,
      customDeptIds: [P, Q],
      deptId: P,
    });
    // "department and below" reaches only P while the account sits in P: within the caller
    const target = await createScopedUser(t, { permissions: [], dataScope: 3, deptId: P });
    const res = await client(t, mover.headers).put(`/system/user/update/${target.id}`, {
      username: target.username,
      dept_id: Q,
    });
    await expectForbidden(res);
    expect((await userRow(target.id)).dept_id).toBe(P);
  });
});

describe("superusers", () => {
  test("are managed by superusers only: a non-superuser with data scope 'all' gets 403 for everything", async () => {
    const all = client(
      t,
      (await createScopedUser(t, { permissions: MANAGE, dataScope: 4, deptId: 1 })).headers,
    );
    const su = await userRow(1);
    expect(su.is_superuser).toBe(true);
    await expectForbidden(
      await all.put("/system/user/reset/password", { id: su.id, password: NEW_PASSWORD }),
    );
    await expectForbidden(
      await all.put(`/system/user/update/${su.id}`, { username: su.username, name: "x" }),
    );
    await expectForbidden(await all.patch("/system/user/available/setting", { ids: [su.id], status: "1" }));
    await expectForbidden(await all.delete("/system/user/delete", [su.id]));
    const ip = await lock(su.username);
    await expectForbidden(await all.post("/system/auth/unlock", { username: su.username }));
    expect(await isLocked(su.username, ip)).toBe(true);
    const after = await userRow(1);
    expect({ password: after.password, name: after.name, status: after.status }).toEqual({
      password: su.password,
      name: su.name,
      status: su.status,
    });
    // a superuser may
    expect((await admin.post("/system/auth/unlock", { username: su.username })).status).toBe(200);
  });
});
