import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "@/core/context";
import { forbidden } from "@/core/http/errors";
import { authenticate, authenticateToken } from "./guard";
import type { Session } from "./sessions";

/*
 * Sessions that have not shown a second factor the account needs. A login whose role requires a
 * second factor the user has not enrolled yet (or a third-party login of an enrolled user, which
 * cannot carry a code) gets such a session: its token opens the enrolment routes, the current
 * user's info, logout and the public routes, and every other route answers 403 saying why.
 */

/** What a session still owes: `enrol` — enrol a second factor; `verify` — log in with a code. */
export type SecondFactorDue = "enrol" | "verify";

/** The stored session with the marker (kept through refresh rotations: they copy the session). */
export type GatedSession = Session & { second_factor?: SecondFactorDue };

export const secondFactorDueOf = (session: Session): SecondFactorDue | undefined =>
  (session as GatedSession).second_factor;

export const ENROL_MESSAGE =
  "您所属的角色要求启用两步验证 (TOTP)：请先通过 /api/v1/system/user/current/totp/setup 绑定身份验证器，绑定前只能访问绑定接口";
export const VERIFY_MESSAGE = "该账号已启用两步验证：此次登录未验证动态码，请使用「密码+6位动态码」重新登录";

const API = "/api/v1";

/** Routes a restricted session may call besides the public ones (method, path under /api/v1). */
const OPEN_TO_RESTRICTED: [string, RegExp][] = [
  ["*", /^\/system\/user\/current\/totp(?:\/|$)/],
  ["GET", /^\/system\/user\/current\/info\/?$/],
  ["POST", /^\/system\/auth\/logout\/?$/],
];

/** Routes that need no token at all: a restricted token sent along changes nothing there. */
export const PUBLIC_ROUTES: [string, RegExp][] = [
  [
    "*",
    /^\/system\/auth\/(?:login|captcha\/get|token\/refresh|auto-login(?:\/users|\/token)?|oauth\/[^/]+\/(?:login|callback))\/?$/,
  ],
  ["*", /^\/system\/user\/(?:register|forget\/password(?:\/reset)?)\/?$/],
  ["GET", /^\/system\/param\/info\/?$/],
  ["GET", /^\/system\/dict\/data\/info\/[^/]+\/?$/],
  ["*", /^\/common\/health(?:\/|$)/],
  ["*", /^\/static(?:\/|$)/],
];

const matches = (routes: [string, RegExp][], method: string, path: string) =>
  routes.some(([m, re]) => (m === "*" || m === method) && re.test(path));

/** Whether a session owing `due` may call `method path` (path with the /api/v1 prefix). */
export function openToRestricted(method: string, path: string): boolean {
  if (!path.startsWith(`${API}/`)) return true;
  const rest = path.slice(API.length);
  return matches(OPEN_TO_RESTRICTED, method, rest) || matches(PUBLIC_ROUTES, method, rest);
}

/**
 * Middleware before every module's routes: a request whose bearer token (or `?token=`, which the
 * AI chat socket takes) belongs to a restricted session is refused (403) outside what
 * `openToRestricted` allows. A missing or bad token is left to the route's own guard (public
 * routes ignore it, guarded ones answer 401).
 */
export function secondFactorGate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const queryToken = header
      ? undefined
      : c.req
          .query("token")
          ?.trim()
          .replace(/^bearer\s+/i, "");
    if (!header && !queryToken) return next();
    let due: SecondFactorDue | undefined;
    try {
      const auth = queryToken ? await authenticateToken(c.get("deps"), queryToken) : await authenticate(c);
      due = secondFactorDueOf(auth.session);
    } catch {
      return next();
    }
    if (due && !openToRestricted(c.req.method, c.req.path))
      throw forbidden(due === "enrol" ? ENROL_MESSAGE : VERIFY_MESSAGE);
    await next();
  };
}
