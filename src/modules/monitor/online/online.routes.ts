import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageQuerySchema, pageSchema } from "@/core/http/pagination";
import { createRouter } from "@/core/http/router";
import * as online from "./online.service";

const tags = ["监控管理 · 在线用户"];

const sessionOut = z
  .object({
    name: z.string(),
    session_id: z.string(),
    user_id: z.number().int(),
    user_name: z.string(),
    ipaddr: z.string().nullable(),
    login_location: z.string().nullable(),
    os: z.string().nullable(),
    browser: z.string().nullable(),
    login_time: z.string().nullable(),
    login_type: z.string().nullable(),
  })
  .openapi("OnlineSession");

const listRoute = guardedRoute("module_monitor:online:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询在线用户",
  request: {
    query: pageQuerySchema.extend({
      name: z.string().optional(),
      ipaddr: z.string().optional(),
      login_location: z.string().optional(),
    }),
  },
  responses: jsonOk(pageSchema(sessionOut), "获取成功"),
});

const deleteRoute = guardedRoute("module_monitor:online:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "强制下线",
  description: "请求体为会话编号 (JSON 字符串)。",
  request: {
    body: { required: true, content: { "application/json": { schema: z.string().min(1).max(64) } } },
  },
  responses: jsonOk(z.null(), "强制下线成功"),
});

const clearRoute = guardedRoute("module_monitor:online:delete", {
  method: "delete",
  path: "/clear",
  tags,
  summary: "清除所有在线用户",
  description: "结束除调用者本人以外的所有会话。",
  responses: jsonOk(z.null(), "清除所有在线用户成功"),
});

export function onlineRouter(deps: AppDeps) {
  return createRouter()
    .openapi(listRoute, async (c) =>
      ok(c, await online.listSessions(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(deleteRoute, async (c) => {
      await online.endSession(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(clearRoute, async (c) => {
      await online.endAllSessions(deps, currentAuth(c).principal, currentAuth(c).session);
      return ok(c, null);
    });
}
