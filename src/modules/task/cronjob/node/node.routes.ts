import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList, idParam } from "@/core/http/schemas";
import { executeInput, executeOut, nodeInput, nodeOption, nodeOut, nodeQuery } from "./node.schema";
import * as node from "./node.service";

const tags = ["任务管理 · 定时任务节点"];
const P = "module_task:cronjob:node";

const optionsRoute = guardedRoute(`${P}:query`, {
  method: "get",
  path: "/options",
  tags,
  summary: "获取定时任务节点选项",
  responses: jsonOk(z.array(nodeOption), "获取定时任务节点选项成功"),
});

const detailRoute = guardedRoute(`${P}:detail`, {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取节点详情",
  request: { params: idParam },
  responses: jsonOk(nodeOut, "获取节点详情成功"),
});

const listRoute = guardedRoute(`${P}:query`, {
  method: "get",
  path: "/list",
  tags,
  summary: "查询节点列表",
  request: { query: nodeQuery },
  responses: jsonOk(pageSchema(nodeOut), "查询节点列表成功"),
});

const createRoute = guardedRoute(`${P}:create`, {
  method: "post",
  path: "/create",
  tags,
  summary: "创建节点",
  description:
    "`func` 为已注册的处理函数名 (demo_handler, process_data, echo, sleep_ms, raise_error)，或 JavaScript：`function handler(args, kwargs, ctx) { … }` / `export default function (args, kwargs, ctx) { … }`，在 QuickJS 沙箱中运行（时间、内存、输出有上限；无网络、文件、数据库与进程访问；ctx.log 写入执行日志）。Python 代码返回 422 并说明改写方式。",
  request: { body: jsonBody(nodeInput) },
  responses: jsonOk(nodeOut, "创建节点成功"),
});

const updateRoute = guardedRoute(`${P}:update`, {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改节点",
  request: { params: idParam, body: jsonBody(nodeInput) },
  responses: jsonOk(nodeOut, "修改节点成功"),
});

const deleteRoute = guardedRoute(`${P}:delete`, {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除节点",
  description: "请求体为节点 ID 数组；同时移除其调度任务，逻辑删除。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除节点成功"),
});

const clearRoute = guardedRoute(`${P}:delete`, {
  method: "delete",
  path: "/clear",
  tags,
  summary: "清空节点",
  description: "逻辑删除调用者数据权限内的全部节点并移除其调度任务。",
  responses: jsonOk(z.null(), "清空节点成功"),
});

const executeRoute = guardedRoute(`${P}:execute`, {
  method: "post",
  path: "/execute/{id}",
  tags,
  summary: "调试节点",
  description:
    "now: 立即执行一次；cron: `秒 分 时 日 月 周 [年]` (Quartz)；interval: `秒 分 时 天 周`；date: `YYYY-MM-DD HH:MM:SS`。非 now 的调度保存在节点上，重启后恢复。",
  request: { params: idParam, body: jsonBody(executeInput) },
  responses: jsonOk(executeOut, "调试节点成功"),
});

export function nodeRouter(deps: AppDeps) {
  return createRouter()
    .openapi(optionsRoute, async (c) => ok(c, await node.nodeOptions(deps, currentAuth(c).principal)))
    .openapi(detailRoute, async (c) =>
      ok(c, await node.nodeDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(listRoute, async (c) =>
      ok(c, await node.listNodes(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(createRoute, async (c) =>
      ok(c, await node.createNode(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await node.updateNode(deps, currentAuth(c).principal, c.req.valid("param").id, c.req.valid("json")),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await node.deleteNodes(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(clearRoute, async (c) => {
      await node.clearNodes(deps, currentAuth(c).principal);
      return ok(c, null);
    })
    .openapi(executeRoute, async (c) =>
      ok(
        c,
        await node.executeNode(deps, currentAuth(c).principal, c.req.valid("param").id, c.req.valid("json")),
      ),
    );
}
