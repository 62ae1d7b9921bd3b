import type { MiddlewareHandler } from "hono";
import type { AppDeps, AppEnv } from "@/core/context";
import { clientIp } from "@/core/http/client-ip";
import { fail } from "@/core/http/envelope";
import { getParamValue } from "./param.service";

/*
 * Demo mode and the IP black list (contract §7.3), driven by system parameters read through the
 * parameter cache, so an edit in the admin UI takes effect on the next request.
 */

export const DEMO_BLOCKED_MSG = "演示环境，禁止操作";

/** Methods that cannot change anything: allowed in demo mode (CORS preflights included). */
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A list parameter: a JSON array of strings as seeded; a comma/newline separated text is read
 * too (admins edit these by hand). Anything unreadable is an empty list.
 */
export function parseListParam(value: string | null | undefined): string[] {
  if (!value) return [];
  const text = value.trim();
  if (!text) return [];
  if (text.startsWith("[")) {
    try {
      const list = JSON.parse(text);
      return Array.isArray(list) ? list.map((v) => String(v).trim()).filter(Boolean) : [];
    } catch {
      return [];
    }
  }
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `demo_enable` is on only for the text `true` (any case), as upstream compared it. */
export const isDemoEnabled = (value: string | null | undefined) => value?.trim().toLowerCase() === "true";

export interface DemoParams {
  demoEnabled: boolean;
  ipBlackList: string[];
  ipWhiteList: string[];
  pathWhiteList: string[];
}

export interface DemoRequest {
  ip: string;
  method: string;
  /** the full path, e.g. `/api/v1/system/auth/login` */
  path: string;
}

const samePath = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/**
 * Whether a request is refused: a black-listed IP always; in demo mode any write unless the
 * IP or the exact path is white-listed.
 */
export function isBlocked(params: DemoParams, req: DemoRequest): boolean {
  if (params.ipBlackList.includes(req.ip)) return true;
  if (!params.demoEnabled || READ_METHODS.has(req.method.toUpperCase())) return false;
  if (params.ipWhiteList.includes(req.ip)) return false;
  return !params.pathWhiteList.some((p) => samePath(p, req.path));
}

/** Reads only the parameters the request needs (a plain GET costs one cache read). */
async function decide(deps: AppDeps, req: DemoRequest): Promise<boolean> {
  const ipBlackList = parseListParam(await getParamValue(deps, "ip_black_list"));
  const base: DemoParams = { demoEnabled: false, ipBlackList, ipWhiteList: [], pathWhiteList: [] };
  if (ipBlackList.includes(req.ip) || READ_METHODS.has(req.method.toUpperCase())) return isBlocked(base, req);
  const demoEnabled = isDemoEnabled(await getParamValue(deps, "demo_enable"));
  if (!demoEnabled) return false;
  const [ipWhite, pathWhite] = await Promise.all([
    getParamValue(deps, "ip_white_list"),
    getParamValue(deps, "white_api_list_path"),
  ]);
  return isBlocked(
    {
      demoEnabled,
      ipBlackList,
      ipWhiteList: parseListParam(ipWhite),
      pathWhiteList: parseListParam(pathWhite),
    },
    req,
  );
}

/**
 * Middleware (mount it app-wide, after the request context): answers HTTP 400 / code 1
 * `演示环境，禁止操作` to blocked requests. If the parameters cannot be read the request goes on,
 * as upstream fell back to "demo off, empty lists".
 */
export function demoModeGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    const req: DemoRequest = { ip: clientIp(c), method: c.req.method, path: c.req.path };
    let blocked = false;
    try {
      blocked = await decide(deps, req);
    } catch (err) {
      (c.get("logger") ?? deps.logger).warn("demo mode parameters unreadable", { err });
    }
    if (blocked) return fail(c, 400, 1, DEMO_BLOCKED_MSG);
    await next();
  };
}
