import type { Context, MiddlewareHandler } from "hono";
import { op } from "@/core/cache/cache";
import type { AppDeps, AppEnv } from "@/core/context";
import { clientIp } from "@/core/http/client-ip";
import { fail } from "@/core/http/envelope";
import { paramCacheKey } from "./param.cache";
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

/** What a write consults: read together, so a guarded write costs one cache round trip. */
const WRITE_PARAMS = ["ip_black_list", "demo_enable", "ip_white_list", "white_api_list_path"] as const;

/**
 * Parameter values by key: the cached entries in one pipeline; an entry missing or unreadable is
 * loaded (and cached again) through the parameter cache, as a single read would.
 */
async function paramValues<const K extends readonly string[]>(
  deps: AppDeps,
  keys: K,
): Promise<{ [I in keyof K]: string | null }> {
  const raw = await deps.cache.pipeline(keys.map((k) => op.get(paramCacheKey(k))));
  const values = await Promise.all(
    keys.map(async (k, i) => {
      const entry = cachedEntry(raw[i] ?? null, k);
      return entry === undefined ? getParamValue(deps, k) : (entry?.config_value ?? null);
    }),
  );
  return values as { [I in keyof K]: string | null };
}

/** A cached parameter entry as `cachedParam` accepts it: a row of that key, JSON `null` (no such key), else undefined. */
function cachedEntry(
  raw: string | null,
  configKey: string,
): { config_value: string | null } | null | undefined {
  if (raw === null || raw === "") return undefined;
  try {
    const value = JSON.parse(raw) as { config_key?: unknown; config_value?: string | null } | null;
    if (value === null) return null;
    if (typeof value === "object" && value.config_key === configKey)
      return { config_value: value.config_value ?? null };
  } catch {
    // unreadable: rebuilt by the parameter cache
  }
  return undefined;
}

/** Reads only the parameters the request needs: a plain GET one entry, a write all four at once. */
async function decide(deps: AppDeps, req: DemoRequest): Promise<boolean> {
  if (READ_METHODS.has(req.method.toUpperCase())) {
    const ipBlackList = parseListParam(await getParamValue(deps, "ip_black_list"));
    return ipBlackList.includes(req.ip);
  }
  const [black, demo, ipWhite, pathWhite] = await paramValues(deps, WRITE_PARAMS);
  return isBlocked(
    {
      demoEnabled: isDemoEnabled(demo),
      ipBlackList: parseListParam(black),
      ipWhiteList: parseListParam(ipWhite),
      pathWhiteList: parseListParam(pathWhite),
    },
    req,
  );
}

/**
 * Requests whose route asks for the guard's decision itself (`demoModeRefuses`) beside its own
 * first round trip, instead of waiting for it in front: the login, where at the edge every round
 * trip shows. The route must ask before it answers or records anything.
 */
const ASKED_BY_ROUTE = new Set(["POST /api/v1/system/auth/login"]);

/** The decision the guard started for a request in ASKED_BY_ROUTE, until the route asks for it. */
const pending = new WeakMap<Request, Promise<boolean>>();

/** The request was refused by demo mode or the IP black list (answer it with `demoRefusal`). */
export class DemoModeRefused extends Error {
  constructor() {
    super(DEMO_BLOCKED_MSG);
  }
}

/** What the guard answers a refused request. */
export const demoRefusal = (c: Context) => fail(c, 400, 1, DEMO_BLOCKED_MSG);

/**
 * For a route in ASKED_BY_ROUTE: whether the guard refuses this request (the read started before
 * the route ran). Anywhere else it is decided now.
 */
export function demoModeRefuses(c: Context<AppEnv>): Promise<boolean> {
  const started = pending.get(c.req.raw);
  pending.delete(c.req.raw);
  return started ?? decideOrLetPass(c);
}

/** The decision; if the parameters cannot be read the request goes on (see `demoModeGuard`). */
async function decideOrLetPass(c: Context<AppEnv>): Promise<boolean> {
  const deps = c.get("deps");
  try {
    return await decide(deps, { ip: clientIp(c), method: c.req.method, path: c.req.path });
  } catch (err) {
    (c.get("logger") ?? deps.logger).warn("demo mode parameters unreadable", { err });
    return false;
  }
}

/**
 * Middleware (mount it app-wide, after the request context): answers HTTP 400 / code 1
 * `演示环境，禁止操作` to blocked requests. If the parameters cannot be read the request goes on,
 * as upstream fell back to "demo off, empty lists".
 */
export function demoModeGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const decision = decideOrLetPass(c);
    if (!ASKED_BY_ROUTE.has(`${c.req.method} ${c.req.path}`)) {
      if (await decision) return demoRefusal(c);
      return next();
    }
    pending.set(c.req.raw, decision);
    await next();
    // The route never asked (its input was refused before it ran): answered as in front.
    if (pending.has(c.req.raw)) {
      pending.delete(c.req.raw);
      if (await decision) c.res = demoRefusal(c);
    }
  };
}
