import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList, idParam } from "@/core/http/schemas";
import {
  executeInput,
  executeOut,
  publishInput,
  workflowCreate,
  workflowOut,
  workflowQuery,
  workflowUpdate,
} from "./definition.schema";
import * as svc from "./definition.service";

const tags = ["任务管理 · 工作流定义"];
const P = "module_task:workflow:definition";

const detailRoute = guardedRoute(`${P}:detail`, {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取工作流详情",
  request: { params: idParam },
  responses: jsonOk(workflowOut, "获取工作流详情成功"),
});

const listRoute = guardedRoute(`${P}:query`, {
  method: "get",
  path: "/list",
  tags,
  summary: "查询工作流列表",
  request: { query: workflowQuery },
  responses: jsonOk(pageSchema(workflowOut), "查询工作流列表成功"),
});

const createRoute = guardedRoute(`${P}:create`, {
  method: "post",
  path: "/create",
  tags,
  summary: "创建工作流",
  request: { body: jsonBody(workflowCreate) },
  responses: jsonOk(workflowOut, "创建工作流成功"),
});

const updateRoute = guardedRoute(`${P}:update`, {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "更新工作流",
  request: { params: idParam, body: jsonBody(workflowUpdate) },
  responses: jsonOk(workflowOut, "更新工作流成功"),
});

const deleteRoute = guardedRoute(`${P}:delete`, {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除工作流",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除工作流成功"),
});

const publishRoute = guardedRoute(`${P}:update`, {
  method: "post",
  path: "/publish/{id}",
  tags,
  summary: "发布工作流",
  description: "校验流程图 (至少一个节点、连线端点存在、无环) 后置为 published。",
  request: { params: idParam, body: jsonBody(publishInput, false) },
  responses: jsonOk(workflowOut, "发布工作流成功"),
});

const executeRoute = guardedRoute(`${P}:execute`, {
  method: "post",
  path: "/execute",
  tags,
  summary: "执行工作流",
  description:
    "按拓扑顺序同步执行各节点的已注册处理函数；上游结果在 kwargs.upstream，变量在 kwargs.variables。",
  request: { body: jsonBody(executeInput) },
  responses: jsonOk(executeOut, "执行工作流完成"),
});

export function definitionRouter(deps: AppDeps) {
  return createRouter()
    .openapi(detailRoute, async (c) =>
      ok(c, await svc.workflowDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(listRoute, async (c) =>
      ok(c, await svc.listWorkflows(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(createRoute, async (c) =>
      ok(c, await svc.createWorkflow(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await svc.updateWorkflow(
          deps,
          currentAuth(c).principal,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await svc.deleteWorkflows(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(publishRoute, async (c) =>
      ok(c, await svc.publishWorkflow(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(executeRoute, async (c) =>
      ok(c, await svc.executeWorkflow(deps, currentAuth(c).principal, c.req.valid("json"))),
    );
}
