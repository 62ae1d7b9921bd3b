import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import { secondFactorGate } from "@/core/auth/second-factor";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import {
  totpConfirmBody,
  totpConfirmOut,
  totpDisableBody,
  totpResetBody,
  totpSetupBody,
  totpSetupOut,
  totpStatusOut,
} from "./user.totp.schema";
import * as totp from "./user.totp.service";

const tags = ["系统管理 · 两步验证"];

const LOGIN_NOTE =
  "启用后登录：在密码后直接输入 6 位动态码 (「密码123456」) 或一个恢复码 (「密码abcde-fghij」)；API 客户端也可单独提交 otp 字段。";

const statusRoute = guardedRoute("login", {
  method: "get",
  path: "/current/totp",
  tags,
  summary: "当前用户两步验证状态",
  responses: jsonOk(totpStatusOut, "获取成功"),
});

const setupRoute = guardedRoute("login", {
  method: "post",
  path: "/current/totp/setup",
  tags,
  summary: "两步验证：获取绑定密钥",
  description:
    "需要当前密码 (错误计入账号锁定)。返回新的 TOTP 密钥 (RFC 6238, SHA1, 6 位, 30 秒)：otpauth:// 链接与其 SVG 二维码，仅此一次；" +
    "再次调用将替换尚未确认的密钥。已启用时 409。",
  request: { body: jsonBody(totpSetupBody) },
  responses: jsonOk(totpSetupOut, "获取成功"),
});

const confirmRoute = guardedRoute("login", {
  method: "post",
  path: "/current/totp/confirm",
  tags,
  summary: "两步验证：用第一个动态码确认并启用",
  description: `启用并返回 10 个一次性恢复码 (仅此一次)。${LOGIN_NOTE}`,
  request: { body: jsonBody(totpConfirmBody) },
  responses: jsonOk(totpConfirmOut, "两步验证已启用"),
});

const disableRoute = guardedRoute("login", {
  method: "post",
  path: "/current/totp/disable",
  tags,
  summary: "两步验证：停用",
  description: "需要当前密码与一个动态码 (或恢复码)；错误计入账号锁定。",
  request: { body: jsonBody(totpDisableBody) },
  responses: jsonOk(z.null(), "两步验证已停用"),
});

const resetRoute = guardedRoute("module_system:user:update", {
  method: "post",
  path: "/totp/reset",
  tags,
  summary: "重置用户的两步验证",
  description:
    "管理员移除用户的两步验证与恢复码 (如设备丢失)：用户须在数据权限内，且其权限与数据范围不超过调用者；不能重置自己的。被重置用户的会话全部结束。",
  request: { body: jsonBody(totpResetBody) },
  responses: jsonOk(z.object({ reset: z.boolean() }), "重置成功"),
});

/** Mounted at /system/user, beside the user router. */
export function userTotpRouter(deps: AppDeps) {
  return createRouter()
    .openapi(statusRoute, async (c) => ok(c, await totp.totpStatus(deps, currentAuth(c))))
    .openapi(setupRoute, async (c) =>
      ok(c, await totp.setupTotp(deps, currentAuth(c), c.req.valid("json").password)),
    )
    .openapi(confirmRoute, async (c) =>
      ok(c, await totp.confirmTotp(deps, currentAuth(c), c.req.valid("json").otp)),
    )
    .openapi(disableRoute, async (c) => {
      await totp.disableTotp(deps, currentAuth(c), c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(resetRoute, async (c) =>
      ok(c, await totp.resetTotp(deps, currentAuth(c).principal, c.req.valid("json").id)),
    );
}

/**
 * Mounted at the root of /api/v1 before every other router, so it runs before their guards: a
 * session that still owes a second factor reaches only what `openToRestricted` allows.
 */
export function secondFactorGateRouter(_deps: AppDeps) {
  const router = createRouter();
  router.use("*", secondFactorGate());
  return router;
}
