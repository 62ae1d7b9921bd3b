import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, like } from "drizzle-orm";
import { listTables } from "@/core/db/schema-inspect";
import { createGeneratorDisk } from "@/entry/generator-disk";
import { body, createTestApp, type TestApp } from "../../support/app";
import {
  authHeaders,
  client,
  createScopedUser,
  expectExactPermissions,
  expectUnauthenticated,
  type GuardedCall,
} from "../../support/auth";

const BASE = "/generator/gencode";

describe("/generator/gencode", () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let outDir: string;
  let demoId: number;

  const tablesNow = () => listTables(t.deps.db.raw);

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "gencode-out-"));
    t = await createTestApp({ GENERATOR_OUTPUT_DIR: outDir }, { generatorDisk: createGeneratorDisk() });
    admin = client(t, await authHeaders(t, "admin"));
  });
  afterAll(async () => {
    await t.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  test("security: every route refuses callers without a token (401) or without its permission (403)", async () => {
    const routes: GuardedCall[] = [
      { method: "get", path: `${BASE}/list`, perm: "module_generator:gencode:query" },
      { method: "get", path: `${BASE}/db/list`, perm: "module_generator:dblist:query" },
      {
        method: "post",
        path: `${BASE}/import`,
        perm: "module_generator:gencode:import",
        body: ["no_such_table"],
      },
      { method: "get", path: `${BASE}/detail/999999`, perm: "module_generator:gencode:query" },
      { method: "post", path: `${BASE}/create`, perm: "module_generator:gencode:create", body: { sql: "" } },
      {
        method: "put",
        path: `${BASE}/update/999999`,
        perm: "module_generator:gencode:update",
        body: { table_name: "x" },
      },
      { method: "delete", path: `${BASE}/delete`, perm: "module_generator:gencode:delete", body: [999999] },
      {
        method: "patch",
        path: `${BASE}/batch/output`,
        perm: "module_generator:gencode:operate",
        body: ["no_such_table"],
      },
      { method: "post", path: `${BASE}/output/no_such_table`, perm: "module_generator:gencode:code" },
      { method: "get", path: `${BASE}/preview/999999`, perm: "module_generator:gencode:query" },
      { method: "post", path: `${BASE}/sync_db/no_such_table`, perm: "module_generator:db:sync" },
      { method: "get", path: `${BASE}/sync_db/preview/no_such_table`, perm: "module_generator:db:sync" },
    ];
    await expectUnauthenticated(t, routes);
    await expectExactPermissions(t, routes);
  });

  test("list starts empty", async () => {
    const res = await admin.get(`${BASE}/list?page_no=1&page_size=10`);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({
      code: 0,
      msg: "获取代码生成业务表列表成功",
      data: { page_no: 1, page_size: 10, total: 0, has_next: false, items: [] },
    });
  });

  test("db list: the database's tables by name, filtered and paged", async () => {
    const all = await body(await admin.get(`${BASE}/db/list?page_no=1&page_size=100`));
    expect(all.msg).toBe("获取数据库表列表成功");
    const names = all.data.items.map((i: { table_name: string }) => i.table_name);
    expect(names).toContain("gen_demo01");
    expect(names).toContain("sys_user");
    expect([...names].sort()).toEqual(names);
    expect(all.data.items[0]).toMatchObject({ table_type: t.deps.db.dialect });
    expect(Object.keys(all.data.items[0]).sort()).toEqual([
      "database_name",
      "table_comment",
      "table_name",
      "table_type",
    ]);
    const filtered = await body(await admin.get(`${BASE}/db/list?table_name=DEMO`));
    expect(filtered.data.items.map((i: { table_name: string }) => i.table_name)).toEqual([
      "gen_demo",
      "gen_demo01",
    ]);
    const page = await body(await admin.get(`${BASE}/db/list?page_no=1&page_size=2`));
    expect(page.data).toMatchObject({ page_size: 2, has_next: true });
    expect(page.data.items).toHaveLength(2);
  });

  describe("import, detail, update, preview, sync, delete", () => {
    test("import gen_demo01 with §7.3 defaults and §7.4 inference", async () => {
      const res = await admin.post(`${BASE}/import`, ["gen_demo01", "no_such_table"]);
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ code: 0, msg: "导入表结构成功", data: true });
      const list = await body(await admin.get(`${BASE}/list?table_name=demo01`));
      expect(list.data.total).toBe(1);
      demoId = list.data.items[0].id;
      expect(list.data.items[0]).toMatchObject({
        table_name: "gen_demo01",
        class_name: "GenDemo01",
        package_name: "module_demo01",
        module_name: "demo01",
        business_name: "gen_demo01",
        function_name: "gen_demo01",
        sub_table_name: null,
        parent_menu_id: null,
        pk_column: null,
        sub_table: null,
      });
    });

    test("import: duplicate 409, unknown or hostile names 400, nothing kept", async () => {
      const dup = await admin.post(`${BASE}/import`, ["gen_demo", "gen_demo01"]);
      expect(dup.status).toBe(409);
      expect(await body(dup)).toMatchObject({
        code: -1,
        msg: "导入失败, 以下表已存在，不能重复导入: gen_demo01",
      });
      // gen_demo, found before the duplicate, was not kept either
      expect((await body(await admin.get(`${BASE}/list`))).data.total).toBe(1);
      for (const names of [["no_such_table"], ["../sys_user"], ["sys_user; DROP TABLE sys_user"], []]) {
        const res = await admin.post(`${BASE}/import`, names);
        expect(res.status).toBe(400);
        expect(await body(res)).toMatchObject({ code: -1, msg: "导入的表结构不能为空" });
      }
      expect(await tablesNow()).toContain("sys_user");
      expect((await admin.post(`${BASE}/import`, { names: ["x"] })).status).toBe(422);
    });

    test("detail: columns in order with inferred settings and TypeScript types, pk_column, sub false", async () => {
      const res = await admin.get(`${BASE}/detail/${demoId}`);
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("获取业务表详细信息成功");
      const cols = b.data.columns as Record<string, unknown>[];
      const byName = Object.fromEntries(cols.map((c) => [c.column_name, c]));
      expect(cols.map((c) => c.sort)).toEqual(cols.map((_, i) => i + 1));
      expect(byName.id).toMatchObject({
        is_pk: true,
        is_insert: false,
        is_edit: false,
        is_list: false,
        is_query: false,
        query_type: null,
        python_type: "number",
      });
      expect(byName.name).toMatchObject({
        is_nullable: false,
        python_type: "string",
        python_field: "name",
        html_type: "input",
        is_query: true,
        query_type: "LIKE",
        dict_type: "",
        super_column: "0",
      });
      expect(byName.status).toMatchObject({ html_type: "radio" });
      expect(byName.description).toMatchObject({ html_type: "textarea", is_query: false });
      expect(byName.created_time).toMatchObject({
        python_field: "createdTime",
        html_type: "datetime",
        is_insert: false,
        is_edit: false,
        is_list: true,
        query_type: "EQ",
      });
      expect(byName.is_deleted).toMatchObject({ python_type: "boolean" });
      expect(b.data.pk_column).toMatchObject({ column_name: "id", is_pk: true });
      expect(b.data).toMatchObject({ sub: false, sub_table: null, master_sub_hint: null });
      const missing = await admin.get(`${BASE}/detail/999999`);
      expect(missing.status).toBe(404);
      expect(await body(missing)).toMatchObject({ code: -1, msg: "业务表不存在" });
    });

    test("update: partial, slugs folded, master–detail and parent menu checked", async () => {
      const detail = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data;
      const nameCol = detail.columns.find((c: { column_name: string }) => c.column_name === "name");
      const res = await admin.put(`${BASE}/update/${demoId}`, {
        table_name: "gen_demo01",
        package_name: "Shop_Admin",
        module_name: "module_Order_List",
        business_name: "a_B/c",
        function_name: "  示例01  ",
        columns: [
          { ...nameCol, html_type: "select", dict_type: "sys_normal_disable" },
          { column_name: "ignored" },
        ],
        pk_column: { id: 1 },
        sub_table: null,
      });
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("编辑业务表信息成功");
      expect(b.data).toMatchObject({
        package_name: "module_shop_admin",
        module_name: "order_list",
        business_name: "a_b/c",
        function_name: "示例01",
        class_name: "GenDemo01", // absent from the body: kept
      });
      expect(b.data.columns.find((c: { column_name: string }) => c.column_name === "name")).toMatchObject({
        html_type: "select",
        dict_type: "sys_normal_disable",
      });
      const cases: [Record<string, unknown>, number, string][] = [
        [
          { table_name: "gen_demo01", sub_table_name: "gen_demo" },
          400,
          "子表表名与子表外键列须同时填写或同时留空",
        ],
        [
          { table_name: "gen_demo01", sub_table_name: "gen_demo01", sub_table_fk_name: "id" },
          400,
          "子表表名不能与主表表名相同",
        ],
        [{ table_name: "gen_demo01", parent_menu_id: 999999 }, 400, "上级菜单不存在"],
        [{ table_name: "   " }, 422, "表名称不能为空"],
      ];
      for (const [payload, status, msg] of cases) {
        const r = await admin.put(`${BASE}/update/${demoId}`, payload);
        expect({ status: r.status, msg: (await body(r)).msg }).toEqual({ status, msg });
      }
      const button = await t.deps.db.orm
        .select()
        .from(t.deps.db.t.sys_menu)
        .where(eq(t.deps.db.t.sys_menu.type, 3))
        .limit(1);
      const notCatalog = await admin.put(`${BASE}/update/${demoId}`, {
        table_name: "gen_demo01",
        parent_menu_id: button[0].id,
      });
      expect((await body(notCatalog)).msg).toBe("上级菜单须选择目录类型");
      // put the names back for the output test
      await admin.put(`${BASE}/update/${demoId}`, {
        table_name: "gen_demo01",
        package_name: "demo01",
        module_name: "demo01",
      });
    });

    test("update: names that become code are identifiers, form settings from their lists (422)", async () => {
      const detail = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data;
      const col = detail.columns.find((c: { column_name: string }) => c.column_name === "name");
      const bad: Record<string, unknown>[] = [
        { table_name: "../gen_demo01" },
        { table_name: "gen_demo01; DROP TABLE sys_user" },
        { table_name: "gen_demo01", sub_table_name: "a/b", sub_table_fk_name: "id" },
        { table_name: "gen_demo01", columns: [{ ...col, column_name: "name; DROP TABLE x" }] },
        { table_name: "gen_demo01", columns: [{ ...col, python_field: "a-b`+x`" }] },
        { table_name: "gen_demo01", columns: [{ ...col, html_type: "<script>" }] },
        { table_name: "gen_demo01", columns: [{ ...col, query_type: "1=1" }] },
        { table_name: "gen_demo01", columns: [{ ...col, dict_type: "x'); alert(1); ('" }] },
      ];
      for (const payload of bad) {
        const res = await admin.put(`${BASE}/update/${demoId}`, payload);
        expect({ payload, status: res.status }).toEqual({ payload, status: 422 });
      }
      const after = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data;
      expect(after.table_name).toBe("gen_demo01");
      expect(after.columns).toEqual(detail.columns);
      // a null flag from the form keeps the stored value (the columns are NOT NULL)
      const ok = await admin.put(`${BASE}/update/${demoId}`, {
        table_name: "gen_demo01",
        columns: [{ ...col, is_insert: null, sort: null }],
      });
      expect(ok.status).toBe(200);
    });

    test("a table whose names are not identifiers imports but does not generate", async () => {
      await t.deps.db.raw.run(
        t.deps.db.dialect === "mysql"
          ? "CREATE TABLE `odd t` (`na me` int)"
          : 'CREATE TABLE "odd t" ("na me" int)',
      );
      expect((await admin.post(`${BASE}/import`, ["odd t"])).status).toBe(200);
      const row = (await body(await admin.get(`${BASE}/list?table_name=odd`))).data.items[0];
      const preview = await admin.get(`${BASE}/preview/${row.id}`);
      expect(preview.status).toBe(400);
      expect((await body(preview)).msg).toContain("不是合法的标识符");
      expect((await admin.delete(`${BASE}/delete`, [row.id])).status).toBe(200);
    });

    test("master–detail hints on detail", async () => {
      await admin.put(`${BASE}/update/${demoId}`, {
        table_name: "gen_demo01",
        sub_table_name: "gen_demo",
        sub_table_fk_name: "no_col",
      });
      let d = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data;
      expect(d).toMatchObject({
        sub: false,
        master_sub_hint: "子表「gen_demo」中不存在名为「no_col」的列，请核对外键列名",
      });
      const preview = await admin.get(`${BASE}/preview/${demoId}`);
      expect(preview.status).toBe(400);
      await admin.put(`${BASE}/update/${demoId}`, {
        table_name: "gen_demo01",
        sub_table_name: "gen_demo",
        sub_table_fk_name: "created_id",
      });
      d = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data;
      expect(d.sub).toBe(true);
      expect(d.sub_table).toMatchObject({ id: -1, table_name: "gen_demo" });
      expect(d.master_sub_hint).toContain("主子表已启用");
      await admin.put(`${BASE}/update/${demoId}`, {
        table_name: "gen_demo01",
        sub_table_name: null,
        sub_table_fk_name: null,
      });
    });

    test("preview: output path → text, backend/ and frontend/ keys", async () => {
      const res = await admin.get(`${BASE}/preview/${demoId}`);
      expect(res.status).toBe(200);
      const b = await body<Record<string, string>>(res);
      expect(b.msg).toBe("预览代码成功");
      const keys = Object.keys(b.data);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((k) => k.startsWith("backend/") || k.startsWith("frontend/"))).toBe(true);
      expect(keys.some((k) => k.startsWith("frontend/src/views/module_demo01/demo01/"))).toBe(true);
      expect(keys.some((k) => k.startsWith("backend/src/modules/module_demo01/demo01/"))).toBe(true);
      expect(Object.values(b.data).every((v) => typeof v === "string" && v.length > 0)).toBe(true);
    });

    test("batch ZIP: a zip of the files; empty and unknown lists are JSON errors", async () => {
      const res = await admin.patch(`${BASE}/batch/output`, ["gen_demo01", " "]);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/zip");
      expect(res.headers.get("content-disposition")).toContain("code.zip");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
      expect(new TextDecoder().decode(bytes)).toContain("frontend/src/api/module_demo01/demo01.ts");
      const empty = await admin.patch(`${BASE}/batch/output`, ["", " "]);
      expect(await body(empty)).toMatchObject({ code: -1, msg: "表名列表不能为空" });
      const unknown = await admin.patch(`${BASE}/batch/output`, ["no_such_table"]);
      expect(unknown.status).toBe(400);
      expect((await body(unknown)).msg).toStartWith("未能生成任何代码文件");
    });

    test("sync preview and sync", async () => {
      const res = await admin.get(`${BASE}/sync_db/preview/gen_demo01`);
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b).toMatchObject({
        msg: "获取同步差异预览成功",
        data: {
          table_name: "gen_demo01",
          added: [],
          removed: [],
          changed: [],
          unchanged: 12,
          sub_table_name: null,
          sub: null,
        },
      });
      const before = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data.columns;
      const sync = await admin.post(`${BASE}/sync_db/gen_demo01`);
      expect(await body(sync)).toMatchObject({ code: 0, msg: "同步数据库成功", data: null });
      const after = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data.columns;
      // the user's choices survive a sync; ids are kept
      expect(after.map((c: { id: number }) => c.id)).toEqual(before.map((c: { id: number }) => c.id));
      expect(after.find((c: { column_name: string }) => c.column_name === "name")).toMatchObject({
        html_type: "select",
        dict_type: "sys_normal_disable",
      });
      expect((await admin.get(`${BASE}/sync_db/preview/no_such_table`)).status).toBe(404);
    });
  });

  describe("POST /create", () => {
    const orderDdl = (table: string) =>
      t.deps.db.dialect === "mysql"
        ? `-- 订单\nCREATE TABLE ${table} (id int NOT NULL AUTO_INCREMENT COMMENT '主键', name varchar(64) NOT NULL COMMENT '名称', amount decimal(10,2), PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='订单表';\nCREATE TABLE ${table}_item (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id int NOT NULL, title varchar(100));\nALTER TABLE ${table}_item ADD CONSTRAINT fk_${table}_item FOREIGN KEY (order_id) REFERENCES ${table} (id);`
        : `CREATE TABLE ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(64) NOT NULL, amount DECIMAL(10,2));\nCREATE TABLE ${table}_item (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, title VARCHAR(100));\nALTER TABLE ${table}_item ADD CONSTRAINT fk_${table}_item FOREIGN KEY (order_id) REFERENCES ${table} (id);`;

    test("creates the tables (master–detail pair), which then import", async () => {
      const res = await admin.post(`${BASE}/create`, { sql: orderDdl("shop_order") });
      expect(await body(res)).toMatchObject({ code: 0, msg: "创建表结构成功", data: true });
      const names = await tablesNow();
      expect(names).toContain("shop_order");
      expect(names).toContain("shop_order_item");
      expect((await admin.post(`${BASE}/import`, ["shop_order", "shop_order_item"])).status).toBe(200);
      // master–detail: the order with its items (imported config) previews and zips both modules
      const order = (await body(await admin.get(`${BASE}/list?table_name=shop_order`))).data.items.find(
        (i: { table_name: string }) => i.table_name === "shop_order",
      );
      const upd = await admin.put(`${BASE}/update/${order.id}`, {
        table_name: "shop_order",
        function_name: "订单",
        sub_table_name: "shop_order_item",
        sub_table_fk_name: "order_id",
      });
      expect(await body(upd)).toMatchObject({
        code: 0,
        data: { sub: true, sub_table: { table_name: "shop_order_item" } },
      });
      const preview = (await body<Record<string, string>>(await admin.get(`${BASE}/preview/${order.id}`)))
        .data;
      const keys = Object.keys(preview);
      expect(keys.some((k) => k.startsWith("frontend/src/views/module_shop_order/shop_order/"))).toBe(true);
      expect(keys.some((k) => k.startsWith("frontend/src/views/module_shop_order/shop_order_item/"))).toBe(
        true,
      );
      const zip = await admin.patch(`${BASE}/batch/output`, ["shop_order"]);
      expect(zip.headers.get("content-type")).toBe("application/zip");
      expect(new TextDecoder().decode(new Uint8Array(await zip.arrayBuffer()))).toContain("shop_order_item");
      const again = await admin.post(`${BASE}/create`, { sql: orderDdl("shop_order") });
      expect(again.status).toBe(409);
      expect((await body(again)).msg).toBe("创建表结构失败: 表 shop_order 已存在，请检查并修改表名后重试");
    });

    test("the SPA's table designer DDL (MySQL dialect) works on either database", async () => {
      const sql = [
        "CREATE TABLE `spa_order` (",
        "  `id` INT NOT NULL AUTO_INCREMENT COMMENT '主键ID',",
        "  `uuid` VARCHAR(64) NOT NULL COMMENT 'UUID',",
        "  `name` VARCHAR(64) DEFAULT NULL COMMENT '名称',",
        "  `created_time` DATETIME NOT NULL COMMENT '创建时间',",
        "  PRIMARY KEY (`id`),",
        "  UNIQUE KEY `uk_spa_order_uuid` (`uuid`),",
        "  KEY `ix_spa_order_name` (`name`)",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='订单';",
        "",
        "CREATE TABLE `spa_order_item` (",
        "  `id` INT NOT NULL AUTO_INCREMENT COMMENT '主键ID',",
        "  `order_id` INT NOT NULL COMMENT '订单',",
        "  PRIMARY KEY (`id`)",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='订单明细';",
        "",
        "ALTER TABLE `spa_order_item` ADD CONSTRAINT `fk_spa_order_item_order_id` FOREIGN KEY (`order_id`) REFERENCES `spa_order` (`id`) ON DELETE CASCADE;",
      ].join("\n");
      const res = await admin.post(`${BASE}/create`, { sql });
      expect(await body(res)).toMatchObject({ code: 0, data: true });
      // the key fills itself, the unique key holds
      await t.deps.db.raw.run(
        "INSERT INTO spa_order (uuid, name, created_time) VALUES ('u1', 'a', '2026-01-01 00:00:00')",
      );
      const [row] = await t.deps.db.raw.all("SELECT id FROM spa_order WHERE uuid = 'u1'");
      expect(Number(row.id)).toBeGreaterThan(0);
      await expect(
        t.deps.db.raw.run(
          "INSERT INTO spa_order (uuid, name, created_time) VALUES ('u1', 'b', '2026-01-01 00:00:00')",
        ),
      ).rejects.toThrow();
      expect((await admin.post(`${BASE}/import`, ["spa_order"])).status).toBe(200);
      const id = (await body(await admin.get(`${BASE}/list?table_name=spa_order`))).data.items.find(
        (i: { table_name: string }) => i.table_name === "spa_order",
      ).id;
      const detail = (await body(await admin.get(`${BASE}/detail/${id}`))).data;
      expect(detail.pk_column).toMatchObject({ column_name: "id", is_pk: true });
      expect(detail.columns.find((c: { column_name: string }) => c.column_name === "uuid")).toMatchObject({
        is_unique: true,
      });
    });

    test("hostile DDL: clear 4xx, nothing executed", async () => {
      const before = await tablesNow();
      const userCount = async () => (await t.deps.db.orm.select().from(t.deps.db.t.sys_user)).length;
      const users = await userCount();
      const cases: [string, string][] = [
        ["", "SQL语句不能为空"],
        ["CREATE TABLE h1 (id int); DROP TABLE sys_user;", "包含禁止的关键操作"],
        ["DELETE FROM sys_user", "包含禁止的关键操作"],
        ["INSERT INTO sys_user (username) VALUES ('x')", "包含禁止的关键操作"],
        ["UPDATE sys_user SET status = '1'", "包含禁止的关键操作"],
        ["TRUNCATE TABLE sys_log", "包含禁止的关键操作"],
        ["CREATE TABLE h2 (id int); DELETE FROM sys_user", "包含禁止的关键操作"],
        ["SELECT * FROM sys_user", "缺少 CREATE TABLE"],
        [
          "CREATE TABLE h3 (id int); ALTER TABLE sys_user DROP COLUMN name",
          "仅允许 ALTER TABLE ADD CONSTRAINT",
        ],
        ["CREATE TABLE h4 AS SELECT * FROM sys_user", "AS/LIKE"],
        ["CREATE TABLE h5 (id int, CHECK ((SELECT count(*) FROM sys_user) > 0))", "子查询"],
        ["CREATE TABLE `../h6` (id int)", "表名「../h6」不合法"],
        ["CREATE TABLE h7 (`na;me` int)", "列名「na;me」不合法"],
        ["CREATE TABLE h8 (id int); CREATE INDEX ix_h8 ON h8 (id)", "仅允许 CREATE TABLE"],
        ["CREATE TABLE sys_user (id int)", "表 sys_user 已存在"],
        ["CREATE TABLE h9 (id int) /* ; DROP TABLE sys_user */; DROP TABLE sys_dept", "包含禁止的关键操作"],
        ["CREATE TABLE h10 (id int); -- ok\n DROP TABLE sys_user", "包含禁止的关键操作"],
        [
          "CREATE TABLE h11 (id int, x varchar(10) DEFAULT 'a'); DROP TABLE sys_user; --')",
          "包含禁止的关键操作",
        ],
        ["CREATE TABLE (", "SQL 解析失败"],
      ];
      for (const [sql, msg] of cases) {
        const res = await admin.post(`${BASE}/create`, { sql });
        const b = await body(res);
        expect({ sql, status: res.status >= 400 && res.status < 500, code: b.code }).toEqual({
          sql,
          status: true,
          code: -1,
        });
        expect(b.msg).toStartWith("创建表结构失败: ");
        expect(b.msg).toContain(msg);
      }
      expect(await tablesNow()).toEqual(before);
      expect(await userCount()).toBe(users);
    });

    test("a statement smuggled in a string or a comment runs as data, not as SQL", async () => {
      const sql =
        "CREATE TABLE smuggle_t (id int, note varchar(40) DEFAULT ';DROP TABLE sys_dept;') /* ; DROP TABLE sys_user */";
      const res = await admin.post(`${BASE}/create`, { sql });
      expect(res.status).toBe(200);
      const names = await tablesNow();
      expect(names).toContain("smuggle_t");
      expect(names).toContain("sys_dept");
      expect(names).toContain("sys_user");
    });

    test("off in production unless GENERATOR_DDL_ENABLE=true", async () => {
      const prod = await createTestApp({ ENVIRONMENT: "prod" });
      try {
        const res = await client(prod, await authHeaders(prod, "admin")).post(`${BASE}/create`, {
          sql: "CREATE TABLE p1 (id int)",
        });
        expect(res.status).toBe(400);
        expect((await body(res)).msg).toContain("GENERATOR_DDL_ENABLE");
        expect(await listTables(prod.deps.db.raw)).not.toContain("p1");
      } finally {
        await prod.close();
      }
    });
  });

  describe("output to disk", () => {
    test("writes the backend files under GENERATOR_OUTPUT_DIR and creates catalog, page and 9 buttons", async () => {
      const res = await admin.post(`${BASE}/output/gen_demo01`);
      expect(await body(res)).toMatchObject({ code: 0, msg: "生成代码到指定路径成功", data: true });
      const preview = (await body<Record<string, string>>(await admin.get(`${BASE}/preview/${demoId}`))).data;
      for (const [path, content] of Object.entries(preview)) {
        const local = join(outDir, path.replace(/^backend\//, ""));
        if (path.startsWith("backend/")) {
          // registries are merged, the rest written as rendered
          expect(existsSync(local)).toBe(true);
          if (!path.endsWith("generated.ts") && !path.endsWith("generated/index.ts"))
            expect(readFileSync(local, "utf8")).toBe(content);
        } else {
          expect(existsSync(join(outDir, path))).toBe(false); // no GENERATOR_SPA_DIR: SPA files stay in preview/ZIP
        }
      }
      const { sys_menu } = t.deps.db.t;
      const menus = await t.deps.db.orm
        .select()
        .from(sys_menu)
        .where(like(sys_menu.permission, "module_demo01:demo01:%"));
      expect(menus.map((m) => m.permission).sort()).toEqual(
        ["create", "delete", "detail", "download", "export", "import", "patch", "query", "query", "update"]
          .map((p) => `module_demo01:demo01:${p}`)
          .sort(),
      );
      const [catalog] = await t.deps.db.orm
        .select()
        .from(sys_menu)
        .where(eq(sys_menu.route_name, "ModuleDemo01Demo01"));
      expect(catalog).toMatchObject({
        type: 1,
        name: "demo01",
        route_path: "/module_demo01/demo01",
        description: "模块目录（代码生成）",
      });
      const again = await admin.post(`${BASE}/output/gen_demo01`);
      expect(again.status).toBe(409);
      expect((await body(again)).msg).toBe("该模块目录下功能菜单「示例01」已存在，不能重复创建");
    });

    test("a hand-written file in the way: refused before any menu or file is written", async () => {
      await admin.post(`${BASE}/import`, ["gen_demo"]);
      const list = (await body(await admin.get(`${BASE}/list?table_name=gen_demo`))).data.items;
      const row = list.find((i: { table_name: string }) => i.table_name === "gen_demo");
      const preview = (await body<Record<string, string>>(await admin.get(`${BASE}/preview/${row.id}`))).data;
      const target = Object.keys(preview).find((p) => p.startsWith("backend/src/modules/"));
      expect(target).toBeDefined();
      const local = join(outDir, (target as string).replace(/^backend\//, ""));
      mkdirSync(join(local, ".."), { recursive: true });
      writeFileSync(local, "// my own code\n");
      const res = await admin.post(`${BASE}/output/gen_demo`);
      expect(res.status).toBe(409);
      expect((await body(res)).msg).toContain("不是代码生成器写的，拒绝覆盖");
      expect(readFileSync(local, "utf8")).toBe("// my own code\n");
      const { sys_menu } = t.deps.db.t;
      expect(
        await t.deps.db.orm.select().from(sys_menu).where(like(sys_menu.permission, "module_demo:demo:%")),
      ).toEqual([]);
    });

    test("a module path a hand-written module is mounted at is refused before any menu or file", async () => {
      const list = (await body(await admin.get(`${BASE}/list?table_name=gen_demo`))).data.items;
      const row = list.find((i: { table_name: string }) => i.table_name === "gen_demo");
      const { sys_menu } = t.deps.db.t;
      const menuCount = async () => (await t.deps.db.orm.select({ id: sys_menu.id }).from(sys_menu)).length;
      const menusBefore = await menuCount();
      const filesBefore = readdirSync(outDir, { recursive: true }).sort();
      for (const [pkg, mod] of [
        ["module_system", "user"], // /system/user: the user module
        ["system", "dept"], // /system/dept, whatever the package's module_ prefix
      ]) {
        const upd = await admin.put(`${BASE}/update/${row.id}`, {
          table_name: "gen_demo",
          package_name: pkg,
          module_name: mod,
        });
        expect(upd.status).toBe(200);
        const res = await admin.post(`${BASE}/output/gen_demo`);
        expect(res.status).toBe(409);
        expect((await body(res)).msg).toBe(
          `接口路径 /api/v1/system/${mod} 已由系统模块 /api/v1/system/${mod} 使用：请修改包名或模块名`,
        );
      }
      expect(readdirSync(outDir, { recursive: true }).sort()).toEqual(filesBefore);
      expect(await menuCount()).toBe(menusBefore);
      // a path beside them is fine: the same table under its own module name is written
      await admin.put(`${BASE}/update/${row.id}`, {
        table_name: "gen_demo",
        package_name: "module_system",
        module_name: "gen_demo_page",
      });
      expect((await admin.post(`${BASE}/output/gen_demo`)).status).toBe(200);
      expect(await menuCount()).toBeGreaterThan(menusBefore);
    });

    test("names with ../ or metacharacters never become paths", async () => {
      for (const name of ["..%2F..%2Fetc", "gen_demo01;DROP", "%2e%2e"]) {
        const res = await admin.post(`${BASE}/output/${name}`);
        expect(res.status).toBe(404);
      }
      // package, module and business names that are not slugs are refused, not stored
      const cases: [Record<string, string>, string][] = [
        [{ package_name: "../../etc" }, "包名只能包含字母、数字和下划线"],
        [{ package_name: "shop admin" }, "包名只能包含字母、数字和下划线"],
        [{ module_name: "../x" }, "模块名只能包含字母、数字和下划线"],
        [{ module_name: "a/b" }, "模块名只能包含字母、数字和下划线"],
        [{ business_name: "a/../b" }, "业务名只能包含字母、数字、下划线"],
        [{ business_name: "a;rm -rf" }, "业务名只能包含字母、数字、下划线"],
      ];
      for (const [names, msg] of cases) {
        const res = await admin.put(`${BASE}/update/${demoId}`, { table_name: "gen_demo01", ...names });
        const got = (await body(res)).msg;
        expect({ names, status: res.status, ok: got.startsWith(msg) }).toEqual({
          names,
          status: 422,
          ok: true,
        });
      }
      const d = (await body(await admin.get(`${BASE}/detail/${demoId}`))).data;
      expect(d).toMatchObject({ package_name: "module_demo01", module_name: "demo01" });
    });

    test("with GENERATOR_SPA_DIR the SPA's two files go there too", async () => {
      const spaDir = mkdtempSync(join(tmpdir(), "gencode-spa-"));
      const backendDir = mkdtempSync(join(tmpdir(), "gencode-be-"));
      const other = await createTestApp(
        { GENERATOR_OUTPUT_DIR: backendDir, GENERATOR_SPA_DIR: spaDir },
        { generatorDisk: createGeneratorDisk() },
      );
      try {
        const a = client(other, await authHeaders(other, "admin"));
        await a.post(`${BASE}/import`, ["gen_demo01"]);
        const id = (await body(await a.get(`${BASE}/list`))).data.items[0].id;
        const preview = (await body<Record<string, string>>(await a.get(`${BASE}/preview/${id}`))).data;
        const spaFiles = Object.keys(preview).filter((p) => p.startsWith("frontend/"));
        expect(spaFiles).toHaveLength(2);
        expect((await a.post(`${BASE}/output/gen_demo01`)).status).toBe(200);
        for (const p of spaFiles) {
          const local = join(spaDir, p.replace(/^frontend\//, ""));
          expect(readFileSync(local, "utf8")).toBe(preview[p]);
          expect(existsSync(join(backendDir, p))).toBe(false);
        }
      } finally {
        await other.close();
        rmSync(spaDir, { recursive: true, force: true });
        rmSync(backendDir, { recursive: true, force: true });
      }
    });

    test("refused in production and where there is no disk (Workers); preview still works", async () => {
      for (const [overrides, patch] of [
        [{ ENVIRONMENT: "prod" }, { generatorDisk: createGeneratorDisk() }],
        [{}, {}],
      ] as const) {
        const other = await createTestApp({ ...overrides }, { ...patch });
        try {
          const a = client(other, await authHeaders(other, "admin"));
          await a.post(`${BASE}/import`, ["gen_demo01"]);
          const res = await a.post(`${BASE}/output/gen_demo01`);
          expect(res.status).toBe(400);
          expect((await body(res)).msg).toContain("当前环境不能把代码写入磁盘");
          const id = (await body(await a.get(`${BASE}/list`))).data.items[0].id;
          expect((await a.get(`${BASE}/preview/${id}`)).status).toBe(200);
          const { sys_menu } = other.deps.db.t;
          expect(
            await other.deps.db.orm
              .select()
              .from(sys_menu)
              .where(like(sys_menu.permission, "module_demo01:%")),
          ).toEqual([]);
        } finally {
          await other.close();
        }
      }
    });
  });

  test("delete: soft-deletes tables and their columns", async () => {
    const empty = await admin.delete(`${BASE}/delete`, []);
    expect(await body(empty)).toMatchObject({ code: -1, msg: "ID列表不能为空" });
    expect((await admin.delete(`${BASE}/delete`, [999999])).status).toBe(404);
    const res = await admin.delete(`${BASE}/delete`, [demoId]);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除业务表信息成功", data: null });
    expect((await admin.get(`${BASE}/detail/${demoId}`)).status).toBe(404);
    const { gen_table_column } = t.deps.db.t;
    const cols = await t.deps.db.orm
      .select()
      .from(gen_table_column)
      .where(eq(gen_table_column.table_id, demoId));
    expect(cols.length).toBeGreaterThan(0);
    expect(cols.every((c) => c.is_deleted)).toBe(true);
    // importable again once deleted
    expect((await admin.post(`${BASE}/import`, ["gen_demo01"])).status).toBe(200);
  });

  test("data scope: a user limited to own rows sees none of the admin's configs", async () => {
    const own = await createScopedUser(t, {
      permissions: ["module_generator:gencode:query", "module_generator:gencode:operate"],
      dataScope: 1,
    });
    const me = client(t, own.headers);
    const adminRows = (await body(await admin.get(`${BASE}/list?page_size=100`))).data.items;
    expect(adminRows.length).toBeGreaterThan(0);
    expect((await body(await me.get(`${BASE}/list`))).data.total).toBe(0);
    expect((await me.get(`${BASE}/detail/${adminRows[0].id}`)).status).toBe(404);
    expect((await me.get(`${BASE}/preview/${adminRows[0].id}`)).status).toBe(404);
    expect((await me.patch(`${BASE}/batch/output`, [adminRows[0].table_name])).status).toBe(400);
  });

  test("a user with only the query permission can list but not import", async () => {
    const reader = client(
      t,
      (await createScopedUser(t, { permissions: ["module_generator:gencode:query"] })).headers,
    );
    expect((await reader.get(`${BASE}/list`)).status).toBe(200);
    expect((await reader.post(`${BASE}/import`, ["gen_demo"])).status).toBe(403);
  });
});
