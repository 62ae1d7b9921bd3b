import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageQuerySchema, pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList, idParam } from "@/core/http/schemas";
import { xlsxFile, xlsxResponses } from "@/core/xlsx";
import { logWorkbook } from "./log.export";
import { logOut, logQuery } from "./log.schema";
import * as logs from "./log.service";

const tags = ["系统管理 · 日志"];

const listRoute = guardedRoute("module_system:log:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询日志",
  description: 'type 1 为登录日志, 2 为操作日志；status "0" 成功, "1" 失败。',
  request: { query: pageQuerySchema.extend(logQuery.shape) },
  responses: jsonOk(pageSchema(logOut), "查询日志成功"),
});

const detailRoute = guardedRoute("module_system:log:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "日志详情",
  request: { params: idParam },
  responses: jsonOk(logOut, "获取日志详情成功"),
});

const deleteRoute = guardedRoute("module_system:log:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除日志",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除日志成功"),
});

const exportRoute = guardedRoute("module_system:log:export", {
  method: "post",
  path: "/export",
  tags,
  summary: "导出日志",
  description: `筛选条件可放在查询串或 JSON 请求体中 (请求体优先)；最多导出最新的 ${logs.MAX_EXPORT_ROWS} 条。`,
  request: {
    query: logQuery,
    body: jsonBody(logQuery, false),
  },
  responses: xlsxResponses("log.xlsx"),
});

export function logRouter(deps: AppDeps) {
  return createRouter()
    .openapi(listRoute, async (c) =>
      ok(c, await logs.listLogs(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await logs.getLog(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(deleteRoute, async (c) => {
      await logs.deleteLogs(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(exportRoute, async (c) => {
      // body values win over the query's
      const filters = overlayDefined(c.req.valid("query"), c.req.valid("json"));
      const rows = await logs.exportLogs(deps, currentAuth(c).principal, filters);
      return xlsxFile(c, await logWorkbook(rows), "log.xlsx");
    });
}
