import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { asc, eq, sql } from "drizzle-orm";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createPasswordHasher } from "@/core/auth/password";
import type { Database } from "@/core/db/database";
import { seedDatabase } from "@/core/db/seed";
import { createTestDatabase, type TestDatabase, testDialect } from "../support/db";

const hasher = createPasswordHasher(nativeArgon2);

async function count(db: Database, table: keyof Database["t"]): Promise<number> {
  const [row] = await db.orm.select({ n: sql<number>`count(*)` }).from(db.t[table]);
  return Number(row.n);
}

describe(`seed (${testDialect()})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  test("row counts match FastapiAdmin v3.0's seed", async () => {
    const counts: Record<string, number> = {};
    for (const name of Object.keys(t.db.t) as (keyof Database["t"])[]) counts[name] = await count(t.db, name);
    expect(counts).toEqual({
      sys_tenant: 1,
      sys_dept: 1,
      sys_user: 3,
      sys_user_roles: 1,
      sys_user_positions: 0,
      sys_role: 1,
      sys_role_menus: 0,
      sys_role_depts: 0,
      sys_role_totp: 0,
      sys_user_totp: 0,
      sys_user_totp_recovery: 0,
      sys_menu: 192,
      sys_position: 0,
      sys_dict_type: 10,
      sys_dict_data: 34,
      sys_param: 16,
      sys_notice: 0,
      sys_log: 0,
      app_portal: 0,
      gen_demo: 0,
      gen_demo01: 0,
      gen_table: 0,
      gen_table_column: 0,
      task_job: 0,
      task_node: 0,
      task_workflow: 0,
      task_workflow_node_type: 0,
      ai_chat_session: 0,
      ai_chat_message: 0,
    });
  });

  test("menus get breadth-first ids (contract modules §11.3)", async () => {
    const { db } = t;
    const menus = await db.orm
      .select({ id: db.t.sys_menu.id, name: db.t.sys_menu.name, parent_id: db.t.sys_menu.parent_id })
      .from(db.t.sys_menu)
      .orderBy(asc(db.t.sys_menu.id));
    const byId = new Map(menus.map((m) => [m.id, m]));
    expect(byId.get(1)).toEqual({ id: 1, name: "平台管理", parent_id: null });
    expect(byId.get(2)).toEqual({ id: 2, name: "系统管理", parent_id: null });
    expect(byId.get(14)).toEqual({ id: 14, name: "我的", parent_id: null });
    expect(byId.get(15)).toEqual({ id: 15, name: "菜单管理", parent_id: 1 });
    expect(byId.get(19)).toEqual({ id: 19, name: "部门管理", parent_id: 2 });
    expect(byId.get(22)).toEqual({ id: 22, name: "用户管理", parent_id: 2 });
    expect(byId.get(29)).toEqual({ id: 29, name: "Swagger文档", parent_id: 4 });
    expect(byId.get(189)).toEqual({ id: 189, name: "导入示例01", parent_id: 161 });
    expect(byId.get(192)).toEqual({ id: 192, name: "查询示例01", parent_id: 161 });
    expect(menus.map((m) => m.id)).toEqual(Array.from({ length: 192 }, (_, i) => i + 1));
    // every parent precedes its children
    for (const m of menus) if (m.parent_id !== null) expect(m.parent_id).toBeLessThan(m.id);
  });

  test("menu rows carry the seed's flags and permission strings", async () => {
    const { db } = t;
    const [platform] = await db.orm.select().from(db.t.sys_menu).where(eq(db.t.sys_menu.id, 1));
    expect(platform).toMatchObject({
      type: 1,
      order: 1,
      route_path: "/platform",
      redirect: "/platform/menu",
      always_show: true,
      hidden: false,
      keep_alive: true,
      affix: false,
      params: null,
      client: "pc",
      status: "0",
      is_deleted: false,
    });
    const [createMenu] = await db.orm
      .select()
      .from(db.t.sys_menu)
      .where(eq(db.t.sys_menu.permission, "module_system:menu:create"));
    expect(createMenu).toMatchObject({ type: 3, parent_id: 15, name: "创建菜单" });
    const app = await db.orm.select().from(db.t.sys_menu).where(eq(db.t.sys_menu.client, "app"));
    expect(app.map((m) => m.id)).toEqual([10, 11, 12, 13, 14]);
  });

  test("users, tenant, dept, role and the user-role link keep the ids the SPA relies on", async () => {
    const { db } = t;
    const users = await db.orm.select().from(db.t.sys_user).orderBy(asc(db.t.sys_user.id));
    expect(users.map((u) => [u.id, u.username, u.is_superuser, u.dept_id, u.tenant_id])).toEqual([
      [1, "super", true, 1, 1],
      [2, "admin", true, 1, 1],
      [3, "user", false, 1, 1],
    ]);
    for (const u of users) {
      expect(u.password).toBe("$2b$12$e2IJgS/cvHgJ0H3G7Xa08OXoXnk6N/NX3IZRtubBDElA0VLZhkNOa");
      expect(u.avatar).toBe("/api/v1/static/image/avatar.svg");
      expect(u.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(u.created_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    const [tenant] = await db.orm.select().from(db.t.sys_tenant);
    expect(tenant).toMatchObject({ id: 1, name: "系统租户", code: "system", start_time: null });
    const [dept] = await db.orm.select().from(db.t.sys_dept);
    expect(dept).toMatchObject({ id: 1, name: "集团总公司", code: "GROUP", order: 1, parent_id: null });
    const [role] = await db.orm.select().from(db.t.sys_role);
    expect(role).toMatchObject({ id: 1, code: "ADMIN", data_scope: 4 });
    expect(await db.orm.select().from(db.t.sys_user_roles)).toEqual([{ user_id: 1, role_id: 1 }]);
  });

  test("dict data point at their type's row; params use local image URLs", async () => {
    const { db } = t;
    const rows = await db.orm
      .select({ dict_type: db.t.sys_dict_data.dict_type, type_of_id: db.t.sys_dict_type.dict_type })
      .from(db.t.sys_dict_data)
      .innerJoin(db.t.sys_dict_type, eq(db.t.sys_dict_data.dict_type_id, db.t.sys_dict_type.id));
    expect(rows.length).toBe(34);
    for (const r of rows) expect(r.type_of_id).toBe(r.dict_type);
    const [sex] = await db.orm.select().from(db.t.sys_dict_type).where(eq(db.t.sys_dict_type.id, 1));
    expect(sex.dict_type).toBe("sys_user_sex");
    const params = await db.orm.select().from(db.t.sys_param);
    const value = (key: string) => params.find((p) => p.config_key === key)?.config_value;
    expect(value("sys_web_favicon")).toBe("/api/v1/static/image/favicon.svg");
    expect(value("sys_web_logo")).toBe("/api/v1/static/image/logo.svg");
    expect(value("sys_login_background")).toBe("/api/v1/static/image/background.svg");
    expect(params.every((p) => p.config_type === true)).toBe(true);
  });

  test("auto-increment continues after the seeded ids", async () => {
    const { db } = t;
    expect(db.insertId(await db.orm.insert(db.t.sys_menu).values({ name: "新菜单" }))).toBe(193);
    expect(
      db.insertId(
        await db.orm.insert(db.t.sys_user).values({ username: "next", password: "x", name: "Next" }),
      ),
    ).toBe(4);
    await db.orm.delete(db.t.sys_menu).where(eq(db.t.sys_menu.id, 193));
    await db.orm.delete(db.t.sys_user).where(eq(db.t.sys_user.id, 4));
  });

  test("seeding again inserts nothing", async () => {
    const again = await seedDatabase(t.db, { environment: "test", hasher });
    expect(Object.values(again.inserted).every((n) => n === 0)).toBe(true);
    expect(again.generatedAdminPassword).toBeUndefined();
    expect(await count(t.db, "sys_menu")).toBe(192);
  });
});

describe(`seed in prod (${testDialect()})`, () => {
  const dbs: TestDatabase[] = [];
  afterAll(() => Promise.all(dbs.map((d) => d.drop())));

  const passwords = async (db: Database) =>
    Object.fromEntries(
      (await db.orm.select().from(db.t.sys_user)).map((u) => [u.username, u.password] as [string, string]),
    );

  test("no known password survives: admin's is generated and returned once, the others are random", async () => {
    const t = await createTestDatabase({ seed: false });
    dbs.push(t);
    const result = await seedDatabase(t.db, { environment: "prod", hasher });
    expect(result.inserted.sys_user).toBe(3);
    expect(result.generatedAdminPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    const stored = await passwords(t.db);
    expect(await hasher.verify(stored.admin, result.generatedAdminPassword!)).toBe(true);
    for (const name of ["super", "admin", "user"]) {
      expect(stored[name]).toStartWith("$argon2id$");
      expect(await hasher.verify(stored[name], "123456")).toBe(false);
    }
  });

  test("a configured admin password is used and not echoed", async () => {
    const t = await createTestDatabase({ seed: false });
    dbs.push(t);
    const result = await seedDatabase(t.db, {
      environment: "prod",
      adminPassword: "correct horse battery",
      hasher,
    });
    expect(result.generatedAdminPassword).toBeUndefined();
    const stored = await passwords(t.db);
    expect(await hasher.verify(stored.admin, "correct horse battery")).toBe(true);
    expect(await hasher.verify(stored.super, "correct horse battery")).toBe(false);
  });

  test("a too-short admin password is refused before anything is written to sys_user", async () => {
    const t = await createTestDatabase({ seed: false });
    dbs.push(t);
    await expect(seedDatabase(t.db, { environment: "prod", adminPassword: "short", hasher })).rejects.toThrow(
      /ADMIN_PASSWORD/,
    );
    expect(await count(t.db, "sys_user")).toBe(0);
  });
});
