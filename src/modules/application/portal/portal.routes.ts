import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { batchSetAvailable, idList, idParam } from "@/core/http/schemas";
import { pluginsOf } from "./portal.plugins";
import { pluginInfo, portalInput, portalOut, portalQuery } from "./portal.schema";
import * as portal from "./portal.service";

const tags = ["应用管理 · 应用门户"];

const detailRoute = guardedRoute("module_application:portal:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取应用详情",
  request: { params: idParam },
  responses: jsonOk(portalOut, "获取应用详情成功"),
});

const listRoute = guardedRoute("module_application:portal:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询应用列表",
  request: { query: portalQuery },
  responses: jsonOk(pageSchema(portalOut), "查询应用列表成功"),
});

const pluginsRoute = guardedRoute("module_application:portal:query", {
  method: "get",
  path: "/plugins",
  tags,
  summary: "查询插件元数据",
  description: "本服务挂载在 /api/v1 下的可选功能区 (系统、公共模块之外)，按名称排序。",
  responses: jsonOk(z.array(pluginInfo), "查询插件元数据成功"),
});

const createRoute = guardedRoute("module_application:portal:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建应用",
  request: { body: jsonBody(portalInput) },
  responses: jsonOk(portalOut, "创建应用成功"),
});

const updateRoute = guardedRoute("module_application:portal:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改应用",
  description: "未提交的可选字段保持原值。",
  request: { params: idParam, body: jsonBody(portalInput) },
  responses: jsonOk(portalOut, "修改应用成功"),
});

const deleteRoute = guardedRoute("module_application:portal:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除应用",
  description: "请求体为应用 ID 数组；逻辑删除。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除应用成功"),
});

const statusRoute = guardedRoute("module_application:portal:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改应用状态",
  request: { body: jsonBody(batchSetAvailable) },
  responses: jsonOk(z.null(), "批量修改应用状态成功"),
});

/** `mounted`: the server's mount table, from which `/plugins` lists the optional areas. */
export function portalRouter(deps: AppDeps, mounted: readonly { path: string }[] = []) {
  return createRouter()
    .openapi(detailRoute, async (c) =>
      ok(c, await portal.portalDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(listRoute, async (c) =>
      ok(c, await portal.listPortals(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(pluginsRoute, (c) => ok(c, pluginsOf(mounted)))
    .openapi(createRoute, async (c) =>
      ok(c, await portal.createPortal(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await portal.updatePortal(
          deps,
          currentAuth(c).principal,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await portal.deletePortals(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await portal.setPortalsStatus(deps, currentAuth(c).principal, ids, status);
      return ok(c, null);
    });
}
