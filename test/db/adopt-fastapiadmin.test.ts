import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "@/app";
import { testSettings } from "@/config";
import type { AppDeps } from "@/core/context";
import { openDatabase } from "@/core/db/client";
import { dumpSchema, inspectSchema, type LiveSchema, quoteIdent } from "@/core/db/schema-inspect";
import { memoryLogger } from "@/core/log/logger";
import { buildBunDeps } from "@/entry/bun-deps";
import {
  ADOPTION_ADDITIONS,
  mysqlFixture,
  type ScratchDatabase,
  schemaDiff,
  sqliteFixture,
} from "./fastapiadmin-fixture";

/*
 * Drop-in: the app starts on a database FastapiAdmin v3.0 created and filled (the fixtures in
 * shared/spec/fastapiadmin-db), through the real start path (buildBunDeps: adopt, migrate, seed),
 * and serves its rows. Runs on a SQLite file always, on MariaDB too when TEST_MYSQL_URL is set.
 */

const dialects: ("sqlite" | "mysql")[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

async function withRaw<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>) {
  const db = await openDatabase({ url });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Row counts of the tables the lists read, straight from the database. */
async function counts(url: string): Promise<Record<string, number>> {
  return withRaw(url, async (db) => {
    const out: Record<string, number> = {};
    for (const t of [
      "sys_user",
      "sys_role",
      "sys_dept",
      "sys_menu",
      "sys_dict_type",
      "sys_dict_data",
      "sys_param",
      "sys_log",
    ]) {
      const [row] = await db.raw.all(`SELECT COUNT(*) AS n FROM ${quoteIdent(db.dialect, t)}`);
      out[t] = Number(row.n);
    }
    return out;
  });
}

for (const dialect of dialects) {
  describe(`adopting a FastapiAdmin v3.0 database (${dialect})`, () => {
    let fx: ScratchDatabase;
    let before: string;
    let beforeSchema: LiveSchema;
    let fixtureCounts: Record<string, number>;
    let deps: AppDeps;
    let app: ReturnType<typeof createApp>;
    const logger = memoryLogger("info");
    const settings = () => testSettings({ DATABASE_URL: fx.url, CACHE_DRIVER: "memory" });

    beforeAll(async () => {
      fx = dialect === "sqlite" ? await sqliteFixture() : await mysqlFixture(process.env.TEST_MYSQL_URL!);
      before = await withRaw(fx.url, (db) => dumpSchema(db.raw));
      beforeSchema = await withRaw(fx.url, (db) => inspectSchema(db.raw));
      fixtureCounts = await counts(fx.url);
      deps = await buildBunDeps(settings(), logger);
      app = createApp(deps);
    }, 60_000);
    afterAll(async () => {
      await deps?.db.close();
      await deps?.cache.close();
      await fx?.drop();
    });

    const call = async (method: string, path: string, token?: string, payload?: unknown) => {
      const headers: Record<string, string> = {};
      if (token) headers.Authorization = `Bearer ${token}`;
      if (payload !== undefined) headers["Content-Type"] = "application/json";
      const res = await app.request(
        `/api/v1${path}`,
        { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) },
        { clientIp: "127.0.0.1" },
      );
      return { status: res.status, body: (await res.json()) as any };
    };
    const login = async (username: string, password: string) => {
      const res = await app.request(
        "/api/v1/system/auth/login",
        {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ username, password }).toString(),
        },
        { clientIp: "127.0.0.1" },
      );
      return { status: res.status, body: (await res.json()) as any };
    };
    let token: string;

    test("the schema changes only by the documented additions", async () => {
      const after = await withRaw(fx.url, (db) => inspectSchema(db.raw));
      const diff = schemaDiff(beforeSchema, after);
      expect(diff.removed).toEqual([]);
      expect(diff.added).toEqual([...ADOPTION_ADDITIONS[dialect]].sort());
      // and every table without an addition dumps exactly as before
      const touched = new Set(ADOPTION_ADDITIONS[dialect].map((a) => a.split(" ")[1].split(".")[0]));
      const dump = await withRaw(fx.url, (db) => dumpSchema(db.raw));
      const keep = (d: string) =>
        d.split("\n").filter((l) => ![...touched].some((t) => l.includes(` ${t}`) || l.includes(`\`${t}\``)));
      expect(keep(dump).length).toBeGreaterThan(0);
      expect(keep(dump).filter((l) => !keep(before).includes(l))).toEqual([]);
      expect(logger.lines.some((l) => l.msg === "database adopted")).toBe(true);
    }, 30_000);

    test("drizzle's history holds our nine migrations, as its migrator writes them", async () => {
      const rows = await withRaw(fx.url, (db) =>
        db.raw.all("SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at"),
      );
      expect(rows).toHaveLength(9);
      const { readMigrations } = await import("@/core/db/migration-files");
      expect(rows.map((r) => [String(r.hash), Number(r.created_at)])).toEqual(
        readMigrations(dialect).map((m) => [m.hash, m.folderMillis]),
      );
    }, 30_000);

    test("admin/123456 logs in with upstream's bcrypt hash, which becomes argon2id", async () => {
      const res = await login("admin", "123456");
      expect(res.status).toBe(200);
      expect(res.body.code).toBe(0);
      token = res.body.data.access_token;
      const [row] = await deps.db.raw.all("SELECT password FROM sys_user WHERE username = 'admin'");
      expect(String(row.password)).toStartWith("$argon2id$");
      expect((await login("admin", "wrong-password")).status).toBe(400);
    }, 30_000);

    test("current/info has the 9 top-level menus", async () => {
      const res = await call("GET", "/system/user/current/info", token);
      expect(res.status).toBe(200);
      expect(res.body.data.username).toBe("admin");
      expect(res.body.data.menus).toHaveLength(9);
    }, 30_000);

    test("the lists return the fixture's rows", async () => {
      const total = async (path: string) => {
        const res = await call(
          "GET",
          `${path}${path.includes("?") ? "&" : "?"}page_no=1&page_size=100`,
          token,
        );
        expect(res.status).toBe(200);
        expect(res.body.code).toBe(0);
        return res.body.data;
      };
      expect((await total("/system/user/list")).total).toBe(fixtureCounts.sys_user);
      const users = (await total("/system/user/list")).items as any[];
      expect(users.map((u) => u.username).sort()).toEqual(["admin", "super", "user"]);
      expect(users.every((u) => u.password === undefined)).toBe(true);
      // SQLAlchemy stored microseconds on SQLite; the wire format has none
      for (const u of users) expect(u.created_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect((await total("/system/role/list")).total).toBe(fixtureCounts.sys_role);
      const [stored] = await deps.db.raw.all("SELECT id, data_scope FROM sys_role ORDER BY id LIMIT 1");
      const role = await call("GET", `/system/role/detail/${stored.id}`, token);
      expect(role.body.data.data_scope).toBe(Number(stored.data_scope));
      expect((await total("/system/dict/type/list")).total).toBe(fixtureCounts.sys_dict_type);
      expect((await total("/system/dict/data/list")).total).toBe(fixtureCounts.sys_dict_data);
      expect((await total("/system/param/list")).total).toBe(fixtureCounts.sys_param);
      // the two login attempts above (one good, one wrong) came on top of upstream's entries
      const logs = await total("/system/log/list");
      expect(logs.total).toBe(fixtureCounts.sys_log + 2);
      const [oldest] = await deps.db.raw.all("SELECT MIN(id) AS id FROM sys_log");
      const upstream = await call("GET", `/system/log/detail/${oldest.id}`, token);
      expect(upstream.status).toBe(200);
      expect(upstream.body.data.request_path).toBeString();
      // upstream logged login forms and issued tokens in clear: they are hidden on read
      const listed = JSON.stringify(logs.items);
      expect(listed).not.toContain("password: 123456");
      // (the SQLite fixture's upstream rows include its logins, now masked)
      if (dialect === "sqlite") expect(listed).toContain("password: ******");
      expect(listed).not.toMatch(/"access_token\\?":\\?"ey/);
      const flat = (nodes: any[]): any[] => nodes.flatMap((n) => [n, ...flat(n.children ?? [])]);
      expect(flat(await total("/system/dept/tree"))).toHaveLength(fixtureCounts.sys_dept);
      expect(flat(await total("/system/menu/tree"))).toHaveLength(fixtureCounts.sys_menu);
      // every other list reads the adopted tables too (empty in the fixture, but they must parse)
      for (const path of [
        "/system/position/list",
        "/system/notice/list",
        "/system/tenant/list",
        "/application/portal/list",
        "/task/cronjob/node/list",
        "/task/cronjob/job/log/list",
        "/task/workflow/node-type/list",
        "/task/workflow/definition/list",
        "/example/demo/list",
        "/example/demo01/list",
      ]) {
        const data = await total(path);
        expect(data.total).toBeNumber();
      }
      expect((await total("/system/tenant/list")).total).toBe(1);
      const dict = await call("GET", "/system/dict/data/info/sys_user_sex", token);
      expect(dict.status).toBe(200);
      expect(dict.body.data.length).toBeGreaterThan(0);
    }, 30_000);

    test("writes work: create, update and delete round trips; a role keeps its menus and data scope", async () => {
      const created = await call("POST", "/system/position/create", token, {
        name: "迁移测试岗位",
        order: 3,
      });
      expect(created.status).toBe(200);
      const id = created.body.data.id;
      const updated = await call("PUT", `/system/position/update/${id}`, token, {
        name: "迁移测试岗位2",
        order: 4,
      });
      expect(updated.body.data.name).toBe("迁移测试岗位2");
      expect((await call("DELETE", "/system/position/delete", token, [id])).status).toBe(200);

      const type = await call("POST", "/system/dict/type/create", token, {
        dict_name: "迁移",
        dict_type: "adopt_test",
        status: "0",
      });
      expect(type.status).toBe(200);
      const data = await call("POST", "/system/dict/data/create", token, {
        dict_type: "adopt_test",
        dict_type_id: type.body.data.id,
        dict_label: "甲",
        dict_value: "a",
        dict_sort: 1,
      });
      expect(data.status).toBe(200);

      const role = await call("POST", "/system/role/create", token, {
        name: "迁移角色",
        code: "adopt",
        order: 5,
      });
      expect(role.status).toBe(200);
      const roleId = role.body.data.id;
      const perm = await call("PATCH", "/system/role/permission/setting", token, {
        role_ids: [roleId],
        menu_ids: [1, 2, 3],
        data_scope: 3,
        dept_ids: [],
      });
      expect(perm.status).toBe(200);
      const detail = await call("GET", `/system/role/detail/${roleId}`, token);
      expect(detail.body.data.data_scope).toBe(3);
      expect(detail.body.data.menus.map((m: any) => m.id).sort()).toEqual([1, 2, 3]);

      const dept = await call("POST", "/system/dept/create", token, {
        name: "迁移部门",
        code: "adopt",
        order: 1,
        parent_id: 1,
      });
      expect(dept.status).toBe(200);
      const deptUpdate = await call("PUT", `/system/dept/update/${dept.body.data.id}`, token, {
        name: "迁移部门二",
        code: "adopt",
        order: 2,
        parent_id: 1,
      });
      expect(deptUpdate.status).toBe(200);
      expect((await call("DELETE", "/system/dept/delete", token, [dept.body.data.id])).status).toBe(200);
    }, 30_000);

    test("a second start changes nothing", async () => {
      const afterFirst = await withRaw(fx.url, (db) => dumpSchema(db.raw));
      const second = await buildBunDeps(settings(), memoryLogger("info"));
      try {
        const rows = await second.db.raw.all("SELECT COUNT(*) AS n FROM __drizzle_migrations");
        expect(Number(rows[0].n)).toBe(9);
      } finally {
        await second.db.close();
        await second.cache.close();
      }
      expect(await withRaw(fx.url, (db) => dumpSchema(db.raw))).toBe(afterFirst);
    }, 30_000);
  });
}
