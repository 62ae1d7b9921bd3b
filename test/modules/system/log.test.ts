import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser, type ScopedUser } from "../../support/auth";

const ALL = [
  "module_system:log:query",
  "module_system:log:detail",
  "module_system:log:delete",
  "module_system:log:export",
];

type LogItem = Record<string, unknown> & { id: number };

describe("/system/log", () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let anon: ReturnType<typeof client>;
  let scoped: ScopedUser; // data scope 1: own rows only
  let noPerm: ScopedUser;
  let createdRow: LogItem;

  const newest = async (query: string): Promise<LogItem> => {
    const page = await body(
      await admin.get(`/system/log/list?page_size=1&order_by=[{"id":"desc"}]&${query}`),
    );
    expect(page.data.total).toBeGreaterThan(0);
    return page.data.items[0];
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = client(t, await authHeaders(t, "admin"));
    anon = client(t);
    scoped = await createScopedUser(t, { permissions: ALL, dataScope: 1 });
    noPerm = await createScopedUser(t, { permissions: [] });
    // A real write through the app, with secrets in the body that must not reach the log.
    const res = await admin.post("/system/tenant/create", {
      name: "日志租户",
      code: "logtenant",
      password: "hunter2-secret",
      nested: { new_password: "also-secret", token: "tok-secret" },
    });
    expect(res.status).toBe(200);
    createdRow = await newest("request_path=/system/tenant/create");
  });
  afterAll(() => t.close());

  describe("rows written by the operation log", () => {
    test("a POST is listed with the request, response and user; secrets redacted", async () => {
      expect(createdRow).toMatchObject({
        type: 2,
        request_path: "/api/v1/system/tenant/create",
        request_method: "POST",
        request_ip: "127.0.0.1",
        response_code: 200,
        status: "0",
        description: "创建租户",
        created_id: 2,
        created_by: { id: 2, name: "管理员" },
        updated_id: 2,
        deleted_id: null,
        deleted_by: null,
        is_deleted: false,
      });
      expect(createdRow.process_time).toMatch(/^\d+\.\d\ds$/);
      const payload = String(createdRow.request_payload);
      expect(payload).toContain("日志租户");
      expect(payload).toContain("******");
      for (const secret of ["hunter2-secret", "also-secret", "tok-secret"])
        expect(payload).not.toContain(secret);
      expect(JSON.parse(payload).body.password).toBe("******");
      expect(JSON.parse(String(createdRow.response_json))).toMatchObject({ code: 0, msg: "创建租户成功" });
    });

    test("a refused request is logged as a failure", async () => {
      const dup = await admin.post("/system/tenant/create", { name: "日志租户", code: "other1" });
      expect(dup.status).toBe(409);
      const row = await newest("request_path=/system/tenant/create&status=1");
      expect(row).toMatchObject({ response_code: 409, status: "1", type: 2 });
      expect(JSON.parse(String(row.response_json)).msg).toBe("创建失败，名称已存在");
    });

    test("a failed login is a type-1 row without the password; GETs are not logged", async () => {
      const before = (await body(await admin.get("/system/log/list?page_size=1"))).data.total;
      await admin.get("/system/log/list");
      expect((await body(await admin.get("/system/log/list?page_size=1"))).data.total).toBe(before);

      const res = await t.request("/api/v1/system/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "admin", password: "wrong-password-xyz" }).toString(),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      const row = await newest("type=1");
      expect(row).toMatchObject({
        type: 1,
        request_path: "/api/v1/system/auth/login",
        status: "1",
        description: "登录",
      });
      expect(String(row.request_payload)).not.toContain("wrong-password-xyz");
    });
  });

  describe("list", () => {
    test("page object and filters", async () => {
      const res = await admin.get("/system/log/list?page_no=1&page_size=2");
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("查询日志成功");
      expect(Object.keys(b.data).sort()).toEqual(["has_next", "items", "page_no", "page_size", "total"]);
      expect(b.data.items.length).toBeLessThanOrEqual(2);

      const all: LogItem[] = (await body(await admin.get("/system/log/list?page_size=100"))).data.items;
      const check = async (query: string, pred: (r: LogItem) => boolean) => {
        const items: LogItem[] = (await body(await admin.get(`/system/log/list?page_size=100&${query}`))).data
          .items;
        expect(items.length).toBeGreaterThan(0);
        expect(items.every(pred)).toBe(true);
        expect(items.length).toBe(all.filter(pred).length);
      };
      await check("type=2", (r) => r.type === 2);
      await check("type=1", (r) => r.type === 1);
      await check("request_path=tenant/cre", (r) => String(r.request_path).includes("tenant/cre"));
      await check("request_method=post", (r) => r.request_method === "POST");
      await check("request_ip=127.0.0.1", (r) => r.request_ip === "127.0.0.1");
      await check("response_code=409", (r) => r.response_code === 409);
      await check("status=0", (r) => r.status === "0");
      await check("description=租户", (r) => String(r.description).includes("租户"));
      await check("creator_name=管理", (r) => r.created_id === 2);
      await check("created_id=2", (r) => r.created_id === 2);
      // empty values (a cleared select) mean no filter
      expect(
        (await body(await admin.get("/system/log/list?page_size=100&type=&response_code="))).data.total,
      ).toBe(all.length);
      const range = await body(
        await admin.get("/system/log/list?created_time=2000-01-01 00:00:00&created_time=2000-01-02 00:00:00"),
      );
      expect(range.data.total).toBe(0);
    });

    test("bad input", async () => {
      const res = await admin.get("/system/log/list?type=abc");
      expect(res.status).toBe(422);
      expect((await body(res)).msg).toBe("类型错误，提交参数应该为整数！");
      expect((await admin.get('/system/log/list?order_by=[{"nope":"asc"}]')).status).toBe(400);
    });

    test("security", async () => {
      expect((await body(await anon.get("/system/log/list"))).code).toBe(10401);
      const denied = await client(t, noPerm.headers).get("/system/log/list");
      expect(denied.status).toBe(403);
      expect((await body(denied)).code).toBe(10403);
    });
  });

  describe("detail", () => {
    test("found, not found, bad id, security", async () => {
      const res = await admin.get(`/system/log/detail/${createdRow.id}`);
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("获取日志详情成功");
      expect(b.data).toEqual(createdRow);
      const missing = await admin.get("/system/log/detail/999999");
      expect(missing.status).toBe(404);
      expect(await body(missing)).toMatchObject({ code: -1, msg: "该日志不存在" });
      expect((await admin.get("/system/log/detail/x")).status).toBe(422);
      expect((await anon.get(`/system/log/detail/${createdRow.id}`)).status).toBe(401);
      expect((await client(t, noPerm.headers).get(`/system/log/detail/${createdRow.id}`)).status).toBe(403);
    });
  });

  describe("data scope (author's department)", () => {
    test("scope 1 sees only the rows it wrote; login rows and others' rows are invisible", async () => {
      const me = client(t, scoped.headers);
      // a refused delete is still a request this user made, so it is logged under their id
      expect((await me.delete("/system/log/delete", [])).status).toBe(400);
      const page = await body(await me.get("/system/log/list?page_size=100"));
      expect(page.data.total).toBeGreaterThan(0);
      expect(page.data.items.every((r: LogItem) => r.created_id === scoped.id)).toBe(true);
      expect((await me.get(`/system/log/detail/${createdRow.id}`)).status).toBe(404);
      const del = await me.delete("/system/log/delete", [createdRow.id]);
      expect(del.status).toBe(404);
      expect((await admin.get(`/system/log/detail/${createdRow.id}`)).status).toBe(200);
      const rows = await sheetRows(await me.post("/system/log/export"));
      expect(rows.slice(1).every((r) => r[15] === scoped.id)).toBe(true);
    });
  });

  describe("export", () => {
    test("xlsx with the contract's columns; filters from query or body", async () => {
      const res = await admin.post("/system/log/export");
      expect(res.headers.get("content-type")).toBe(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      );
      expect(res.headers.get("content-disposition")).toBe("attachment; filename=log.xlsx");
      const rows = await sheetRows(res);
      expect(rows[0]).toEqual([
        "编号",
        "日志类型",
        "请求URL",
        "请求方式",
        "请求参数",
        "操作地址",
        "登录位置",
        "操作系统",
        "浏览器",
        "返回参数",
        "响应状态",
        "处理时间",
        "备注",
        "创建时间",
        "更新时间",
        "创建者ID",
        "更新者ID",
      ]);
      const ids = rows.slice(1).map((r) => r[0] as number);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      const row = rows.find((r) => r[0] === createdRow.id);
      expect(row?.slice(1, 4)).toEqual(["操作日志", "/api/v1/system/tenant/create", "POST"]);
      expect(row?.[10]).toBe("成功");

      const logins = await sheetRows(await admin.post("/system/log/export?type=1"));
      expect(logins.length).toBeGreaterThan(1);
      expect(logins.slice(1).every((r) => r[1] === "登录日志")).toBe(true);
      const byBody = await sheetRows(await admin.post("/system/log/export", { type: 1, page_no: 1 }));
      expect(byBody.length).toBe(logins.length);
    });

    test("security", async () => {
      expect((await body(await anon.post("/system/log/export"))).code).toBe(10401);
      expect((await body(await client(t, noPerm.headers).post("/system/log/export"))).code).toBe(10403);
    });
  });

  describe("delete", () => {
    test("soft delete with deleter; unknown ids refuse the whole batch", async () => {
      const target = await newest("type=1");
      expect((await admin.delete("/system/log/delete", [target.id, 999999])).status).toBe(404);
      expect((await admin.get(`/system/log/detail/${target.id}`)).status).toBe(200);

      const res = await admin.delete("/system/log/delete", [target.id]);
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ code: 0, msg: "删除日志成功", data: null });
      expect((await admin.get(`/system/log/detail/${target.id}`)).status).toBe(404);
      const { sys_log } = t.deps.db.t;
      const [row] = await t.deps.db.orm.select().from(sys_log).where(eq(sys_log.id, target.id));
      expect(row).toMatchObject({ is_deleted: true, deleted_id: 2 });
      expect(row.deleted_time).not.toBeNull();
    });

    test("empty and non-array bodies; security", async () => {
      const empty = await admin.delete("/system/log/delete", []);
      expect(empty.status).toBe(400);
      expect((await body(empty)).msg).toBe("删除失败，删除对象不能为空");
      expect((await admin.delete("/system/log/delete", "1")).status).toBe(422);
      expect((await anon.delete("/system/log/delete", [createdRow.id])).status).toBe(401);
      expect((await client(t, noPerm.headers).delete("/system/log/delete", [createdRow.id])).status).toBe(
        403,
      );
    });
  });
});

/** Cell values of the first sheet of an xlsx response, row by row. */
async function sheetRows(res: Response): Promise<unknown[][]> {
  expect(res.status).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const rows: unknown[][] = [];
  book.worksheets[0].eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}
