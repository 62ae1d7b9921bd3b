import { z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ZodError } from "zod";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps, AppEnv } from "@/core/context";
import { publicOrigin } from "@/core/http/client-ip";
import { ok } from "@/core/http/envelope";
import { validationError } from "@/core/http/errors";
import { inputErrors, jsonOk } from "@/core/http/openapi";
import { publicRoute } from "@/core/http/route";
import { createRouter } from "@/core/http/router";
import { firstIssueMessage } from "@/core/http/validation";
import { clientInfo } from "@/core/log/operation-log";
import { DemoModeRefused, demoModeRefuses, demoRefusal } from "@/modules/system/param/demo-mode";
import {
  autoLoginUser,
  captchaOut,
  loginForm,
  logoutBody,
  refreshBody,
  tokenPair,
  unlockBody,
} from "./auth.schema";
import * as auth from "./auth.service";
import {
  OAUTH_COOKIE_PATH,
  OAUTH_STATE_COOKIE,
  OAUTH_STATE_SECONDS,
  oauthCallbackRedirect,
  oauthLoginRedirect,
} from "./oauth.service";

/** The login message when the session may only enrol a second factor (a role requires one). */
const SECOND_FACTOR_ENROL_MSG =
  "登录成功，但您的角色要求两步验证：请先在个人中心绑定 (POST /system/user/current/totp/setup)";

const tags = ["系统管理 · 认证"];

const loginRoute = publicRoute({
  method: "post",
  path: "/login",
  tags,
  summary: "登录",
  description: "表单或 multipart 登录；OAuth2 password 表单 (grant_type=password) 返回不带信封的令牌对象。",
  request: {
    body: {
      required: true,
      content: {
        "application/x-www-form-urlencoded": { schema: loginForm },
        "multipart/form-data": { schema: loginForm },
      },
    },
  },
  responses: jsonOk(tokenPair, "登录成功"),
});

const captchaRoute = publicRoute({
  method: "get",
  path: "/captcha/get",
  tags,
  summary: "获取验证码",
  responses: jsonOk(captchaOut, "获取验证码成功"),
});

const refreshRoute = publicRoute({
  method: "post",
  path: "/token/refresh",
  tags,
  summary: "刷新令牌",
  description: "只需刷新令牌 (访问令牌过期后也可调用)；令牌对轮换，旧刷新令牌再次使用将结束会话。",
  request: { body: { required: true, content: { "application/json": { schema: refreshBody } } } },
  responses: jsonOk(tokenPair, "刷新成功"),
});

const logoutRoute = guardedRoute("login", {
  method: "post",
  path: "/logout",
  tags,
  summary: "退出登录",
  request: { body: { required: true, content: { "application/json": { schema: logoutBody } } } },
  responses: jsonOk(z.null(), "退出成功"),
});

const autoUsersRoute = publicRoute({
  method: "get",
  path: "/auto-login/users",
  tags,
  summary: "免登录用户列表 (需开启 AUTO_LOGIN_ENABLE)",
  responses: jsonOk(z.array(autoLoginUser), "获取成功"),
});

const autoTokenRoute = publicRoute({
  method: "post",
  path: "/auto-login/token",
  tags,
  summary: "获取免登录令牌 (需开启 AUTO_LOGIN_ENABLE)",
  request: { query: z.object({ user_id: z.coerce.number().int() }) },
  responses: jsonOk(z.object({ token: z.string(), user: autoLoginUser }), "获取成功"),
});

const autoLoginRoute = publicRoute({
  method: "post",
  path: "/auto-login",
  tags,
  summary: "免登录 (需开启 AUTO_LOGIN_ENABLE)",
  request: { query: z.object({ token: z.string().min(1) }) },
  responses: jsonOk(tokenPair, "登录成功"),
});

const unlockRoute = guardedRoute("module_system:user:update", {
  method: "post",
  path: "/unlock",
  tags,
  summary: "解除账号锁定",
  description: "清除账号的登录失败计数与锁定 (需要用户修改权限；账号须在数据权限内且权限不高于调用者)。",
  request: { body: { required: true, content: { "application/json": { schema: unlockBody } } } },
  responses: jsonOk(z.object({ unlocked: z.boolean() }), "解除锁定成功"),
});

const oauthLoginRoute = publicRoute({
  method: "get",
  path: "/oauth/{provider}/login",
  tags,
  summary: "第三方登录跳转",
  description:
    "302 到第三方授权页，并设置绑定本浏览器的 oauth_state Cookie (HttpOnly, SameSite=Lax, 10 分钟)；失败时 302 回前端登录页，oauth_error 在 URL 片段 (#/login?oauth_error=…) 中。",
  request: {
    params: z.object({ provider: z.string().max(20) }),
    query: z.object({ redirect_uri: z.string().max(2000).optional() }),
  },
  responses: { 302: { description: "跳转" }, ...inputErrors },
});

const oauthCallbackRoute = publicRoute({
  method: "get",
  path: "/oauth/{provider}/callback",
  tags,
  summary: "第三方登录回调",
  request: {
    params: z.object({ provider: z.string().max(20) }),
    query: z.object({ code: z.string().max(2000).optional(), state: z.string().max(200).optional() }),
  },
  description:
    "state 须与发起登录时设置的 oauth_state Cookie 一致 (防登录 CSRF)；未关联系统用户的第三方账号仅在 OAUTH_REGISTER_ENABLE 时自动注册。成功与失败均记入登录日志。",
  responses: {
    302: {
      description:
        "跳转回前端登录页；令牌对 (access_token, refresh_token, token_type) 或 oauth_error 在 URL 片段 #/login?… 中，绝不在查询字符串中",
    },
    ...inputErrors,
  },
});

/**
 * Answers that carry tokens (or the OAuth state cookie) are never stored by a browser or proxy
 * cache; their redirects send no Referer onwards.
 */
const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
  c.header("Referrer-Policy", "no-referrer");
};
const TOKEN_PATHS = [
  "/login",
  "/token/refresh",
  "/auto-login",
  "/auto-login/token",
  "/oauth/:provider/login",
  "/oauth/:provider/callback",
];

/** Work that may finish after the answer: the Worker is kept alive for it; Bun just lets it run. */
const inBackground =
  (c: Context<AppEnv>): auth.Defer =>
  (work) => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // no ExecutionContext outside workerd: the promise completes on its own
    }
  };

/**
 * An invalid login form: the demo-mode guard's answer when the guard would have refused it in
 * front (unrecorded, as then), else the contract's 422.
 */
async function refusedOrInvalid(c: Context<AppEnv>, error: ZodError): Promise<Response> {
  if (await demoModeRefuses(c)) {
    c.set("skipOpLog", true);
    return demoRefusal(c);
  }
  throw validationError(firstIssueMessage(error));
}

export function authRouter(deps: AppDeps) {
  const router = createRouter();
  for (const path of TOKEN_PATHS) router.use(path, noStore);
  return router
    .openapi(
      loginRoute,
      async (c) => {
        const form = c.req.valid("form");
        c.set("skipOpLog", true); // the service writes the login log itself
        // The demo-mode guard's decision is awaited beside the login's first round trip.
        const gate = demoModeRefuses(c).then((refused) => {
          if (refused) throw new DemoModeRefused();
        });
        let pair: auth.LoginResult;
        try {
          pair = await auth.login(deps, clientInfo(c), form, { defer: inBackground(c), gate });
        } catch (err) {
          if (err instanceof DemoModeRefused) return demoRefusal(c) as never;
          throw err;
        }
        // OAuth2 clients (Swagger's Authorize) expect the bare token object.
        if (form.grant_type === "password" || /\/docs/.test(c.req.header("referer") ?? ""))
          return c.json(pair, 200) as never;
        // A role requires a second factor the user has not enrolled: say so where the SPA shows it.
        return pair.second_factor === "enrol" ? ok(c, pair, SECOND_FACTOR_ENROL_MSG) : ok(c, pair);
      },
      (result, c) => (result.success ? undefined : refusedOrInvalid(c, result.error)),
    )
    .openapi(captchaRoute, async (c) => ok(c, await auth.getCaptcha(deps, clientInfo(c))))
    .openapi(refreshRoute, async (c) => ok(c, await auth.refresh(deps, c.req.valid("json").refresh_token)))
    .openapi(logoutRoute, async (c) => {
      await auth.logout(deps, currentAuth(c).session);
      return ok(c, null);
    })
    .openapi(unlockRoute, async (c) =>
      ok(c, {
        unlocked: await auth.unlockAccount(deps, currentAuth(c).principal, c.req.valid("json").username),
      }),
    )
    .openapi(oauthLoginRoute, async (c) => {
      const { provider } = c.req.valid("param");
      const origin = publicOrigin(c);
      const start = await oauthLoginRedirect(deps, provider, c.req.valid("query").redirect_uri, origin);
      // Binds the flow to this browser: the callback accepts the state only alongside this cookie.
      if (start.state)
        setCookie(c, OAUTH_STATE_COOKIE, start.state, {
          path: OAUTH_COOKIE_PATH,
          maxAge: OAUTH_STATE_SECONDS,
          httpOnly: true,
          sameSite: "Lax",
          secure: origin.startsWith("https:"),
        });
      return c.redirect(start.location, 302);
    })
    .openapi(oauthCallbackRoute, async (c) => {
      const { provider } = c.req.valid("param");
      const { code, state } = c.req.valid("query");
      const origin = publicOrigin(c);
      const boundState = getCookie(c, OAUTH_STATE_COOKIE);
      deleteCookie(c, OAUTH_STATE_COOKIE, { path: OAUTH_COOKIE_PATH, secure: origin.startsWith("https:") });
      c.set("skipOpLog", true); // the service writes the login log itself
      const location = await oauthCallbackRedirect(
        deps,
        clientInfo(c),
        provider,
        { code, state, boundState },
        origin,
      );
      return c.redirect(location, 302);
    })
    .openapi(autoUsersRoute, async (c) => ok(c, await auth.autoLoginUsers(deps)))
    .openapi(autoTokenRoute, async (c) =>
      ok(c, await auth.autoLoginToken(deps, c.req.valid("query").user_id)),
    )
    .openapi(autoLoginRoute, async (c) =>
      ok(c, await auth.autoLogin(deps, clientInfo(c), c.req.valid("query").token)),
    );
}
