import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser, type ScopedUser } from "../../support/auth";

describe("/system/tenant", () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let anon: ReturnType<typeof client>;
  let noPerm: ScopedUser;
  let queryOnly: ScopedUser;

  const create = async (name: string, code: string, extra: Record<string, unknown> = {}) => {
    const res = await admin.post("/system/tenant/create", { name, code, ...extra });
    expect(res.status).toBe(200);
    return (await body(res)).data as { id: number } & Record<string, unknown>;
  };

  const addUser = async (tenantId: number, username: string, deleted = false) => {
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm.insert(sys_user).values({
      username,
      password: "x",
      name: username,
      tenant_id: tenantId,
      is_deleted: deleted,
    });
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = client(t, await authHeaders(t, "admin"));
    anon = client(t);
    noPerm = await createScopedUser(t, { permissions: [] });
    queryOnly = await createScopedUser(t, { permissions: ["module_system:tenant:query"], dataScope: 1 });
  });
  afterAll(() => t.close());

  describe("list and detail", () => {
    test("the seeded platform tenant", async () => {
      const res = await admin.get("/system/tenant/list?page_no=1&page_size=10");
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("查询租户列表成功");
      expect(b.data).toMatchObject({ total: 1, page_no: 1, page_size: 10, has_next: false });
      const seeded = b.data.items[0];
      expect(Object.keys(seeded).sort()).toEqual(
        [
          "code",
          "created_time",
          "deleted_time",
          "description",
          "end_time",
          "id",
          "is_deleted",
          "name",
          "start_time",
          "status",
          "updated_time",
          "uuid",
        ].sort(),
      );
      expect(seeded).toMatchObject({
        id: 1,
        name: "系统租户",
        code: "system",
        status: "0",
        start_time: null,
      });
      const detail = await body(await admin.get("/system/tenant/detail/1"));
      expect(detail).toMatchObject({ code: 0, msg: "获取租户详情成功", data: seeded });
    });

    test("filters; a scoped user with the query permission sees every tenant (no data scope)", async () => {
      await create("筛选甲", "filterA", { status: "1" });
      await create("筛选乙", "filterB");
      const byName = await body(await admin.get("/system/tenant/list?name=筛选"));
      expect(byName.data.total).toBe(2);
      const byCode = await body(await admin.get("/system/tenant/list?code=filterb"));
      expect(byCode.data.items.map((x: { code: string }) => x.code)).toEqual(["filterB"]);
      const disabled = await body(await admin.get("/system/tenant/list?status=1"));
      expect(disabled.data.items.map((x: { code: string }) => x.code)).toEqual(["filterA"]);
      const none = await body(
        await admin.get(
          "/system/tenant/list?created_time=2000-01-01 00:00:00&created_time=2000-01-02 00:00:00",
        ),
      );
      expect(none.data.total).toBe(0);
      const scoped = await body(await client(t, queryOnly.headers).get("/system/tenant/list?page_size=100"));
      const all = await body(await admin.get("/system/tenant/list?page_size=100"));
      expect(scoped.data.total).toBe(all.data.total);
      expect((await client(t, queryOnly.headers).get("/system/tenant/detail/1")).status).toBe(200);
    });

    test("not found, bad input, security", async () => {
      const missing = await admin.get("/system/tenant/detail/999999");
      expect(missing.status).toBe(404);
      expect(await body(missing)).toMatchObject({ code: -1, msg: "租户不存在" });
      expect((await admin.get("/system/tenant/detail/0")).status).toBe(422);
      expect((await admin.get('/system/tenant/list?order_by=[{"x":"asc"}]')).status).toBe(400);
      expect((await body(await anon.get("/system/tenant/list"))).code).toBe(10401);
      expect((await body(await anon.get("/system/tenant/detail/1"))).code).toBe(10401);
      expect((await body(await client(t, noPerm.headers).get("/system/tenant/list"))).code).toBe(10403);
      expect((await client(t, noPerm.headers).get("/system/tenant/detail/1")).status).toBe(403);
    });
  });

  describe("create", () => {
    test("trims, normalises times and returns the tenant", async () => {
      const res = await admin.post("/system/tenant/create", {
        name: "  新租户  ",
        code: " newT1 ",
        description: "d",
        start_time: "2026-01-01",
        end_time: "2026-12-31 23:59:59",
        id: 77,
      });
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("创建租户成功");
      expect(b.data).toMatchObject({
        name: "新租户",
        code: "newT1",
        status: "0",
        description: "d",
        start_time: "2026-01-01 00:00:00",
        end_time: "2026-12-31 23:59:59",
        is_deleted: false,
      });
      expect(b.data.id).not.toBe(77);
      // no initial admin user is created (upstream's had a password nobody could know)
      const { sys_user } = t.deps.db.t;
      const users = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.tenant_id, b.data.id));
      expect(users).toHaveLength(0);
    });

    test("Unicode letters and digits are a valid code", async () => {
      expect((await create("中文编码租户", "租户2号")).code).toBe("租户2号");
    });

    test("validation messages", async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: "  ", code: "abc" }, "名称不能为空"],
        [{ name: "a", code: "  " }, "编码不能为空"],
        [{ name: "a", code: "ab-c" }, "编码只能包含字母和数字"],
        [{ name: "a", code: "a b" }, "编码只能包含字母和数字"],
        [{ name: "x".repeat(101), code: "abc" }, "名称长度不能超过100个字符"],
        [{ code: "abc" }, "请求失败，缺少必填项！"],
        [{ name: "a", code: "abc", status: "x" }, "状态只能是 0 或 1"],
        [{ name: "a", code: "abc", start_time: "2026-02-30" }, "时间格式错误，应为 YYYY-MM-DD HH:MM:SS"],
        [
          { name: "a", code: "abc", start_time: "2026-05-01 00:00:00", end_time: "2026-04-01 00:00:00" },
          "结束时间不能早于开始时间",
        ],
      ];
      for (const [payload, msg] of cases) {
        const res = await admin.post("/system/tenant/create", payload);
        expect(res.status).toBe(422);
        expect(await body(res)).toMatchObject({ code: 1, msg });
      }
    });

    test("name and code must be unused (409); name is checked first", async () => {
      const both = await admin.post("/system/tenant/create", { name: "系统租户", code: "system" });
      expect(both.status).toBe(409);
      expect(await body(both)).toMatchObject({ code: -1, msg: "创建失败，名称已存在" });
      const code = await admin.post("/system/tenant/create", { name: "另一个", code: "system" });
      expect(code.status).toBe(409);
      expect((await body(code)).msg).toBe("创建失败，编码已存在");
    });

    test("security", async () => {
      expect((await anon.post("/system/tenant/create", { name: "a", code: "a" })).status).toBe(401);
      expect(
        (await client(t, queryOnly.headers).post("/system/tenant/create", { name: "a", code: "a" })).status,
      ).toBe(403);
    });
  });

  describe("update", () => {
    test("partial: only the fields sent change", async () => {
      const tenant = await create("部分更新", "partial1", {
        description: "原描述",
        start_time: "2026-01-01 00:00:00",
      });
      const res = await admin.put(`/system/tenant/update/${tenant.id}`, { description: "新描述" });
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("修改租户成功");
      expect(b.data).toMatchObject({
        name: "部分更新",
        code: "partial1",
        description: "新描述",
        start_time: "2026-01-01 00:00:00",
      });
      const renamed = await body(
        await admin.put(`/system/tenant/update/${tenant.id}`, {
          name: "已改名",
          code: "renamed1",
          status: "1",
        }),
      );
      expect(renamed.data).toMatchObject({
        name: "已改名",
        code: "renamed1",
        status: "1",
        description: "新描述",
      });
      const cleared = await body(await admin.put(`/system/tenant/update/${tenant.id}`, { start_time: null }));
      expect(cleared.data.start_time).toBeNull();
    });

    test("the stored end of the time range counts", async () => {
      const tenant = await create("时间段", "range1", { end_time: "2026-03-01 00:00:00" });
      const res = await admin.put(`/system/tenant/update/${tenant.id}`, {
        start_time: "2026-04-01 00:00:00",
      });
      expect(res.status).toBe(422);
      expect((await body(res)).msg).toBe("结束时间不能早于开始时间");
    });

    test("platform tenant: code and status are locked, other fields editable", async () => {
      const code = await admin.put("/system/tenant/update/1", { code: "platform" });
      expect(code.status).toBe(400);
      expect(await body(code)).toMatchObject({ code: -1, msg: "系统租户编码不可修改" });
      const disable = await admin.put("/system/tenant/update/1", { status: "1" });
      expect(disable.status).toBe(400);
      expect((await body(disable)).msg).toBe("系统租户不允许禁用");
      // sending its unchanged code (as a full form would) is fine
      const ok = await admin.put("/system/tenant/update/1", { code: "system", description: "平台租户" });
      expect(ok.status).toBe(200);
      expect((await body(ok)).data).toMatchObject({ code: "system", status: "0", description: "平台租户" });
    });

    test("duplicates, not found, validation, security", async () => {
      const tenant = await create("重名检查", "dupcheck");
      const name = await admin.put(`/system/tenant/update/${tenant.id}`, { name: "系统租户" });
      expect(name.status).toBe(409);
      expect((await body(name)).msg).toBe("更新失败，名称重复");
      const code = await admin.put(`/system/tenant/update/${tenant.id}`, { code: "system" });
      expect(code.status).toBe(409);
      expect((await body(code)).msg).toBe("更新失败，编码重复");
      const same = await admin.put(`/system/tenant/update/${tenant.id}`, {
        name: "重名检查",
        code: "dupcheck",
      });
      expect(same.status).toBe(200);
      const missing = await admin.put("/system/tenant/update/999999", { name: "x" });
      expect(missing.status).toBe(404);
      expect((await body(missing)).msg).toBe("租户不存在");
      const bad = await admin.put(`/system/tenant/update/${tenant.id}`, { code: "a_b" });
      expect(bad.status).toBe(422);
      expect((await body(bad)).msg).toBe("编码只能包含字母和数字");
      expect((await anon.put(`/system/tenant/update/${tenant.id}`, { name: "x" })).status).toBe(401);
      expect(
        (await client(t, queryOnly.headers).put(`/system/tenant/update/${tenant.id}`, { name: "x" })).status,
      ).toBe(403);
    });
  });

  describe("status", () => {
    test("batch toggle; the platform tenant cannot be disabled", async () => {
      const a = await create("状态甲", "statusA");
      const b = await create("状态乙", "statusB");
      const res = await admin.patch("/system/tenant/available/setting", { ids: [a.id, b.id], status: "1" });
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ code: 0, msg: "批量修改租户状态成功", data: null });
      expect((await body(await admin.get(`/system/tenant/detail/${a.id}`))).data.status).toBe("1");

      const sys = await admin.patch("/system/tenant/available/setting", { ids: [a.id, 1], status: "1" });
      expect(sys.status).toBe(400);
      expect(await body(sys)).toMatchObject({ code: -1, msg: "系统租户不允许禁用" });
      // enabling it is harmless
      expect(
        (await admin.patch("/system/tenant/available/setting", { ids: [1, a.id], status: 0 })).status,
      ).toBe(200);
      expect((await body(await admin.get(`/system/tenant/detail/${a.id}`))).data.status).toBe("0");
    });

    test("validation, unknown ids, security", async () => {
      expect((await admin.patch("/system/tenant/available/setting", { ids: [1], status: "2" })).status).toBe(
        422,
      );
      expect((await admin.patch("/system/tenant/available/setting", { ids: [], status: "0" })).status).toBe(
        400,
      );
      const unknown = await admin.patch("/system/tenant/available/setting", { ids: [999999], status: "0" });
      expect(unknown.status).toBe(404);
      expect((await body(unknown)).msg).toBe("租户不存在");
      expect((await anon.patch("/system/tenant/available/setting", { ids: [1], status: "0" })).status).toBe(
        401,
      );
      expect(
        (
          await client(t, queryOnly.headers).patch("/system/tenant/available/setting", {
            ids: [1],
            status: "0",
          })
        ).status,
      ).toBe(403);
    });
  });

  describe("delete", () => {
    test("an empty tenant is deleted (physically)", async () => {
      const tenant = await create("待删除", "todelete");
      const res = await admin.delete("/system/tenant/delete", [tenant.id]);
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ code: 0, msg: "删除租户成功", data: null });
      expect((await admin.get(`/system/tenant/detail/${tenant.id}`)).status).toBe(404);
      const { sys_tenant } = t.deps.db.t;
      expect(await t.deps.db.orm.select().from(sys_tenant).where(eq(sys_tenant.id, tenant.id))).toHaveLength(
        0,
      );
      // its name and code are free again
      await create("待删除", "todelete");
    });

    test("refused while users belong to it; soft-deleted users do not block", async () => {
      const busy = await create("有用户", "busy1");
      const free = await create("无用户", "free1");
      await addUser(busy.id, "tenant_user_live");
      await addUser(free.id, "tenant_user_gone", true);
      const res = await admin.delete("/system/tenant/delete", [free.id, busy.id]);
      expect(res.status).toBe(400);
      expect(await body(res)).toMatchObject({
        code: -1,
        msg: `租户 ID=${busy.id} 下仍有关联数据（用户），请先清理后再删除`,
      });
      // all or nothing: the free tenant is still there
      expect((await admin.get(`/system/tenant/detail/${free.id}`)).status).toBe(200);

      const ok = await admin.delete("/system/tenant/delete", [free.id]);
      expect(ok.status).toBe(200);
      const { sys_user } = t.deps.db.t;
      const [gone] = await t.deps.db.orm
        .select()
        .from(sys_user)
        .where(eq(sys_user.username, "tenant_user_gone"));
      expect(gone.tenant_id).toBe(1);
    });

    test("the platform tenant, empty and unknown ids, non-array body", async () => {
      const sys = await admin.delete("/system/tenant/delete", [1]);
      expect(sys.status).toBe(400);
      expect(await body(sys)).toMatchObject({ code: -1, msg: "系统租户不允许删除" });
      expect((await admin.get("/system/tenant/detail/1")).status).toBe(200);
      const empty = await admin.delete("/system/tenant/delete", []);
      expect(empty.status).toBe(400);
      expect((await body(empty)).msg).toBe("删除失败，删除对象不能为空");
      expect((await admin.delete("/system/tenant/delete", [999999])).status).toBe(404);
      expect((await admin.delete("/system/tenant/delete", { ids: [2] })).status).toBe(422);
    });

    test("security", async () => {
      const tenant = await create("安全删除", "secdel");
      expect((await anon.delete("/system/tenant/delete", [tenant.id])).status).toBe(401);
      expect((await client(t, queryOnly.headers).delete("/system/tenant/delete", [tenant.id])).status).toBe(
        403,
      );
      expect((await admin.get(`/system/tenant/detail/${tenant.id}`)).status).toBe(200);
    });
  });
});
