import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageQuerySchema, pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { batchSetAvailable, idList, idParam } from "@/core/http/schemas";
import { xlsxFile, xlsxResponses } from "@/core/xlsx";
import { noticeWorkbook } from "./notice.export";
import { noticeInput, noticeOut, noticeQuery } from "./notice.schema";
import * as notices from "./notice.service";

const tags = ["系统管理 · 通知公告"];

const detailRoute = guardedRoute("module_system:notice:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取公告详情",
  request: { params: idParam },
  responses: jsonOk(noticeOut, "获取公告详情成功"),
});

const listRoute = guardedRoute("module_system:notice:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询公告",
  request: { query: pageQuerySchema.extend(noticeQuery.shape) },
  responses: jsonOk(pageSchema(noticeOut), "查询公告列表成功"),
});

const createNoticeRoute = guardedRoute("module_system:notice:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建公告",
  description:
    "`notice_content` 为 HTML，保存前按白名单清理 (去除脚本、事件属性、javascript:/data: 链接等)。",
  request: { body: jsonBody(noticeInput) },
  responses: jsonOk(noticeOut, "创建公告成功"),
});

const updateRoute = guardedRoute("module_system:notice:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改公告",
  request: { params: idParam, body: jsonBody(noticeInput) },
  responses: jsonOk(noticeOut, "修改公告成功"),
});

const deleteRoute = guardedRoute("module_system:notice:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除公告",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除公告成功"),
});

const statusRoute = guardedRoute("module_system:notice:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改公告状态",
  request: { body: jsonBody(batchSetAvailable) },
  responses: jsonOk(z.null(), "批量修改公告状态成功"),
});

const exportRoute = guardedRoute("module_system:notice:export", {
  method: "post",
  path: "/export",
  tags,
  summary: "导出公告",
  description: "筛选条件可放在查询串或 JSON 请求体中 (请求体优先)。",
  request: {
    query: noticeQuery,
    body: jsonBody(noticeQuery, false),
  },
  responses: xlsxResponses("notice.xlsx"),
});

const availableRoute = guardedRoute("login", {
  method: "get",
  path: "/available",
  tags,
  summary: "查询已启用公告",
  description: "任何已登录用户可用；返回分页对象 (默认按 id 升序)。",
  request: { query: pageQuerySchema },
  responses: jsonOk(pageSchema(noticeOut), "查询已启用公告列表成功"),
});

export function noticeRouter(deps: AppDeps) {
  return createRouter()
    .openapi(availableRoute, async (c) =>
      ok(c, await notices.availableNotices(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await notices.getNotice(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(listRoute, async (c) =>
      ok(c, await notices.listNotices(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(createNoticeRoute, async (c) =>
      ok(c, await notices.createNotice(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await notices.updateNotice(
          deps,
          currentAuth(c).principal,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await notices.deleteNotices(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await notices.setNoticeStatus(deps, currentAuth(c).principal, ids, status);
      return ok(c, null);
    })
    .openapi(exportRoute, async (c) => {
      // body values win over the query's
      const filters = overlayDefined(c.req.valid("query"), c.req.valid("json"));
      const rows = await notices.exportNotices(deps, currentAuth(c).principal, filters);
      return xlsxFile(c, await noticeWorkbook(rows), "notice.xlsx");
    });
}
