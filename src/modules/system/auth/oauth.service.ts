import { and, eq } from "drizzle-orm";
import type { AppDeps } from "../../../core/context";
import { nowString } from "../../../core/http/datetime";
import type { ClientInfo } from "../../../core/log/operation-log";
import { startSession } from "./auth.service";

/**
 * Third-party login (GitHub, Gitee): authorization-code flow ending in a redirect to the SPA's
 * login page with the token pair, or `oauth_error`. Redirect targets must be one of the SPA
 * origins in CORS_ORIGINS, so this cannot be used as an open redirect or to leak tokens.
 * Auto-registered users get no roles; an administrator grants them.
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

const stateKey = (state: string) => `oauth_state:${state}`;

class OAuthError extends Error {}

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
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

const errorRedirect = (frontend: string, message: string) => withQuery(frontend, { oauth_error: message });

/** Step 1: where to send the browser (the provider, or back with an error). */
export async function oauthLoginRedirect(
  deps: AppDeps,
  providerName: string,
  redirectUri: string | undefined,
  apiOrigin: string,
): Promise<string> {
  const frontend = frontendFor(deps, redirectUri);
  const back = frontend ?? deps.settings.OAUTH_FRONTEND_FALLBACK;
  if (!frontend) return errorRedirect(back, "redirect_uri 无效或不在允许的前端地址中");
  const provider = PROVIDERS[providerName];
  if (!provider) return errorRedirect(back, `不支持的登录方式: ${providerName}`);
  const { id, secret } = provider.credentials(deps);
  if (!id || !secret) return errorRedirect(back, `${providerName} OAuth 未配置（客户端密钥为空）`);
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const state = btoa(String.fromCharCode(...bytes)).replace(
    /[+/=]/g,
    (c) => ({ "+": "-", "/": "_", "=": "" })[c]!,
  );
  await deps.cache.set(stateKey(state), JSON.stringify({ provider: providerName, frontend }), 600);
  return withQuery(provider.authorize, {
    client_id: id,
    redirect_uri: `${apiOrigin}/api/v1/system/auth/oauth/${providerName}/callback`,
    state,
    scope: provider.scope,
    response_type: "code",
  });
}

async function fetchJson(url: string, init: RequestInit): Promise<Record<string, any>> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new OAuthError(`第三方接口返回 ${res.status}`);
  return (await res.json()) as Record<string, any>;
}

/** Step 2: the provider sent the browser back; exchange the code, sign the user in. */
export async function oauthCallbackRedirect(
  deps: AppDeps,
  client: ClientInfo,
  providerName: string,
  code: string | undefined,
  state: string | undefined,
  apiOrigin: string,
): Promise<string> {
  const raw = state ? await deps.cache.get(stateKey(state)) : null;
  if (!raw || !state) return errorRedirect(deps.settings.OAUTH_FRONTEND_FALLBACK, "登录状态已失效，请重试");
  await deps.cache.del(stateKey(state));
  const saved = JSON.parse(raw) as { provider: string; frontend: string };
  const provider = PROVIDERS[providerName];
  if (saved.provider !== providerName || !provider) return errorRedirect(saved.frontend, "OAuth 状态不匹配");
  if (!code) return errorRedirect(saved.frontend, "缺少授权码");
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
        redirect_uri: `${apiOrigin}/api/v1/system/auth/oauth/${providerName}/callback`,
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
    if (user.status !== "0") throw new OAuthError("用户已被停用");
    const loginTime = nowString();
    await deps.db.orm
      .update(deps.db.t.sys_user)
      .set({ last_login: loginTime })
      .where(eq(deps.db.t.sys_user.id, user.id));
    const pair = await startSession(deps, client, user, `oauth_${providerName}`, loginTime);
    return withQuery(saved.frontend, {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      token_type: "bearer",
    });
  } catch (err) {
    deps.logger.warn("oauth login failed", { provider: providerName, err });
    return errorRedirect(saved.frontend, err instanceof OAuthError ? err.message : "第三方登录失败，请重试");
  }
}

async function findOrCreateUser(
  deps: AppDeps,
  providerName: string,
  provider: Provider,
  profile: Record<string, any>,
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
