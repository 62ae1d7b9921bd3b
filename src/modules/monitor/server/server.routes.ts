import { guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { createRouter } from "@/core/http/router";
import { serverInfo } from "./server.schema";
import * as server from "./server.service";

const infoRoute = guardedRoute("module_monitor:server:query", {
  method: "get",
  path: "/info",
  tags: ["监控管理 · 服务器监控"],
  summary: "查询服务器监控信息",
  description:
    "CPU、内存、主机、运行时 (py 字段) 与磁盘；运行环境无法提供的值为 null (如 Cloudflare Workers)。",
  responses: jsonOk(serverInfo, "获取服务器监控信息成功"),
});

export function serverRouter(deps: AppDeps) {
  return createRouter().openapi(infoRoute, async (c) => ok(c, await server.serverInfo(deps)));
}
