import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "@/app";
import { testSettings } from "@/config";
import type { AppDeps } from "@/core/context";
import { memoryLogger } from "@/core/log/logger";
import { buildBunDeps } from "@/entry/bun-deps";
import { mysqlFixture, type ScratchDatabase, sqliteFixture } from "../../db/fastapiadmin-fixture";

/*
 * A FastapiAdmin v3.0 database that already has code generator configs (rows in gen_table and
 * gen_table_column, as SQLAlchemy wrote them): adoption keeps them, and the gencode endpoints
 * serve them.
 */

const dialects: ("sqlite" | "mysql")[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

const UPSTREAM_ROWS = `
INSERT INTO gen_table (table_name, table_comment, class_name, package_name, module_name, business_name, function_name, sub_table_name, sub_table_fk_name, parent_menu_id, id, uuid, status, description, created_time, updated_time, is_deleted, deleted_time, created_id, updated_id, deleted_id)
VALUES ('gen_demo01', NULL, 'GenDemo01', 'module_demo01', 'demo01', 'gen_demo01', '示例01', NULL, NULL, NULL, 7, '48052508-19a1-4f03-9d8e-cdfd63c098fd', '0', NULL, '2026-11-28 06:54:23.123456', '2026-11-28 06:54:23.123456', 0, NULL, 1, 1, NULL);
INSERT INTO gen_table_column (column_name, column_comment, column_type, column_length, column_default, is_pk, is_increment, is_nullable, is_unique, python_type, python_field, is_insert, is_edit, is_list, is_query, query_type, html_type, dict_type, sort, table_id, id, uuid, status, description, created_time, updated_time, is_deleted, deleted_time, created_id, updated_id, deleted_id)
VALUES ('id', '', 'INTEGER', '', '', 1, 0, 0, 0, 'int', 'id', 0, 0, 0, 0, NULL, 'input', '', 1, 7, 11, '07cad1d3-bfc3-412d-bb6c-b08900598b89', '0', NULL, '2026-11-28 06:54:23.123456', '2026-11-28 06:54:23.123456', 0, NULL, 1, 1, NULL),
       ('name', '名称', 'VARCHAR(64)', '64', '', 0, 0, 0, 0, 'str', 'name', 1, 1, 1, 1, 'LIKE', 'input', '', 2, 7, 12, '1caccbe8-5031-4f52-8439-692c83f6b606', '0', NULL, '2026-11-28 06:54:23.123456', '2026-11-28 06:54:23.123456', 0, NULL, 1, 1, NULL);
`;

for (const dialect of dialects) {
  describe(`code generator on an adopted FastapiAdmin database (${dialect})`, () => {
    let fx: ScratchDatabase;
    let deps: AppDeps;
    let app: ReturnType<typeof createApp>;
    let token = "";

    const call = async (method: string, path: string, payload?: unknown) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (payload !== undefined) headers["Content-Type"] = "application/json";
      const res = await app.request(
        `/api/v1${path}`,
        { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) },
        { clientIp: "127.0.0.1" },
      );
      return { status: res.status, body: (await res.json()) as any };
    };

    beforeAll(async () => {
      fx =
        dialect === "sqlite"
          ? await sqliteFixture()
          : await mysqlFixture(process.env.TEST_MYSQL_URL as string);
      await fx.exec(UPSTREAM_ROWS);
      deps = await buildBunDeps(
        testSettings({ DATABASE_URL: fx.url, CACHE_DRIVER: "memory" }),
        memoryLogger("info"),
      );
      app = createApp(deps);
      const res = await app.request(
        "/api/v1/system/auth/login",
        {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ username: "admin", password: "123456" }).toString(),
        },
        { clientIp: "127.0.0.1" },
      );
      token = ((await res.json()) as any).data.access_token;
    }, 60_000);
    afterAll(async () => {
      await deps?.db.close();
      await deps?.cache.close();
      await fx?.drop();
    });

    test("upstream's config rows are kept and served: list, detail, preview, sync preview", async () => {
      const list = await call("GET", "/generator/gencode/list");
      expect(list.body).toMatchObject({ code: 0, data: { total: 1 } });
      expect(list.body.data.items[0]).toMatchObject({
        id: 7,
        table_name: "gen_demo01",
        function_name: "示例01",
        created_time: "2026-11-28 06:54:23",
        is_deleted: false,
      });
      const detail = await call("GET", "/generator/gencode/detail/7");
      expect(detail.body.data.columns.map((c: { column_name: string }) => c.column_name)).toEqual([
        "id",
        "name",
      ]);
      expect(detail.body.data.pk_column).toMatchObject({ id: 11, is_pk: true, python_type: "int" });
      const preview = await call("GET", "/generator/gencode/preview/7");
      expect(preview.status).toBe(200);
      expect(Object.keys(preview.body.data).length).toBeGreaterThan(0);
      const sync = await call("GET", "/generator/gencode/sync_db/preview/gen_demo01");
      expect(sync.body.data.added.length).toBeGreaterThan(0); // upstream's config had two of its columns
      const [row] = await deps.db.raw.all("SELECT COUNT(*) AS n FROM gen_table_column WHERE table_id = 7");
      expect(Number(row.n)).toBe(2);
    }, 30_000);
  });
}
