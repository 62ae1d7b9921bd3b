import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { commonErrors, jsonOk } from "@/core/http/openapi";
import { pageQuerySchema, pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList } from "@/core/http/schemas";
import {
  createSqlBody,
  dbTableOut,
  genTableOut,
  genTableUpdate,
  previewOut,
  syncPreviewOut,
  tableIdParam,
  tableListQuery,
  tableNameParam,
  tableNames,
} from "./gencode.schema";
import * as gencode from "./gencode.service";

const tags = ["代码生成 · 代码生成"];

const listRoute = guardedRoute("module_generator:gencode:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询代码生成业务表列表",
  request: { query: pageQuerySchema.extend(tableListQuery.shape) },
  responses: jsonOk(pageSchema(genTableOut), "获取代码生成业务表列表成功"),
});

const dbListRoute = guardedRoute("module_generator:dblist:query", {
  method: "get",
  path: "/db/list",
  tags,
  summary: "查询数据库表列表",
  description: "当前数据库的物理表 (MySQL: information_schema; SQLite: sqlite_master)，按表名排序。",
  request: { query: pageQuerySchema.extend(tableListQuery.shape) },
  responses: jsonOk(pageSchema(dbTableOut), "获取数据库表列表成功"),
});

const importRoute = guardedRoute("module_generator:gencode:import", {
  method: "post",
  path: "/import",
  tags,
  summary: "导入表结构",
  description: "请求体为表名数组；数据库中不存在的表名被忽略。",
  request: { body: jsonBody(tableNames) },
  responses: jsonOk(z.boolean(), "导入表结构成功"),
});

const detailRoute = guardedRoute("module_generator:gencode:query", {
  method: "get",
  path: "/detail/{table_id}",
  tags,
  summary: "获取业务表详细信息",
  request: { params: tableIdParam },
  responses: jsonOk(genTableOut, "获取业务表详细信息成功"),
});

const createRoute = guardedRoute("module_generator:gencode:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建表结构",
  description:
    "DDL 先经 SQL 解析器 (当前数据库方言) 解析，只允许 CREATE TABLE 与 ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY；执行的是解析结果重新生成的语句。生产环境需 GENERATOR_DDL_ENABLE=true。",
  request: { body: jsonBody(createSqlBody) },
  responses: jsonOk(z.boolean(), "创建表结构成功"),
});

const updateRoute = guardedRoute("module_generator:gencode:update", {
  method: "put",
  path: "/update/{table_id}",
  tags,
  summary: "编辑业务表信息",
  description: "只写入请求体中出现的字段；columns 中只更新带 id 且属于该表的字段。",
  request: { params: tableIdParam, body: jsonBody(genTableUpdate) },
  responses: jsonOk(genTableOut, "编辑业务表信息成功"),
});

const deleteRoute = guardedRoute("module_generator:gencode:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除业务表信息",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除业务表信息成功"),
});

const zipRoute = guardedRoute("module_generator:gencode:operate", {
  method: "patch",
  path: "/batch/output",
  tags,
  summary: "批量生成代码 (ZIP)",
  request: { body: jsonBody(tableNames) },
  responses: {
    200: {
      description: "code.zip",
      content: { "application/zip": { schema: z.string().openapi({ type: "string", format: "binary" }) } },
    },
    ...commonErrors,
  },
});

const outputRoute = guardedRoute("module_generator:gencode:code", {
  method: "post",
  path: "/output/{table_name}",
  tags,
  summary: "生成代码到指定路径",
  description:
    "创建目录/功能/按钮菜单并把后端文件写入 GENERATOR_OUTPUT_DIR (默认工作目录)，前端两个文件写入 GENERATOR_SPA_DIR (若设置)。生产环境与 Workers 上拒绝。不覆盖非生成器写的文件。",
  request: { params: tableNameParam },
  responses: jsonOk(z.boolean(), "生成代码到指定路径成功"),
});

const previewRoute = guardedRoute("module_generator:gencode:query", {
  method: "get",
  path: "/preview/{table_id}",
  tags,
  summary: "预览代码",
  request: { params: tableIdParam },
  responses: jsonOk(previewOut, "预览代码成功"),
});

const syncRoute = guardedRoute("module_generator:db:sync", {
  method: "post",
  path: "/sync_db/{table_name}",
  tags,
  summary: "同步数据库",
  request: { params: tableNameParam },
  responses: jsonOk(z.null(), "同步数据库成功"),
});

const syncPreviewRoute = guardedRoute("module_generator:db:sync", {
  method: "get",
  path: "/sync_db/preview/{table_name}",
  tags,
  summary: "同步差异预览",
  request: { params: tableNameParam },
  responses: jsonOk(syncPreviewOut, "获取同步差异预览成功"),
});

/** `handWritten`: where the hand-written modules are mounted (generated output may not go there). */
export function gencodeRouter(deps: AppDeps, handWritten: readonly { path: string }[] = []) {
  const taken = handWritten.map((m) => m.path);
  return createRouter()
    .openapi(listRoute, async (c) =>
      ok(c, await gencode.listTables(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(dbListRoute, async (c) => ok(c, await gencode.listDatabaseTables(deps, c.req.valid("query"))))
    .openapi(importRoute, async (c) =>
      ok(c, await gencode.importTables(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await gencode.tableDetail(deps, currentAuth(c).principal, c.req.valid("param").table_id)),
    )
    .openapi(createRoute, async (c) =>
      ok(c, await gencode.createTablesFromSql(deps, c.req.valid("json").sql)),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await gencode.updateTable(
          deps,
          currentAuth(c).principal,
          c.req.valid("param").table_id,
          c.req.valid("json"),
        ),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await gencode.deleteTables(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(zipRoute, async (c) => {
      const zip = await gencode.batchZip(deps, currentAuth(c).principal, c.req.valid("json"));
      return c.body(zip as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "application/zip",
        "Content-Disposition": 'attachment; filename="code.zip"',
        "Access-Control-Expose-Headers": "Content-Disposition",
        "X-Content-Type-Options": "nosniff",
      }) as never;
    })
    .openapi(outputRoute, async (c) =>
      ok(
        c,
        await gencode.outputTable(deps, currentAuth(c).principal, c.req.valid("param").table_name, taken),
      ),
    )
    .openapi(previewRoute, async (c) =>
      ok(c, await gencode.previewTable(deps, currentAuth(c).principal, c.req.valid("param").table_id)),
    )
    .openapi(syncRoute, async (c) => {
      await gencode.syncTable(deps, currentAuth(c).principal, c.req.valid("param").table_name);
      return ok(c, null);
    })
    .openapi(syncPreviewRoute, async (c) =>
      ok(c, await gencode.syncPreview(deps, currentAuth(c).principal, c.req.valid("param").table_name)),
    );
}
