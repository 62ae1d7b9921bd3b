import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList, idParam } from "@/core/http/schemas";
import { nodeTypeInput, nodeTypeOption, nodeTypeOut, nodeTypeQuery } from "./node-type.schema";
import * as svc from "./node-type.service";

const tags = ["任务管理 · 工作流编排节点类型"];
const P = "module_task:workflow:node-type";

const optionsRoute = guardedRoute(`${P}:query`, {
  method: "get",
  path: "/options",
  tags,
  summary: "获取编排节点类型选项",
  responses: jsonOk(z.array(nodeTypeOption), "获取编排节点类型选项成功"),
});

// upstream checked `:query` while the seed grants `:detail` (§14 #5): either works
const detailRoute = guardedRoute([`${P}:query`, `${P}:detail`], {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取编排节点类型详情",
  request: { params: idParam },
  responses: jsonOk(nodeTypeOut, "获取编排节点类型详情成功"),
});

const listRoute = guardedRoute(`${P}:query`, {
  method: "get",
  path: "/list",
  tags,
  summary: "查询编排节点类型列表",
  request: { query: nodeTypeQuery },
  responses: jsonOk(pageSchema(nodeTypeOut), "查询编排节点类型列表成功"),
});

const createRoute = guardedRoute(`${P}:create`, {
  method: "post",
  path: "/create",
  tags,
  summary: "创建编排节点类型",
  request: { body: jsonBody(nodeTypeInput) },
  responses: jsonOk(nodeTypeOut, "创建编排节点类型成功"),
});

const updateRoute = guardedRoute(`${P}:update`, {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "更新编排节点类型",
  request: { params: idParam, body: jsonBody(nodeTypeInput) },
  responses: jsonOk(nodeTypeOut, "更新编排节点类型成功"),
});

const deleteRoute = guardedRoute(`${P}:delete`, {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除编排节点类型",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除编排节点类型成功"),
});

export function nodeTypeRouter(deps: AppDeps) {
  return createRouter()
    .openapi(optionsRoute, async (c) => ok(c, await svc.nodeTypeOptions(deps, currentAuth(c).principal)))
    .openapi(detailRoute, async (c) =>
      ok(c, await svc.nodeTypeDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(listRoute, async (c) =>
      ok(c, await svc.listNodeTypes(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(createRoute, async (c) =>
      ok(c, await svc.createNodeType(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await svc.updateNodeType(
          deps,
          currentAuth(c).principal,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await svc.deleteNodeTypes(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    });
}
