import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { bearerSecurity, guardErrors, jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import {
  chatInput,
  chatOut,
  sessionIdList,
  sessionIdParam,
  sessionListQuery,
  sessionOut,
  sessionTitleInput,
} from "./chat.schema";
import * as chat from "./chat.service";
import { CHAT_PERMISSION, chatSocket } from "./chat.ws";

const tags = ["AI管理 · AI智能助手"];
const unconfigured = "未配置模型时 (AI_BASE_URL / AI_MODEL 为空) 答复 400 (code -1) 与说明。";

const detailRoute = guardedRoute("module_ai:chat:detail", {
  method: "get",
  path: "/detail/{session_id}",
  tags,
  summary: "获取会话详情",
  description: `只能查看自己的会话；他人的或不存在的会话答复 404。${unconfigured}`,
  request: { params: sessionIdParam },
  responses: jsonOk(sessionOut, "获取会话详情成功"),
});

const listRoute = guardedRoute(CHAT_PERMISSION, {
  method: "get",
  path: "/list",
  tags,
  summary: "查询会话列表",
  description: `当前用户自己的会话，默认最近使用的在前；列表项的 runs 只含每轮概要，消息见详情。${unconfigured}`,
  request: { query: sessionListQuery },
  responses: jsonOk(pageSchema(sessionOut), "查询会话列表成功"),
});

const createSessionRoute = guardedRoute("module_ai:chat:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建会话",
  request: { body: jsonBody(sessionTitleInput) },
  responses: jsonOk(sessionOut, "创建会话成功"),
});

const updateRoute = guardedRoute("module_ai:chat:update", {
  method: "put",
  path: "/update/{session_id}",
  tags,
  summary: "更新会话",
  description: "重命名自己的会话；他人的或不存在的会话答复 404。",
  request: { params: sessionIdParam, body: jsonBody(sessionTitleInput) },
  responses: jsonOk(z.null(), "更新会话成功"),
});

const deleteRoute = guardedRoute("module_ai:chat:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除会话",
  description: "删除自己的会话及其消息；任一编号不是自己的会话时整批拒绝 (404)。",
  request: { body: jsonBody(sessionIdList) },
  responses: jsonOk(z.null(), "删除会话成功"),
});

const chatRoute = guardedRoute(CHAT_PERMISSION, {
  method: "post",
  path: "/ai-chat",
  tags,
  summary: "AI对话",
  description:
    "非流式对话。未给 session_id 时新建“新对话”会话。模型出错时仍答复成功，response 为致歉说明。" +
    "action：答复为 JSON 对象或含 ```json 代码块时为该对象，否则答复提到打开某页面时为导航提示。" +
    "限制：每分钟消息数、消息长度、同时进行的回答数 (AI_MESSAGES_PER_MINUTE 等)。",
  request: { body: jsonBody(chatInput) },
  responses: jsonOk(chatOut, "对话成功"),
});

export function chatRouter(deps: AppDeps) {
  const router = createRouter();
  // The WebSocket is documented for the route walk and readers; its handler is plain Hono.
  router.openAPIRegistry.registerPath({
    method: "get",
    path: "/ws",
    tags,
    summary: "AI对话 WebSocket",
    description:
      "`ws(s)://<host>/api/v1/ai/chat/ws?token=<access token>`。客户端发送 JSON `{message, session_id, files}`，" +
      "服务器只发送答复文本帧 (流式，多帧拼接为一条答复)；拒绝或出错时发送一条可读的文本帧。" +
      "令牌校验与其他接口相同 (会话有效、用户启用、权限 module_ai:chat:query)，每条消息都会再次校验。" +
      "非 WebSocket 请求在通过认证后答复 426。",
    security: bearerSecurity,
    request: { query: z.object({ token: z.string().optional().openapi({ description: "访问令牌" }) }) },
    responses: {
      101: { description: "升级为 WebSocket" },
      426: { description: "需要 WebSocket 升级" },
      ...guardErrors,
    },
    "x-permissions": [CHAT_PERMISSION],
  });
  router.get("/ws", (c) => chatSocket(c));
  return router
    .openapi(listRoute, async (c) =>
      ok(c, await chat.listSessions(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await chat.getSession(deps, currentAuth(c).principal, c.req.valid("param").session_id)),
    )
    .openapi(createSessionRoute, async (c) =>
      ok(c, await chat.createSession(deps, currentAuth(c).principal, c.req.valid("json").title)),
    )
    .openapi(updateRoute, async (c) => {
      await chat.renameSession(
        deps,
        currentAuth(c).principal,
        c.req.valid("param").session_id,
        c.req.valid("json").title,
      );
      return ok(c, null);
    })
    .openapi(deleteRoute, async (c) => {
      await chat.deleteSessions(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(chatRoute, async (c) =>
      ok(c, await chat.chatOnce(deps, currentAuth(c).principal, c.req.valid("json"))),
    );
}
