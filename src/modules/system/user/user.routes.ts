import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps, AppEnv } from "@/core/context";
import { publicOrigin } from "@/core/http/client-ip";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { publicRoute } from "@/core/http/route";
import { createRouter } from "@/core/http/router";
import { idList } from "@/core/http/schemas";
import { clientInfo } from "@/core/log/operation-log";
import { xlsxFile, xlsxResponses } from "@/core/xlsx";
import { exportWorkbook, importTemplate } from "./user.excel";
import { importUsers } from "./user.import";
import { CODE_SENT_MSG, requestRecoveryCode, resetWithCode } from "./user.recovery";
import {
  batchSetAvailable,
  changePassword,
  currentUserUpdate,
  exportBody,
  exportQuery,
  forgetPassword,
  ownSessionOut,
  recoveryRequestOut,
  recoveryReset,
  resetPassword,
  sessionIdParam,
  uploadForm,
  uploadOut,
  userCreate,
  userOut,
  userQuery,
  userRegister,
  userUpdate,
} from "./user.schema";
import * as users from "./user.service";
import { endOwnSession, listOwnSessions } from "./user.sessions";

const tags = ["系统管理 · 用户"];

const multipart = {
  required: false,
  content: { "multipart/form-data": { schema: uploadForm } },
};

const currentInfoRoute = guardedRoute("login", {
  method: "get",
  path: "/current/info",
  tags,
  summary: "查询当前用户信息",
  description: "当前用户、启用角色 (含菜单与部门) 及 pc 端路由菜单树 (目录/菜单/外链)。",
  responses: jsonOk(userOut, "获取当前用户信息成功"),
});

const avatarRoute = guardedRoute("login", {
  method: "post",
  path: "/current/avatar/upload",
  tags,
  summary: "上传当前用户头像",
  description: "仅图片；返回的 file_url 再通过 /current/info/update 保存。",
  request: { body: multipart },
  responses: jsonOk(uploadOut, "上传头像成功"),
});

const currentUpdateRoute = guardedRoute("login", {
  method: "put",
  path: "/current/info/update",
  tags,
  summary: "更新当前用户基本信息",
  description:
    "只写入请求中出现的字段；超级管理员不能修改。修改手机号或邮箱 (与当前值不同) 需在 current_password " +
    "中提供当前密码，缺少或错误时 400；错误次数计入账号锁定。",
  request: { body: jsonBody(currentUserUpdate) },
  responses: jsonOk(userOut, "更新当前用户基本信息成功"),
});

const changePasswordRoute = guardedRoute("login", {
  method: "put",
  path: "/current/password/change",
  tags,
  summary: "修改当前用户密码",
  description:
    "新密码 8-128 位，且不能是常见密码或由账号、系统名称等组成 (422)。原密码错误计入账号锁定。" +
    "成功后该用户的其他会话全部结束，本次请求所用的会话保留。",
  request: { body: jsonBody(changePassword) },
  responses: jsonOk(userOut, "修改密码成功, 请重新登录"),
});

const resetPasswordRoute = guardedRoute("module_system:user:update", {
  method: "put",
  path: "/reset/password",
  tags,
  summary: "重置用户密码",
  description: "需要 module_system:user:update 与数据权限；被重置用户的会话全部结束。",
  request: { body: jsonBody(resetPassword) },
  responses: jsonOk(userOut, "重置密码成功"),
});

const registerRoute = publicRoute({
  method: "post",
  path: "/register",
  tags,
  summary: "注册用户 (需开启 REGISTER_ENABLE)",
  description: "不分配任何角色；昵称即账号。",
  request: { body: jsonBody(userRegister) },
  responses: jsonOk(userOut, "注册用户成功"),
});

const forgetPasswordRoute = publicRoute({
  method: "post",
  path: "/forget/password",
  tags,
  summary: "找回密码 · 第一步：发送验证码 (需开启 FORGET_PASSWORD_ENABLE 与 RECOVERY_SENDER)",
  description:
    "账号与其绑定的手机号一致、且账号启用 (非超级管理员) 时，生成 8 位一次性验证码 (10 分钟有效，最多试 5 次)，" +
    "经 RECOVERY_SENDER 发送到该手机号 (webhook: POST JSON {channel, to, username, code, expires_in})。" +
    "无论账号或手机号是否正确，回答都相同；按 IP 与账号限流 (429)。请求中的 new_password 被忽略。",
  request: { body: jsonBody(forgetPassword) },
  responses: jsonOk(recoveryRequestOut, CODE_SENT_MSG),
});

const forgetPasswordResetRoute = publicRoute({
  method: "post",
  path: "/forget/password/reset",
  tags,
  summary: "找回密码 · 第二步：凭验证码设置新密码",
  description:
    "验证码错误、已使用、已过期或账号不存在时回答相同 (400)；新密码规则同修改密码 (422)。" +
    "成功后验证码作废，该用户的所有会话结束。",
  request: { body: jsonBody(recoveryReset) },
  responses: jsonOk(z.null(), "重置密码成功"),
});

const ownSessionsRoute = guardedRoute("login", {
  method: "get",
  path: "/current/sessions",
  tags,
  summary: "查询当前用户的会话",
  description: "当前用户已登录的设备 (会话)；current 标出本次请求所用的会话。",
  responses: jsonOk(z.array(ownSessionOut), "查询会话成功"),
});

const endOwnSessionRoute = guardedRoute("login", {
  method: "delete",
  path: "/current/sessions/{session_id}",
  tags,
  summary: "结束当前用户的一个会话",
  description: "只能结束自己的会话 (结束本次请求所用的会话即退出登录)；不存在时 404。",
  request: { params: sessionIdParam },
  responses: jsonOk(z.null(), "结束会话成功"),
});

const listRoute = guardedRoute("module_system:user:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询用户",
  request: { query: userQuery },
  responses: jsonOk(pageSchema(userOut), "查询用户成功"),
});

const detailRoute = guardedRoute("module_system:user:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取用户详情",
  request: { params: z.object({ id: z.coerce.number().int() }) },
  responses: jsonOk(userOut, "获取用户详情成功"),
});

const createUserRoute = guardedRoute("module_system:user:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建用户",
  description: "不能创建超级管理员；部门、角色、岗位须在调用者的数据权限内。",
  request: { body: jsonBody(userCreate) },
  responses: jsonOk(userOut, "创建用户成功"),
});

const updateRoute = guardedRoute("module_system:user:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改用户",
  description: "只写入出现的字段 (不含密码)；role_ids / position_ids 出现时替换 (空数组即清空)。",
  request: { params: z.object({ id: z.coerce.number().int() }), body: jsonBody(userUpdate) },
  responses: jsonOk(userOut, "修改用户成功"),
});

const deleteRoute = guardedRoute("module_system:user:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除用户",
  description: "请求体为用户编号数组；只能删除已停用的非超级管理员。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除用户成功"),
});

const statusRoute = guardedRoute("module_system:user:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改用户状态",
  request: { body: jsonBody(batchSetAvailable) },
  responses: jsonOk(z.null(), "批量修改用户状态成功"),
});

const templateRoute = guardedRoute("module_system:user:download", {
  method: "post",
  path: "/import/template",
  tags,
  summary: "下载用户导入模板",
  responses: xlsxResponses("用户导入模板.xlsx"),
});

const exportRoute = guardedRoute("module_system:user:export", {
  method: "post",
  path: "/export",
  tags,
  summary: "导出用户",
  description: "筛选条件可放在查询字符串或 JSON 请求体中 (请求体优先)。",
  request: {
    query: exportQuery,
    body: jsonBody(exportBody, false),
  },
  responses: xlsxResponses("user.xlsx"),
});

const importRoute = guardedRoute("module_system:user:import", {
  method: "post",
  path: "/import/data",
  tags,
  summary: "导入用户",
  description: "按导入模板读取第一个工作表；已存在的账号不会被修改；新用户密码为随机值，需由管理员重置。",
  request: { body: multipart },
  responses: jsonOk(z.string(), "导入用户成功"),
});

/** Work that may finish after the answer: the Worker is kept alive for it; Bun just lets it run. */
const inBackground =
  (c: Context<AppEnv>) =>
  (work: Promise<unknown>): void => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // no ExecutionContext outside workerd: the promise completes on its own
    }
  };

const uploadedFile = async (c: Context<AppEnv>): Promise<unknown> => {
  if (!(c.req.header("content-type") ?? "").includes("multipart/form-data")) return null;
  const form = await c.req.parseBody();
  return form.file ?? null;
};

export function userRouter(deps: AppDeps) {
  return createRouter()
    .openapi(currentInfoRoute, async (c) => ok(c, await users.currentInfo(deps, currentAuth(c).principal)))
    .openapi(avatarRoute, async (c) =>
      ok(c, await users.uploadAvatar(deps, await uploadedFile(c), publicOrigin(c))),
    )
    .openapi(currentUpdateRoute, async (c) =>
      ok(c, await users.updateCurrentInfo(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(changePasswordRoute, async (c) =>
      ok(c, await users.changePassword(deps, currentAuth(c), c.req.valid("json"))),
    )
    .openapi(ownSessionsRoute, async (c) => ok(c, await listOwnSessions(deps, currentAuth(c))))
    .openapi(endOwnSessionRoute, async (c) => {
      await endOwnSession(deps, currentAuth(c), c.req.valid("param").session_id);
      return ok(c, null);
    })
    .openapi(resetPasswordRoute, async (c) =>
      ok(c, await users.resetPassword(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(registerRoute, async (c) =>
      ok(c, await users.register(deps, clientInfo(c).ip, c.req.valid("json"))),
    )
    .openapi(forgetPasswordRoute, async (c) =>
      ok(c, await requestRecoveryCode(deps, clientInfo(c).ip, c.req.valid("json"), inBackground(c))),
    )
    .openapi(forgetPasswordResetRoute, async (c) => {
      await resetWithCode(deps, clientInfo(c).ip, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(listRoute, async (c) =>
      ok(c, await users.listUsers(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await users.getUser(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(createUserRoute, async (c) =>
      ok(c, await users.createUser(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await users.updateUser(deps, currentAuth(c).principal, c.req.valid("param").id, c.req.valid("json")),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await users.deleteUsers(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await users.setStatus(deps, currentAuth(c).principal, ids, status);
      return ok(c, null);
    })
    .openapi(templateRoute, async (c) => xlsxFile(c, await importTemplate(), "用户导入模板.xlsx"))
    .openapi(exportRoute, async (c) => {
      // body values win over the query's
      const filters = overlayDefined(c.req.valid("query"), c.req.valid("json"));
      const rows = await users.exportRows(deps, currentAuth(c).principal, filters);
      return xlsxFile(c, await exportWorkbook(rows), "user.xlsx");
    })
    .openapi(importRoute, async (c) =>
      ok(c, await importUsers(deps, currentAuth(c).principal, await uploadedFile(c))),
    );
}
