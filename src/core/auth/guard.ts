import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { op } from "@/core/cache/cache";
import type { AppDeps, AppEnv, AuthContext } from "@/core/context";
import { forbidden, unauthenticated } from "@/core/http/errors";
import { bearerSecurity, guardErrors } from "@/core/http/openapi";
import { middlewareOf, successMessage } from "@/core/http/route";
import { PLATFORM_TENANT_ID, tenantOf } from "./data-scope";
import { loadPrincipal, principalKey } from "./principal";
import { createSessionStore } from "./sessions";
import { createTokenService } from "./tokens";

const services = new WeakMap<AppDeps, ReturnType<typeof buildServices>>();

function buildServices(deps: AppDeps) {
  return {
    tokens: createTokenService(deps.settings),
    sessions: createSessionStore(deps.cache, deps.settings),
  };
}

/** Token and session services of an app (one per deps, built on first use). */
export function authServices(deps: AppDeps) {
  let s = services.get(deps);
  if (!s) {
    s = buildServices(deps);
    services.set(deps, s);
  }
  return s;
}

/**
 * A request is authenticated only when its access token verifies and its session still exists;
 * the user must exist and be enabled. Every failure is 401 / code 10401.
 */
export async function authenticate(c: Context<AppEnv>): Promise<AuthContext> {
  const existing = c.get("auth");
  if (existing) return existing;
  const started = early.get(c.req.raw);
  const token = bearerToken(c);
  if (!token) throw unauthenticated("认证失败,请登录后再试");
  const auth = await actingTenant(c, await (started ?? authenticateToken(c.get("deps"), token)));
  c.set("auth", auth);
  return auth;
}

/** The header with which a platform superuser acts inside another tenant (API clients; the SPA sends none). */
export const TENANT_HEADER = "X-Tenant-Id";

/**
 * A platform superuser may act inside a chosen tenant (issue 14): with `X-Tenant-Id` the request's
 * principal is theirs with that tenant, so every scoped read and write is that tenant's (and the
 * platform-only permissions are not held meanwhile). Anyone else sending it gets 403.
 */
async function actingTenant(c: Context<AppEnv>, auth: AuthContext): Promise<AuthContext> {
  const raw = c.req.header(TENANT_HEADER);
  if (raw === undefined) return auth;
  const { principal } = auth;
  if (!principal.is_superuser || tenantOf(principal) !== PLATFORM_TENANT_ID)
    throw forbidden("仅平台超级管理员可进入其他租户");
  const tenantId = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  const { db } = c.get("deps");
  const { sys_tenant } = db.t;
  const [tenant] = Number.isNaN(tenantId)
    ? []
    : await db.orm
        .select({ id: sys_tenant.id })
        .from(sys_tenant)
        .where(and(eq(sys_tenant.id, tenantId), eq(sys_tenant.is_deleted, false)))
        .limit(1);
  if (!tenant) throw forbidden("租户不存在");
  return { ...auth, principal: { ...principal, tenant_id: tenant.id } };
}

const bearerToken = (c: Context<AppEnv>) =>
  /^bearer\s+(\S+)$/i.exec((c.req.header("authorization") ?? "").trim())?.[1];

/** Authentications started ahead of the guard, by request (`authenticateEarly`). */
const early = new WeakMap<Request, Promise<AuthContext>>();

/**
 * Starts authenticating the request's bearer token now, for a middleware that runs before the
 * guard (the API rate limit): the guard's cache read then overlaps the round trips of the
 * middleware in between instead of following them. `authenticate` takes the outcome; a request
 * whose route is public just drops it.
 */
export function authenticateEarly(c: Context<AppEnv>): void {
  const token = bearerToken(c);
  if (!token || early.has(c.req.raw)) return;
  const pending = authenticateToken(c.get("deps"), token);
  pending.catch(() => {}); // rejected here means refused by `authenticate`, if the route asks
  early.set(c.req.raw, pending);
}

/**
 * The checks of `authenticate` for an access token that did not come in the Authorization header
 * (the AI chat WebSocket's `?token=`, which browsers cannot send as a header).
 */
export async function authenticateToken(deps: AppDeps, token: string): Promise<AuthContext> {
  const { tokens, sessions } = authServices(deps);
  const claims = await tokens.verifyAccess(token);
  const userId = Number(claims.sub);
  // The session and the cached principal in one cache round trip; the database is asked for the
  // principal only when it is not cached and the session is live.
  const [storedSession, cachedPrincipal] = await deps.cache.pipeline([
    op.get(sessions.keyOf(userId, claims.sid)),
    op.get(principalKey(userId)),
  ]);
  const session = sessions.parse(storedSession);
  if (!session) throw unauthenticated("认证已失效");
  const principal = await loadPrincipal(deps.db, deps.cache, userId, cachedPrincipal);
  if (!principal) {
    await sessions.endAllOf(userId);
    throw unauthenticated("用户不存在");
  }
  if (principal.status !== "0") {
    await sessions.endAllOf(userId);
    throw unauthenticated("用户已被停用");
  }
  await sessions.touch(session);
  return { principal, session };
}

/**
 * Permissions over what every tenant shares (issue 14): tenants, menus, dictionaries, parameters,
 * the cache and server monitors, stored files, the code generator and the scheduler. Only users of
 * the platform tenant hold them; a tenant's superuser is a superuser inside that tenant only.
 */
const PLATFORM_ONLY = [
  /^module_system:tenant:/,
  /^module_system:(menu|dict_type|dict_data|param):(create|update|delete|patch|upload)$/,
  /^module_monitor:(cache|server):/,
  /^module_monitor:resource/,
  /^module_generator:/,
  /^module_task:cronjob:job/,
];
export const isPlatformOnly = (permission: string) => PLATFORM_ONLY.some((re) => re.test(permission));

export function hasPermission(principal: AuthContext["principal"], required: readonly string[]): boolean {
  if (required.length === 0) return true;
  const held =
    tenantOf(principal) === PLATFORM_TENANT_ID ? required : required.filter((p) => !isPlatformOnly(p));
  if (principal.is_superuser) return held.length > 0;
  return held.some((p) => principal.permissions.includes(p));
}

/** Middleware: any valid session. */
export const requireLogin: MiddlewareHandler<AppEnv> = async (c, next) => {
  await authenticate(c);
  await next();
};

/** Middleware: a valid session holding any of `permissions` (superusers always pass). */
export function requirePermission(...permissions: string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { principal } = await authenticate(c);
    if (!hasPermission(principal, permissions)) throw forbidden();
    await next();
  };
}

/** The caller of a guarded route. */
export function currentAuth(c: Context<AppEnv>): AuthContext {
  const auth = c.get("auth");
  if (!auth) throw unauthenticated("认证失败,请登录后再试");
  return auth;
}

type Access = "login" | string | string[];

/**
 * `createRoute` for a guarded route: adds the guard middleware, the bearer security requirement,
 * the guard's 401/403 responses and `x-permissions` (which the route-walk security test reads)
 * to the OpenAPI operation, and the success-message middleware (its handler answers `ok(c, data)`
 * with the message the route's 200 response declares).
 */
export function guardedRoute<const R extends RouteConfig>(access: Access, config: R) {
  const permissions = access === "login" ? [] : Array.isArray(access) ? access : [access];
  const guard = access === "login" ? requireLogin : requirePermission(...permissions);
  return createRoute({
    ...config,
    security: bearerSecurity,
    responses: { ...guardErrors, ...config.responses },
    middleware: [guard, ...successMessage(config), ...middlewareOf(config)],
    "x-permissions": permissions,
  });
}
