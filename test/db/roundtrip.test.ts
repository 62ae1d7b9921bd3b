import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { affectedRowsOf } from "@/core/db/dialect";
import { nowString } from "@/core/http/datetime";
import { createTestDatabase, type TestDatabase, testDialect } from "../support/db";

describe(`values round-trip identically (${testDialect()})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  test("datetimes are wire-format strings in and out; ranges compare as datetimes", async () => {
    const { db } = t;
    const { sys_notice } = db.t;
    const times = ["2024-02-29 23:59:59", "2024-03-01 00:00:00", "2025-12-31 08:05:09"];
    for (const [i, time] of times.entries()) {
      const r = await db.orm.insert(sys_notice).values({
        notice_title: `n${i}`,
        notice_type: "1",
        created_time: time,
        deleted_time: i === 0 ? time : null,
      });
      expect(db.insertId(r)).toBe(i + 1);
    }
    const rows = await db.orm.select().from(sys_notice).orderBy(asc(sys_notice.id));
    expect(rows.map((r) => r.created_time)).toEqual(times);
    expect(rows.map((r) => r.deleted_time)).toEqual([times[0], null, null]);
    expect(rows[0].updated_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const march = await db.orm
      .select({ id: sys_notice.id })
      .from(sys_notice)
      .where(
        and(
          gte(sys_notice.created_time, "2024-03-01 00:00:00"),
          lt(sys_notice.created_time, "2024-03-02 00:00:00"),
        ),
      );
    expect(march).toEqual([{ id: 2 }]);
  });

  test("updates refresh updated_time through $onUpdateFn unless it is given", async () => {
    const { db } = t;
    const { sys_notice } = db.t;
    await db.orm.update(sys_notice).set({ updated_time: "2000-01-01 00:00:00" }).where(eq(sys_notice.id, 1));
    const [before] = await db.orm.select().from(sys_notice).where(eq(sys_notice.id, 1));
    expect(before.updated_time).toBe("2000-01-01 00:00:00");
    const start = nowString();
    await db.orm.update(sys_notice).set({ notice_content: "<p>hi</p>" }).where(eq(sys_notice.id, 1));
    const [after] = await db.orm.select().from(sys_notice).where(eq(sys_notice.id, 1));
    expect(after.updated_time >= start).toBe(true);
    expect(after.created_time).toBe(before.created_time);
  });

  test("booleans are booleans, JSON is structured, text keeps Unicode", async () => {
    const { db } = t;
    const { sys_menu } = db.t;
    const params = [
      { key: "tab", value: "详情" },
      { key: "emoji", value: '🚀 "quoted" \\ back' },
    ];
    const r = await db.orm.insert(sys_menu).values({
      name: "往返测试",
      hidden: true,
      keep_alive: false,
      params,
      // 60,000 bytes: near the 64 KiB cap of TEXT on MySQL (SQLite has none)
      description: "中".repeat(20_000),
    });
    const id = db.insertId(r);
    const [row] = await db.orm.select().from(sys_menu).where(eq(sys_menu.id, id));
    expect(row).toMatchObject({
      name: "往返测试",
      hidden: true,
      keep_alive: false,
      always_show: false,
      affix: false,
      params,
      type: 2,
      order: 999,
      client: "pc",
      status: "0",
      is_deleted: false,
      deleted_time: null,
    });
    expect(typeof row.hidden).toBe("boolean");
    expect(row.description?.length).toBe(20_000);
    // boolean filters work the same way on both
    const hidden = await db.orm.select({ id: sys_menu.id }).from(sys_menu).where(eq(sys_menu.hidden, true));
    expect(hidden).toEqual([{ id }]);
    await db.orm.update(sys_menu).set({ params: null }).where(eq(sys_menu.id, id));
    const [cleared] = await db.orm
      .select({ params: sys_menu.params })
      .from(sys_menu)
      .where(eq(sys_menu.id, id));
    expect(cleared.params).toBeNull();
  });

  test("affected rows count matched rows on both drivers, even when nothing changes", async () => {
    const { db } = t;
    const { sys_notice } = db.t;
    const unchanged = { notice_type: "1", updated_time: "2000-01-01 00:00:00" };
    await db.orm.update(sys_notice).set(unchanged);
    const same = await db.orm.update(sys_notice).set(unchanged);
    expect(affectedRowsOf(same)).toBe(3);
    const none = await db.orm.update(sys_notice).set({ notice_type: "2" }).where(eq(sys_notice.id, 999));
    expect(affectedRowsOf(none)).toBe(0);
    const removed = await db.orm.delete(sys_notice).where(eq(sys_notice.id, 3));
    expect(affectedRowsOf(removed)).toBe(1);
  });

  test("sys_log keeps long payloads (LONGTEXT on MySQL)", async () => {
    const { db } = t;
    const payload = JSON.stringify({ big: "y".repeat(100_000) });
    const r = await db.orm.insert(db.t.sys_log).values({
      type: 2,
      request_path: "/api/v1/x",
      request_method: "POST",
      response_code: 200,
      request_payload: payload,
      created_id: 2,
    });
    const [row] = await db.orm
      .select()
      .from(db.t.sys_log)
      .where(eq(db.t.sys_log.id, db.insertId(r)));
    expect(row.request_payload).toBe(payload);
    expect(row.created_id).toBe(2);
  });
});

describe(`constraints (${testDialect()})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  const fail = async (p: Promise<unknown>): Promise<unknown> => {
    try {
      await p;
    } catch (err) {
      return err;
    }
    throw new Error("expected the statement to fail");
  };

  test("unique violations are recognised on every unique key, other failures are not", async () => {
    const { db } = t;
    const { sys_user, sys_user_roles, sys_dept, sys_dict_type, sys_tenant } = db.t;
    const user = {
      username: "dup",
      password: "x",
      name: "Dup",
      mobile: "13800000000",
      email: "d@example.com",
    };
    await db.orm.insert(sys_user).values(user);
    for (const clash of [
      { ...user, mobile: null, email: null },
      { ...user, username: "dup2", email: null },
      { ...user, username: "dup3", mobile: null },
    ]) {
      expect(db.isUniqueViolation(await fail(db.orm.insert(sys_user).values(clash)))).toBe(true);
    }
    // NULLs do not collide
    await db.orm.insert(sys_user).values({ username: "n1", password: "x", name: "N1" });
    await db.orm.insert(sys_user).values({ username: "n2", password: "x", name: "N2" });
    expect(
      db.isUniqueViolation(await fail(db.orm.insert(sys_dept).values({ name: "d", code: "GROUP" }))),
    ).toBe(true);
    expect(
      db.isUniqueViolation(
        await fail(db.orm.insert(sys_dict_type).values({ dict_name: "x", dict_type: "sys_yes_no" })),
      ),
    ).toBe(true);
    expect(
      db.isUniqueViolation(await fail(db.orm.insert(sys_tenant).values({ name: "系统租户", code: "other" }))),
    ).toBe(true);
    expect(
      db.isUniqueViolation(await fail(db.orm.insert(sys_tenant).values({ name: "other", code: "system" }))),
    ).toBe(true);
    // composite primary key of a link table
    expect(
      db.isUniqueViolation(await fail(db.orm.insert(sys_user_roles).values({ user_id: 1, role_id: 1 }))),
    ).toBe(true);
    // a foreign-key failure is not a unique violation
    const fkErr = await fail(
      db.orm.insert(sys_user).values({ username: "fk", password: "x", name: "F", dept_id: 999 }),
    );
    expect(db.isUniqueViolation(fkErr)).toBe(false);
    expect(db.isUniqueViolation(new Error("boom"))).toBe(false);
    expect(db.isUniqueViolation(null)).toBe(false);
  });

  test("deleting a role removes its menu, dept and user links", async () => {
    const { db } = t;
    const { sys_role, sys_role_menus, sys_role_depts, sys_user_roles } = db.t;
    const roleId = db.insertId(await db.orm.insert(sys_role).values({ name: "临时", code: "TMP" }));
    await db.orm.insert(sys_role_menus).values([1, 2, 15].map((menu_id) => ({ role_id: roleId, menu_id })));
    await db.orm.insert(sys_role_depts).values({ role_id: roleId, dept_id: 1 });
    await db.orm.insert(sys_user_roles).values({ user_id: 3, role_id: roleId });
    await db.orm.insert(sys_role_menus).values({ role_id: 1, menu_id: 1 });
    await db.orm.delete(sys_role).where(eq(sys_role.id, roleId));
    expect(await db.orm.select().from(sys_role_menus)).toEqual([{ role_id: 1, menu_id: 1 }]);
    expect(await db.orm.select().from(sys_role_depts)).toEqual([]);
    expect(await db.orm.select().from(sys_user_roles)).toEqual([{ user_id: 1, role_id: 1 }]);
  });

  test("deleting a dict type deletes its data", async () => {
    const { db } = t;
    const { sys_dict_type, sys_dict_data } = db.t;
    const count = async () =>
      Number((await db.orm.select({ n: sql<number>`count(*)` }).from(sys_dict_data))[0].n);
    expect(await count()).toBe(34);
    await db.orm.delete(sys_dict_type).where(eq(sys_dict_type.dict_type, "sys_oper_type"));
    expect(await count()).toBe(24);
  });

  test("deleting a menu or dept detaches children; deleting a user nulls audit columns", async () => {
    const { db } = t;
    const { sys_menu, sys_role_menus, sys_dept, sys_user, sys_position } = db.t;
    await db.orm.delete(sys_menu).where(eq(sys_menu.id, 1));
    const orphans = await db.orm
      .select({ id: sys_menu.id })
      .from(sys_menu)
      .where(sql`${sys_menu.id} in (15, 16, 17, 18)`);
    expect(orphans.length).toBe(4);
    const children = await db.orm
      .select({ parent_id: sys_menu.parent_id })
      .from(sys_menu)
      .where(eq(sys_menu.id, 15));
    expect(children).toEqual([{ parent_id: null }]);
    expect(await db.orm.select().from(sys_role_menus)).toEqual([]);

    const childDept = db.insertId(
      await db.orm.insert(sys_dept).values({ name: "子", code: "CHILD", parent_id: 1 }),
    );
    const creator = db.insertId(
      await db.orm.insert(sys_user).values({ username: "c", password: "x", name: "C" }),
    );
    const posId = db.insertId(
      await db.orm.insert(sys_position).values({ name: "P", created_id: creator, updated_id: creator }),
    );
    await db.orm.delete(sys_dept).where(eq(sys_dept.id, 1));
    expect((await db.orm.select().from(sys_dept).where(eq(sys_dept.id, childDept)))[0].parent_id).toBeNull();
    expect((await db.orm.select().from(sys_user).where(eq(sys_user.id, 1)))[0].dept_id).toBeNull();
    await db.orm.delete(sys_user).where(eq(sys_user.id, creator));
    const [pos] = await db.orm.select().from(sys_position).where(eq(sys_position.id, posId));
    expect([pos.created_id, pos.updated_id]).toEqual([null, null]);
  });

  test("a tenant with users cannot be deleted", async () => {
    const { db } = t;
    const err = await (async () => {
      try {
        await db.orm.delete(db.t.sys_tenant).where(eq(db.t.sys_tenant.id, 1));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeDefined();
    expect(db.isUniqueViolation(err)).toBe(false);
    expect((await db.orm.select().from(db.t.sys_tenant)).length).toBe(1);
  });
});
