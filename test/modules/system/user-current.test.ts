import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { UserOut } from "@/modules/system/user/user.service";
import reference from "../../fixtures/reference/user-current-info.json";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

/* U1–U7: the caller's own account, and the public register / forgotten-password endpoints. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 30_000); // a fresh MariaDB database takes a few seconds on a busy machine
afterAll(() => t.close());

const anon = () => client(t);
const as = async (username: string) => client(t, await authHeaders(t, username));

async function login(username: string, password: string) {
  return t.request("/api/v1/system/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

async function userRow(username: string) {
  const { sys_user } = t.deps.db.t;
  const [row] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, username));
  return row;
}

/** The password profile changes of mobile/email must repeat (a scoped user's is unknown). */
const KNOWN_PASSWORD = "Known-horse-battery-1";
async function setKnownPassword(userId: number) {
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(KNOWN_PASSWORD) })
    .where(eq(sys_user.id, userId));
}

async function setMobile(username: string, mobile: string) {
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm.update(sys_user).set({ mobile }).where(eq(sys_user.username, username));
}

/** A node of the route tree, as the service types it (from the `userOut` schema). */
type Node = UserOut["menus"][number];
const flatten = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
const outline = (nodes: any[]): unknown[] =>
  nodes.map((n) => [n.name, n.type, n.children ? outline(n.children) : null]);

describe("U1 GET /system/user/current/info", () => {
  test("admin: the reference's keys minus the password, the whole pc route tree", async () => {
    const res = await (await as("admin")).get("/system/user/current/info");
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "获取当前用户信息成功", success: true, status_code: 200 });
    const expected = Object.keys(reference.response.data).filter((k) => k !== "password");
    expect(Object.keys(b.data).sort()).toEqual(expected.sort());
    expect(b.data).not.toHaveProperty("password");
    expect(b.data).toMatchObject({
      id: 2,
      username: "admin",
      name: "管理员",
      is_superuser: true,
      dept_id: 1,
      dept: { id: 1, name: "集团总公司" },
      dept_name: "集团总公司",
      tenant: { id: 1, name: "系统租户" },
      positions: [],
      roles: [],
      created_by: null,
      gender: "0",
    });
    const nodes = flatten(b.data.menus);
    expect(nodes.length).toBeGreaterThan(20);
    expect(new Set(nodes.map((n) => n.type))).toEqual(new Set([1, 2, 4]));
    expect(nodes.every((n) => n.client === "pc" && n.status === "0")).toBe(true);
    expect(nodes.every((n) => n.children === null || n.children.length > 0)).toBe(true);
    // same tree as the original's capture (same seed)
    expect(outline(b.data.menus)).toEqual(outline(reference.response.data.menus));
    const menuKeys = Object.keys(reference.response.data.menus[0]).sort();
    expect(Object.keys(b.data.menus[0]).sort()).toEqual(menuKeys);
    const orders = b.data.menus.map((m: { order: number }) => m.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });

  test("super: roles are full Role objects with menus and depts", async () => {
    const b = await body(await (await as("super")).get("/system/user/current/info"));
    expect(b.data.roles).toHaveLength(1);
    const role = b.data.roles[0];
    expect(Object.keys(role).sort()).toEqual(
      [
        "id",
        "uuid",
        "status",
        "description",
        "created_time",
        "updated_time",
        "is_deleted",
        "deleted_time",
        "name",
        "code",
        "order",
        "data_scope",
        "menus",
        "depts",
      ].sort(),
    );
    expect(role).toMatchObject({ id: 1, code: "ADMIN", data_scope: 4, menus: [], depts: [] });
    expect(b.data.role_ids).toEqual([1]);
    expect(b.data.menus.length).toBeGreaterThan(0);
  });

  test("a non-superuser gets only its enabled roles' menus; buttons only inside roles[].menus", async () => {
    const u = await createScopedUser(t, {
      permissions: ["module_system:user:query", "module_system:user:create", "module_system:dept:query"],
    });
    const res = await client(t, u.headers).get("/system/user/current/info");
    expect(res.status).toBe(200);
    const b = await body(res);
    const tree = flatten(b.data.menus) as unknown as { title: string; type: number; permission: string }[];
    expect(tree.every((n) => n.type !== 3)).toBe(true);
    expect(tree.map((n) => n.permission).sort()).toEqual([
      "module_system:dept:query",
      "module_system:user:query",
    ]);
    // the pages' parent directory was not granted, so they are roots with children null
    expect(b.data.menus.every((n: Node) => n.children === null)).toBe(true);
    const perms = b.data.roles[0].menus.map((m: { permission: string }) => m.permission);
    expect(perms).toContain("module_system:user:create");
    expect(b.data.roles[0].menus.some((m: { type: number }) => m.type === 3)).toBe(true);

    // a disabled role grants nothing and is not listed; a disabled menu disappears
    const { sys_role, sys_menu } = t.deps.db.t;
    await t.deps.db.orm
      .update(sys_menu)
      .set({ status: "1" })
      .where(eq(sys_menu.permission, "module_system:dept:query"));
    let after = await body(await client(t, u.headers).get("/system/user/current/info"));
    expect(flatten(after.data.menus).map((n: any) => n.permission)).toEqual(["module_system:user:query"]);
    await t.deps.db.orm.update(sys_role).set({ status: "1" }).where(eq(sys_role.id, u.roleId));
    after = await body(await client(t, u.headers).get("/system/user/current/info"));
    expect(after.data.roles).toEqual([]);
    expect(after.data.menus).toEqual([]);
    await t.deps.db.orm
      .update(sys_menu)
      .set({ status: "0" })
      .where(eq(sys_menu.permission, "module_system:dept:query"));
  });

  test("the seeded user without roles: empty menus and roles", async () => {
    const b = await body(await (await as("user")).get("/system/user/current/info"));
    expect(b.data).toMatchObject({ username: "user", roles: [], menus: [], is_superuser: false });
  });

  test("no token → 401 / 10401", async () => {
    const res = await anon().get("/system/user/current/info");
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
  });
});

describe("U2 POST /system/user/current/avatar/upload", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const upload = async (headers: Record<string, string>, file?: File) => {
    const fd = new FormData();
    if (file) fd.append("file", file);
    return t.request("/api/v1/system/user/current/avatar/upload", { method: "POST", headers, body: fd });
  };

  test("stores an image and serves it back from /api/v1/static/upload", async () => {
    const headers = await authHeaders(t, "user");
    const res = await upload(headers, new File([png], "my avatar.png", { type: "image/png" }));
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("上传头像成功");
    expect(b.data.origin_name).toBe("my avatar.png");
    expect(b.data.file_name).toMatch(/^[0-9a-f]{32}\.png$/);
    expect(b.data.file_path).toMatch(/^static\/upload\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.png$/);
    expect(b.data.file_url).toBe(`http://localhost/api/v1/${b.data.file_path}`);
    const served = await t.request(new URL(b.data.file_url).pathname);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
  });

  test("non-images and missing files are refused", async () => {
    const headers = await authHeaders(t, "user");
    const xlsx = await upload(headers, new File([png], "a.xlsx"));
    expect(xlsx.status).toBe(400);
    expect((await body(xlsx)).msg).toStartWith("文件类型不支持");
    const script = await upload(headers, new File([png], "a.html"));
    expect((await body(script)).msg).toBe("不允许上传此类型的文件: .html");
    const none = await upload(headers);
    expect(none.status).toBe(400);
    expect((await body(none)).msg).toBe("请选择要上传的文件");
  });

  test("no token → 401", async () => {
    const res = await upload({}, new File([png], "a.png"));
    expect(res.status).toBe(401);
  });
});

describe("U3 PUT /system/user/current/info/update", () => {
  test("writes only the fields sent; gender may be a number", async () => {
    const u = await createScopedUser(t);
    await setKnownPassword(u.id);
    const api = client(t, u.headers);
    const res = await api.put("/system/user/current/info/update", {
      name: "新昵称",
      gender: 1,
      mobile: "13800000001",
      email: "me@example.com",
      current_password: KNOWN_PASSWORD,
      avatar: "https://cdn.example.com/a.png",
      // the SPA posts its whole profile: these must be ignored
      username: "hacker",
      is_superuser: true,
      status: "1",
      role_ids: [1],
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("更新当前用户基本信息成功");
    expect(b.data).toMatchObject({
      name: "新昵称",
      gender: "1",
      mobile: "13800000001",
      email: "me@example.com",
      avatar: "https://cdn.example.com/a.png",
      username: u.username,
      is_superuser: false,
      status: "0",
      updated_by: { id: u.id, name: "新昵称" },
    });
    expect(b.data).not.toHaveProperty("password");
    const only = await body(await api.put("/system/user/current/info/update", { gender: "2" }));
    expect(only.data).toMatchObject({ name: "新昵称", gender: "2", mobile: "13800000001" });
    const local = await api.put("/system/user/current/info/update", {
      avatar: "/api/v1/static/image/avatar.svg",
    });
    expect((await body(local)).data.avatar).toBe("/api/v1/static/image/avatar.svg");
    const cleared = await body(
      await api.put("/system/user/current/info/update", { mobile: "", current_password: KNOWN_PASSWORD }),
    );
    expect(cleared.data.mobile).toBeNull();
  });

  test("validation: mobile, email, avatar, gender, name length", async () => {
    const api = client(t, (await createScopedUser(t)).headers);
    const cases: [Record<string, unknown>, string][] = [
      [{ mobile: "12345" }, "手机号格式不正确"],
      [{ email: "not-an-email" }, "邮箱地址格式不正确"],
      [{ avatar: "javascript:alert(1)" }, "头像地址需为有效的HTTP/HTTPS URL"],
      [{ avatar: "/api/v1/static/../../etc/passwd" }, "头像地址需为有效的HTTP/HTTPS URL"],
      [{ gender: 7 }, "性别只能为 0(男)、1(女)、2(未知)"],
      [{ name: "x".repeat(33) }, "名称长度不能超过32个字符"],
    ];
    for (const [payload, msg] of cases) {
      const res = await api.put("/system/user/current/info/update", payload);
      expect(res.status).toBe(422);
      expect(await body(res)).toMatchObject({ code: 1, msg });
    }
  });

  test("a mobile or email held by someone else → 409", async () => {
    await setMobile("user", "13900000009");
    const u = await createScopedUser(t);
    await setKnownPassword(u.id);
    const res = await client(t, u.headers).put("/system/user/current/info/update", {
      mobile: "13900000009",
      current_password: KNOWN_PASSWORD,
    });
    expect(res.status).toBe(409);
    expect(await body(res)).toMatchObject({ code: -1, msg: "更新失败，手机号已存在" });
  });

  test("superusers cannot edit their profile here; no token → 401", async () => {
    const res = await (await as("admin")).put("/system/user/current/info/update", { name: "管理员" });
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: -1, msg: "超级管理员不能修改个人信息" });
    expect((await anon().put("/system/user/current/info/update", { name: "x" })).status).toBe(401);
  });
});

describe("U4 PUT /system/user/current/password/change", () => {
  test("wrong old password → 400; short new one → 422", async () => {
    const api = await as("user");
    const wrong = await api.put("/system/user/current/password/change", {
      old_password: "nope",
      new_password: "a-new-password",
    });
    expect(wrong.status).toBe(400);
    expect((await body(wrong)).msg).toBe("原密码输入错误");
    const short = await api.put("/system/user/current/password/change", {
      old_password: "123456",
      new_password: "short",
    });
    expect(short.status).toBe(422);
    expect((await body(short)).msg).toBe("密码长度不能少于8个字符");
  });

  test("changes the password and ends every other session of the caller", async () => {
    const { sys_user } = t.deps.db.t;
    const u = await createScopedUser(t);
    await t.deps.db.orm
      .update(sys_user)
      .set({ password: await t.deps.hasher.hash("old-password-1") })
      .where(eq(sys_user.id, u.id));
    const other = await authHeaders(t, u.username);
    const res = await client(t, u.headers).put("/system/user/current/password/change", {
      old_password: "old-password-1",
      new_password: "new-password-2",
      confirm_password: "new-password-2",
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.msg).toBe("修改密码成功, 请重新登录");
    expect(b.data).not.toHaveProperty("password");
    // the session that made the change stays (the SPA's next call works); the others end
    expect((await client(t, u.headers).get("/system/user/current/info")).status).toBe(200);
    expect((await client(t, other).get("/system/user/current/info")).status).toBe(401);
    expect((await login(u.username, "old-password-1")).status).toBe(400);
    expect((await login(u.username, "new-password-2")).status).toBe(200);
  });

  test("no token → 401", async () => {
    const res = await anon().put("/system/user/current/password/change", {
      old_password: "123456",
      new_password: "12345678",
    });
    expect(res.status).toBe(401);
  });
});

describe("U5 PUT /system/user/reset/password", () => {
  test("needs module_system:user:update (not just a login)", async () => {
    const target = await createScopedUser(t);
    const plain = await createScopedUser(t, { permissions: ["module_system:user:query"] });
    const res = await client(t, plain.headers).put("/system/user/reset/password", {
      id: target.id,
      password: "whatever-123",
    });
    expect(res.status).toBe(403);
    expect((await body(res)).code).toBe(10403);
    expect((await anon().put("/system/user/reset/password", { id: 3, password: "x" })).status).toBe(401);
  });

  test("resets, ends the target's sessions, and the new password logs in", async () => {
    const target = await createScopedUser(t);
    const res = await (await as("admin")).put("/system/user/reset/password", {
      id: target.id,
      password: "reset-pass-123",
    });
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({ code: 0, msg: "重置密码成功" });
    expect(b.data).toMatchObject({ id: target.id, updated_by: { id: 2, name: "管理员" } });
    expect(b.data).not.toHaveProperty("password");
    expect((await client(t, target.headers).get("/system/user/current/info")).status).toBe(401);
    expect((await login(target.username, "reset-pass-123")).status).toBe(200);
  });

  test("superuser target → 400; unknown id → 404; short password → 422", async () => {
    const api = await as("admin");
    const su = await api.put("/system/user/reset/password", { id: 1, password: "long-enough-1" });
    expect(su.status).toBe(400);
    expect((await body(su)).msg).toBe("超级管理员密码不能重置");
    const missing = await api.put("/system/user/reset/password", { id: 999999, password: "long-enough-1" });
    expect(missing.status).toBe(404);
    expect((await body(missing)).msg).toBe("用户不存在");
    const short = await api.put("/system/user/reset/password", { id: 3, password: "1234567" });
    expect(short.status).toBe(422);
  });

  test("a target outside the caller's data scope is not found", async () => {
    const { sys_dept } = t.deps.db.t;
    const d = t.deps.db.insertId(
      await t.deps.db.orm.insert(sys_dept).values({ name: "重置部门", code: "RESETD", parent_id: 1 }),
    );
    const caller = await createScopedUser(t, {
      permissions: ["module_system:user:update"],
      dataScope: 2,
      deptId: d,
    });
    const outside = await createScopedUser(t); // dept 1
    const res = await client(t, caller.headers).put("/system/user/reset/password", {
      id: outside.id,
      password: "long-enough-1",
    });
    expect(res.status).toBe(404);
    // in scope, and no stronger than the caller (see test/security/no-takeover-of-stronger-accounts)
    const inside = await createScopedUser(t, { deptId: d, dataScope: 2 });
    const ok = await client(t, caller.headers).put("/system/user/reset/password", {
      id: inside.id,
      password: "long-enough-1",
    });
    expect(ok.status).toBe(200);
  });
});

describe("U6 POST /system/user/register", () => {
  test("off by default → 404", async () => {
    const res = await anon().post("/system/user/register", { username: "newbie", password: "password-1" });
    expect(res.status).toBe(404);
    expect(await body(res)).toMatchObject({ code: -1, msg: "注册功能未开启" });
  });

  test("creates a plain account: no roles, never a superuser, name = username", async () => {
    t.deps.settings.REGISTER_ENABLE = true;
    try {
      const res = await anon().post("/system/user/register", {
        username: "newbie",
        password: "password-1",
        confirmPassword: "password-1",
        name: "ignored",
        role_ids: [1],
        is_superuser: true,
        created_id: 1,
        description: "自助注册",
      });
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("注册用户成功");
      expect(b.data).toMatchObject({
        username: "newbie",
        name: "newbie",
        roles: [],
        role_ids: [],
        is_superuser: false,
        created_id: null,
        status: "0",
        description: "自助注册",
        tenant: { id: 1, name: "系统租户" },
      });
      expect(b.data).not.toHaveProperty("password");
      expect((await login("newbie", "password-1")).status).toBe(200);

      const dup = await anon().post("/system/user/register", { username: "newbie", password: "password-1" });
      expect(dup.status).toBe(409);
      expect((await body(dup)).msg).toBe("账号已存在");
      const bad = await anon().post("/system/user/register", { username: "1abc", password: "password-1" });
      expect(bad.status).toBe(422);
      expect((await body(bad)).msg).toBe("账号需字母开头，3-32位，仅含字母/数字/_ . -");
      const short = await anon().post("/system/user/register", { username: "abcd", password: "1234567" });
      expect(short.status).toBe(422);
    } finally {
      t.deps.settings.REGISTER_ENABLE = false;
    }
  });
});

describe("U7 POST /system/user/forget/password", () => {
  test("off by default → 404", async () => {
    const res = await anon().post("/system/user/forget/password", {
      username: "user",
      new_password: "password-9",
      mobile: "13900000009",
    });
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("找回密码功能未开启");
  });

  /** Recovery on, with the development sender: the code lands in the (test) server log. */
  async function withRecovery(work: () => Promise<void>) {
    t.deps.settings.FORGET_PASSWORD_ENABLE = true;
    t.deps.settings.RECOVERY_SENDER = "log";
    try {
      await work();
    } finally {
      t.deps.settings.FORGET_PASSWORD_ENABLE = false;
      t.deps.settings.RECOVERY_SENDER = "none";
    }
  }
  const loggedCode = async (username: string) => {
    await Bun.sleep(50); // delivery runs after the answer
    const line = t.logger.lines.findLast((l) => l.username === username && typeof l.code === "string");
    return line?.code as string | undefined;
  };

  test("username + its own mobile sends a code (same answer otherwise); the code sets the password", async () => {
    await withRecovery(async () => {
      const u = await createScopedUser(t);
      await setMobile(u.username, "13700000007");
      const before = (await userRow(u.username)).password;
      const api = anon();
      const sent = {
        code: 0,
        msg: "如果账号与手机号匹配，验证码已发送至该手机号",
        data: { expires_in: 600 },
      };
      for (const [username, mobile] of [
        [u.username, "13700000008"],
        ["nobody_here", "13700000007"],
      ]) {
        const res = await api.post("/system/user/forget/password", { username, new_password: "x", mobile });
        expect(res.status).toBe(200);
        expect(await body(res)).toMatchObject(sent);
      }
      expect(await loggedCode(u.username)).toBeUndefined();
      const noMobile = await api.post("/system/user/forget/password", { username: u.username });
      expect(noMobile.status).toBe(422);

      // the SPA's form: username, mobile, new_password, confirmPassword; the password is not set here
      const res = await api.post("/system/user/forget/password", {
        username: u.username,
        new_password: "Recovered-horse-1",
        confirmPassword: "Recovered-horse-1",
        mobile: "13700000007",
      });
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject(sent);
      expect((await userRow(u.username)).password).toBe(before);
      const code = await loggedCode(u.username);
      expect(code).toMatch(/^\d{8}$/);

      const reset = await api.post("/system/user/forget/password/reset", {
        username: u.username,
        captcha: code,
        new_password: "Recovered-horse-1",
      });
      expect(reset.status).toBe(200);
      expect(await body(reset)).toMatchObject({ code: 0, msg: "重置密码成功", data: null });
      expect((await client(t, u.headers).get("/system/user/current/info")).status).toBe(401);
      expect((await login(u.username, "Recovered-horse-1")).status).toBe(200);

      // superusers are not recovered this way (the CLI resets them): same answer, no code
      await setMobile("super", "13600000006");
      const su = await api.post("/system/user/forget/password", { username: "super", mobile: "13600000006" });
      expect(await body(su)).toMatchObject(sent);
      expect(await loggedCode("super")).toBeUndefined();
    });
  });

  test("guessing mobiles is rate limited per IP", async () => {
    t.deps.settings.FORGET_PASSWORD_ENABLE = true;
    t.deps.settings.RECOVERY_SENDER = "log";
    const limit = t.deps.settings.LOGIN_IP_LIMIT_PER_MINUTE;
    t.deps.settings.LOGIN_IP_LIMIT_PER_MINUTE = 3;
    try {
      const guess = (mobile: string) =>
        t.request(
          "/api/v1/system/user/forget/password",
          {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ username: "user", new_password: "guessed-123", mobile }),
          },
          "10.9.9.9",
        );
      // a fixed one-minute window: even if the run straddles a window edge, 7 tries must meet the limit
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 1; i <= 7 && !limited; i++) {
        const res = await guess(`1300000000${i}`);
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      t.deps.settings.FORGET_PASSWORD_ENABLE = false;
      t.deps.settings.RECOVERY_SENDER = "none";
      t.deps.settings.LOGIN_IP_LIMIT_PER_MINUTE = limit;
    }
  });
});
