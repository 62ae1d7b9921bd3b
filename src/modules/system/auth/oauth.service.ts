import { and, eq } from "drizzle-orm";
import type { AppDeps } from "@/core/context";
import { nowString } from "@/core/http/datetime";
import { type ClientInfo, LOG_TYPE, writeLog } from "@/core/log/operation-log";
import { startSession } from "./auth.service";

/**
 * Third-party login (GitHub, Gitee): authorization-code flow ending in a redirect to the SPA's
 * login page with the token pair, or `oauth_error`, in the URL fragment (never the query string,
 * which reaches servers, proxies, logs and Referer). Redirect targets must be one of the SPA
 * origins in CORS_ORIGINS, so this cannot be used as an open redirect or to leak tokens.
 * The `state` is bound to the browser that started the flow by a short-lived cookie (login CSRF).
 * A first-time identity gets an account only with OAUTH_REGISTER_ENABLE, and then no roles.
 */
interface Provider {
  authorize: string;
  token: string;
  profile: string;
  scope: string;
  column: "github_login" | "gitee_login";
  credentials(deps: AppDeps): { id: string; secret: string };
}

const PROVIDERS: Record<string, Provider> = {
  github: {
    authorize: "https://github.com/login/oauth/authorize",
    token: "https://github.com/login/oauth/access_token",
    profile: "https://api.github.com/user",
    scope: "read:user",
    column: "github_login",
    credentials: (d) => ({
      id: d.settings.OAUTH_GITHUB_CLIENT_ID,
      secret: d.settings.OAUTH_GITHUB_CLIENT_SECRET,
    }),
  },
  gitee: {
    authorize: "https://gitee.com/oauth/authorize",
    token: "https://gitee.com/oauth/token",
    profile: "https://gitee.com/api/v5/user",
    scope: "user_info",
    column: "gitee_login",
    credentials: (d) => ({
      id: d.settings.OAUTH_GITEE_CLIENT_ID,
      secret: d.settings.OAUTH_GITEE_CLIENT_SECRET,
    }),
  },
};

/** The cookie binding a flow's `state` to the browser that started it, and how long both live. */
export const OAUTH_STATE_COOKIE = "oauth_state";
export const OAUTH_STATE_SECONDS = 600;
/** The cookie is sent only to the OAuth endpoints. */
export const OAUTH_COOKIE_PATH = "/api/v1/system/auth/oauth/";

const stateKey = (state: string) => `oauth_state:${state}`;
const callbackPath = (provider: string) => `/api/v1/system/auth/oauth/${provider}/callback`;

const STATE_EXPIRED = "登录状态已失效，请重试";
const STATE_NOT_BOUND = "登录状态校验失败，请在同一浏览器中重新发起第三方登录";
const NOT_LINKED = "该第三方账号未关联系统用户，请使用账号密码登录后绑定，或联系管理员开通";

class OAuthError extends Error {}

/**
 * `frontend` with `params` added to the query of its hash route: the SPA's hash router reads
 * `route.query` from the fragment, which browsers never send to a server nor put in Referer.
 * A frontend without a hash route (the SPA sends `<origin>/login`) gets the `/login` route.
 */
function spaRedirect(frontend: string, params: Record<string, string>): string {
  const url = new URL(frontend);
  const route = url.hash.startsWith("#/") ? url.hash.slice(1) : "/login";
  const cut = route.indexOf("?");
  const path = cut < 0 ? route : route.slice(0, cut);
  const query = new URLSearchParams(cut < 0 ? "" : route.slice(cut + 1));
  for (const [k, v] of Object.entries(params)) query.set(k, v);
  url.hash = `${path}?${query.toString()}`;
  return url.toString();
}

/** The SPA page to return to: the given one when its origin is an allowed SPA origin. */
function frontendFor(deps: AppDeps, redirectUri: string | undefined): string | null {
  if (!redirectUri) return null;
  try {
    const origin = new URL(redirectUri).origin;
    return deps.settings.CORS_ORIGINS.includes(origin) ? redirectUri : null;
  } catch {
    return null;
  }
}

const errorRedirect = (frontend: string, message: string) => spaRedirect(frontend, { oauth_error: message });

/** Equal strings, compared in time that does not depend on where they first differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

export interface OAuthStart {
  /** where to send the browser */
  location: string;
  /** the state to bind to this browser (the route sets it as a cookie); null when not starting */
  state: string | null;
}

/** Step 1: where to send the browser (the provider, or back with an error). */
export async function oauthLoginRedirect(
  deps: AppDeps,
  providerName: string,
  redirectUri: string | undefined,
  apiOrigin: string,
): Promise<OAuthStart> {
  const frontend = frontendFor(deps, redirectUri);
  const back = frontend ?? deps.settings.OAUTH_FRONTEND_FALLBACK;
  const refuse = (message: string) => ({ location: errorRedirect(back, message), state: null });
  if (!frontend) return refuse("redirect_uri 无效或不在允许的前端地址中");
  const provider = PROVIDERS[providerName];
  // Only a plain name is echoed: the SPA decodes the message once more (a stray "%" would throw).
  if (!provider)
    return refuse(`不支持的登录方式${/^[A-Za-z0-9_-]+$/.test(providerName) ? `: ${providerName}` : ""}`);
  const { id, secret } = provider.credentials(deps);
  if (!id || !secret) return refuse(`${providerName} OAuth 未配置（客户端密钥为空）`);
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const state = btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) =>
    c === "+" ? "-" : c === "/" ? "_" : "",
  );
  await deps.cache.set(
    stateKey(state),
    JSON.stringify({ provider: providerName, frontend }),
    OAUTH_STATE_SECONDS,
  );
  const location = new URL(provider.authorize);
  for (const [k, v] of Object.entries({
    client_id: id,
    redirect_uri: `${apiOrigin}${callbackPath(providerName)}`,
    state,
    scope: provider.scope,
    response_type: "code",
  }))
    location.searchParams.set(k, v);
  return { location: location.toString(), state };
}

/** A provider's JSON object answer (its fields are read and checked one by one). */
async function fetchJson(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new OAuthError(`第三方接口返回 ${res.status}`);
  const body: unknown = await res.json();
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new OAuthError("第三方接口返回格式错误");
  return body as Record<string, unknown>;
}

export interface OAuthCallback {
  code: string | undefined;
  state: string | undefined;
  /** the state cookie this browser sent */
  boundState: string | undefined;
}

/**
 * Step 2: the provider sent the browser back; check the state is this browser's, exchange the
 * code, sign the user in. Every outcome after the state check lands in the login log.
 */
export async function oauthCallbackRedirect(
  deps: AppDeps,
  client: ClientInfo,
  providerName: string,
  input: OAuthCallback,
  apiOrigin: string,
): Promise<string> {
  const started = performance.now();
  let username: string | undefined;
  let userId: number | null = null;
  const record = (outcome: "0" | "1", msg: string) =>
    writeLog(deps, client, {
      type: LOG_TYPE.LOGIN,
      path: callbackPath(providerName),
      method: "GET",
      payload: { body: { username, login_type: `oauth_${providerName}`, provider: providerName } },
      status: 302,
      response: JSON.stringify({ msg }),
      ms: performance.now() - started,
      description: `第三方登录 (${providerName})`,
      outcome,
      userId,
    });
  const refuse = async (frontend: string, message: string) => {
    await record("1", message);
    return errorRedirect(frontend, message);
  };

  const { code, state, boundState } = input;
  // A state this browser did not start is someone else's flow (login CSRF): it is not even looked up.
  if (!state || !boundState || !sameSecret(state, boundState))
    return refuse(deps.settings.OAUTH_FRONTEND_FALLBACK, STATE_NOT_BOUND);
  const raw = await deps.cache.get(stateKey(state));
  if (!raw) return refuse(deps.settings.OAUTH_FRONTEND_FALLBACK, STATE_EXPIRED);
  await deps.cache.del(stateKey(state));
  const saved = JSON.parse(raw) as { provider: string; frontend: string };
  const provider = PROVIDERS[providerName];
  if (saved.provider !== providerName || !provider) return refuse(saved.frontend, "OAuth 状态不匹配");
  if (!code) return refuse(saved.frontend, "缺少授权码");
  try {
    const { id, secret } = provider.credentials(deps);
    const token = await fetchJson(provider.token, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: id,
        client_secret: secret,
        code,
        grant_type: "authorization_code",
        redirect_uri: `${apiOrigin}${callbackPath(providerName)}`,
      }).toString(),
    });
    if (!token.access_token) throw new OAuthError("获取第三方令牌失败");
    const profile = await fetchJson(provider.profile, {
      headers: {
        Accept: "application/json",
        Authorization: `Bearer ${token.access_token}`,
        "User-Agent": "hono-admin",
      },
    });
    if (profile.id === undefined || profile.id === null) throw new OAuthError("获取第三方用户信息失败");
    const user = await findOrCreateUser(deps, providerName, provider, profile);
    username = user.username;
    userId = user.id;
    if (user.status !== "0") throw new OAuthError("用户已被停用");
    const loginTime = nowString();
    await deps.db.orm
      .update(deps.db.t.sys_user)
      .set({ last_login: loginTime })
      .where(eq(deps.db.t.sys_user.id, user.id));
    const pair = await startSession(deps, client, user, `oauth_${providerName}`, loginTime);
    await record("0", "登录成功");
    return spaRedirect(saved.frontend, {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      token_type: "bearer",
    });
  } catch (err) {
    if (!(err instanceof OAuthError)) deps.logger.warn("oauth login failed", { provider: providerName, err });
    return refuse(saved.frontend, err instanceof OAuthError ? err.message : "第三方登录失败，请重试");
  }
}

/** The user linked to this identity; a new one only with OAUTH_REGISTER_ENABLE. */
async function findOrCreateUser(
  deps: AppDeps,
  providerName: string,
  provider: Provider,
  profile: Record<string, unknown>,
): Promise<{ id: number; username: string; name: string; status: string }> {
  const { sys_user } = deps.db.t;
  const externalId = String(profile.id).slice(0, 32);
  const column = sys_user[provider.column];
  const [existing] = await deps.db.orm
    .select()
    .from(sys_user)
    .where(and(eq(column, externalId), eq(sys_user.is_deleted, false)))
    .limit(1);
  if (existing) return existing;
  if (!deps.settings.OAUTH_REGISTER_ENABLE) throw new OAuthError(NOT_LINKED);
  let username = `oauth_${providerName}_${externalId}`.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 32);
  if (!/^[A-Za-z]/.test(username)) username = `o${username}`.slice(0, 32);
  const name = String(profile.name || profile.login || username).slice(0, 32);
  const password = await deps.hasher.hash(crypto.randomUUID() + crypto.randomUUID());
  const result = await deps.db.orm.insert(sys_user).values({
    username,
    name,
    password,
    avatar: typeof profile.avatar_url === "string" ? profile.avatar_url.slice(0, 255) : null,
    [provider.column]: externalId,
  });
  deps.logger.info("oauth user registered", { provider: providerName, username });
  return { id: deps.db.insertId(result), username, name, status: "0" };
}
