import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import type { Principal } from "@/core/auth/principal";
import { loadPrincipal } from "@/core/auth/principal";
import { exportNotices } from "@/modules/system/notice/notice.service";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser } from "../support/auth";

/*
 * Issue 14, tenant isolation: tenant B's administrator (a superuser inside B) and the platform's
 * (tenant 1) each create departments, roles, positions, notices and users; walking every GET route
 * of the OpenAPI document as one finds none of the other's rows, on every list and detail (with
 * the other tenant's ids), and exports, online users and logs are scoped the same way. Runs on
 * libSQL, and on MariaDB + Redis with TEST_MYSQL_URL / TEST_REDIS_URL.
 */

const A = "AMARK";
const B = "BMARK";
const B_ADMIN = "tenant_b_admin";
const PASSWORD = "tenant-b-admin-pass-9";

let t: TestApp;
let platform: ReturnType<typeof client>;
let tenantB: ReturnType<typeof client>;
let tenantBId: number;
/** ids of each tenant's rows, to try on every detail route */
const idsOf: Record<"A" | "B", number[]> = { A: [], B: [] };
/** the ids of B's rows by table */
const bRows: Record<string, number> = {};
let getOperations: { path: string; params: string[] }[];

async function ok(res: Response) {
  const b = await body(res);
  if (res.status !== 200) throw new Error(`${res.status} ${b.msg}`);
  return b.data;
}

/** Rows of every kind, created through the API by `c`, named with `mark`. */
async function createRows(c: ReturnType<typeof client>, mark: string, key: "A" | "B", n: string) {
  const dept = await ok(await c.post("/system/dept/create", { name: `${mark}部门`, code: `${key}dept${n}` }));
  const role = await ok(await c.post("/system/role/create", { name: `${mark}角色`, code: `${key}role${n}` }));
  const position = await ok(await c.post("/system/position/create", { name: `${mark}岗位` }));
  const notice = await ok(
    await c.post("/system/notice/create", {
      notice_title: `${mark}公告`,
      notice_type: "1",
      notice_content: `<p>${mark}</p>`,
      status: "0",
    }),
  );
  const user = await ok(
    await c.post("/system/user/create", {
      username: `${key.toLowerCase()}_user_${n}`,
      password: "member-pass-1234",
      name: `${mark}用户`,
      status: "0",
      dept_id: dept.id,
      role_ids: [role.id],
      position_ids: [position.id],
    }),
  );
  idsOf[key].push(dept.id, role.id, position.id, notice.id, user.id);
  if (key === "B")
    Object.assign(bRows, {
      sys_dept: dept.id,
      sys_role: role.id,
      sys_position: position.id,
      sys_notice: notice.id,
    });
  return { dept, role, position, notice, user };
}

beforeAll(async () => {
  t = await createTestApp();
  platform = client(t, await authHeaders(t, "admin"));
  const tenant = await ok(
    await platform.post("/system/tenant/create", {
      name: "租户B",
      code: "tenantb",
      admin: { username: B_ADMIN, password: PASSWORD, name: "B管理员" },
    }),
  );
  tenantBId = tenant.id;
  tenantB = client(t, await authHeaders(t, B_ADMIN));
  await createRows(platform, A, "A", "1");
  await createRows(tenantB, B, "B", "1");
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  getOperations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .filter(([, ops]) => "get" in ops)
    .map(([path]) => ({ path, params: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]) }));
}, 60_000);
afterAll(() => t.close());

/** Every GET route: lists once, details once per id of `ids`; the bodies that mention `mark`. */
async function walk(c: ReturnType<typeof client>, ids: number[], mark: string) {
  const leaks: string[] = [];
  let visited = 0;
  for (const op of getOperations) {
    if (op.path.includes("/openapi") || op.path.includes("/docs")) continue;
    const urls =
      op.params.length === 0
        ? [op.path]
        : op.params.every((p) => p === "id" || p.endsWith("_id"))
          ? ids.map((id) => op.path.replace(/\{[^}]+\}/g, String(id)))
          : [];
    for (const url of urls) {
      const res = await c.get(url.replace(/^\/api\/v1/, ""));
      visited++;
      const text = await res.text();
      if (text.includes(mark)) leaks.push(`${url} → ${res.status}`);
    }
  }
  return { leaks, visited };
}

describe("a tenant's superuser", () => {
  test("creates rows in its own tenant only", async () => {
    const { sys_dept, sys_role, sys_position, sys_notice, sys_user } = t.deps.db.t;
    const tables = { sys_dept, sys_role, sys_position, sys_notice };
    for (const [name, table] of Object.entries(tables)) {
      const [row] = await t.deps.db.orm
        .select({ tenant_id: table.tenant_id })
        .from(table)
        .where(eq(table.id, bRows[name]));
      expect({ name, tenant_id: row.tenant_id }).toEqual({ name, tenant_id: tenantBId });
    }
    const [user] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, "b_user_1"));
    expect(user.tenant_id).toBe(tenantBId);
    const [admin] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, B_ADMIN));
    expect(admin).toMatchObject({ tenant_id: tenantBId, is_superuser: true });
  });

  test("walks every GET route and finds none of the platform's rows", async () => {
    const { leaks, visited } = await walk(tenantB, idsOf.A, A);
    expect(visited).toBeGreaterThan(40);
    expect(leaks).toEqual([]);
    // and it does see its own: the walk would find a leak if there were one
    expect(await (await tenantB.get("/system/position/list")).text()).toContain(B);
  }, 120_000);

  test("the platform's administrator walks every GET route and finds none of tenant B's rows", async () => {
    const { leaks } = await walk(platform, idsOf.B, B);
    expect(leaks).toEqual([]);
    expect(await (await platform.get("/system/position/list")).text()).toContain(A);
  }, 120_000);

  test("cannot update, delete or link the other tenant's rows", async () => {
    const [aDept, aRole, aPosition, aNotice, aUser] = idsOf.A;
    expect((await tenantB.put(`/system/position/update/${aPosition}`, { name: "taken" })).status).toBe(404);
    expect((await tenantB.delete("/system/notice/delete", [aNotice])).status).toBe(404);
    expect((await tenantB.delete("/system/user/delete", [aUser])).status).toBe(404);
    const linked = await tenantB.post("/system/user/create", {
      username: "b_linker",
      password: "member-pass-1234",
      name: "linker",
      status: "0",
      role_ids: [aRole],
    });
    expect(linked.status).toBe(400);
    const inDept = await tenantB.post("/system/user/create", {
      username: "b_linker2",
      password: "member-pass-1234",
      name: "linker",
      status: "0",
      dept_id: aDept,
    });
    expect(inDept.status).toBe(400);
    const elsewhere = await tenantB.post("/system/user/create", {
      username: "b_linker3",
      password: "member-pass-1234",
      name: "linker",
      status: "0",
      tenant_id: 1,
    });
    expect(elsewhere.status).toBe(400);
  });

  test("is not shown the platform-only pages in the SPA's menu tree", async () => {
    const names = (tree: { name: string; children?: unknown[] }[]): string[] =>
      tree.flatMap((m) => [m.name, ...names((m.children ?? []) as { name: string }[])]);
    const bMenus = names((await ok(await tenantB.get("/system/user/current/info"))).menus);
    expect(bMenus).toContain("部门管理");
    for (const hidden of ["租户管理", "代码管理", "代码生成", "服务器监控", "缓存监控", "调度器监控"])
      expect(bMenus).not.toContain(hidden);
    const aMenus = names((await ok(await platform.get("/system/user/current/info"))).menus);
    for (const shown of ["租户管理", "代码生成", "服务器监控"]) expect(aMenus).toContain(shown);
  });

  test("lifts login locks of its own tenant's accounts only", async () => {
    expect((await tenantB.post("/system/auth/unlock", { username: "admin" })).status).toBe(404);
    expect((await tenantB.post("/system/auth/unlock", { username: "b_user_1" })).status).toBe(200);
    expect((await platform.post("/system/auth/unlock", { username: "b_user_1" })).status).toBe(200);
  });

  test("names are unique within a tenant, not across tenants", async () => {
    expect((await tenantB.post("/system/position/create", { name: `${A}岗位` })).status).toBe(200);
    expect((await tenantB.post("/system/position/create", { name: `${A}岗位` })).status).toBe(409);
    const notice = { notice_title: `${A}公告`, notice_type: "1", notice_content: "x", status: "0" };
    expect((await tenantB.post("/system/notice/create", notice)).status).toBe(200);
  });

  test("cannot manage tenants, menus, dictionaries or parameters (platform-wide)", async () => {
    expect((await tenantB.get("/system/tenant/list")).status).toBe(403);
    expect((await tenantB.post("/system/tenant/create", { name: "x", code: "x1" })).status).toBe(403);
    expect((await tenantB.post("/system/menu/create", { name: "x", type: 1 })).status).toBe(403);
    expect((await tenantB.post("/system/dict/type/create", { dict_name: "x", dict_type: "x" })).status).toBe(
      403,
    );
    // reading the platform-wide menus still works (the SPA builds its routes from them)
    expect((await tenantB.get("/system/menu/tree")).status).toBe(200);
  });
});

describe("a platform superuser acting inside a tenant (X-Tenant-Id)", () => {
  test("sees and writes that tenant's rows only; others sending the header get 403", async () => {
    const inB = client(t, { ...(await authHeaders(t, "admin")), "X-Tenant-Id": String(tenantBId) });
    const list = await ok(await inB.get("/system/position/list?page_size=100"));
    const ids = list.items.map((p: { id: number }) => p.id);
    expect(ids).toContain(bRows.sys_position);
    expect(ids).not.toContain(idsOf.A[2]); // A's position
    const made = await ok(await inB.post("/system/position/create", { name: "platform-made-in-B" }));
    const { sys_position } = t.deps.db.t;
    const [row] = await t.deps.db.orm.select().from(sys_position).where(eq(sys_position.id, made.id));
    expect(row.tenant_id).toBe(tenantBId);
    // platform-only permissions are not held while inside a tenant
    expect((await inB.get("/system/tenant/list")).status).toBe(403);
    const bWithHeader = client(t, { ...(await authHeaders(t, B_ADMIN)), "X-Tenant-Id": "1" });
    expect((await bWithHeader.get("/system/position/list")).status).toBe(403);
    const unknown = client(t, { ...(await authHeaders(t, "admin")), "X-Tenant-Id": "99999" });
    expect((await unknown.get("/system/position/list")).status).toBe(403);
  });
});

describe("exports, online users, logs and cache keys", () => {
  test("exports hold the caller's tenant's rows only", async () => {
    const principal = (await loadPrincipal(t.deps.db, t.deps.cache, await idOf(B_ADMIN))) as Principal;
    const rows = await exportNotices(t.deps, principal, { created_time: undefined, updated_time: undefined });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tenant_id === tenantBId)).toBe(true);
    const res = await tenantB.post("/system/notice/export", {});
    expect(res.status).toBe(200);
  });

  test("an import lands in the importer's tenant and cannot use the other tenant's departments", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sheet1");
    ws.addRow(["部门编号", "账号", "昵称", "邮箱", "手机号", "性别", "状态"]);
    ws.addRow([bRows.sys_dept, "b_imported", `${B}导入`, "", "", "男", "正常"]);
    ws.addRow([idsOf.A[0], "b_imported_a", `${B}导入A`, "", "", "男", "正常"]);
    const fd = new FormData();
    fd.append("file", new File([await wb.xlsx.writeBuffer()], "users.xlsx"));
    const res = await t.request("/api/v1/system/user/import/data", {
      method: "POST",
      headers: await authHeaders(t, B_ADMIN),
      body: fd,
    });
    const out = await body(res);
    expect(out.data).toBe(["成功导入 1 条数据", "错误信息:", "第2行: 部门不存在"].join("\n"));
    const { sys_user } = t.deps.db.t;
    const [row] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, "b_imported"));
    expect(row.tenant_id).toBe(tenantBId);
  });

  test("a user export holds the caller's tenant's users only", async () => {
    const read = async (c: ReturnType<typeof client>) => {
      const res = await c.post("/system/user/export", {});
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const cells: string[] = [];
      wb.worksheets[0].eachRow((r) => {
        cells.push(JSON.stringify(r.values));
      });
      return cells.join("\n");
    };
    const bSheet = await read(tenantB);
    expect(bSheet).toContain(B);
    expect(bSheet).not.toContain(A);
    const aSheet = await read(platform);
    expect(aSheet).toContain(A);
    expect(aSheet).not.toContain(B);
  });

  test("the online list shows each tenant its own sessions", async () => {
    const bList = await ok(await tenantB.get("/monitor/online/list?page_size=100"));
    const bNames = bList.items.map((s: { user_name: string }) => s.user_name);
    expect(bNames).toContain(B_ADMIN);
    expect(bNames).not.toContain("admin");
    const aList = await ok(await platform.get("/monitor/online/list?page_size=100"));
    const aNames = aList.items.map((s: { user_name: string }) => s.user_name);
    expect(aNames).toContain("admin");
    expect(aNames).not.toContain(B_ADMIN);
  });

  test("log rows belong to the tenant of the request's user and are listed to it only", async () => {
    const { sys_log } = t.deps.db.t;
    const rows = await t.deps.db.orm
      .select()
      .from(sys_log)
      .where(eq(sys_log.created_id, await idOf(B_ADMIN)));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tenant_id === tenantBId)).toBe(true);
    // B's list holds only rows of B's users; the platform's none of them (nor B's rows' names)
    const bUsers = new Set([await idOf(B_ADMIN)]);
    const bLogs = await ok(await tenantB.get("/system/log/list?page_size=100"));
    expect(bLogs.items.length).toBeGreaterThan(0);
    // besides B's own users, only what the platform's superuser did inside B (X-Tenant-Id, above)
    const foreign = bLogs.items.filter((r: { created_id: number }) => !bUsers.has(r.created_id));
    expect(foreign.map((r: { request_path: string }) => r.request_path)).toEqual([
      "/api/v1/system/position/create",
    ]);
    const aLogs = await ok(await platform.get("/system/log/list?page_size=100"));
    expect(aLogs.items.length).toBeGreaterThan(0);
    expect(aLogs.items.filter((r: { created_id: number }) => bUsers.has(r.created_id))).toEqual([]);
    expect(JSON.stringify(aLogs)).not.toContain(B);
  });

  test("cache keys of two tenants never collide", async () => {
    const keys = await t.deps.cache.keys("");
    const bAdmin = await idOf(B_ADMIN);
    const aAdmin = await idOf("admin");
    const owned = (id: number) => keys.filter((k) => k.includes(`:${id}:`) || k.endsWith(`:${id}`));
    const bKeys = owned(bAdmin);
    const aKeys = owned(aAdmin);
    expect(bKeys.length).toBeGreaterThan(0);
    expect(aKeys.length).toBeGreaterThan(0);
    expect(bKeys.filter((k) => aKeys.includes(k))).toEqual([]);
    // the cached principal carries its tenant, so a cached copy cannot serve another tenant
    const cached = JSON.parse((await t.deps.cache.get(`principal:${bAdmin}`)) ?? "{}");
    expect(cached.tenant_id).toBe(tenantBId);
  });
});

describe("tenant lifecycle", () => {
  test("disabling a tenant ends its sessions and refuses its logins; the platform is untouched", async () => {
    const c = await ok(
      await platform.post("/system/tenant/create", {
        name: "租户C",
        code: "tenantc",
        admin: { username: "tenant_c_admin", password: PASSWORD, name: "C管理员" },
      }),
    );
    const cAdmin = client(t, await authHeaders(t, "tenant_c_admin"));
    expect((await cAdmin.get("/system/user/current/info")).status).toBe(200);
    expect(
      (await platform.patch("/system/tenant/available/setting", { ids: [c.id], status: "1" })).status,
    ).toBe(200);
    expect((await cAdmin.get("/system/user/current/info")).status).toBe(401);
    const login = await t.request("/api/v1/system/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "tenant_c_admin", password: PASSWORD }).toString(),
    });
    expect(login.status).toBe(400);
    expect((await platform.get("/system/user/current/info")).status).toBe(200);
    expect((await tenantB.get("/system/user/current/info")).status).toBe(200);
  });

  test("a tenant outside its start/end time signs nobody in", async () => {
    await ok(
      await platform.post("/system/tenant/create", {
        name: "租户H",
        code: "tenanth",
        end_time: "2020-01-01 00:00:00",
        admin: { username: "tenant_h_admin", password: PASSWORD, name: "H管理员" },
      }),
    );
    const login = await t.request("/api/v1/system/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "tenant_h_admin", password: PASSWORD }).toString(),
    });
    expect(login.status).toBe(400);
    expect((await body(login)).msg).toBe("租户不在有效期内");
  });

  test("a tenant is deleted only when empty", async () => {
    const busy = await platform.delete("/system/tenant/delete", [tenantBId]);
    expect(busy.status).toBe(400);
    const empty = await ok(await platform.post("/system/tenant/create", { name: "租户D", code: "tenantd" }));
    expect((await platform.delete("/system/tenant/delete", [empty.id])).status).toBe(200);
  });

  test("creating a tenant with an admin: 401 without a token, 403 without the permission", async () => {
    const payload = {
      name: "租户E",
      code: "tenante",
      admin: { username: "e_admin", password: PASSWORD, name: "E" },
    };
    expect((await client(t).post("/system/tenant/create", payload)).status).toBe(401);
    const nobody = await createScopedUser(t, { permissions: [] });
    expect((await client(t, nobody.headers).post("/system/tenant/create", payload)).status).toBe(403);
    const holder = await createScopedUser(t, { permissions: ["module_system:tenant:create"] });
    expect((await client(t, holder.headers).post("/system/tenant/create", payload)).status).toBe(200);
  });

  test("a tenant's first admin gets the password policy and a unique username", async () => {
    const weak = await platform.post("/system/tenant/create", {
      name: "租户F",
      code: "tenantf",
      admin: { username: "f_admin", password: "12345678", name: "F" },
    });
    expect(weak.status).toBe(422);
    const taken = await platform.post("/system/tenant/create", {
      name: "租户G",
      code: "tenantg",
      admin: { username: "admin", password: PASSWORD, name: "G" },
    });
    expect(taken.status).toBe(409);
  });
});

async function idOf(username: string): Promise<number> {
  const { sys_user } = t.deps.db.t;
  const [row] = await t.deps.db.orm
    .select({ id: sys_user.id })
    .from(sys_user)
    .where(eq(sys_user.username, username));
  return row.id;
}
