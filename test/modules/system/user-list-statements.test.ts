import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createApp } from "@/app";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { memoryLogger } from "@/core/log/logger";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, createScopedUser } from "../../support/auth";

/*
 * The user list at scale (issue 10): a request's principal and session come from the cache, the
 * page, its total and its links from at most three SQL statements. The statements are counted
 * through the query logger of a second connection to the same database, which serves the app
 * under test. And because authorisation is cached, every change of a role's permissions must show
 * on the very next request.
 */

let t: TestApp;
let logged: Database;
const sqlLog = memoryLogger("debug");
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  t = await createTestApp();
  logged = await openDatabase({ url: t.deps.db.url, logger: sqlLog });
  app = createApp({ ...t.deps, db: logged });
});
afterAll(async () => {
  await logged?.close();
  await t?.close();
});

const get = (path: string, headers: Record<string, string>) =>
  app.request(`/api/v1${path}`, { headers }, { clientIp: "127.0.0.1" });

/** The SQL statements one request runs. */
async function statementsOf(path: string, headers: Record<string, string>) {
  const before = sqlLog.lines.length;
  const res = await get(path, headers);
  expect(res.status).toBe(200);
  const b = await body(res);
  const statements = sqlLog.lines
    .slice(before)
    .filter((l) => l.msg === "sql")
    .map((l) => String(l.query));
  return { statements, data: b.data };
}

describe("GET /system/user/list: statements per request", () => {
  test("a warm request of the superuser runs at most 3 statements, none reading the password", async () => {
    const headers = await authHeaders(t, "admin");
    await get("/system/user/list?page_no=1&page_size=10", headers); // fills the caches
    const { statements, data } = await statementsOf("/system/user/list?page_no=1&page_size=10", headers);
    expect(data.items.length).toBeGreaterThan(0);
    expect(data.items[0].roles.length + data.items.at(-1).roles.length).toBeGreaterThan(0);
    expect(statements.length).toBeLessThanOrEqual(3);
    for (const s of statements) expect(s).not.toContain('"password"');
  });

  test("so does a user with a role (all data) holding the list permission, with filters", async () => {
    const user = await createScopedUser(t, { permissions: ["module_system:user:query"], dataScope: 4 });
    const path = "/system/user/list?page_no=1&page_size=10&username=a&status=0";
    await get(path, user.headers);
    const { statements, data } = await statementsOf(path, user.headers);
    expect(data.items.map((u: { username: string }) => u.username)).toContain("admin");
    expect(statements.length).toBeLessThanOrEqual(3);
  });
});

describe("cached authorisation is never stale", () => {
  test("taking the permission away from a role refuses the next request; giving it back allows it", async () => {
    const admin = await authHeaders(t, "admin");
    const user = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const path = "/system/user/list?page_no=1&page_size=10";
    expect((await get(path, user.headers)).status).toBe(200); // principal now cached
    const setMenus = async (menuIds: number[]) => {
      const res = await app.request(
        "/api/v1/system/role/permission/setting",
        {
          method: "PATCH",
          headers: { ...admin, "Content-Type": "application/json" },
          body: JSON.stringify({ role_ids: [user.roleId], menu_ids: menuIds, data_scope: 4, dept_ids: [] }),
        },
        { clientIp: "127.0.0.1" },
      );
      expect(res.status).toBe(200);
    };
    await setMenus([]);
    expect((await get(path, user.headers)).status).toBe(403);
    const { sys_menu } = t.deps.db.t;
    const [menu] = await t.deps.db.orm
      .select({ id: sys_menu.id })
      .from(sys_menu)
      .where(eq(sys_menu.permission, "module_system:user:query"));
    await setMenus([menu.id]);
    expect((await get(path, user.headers)).status).toBe(200);
  });

  test("disabling the role refuses the next request", async () => {
    const admin = await authHeaders(t, "admin");
    const user = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const path = "/system/user/list?page_no=1&page_size=10";
    expect((await get(path, user.headers)).status).toBe(200);
    const { sys_role } = t.deps.db.t;
    const [role] = await t.deps.db.orm.select().from(sys_role).where(eq(sys_role.id, user.roleId));
    const res = await app.request(
      `/api/v1/system/role/update/${user.roleId}`,
      {
        method: "PUT",
        headers: { ...admin, "Content-Type": "application/json" },
        body: JSON.stringify({ name: role.name, code: role.code, status: "1" }),
      },
      { clientIp: "127.0.0.1" },
    );
    expect(res.status).toBe(200);
    expect((await get(path, user.headers)).status).toBe(403);
  });

  test("a renamed role shows in the next list (the cached role details are dropped)", async () => {
    const admin = await authHeaders(t, "admin");
    const user = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const path = `/system/user/list?page_no=1&page_size=10&username=${user.username}`;
    const roleName = async () => (await body(await get(path, admin))).data.items[0].roles[0].name;
    const { sys_role } = t.deps.db.t;
    const [role] = await t.deps.db.orm.select().from(sys_role).where(eq(sys_role.id, user.roleId));
    expect(await roleName()).toBe(role.name);
    const res = await app.request(
      `/api/v1/system/role/update/${user.roleId}`,
      {
        method: "PUT",
        headers: { ...admin, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "改名后的角色", code: role.code }),
      },
      { clientIp: "127.0.0.1" },
    );
    expect(res.status).toBe(200);
    expect(await roleName()).toBe("改名后的角色");
  });
});
