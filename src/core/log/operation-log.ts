import type { Context, MiddlewareHandler } from "hono";
import { loginLocation, parseUserAgent } from "../auth/user-agent";
import type { AppDeps, AppEnv } from "../context";
import { clientIp } from "../http/client-ip";
import { clip, redact } from "./redact";

export const LOG_TYPE = { LOGIN: 1, OPERATION: 2 } as const;

export interface LogEntry {
  type: 1 | 2;
  path: string;
  method: string;
  payload: unknown;
  status: number;
  response: string | null;
  ms: number;
  description: string;
  /** "0" succeeded, "1" failed */
  outcome: "0" | "1";
  userId: number | null;
}

const MAX_TEXT = 4000;

/** Who sent a request: what the logs and the session record about the client. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export const clientInfo = (c: Context<AppEnv>): ClientInfo => ({
  ip: clientIp(c),
  userAgent: c.req.header("user-agent"),
});

/** Writes one sys_log row (login log or operation log), secrets redacted. Never throws. */
export async function writeLog(
  deps: Pick<AppDeps, "db" | "logger">,
  client: ClientInfo,
  entry: LogEntry,
): Promise<void> {
  const { db } = deps;
  const ip = client.ip;
  const ua = parseUserAgent(client.userAgent);
  try {
    await db.orm.insert(db.t.sys_log).values({
      type: entry.type,
      request_path: clip(entry.path, 250),
      request_method: entry.method,
      request_payload: clip(JSON.stringify(redact(entry.payload)), MAX_TEXT),
      request_ip: ip,
      login_location: loginLocation(ip),
      request_os: ua.os,
      request_browser: ua.browser,
      response_code: entry.status,
      response_json: entry.response === null ? null : clip(entry.response, MAX_TEXT),
      process_time: `${(entry.ms / 1000).toFixed(2)}s`,
      description: entry.description,
      status: entry.outcome,
      created_id: entry.userId,
      updated_id: entry.userId,
    });
  } catch (err) {
    deps.logger.error("writing sys_log failed", { err });
  }
}

async function requestPayload(c: Context<AppEnv>): Promise<unknown> {
  const params = c.req.param();
  const type = c.req.header("content-type") ?? "";
  let body: unknown = null;
  try {
    if (type.includes("application/json")) body = await c.req.json();
    else if (type.includes("form")) {
      const form = await c.req.parseBody({ all: true });
      body = Object.fromEntries(
        Object.entries(form).map(([k, v]) => [
          k,
          v instanceof File ? `<file ${v.name}, ${v.size} bytes>` : v,
        ]),
      );
    }
  } catch {
    body = "<unreadable body>";
  }
  return { body, path_params: Object.keys(params).length ? params : undefined };
}

/**
 * Records every non-GET request under /api/v1 after it ran — failures too (upstream skipped
 * anything that raised). Routes that write a richer entry themselves (login) set `skipOpLog`.
 */
export function operationLog(
  summaries: (method: string, path: string) => string | undefined,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { settings } = c.get("deps");
    if (!settings.OPERATION_LOG_RECORD || c.req.method === "GET" || c.req.method === "OPTIONS") return next();
    const started = performance.now();
    await next();
    if (c.get("skipOpLog")) return;
    const userId = c.get("auth")?.principal.id ?? null;
    const contentType = c.res.headers.get("content-type") ?? "";
    const response = contentType.includes("application/json") ? await c.res.clone().text() : null;
    await writeLog(c.get("deps"), clientInfo(c), {
      // Sign-in traffic is the login log; everything else, authenticated or refused, is an operation.
      type: c.req.path.startsWith("/api/v1/system/auth/") ? LOG_TYPE.LOGIN : LOG_TYPE.OPERATION,
      path: c.req.path,
      method: c.req.method,
      payload: await requestPayload(c),
      status: c.res.status,
      response,
      ms: performance.now() - started,
      description: summaries(c.req.method, c.req.routePath) ?? "",
      outcome: c.res.status < 400 ? "0" : "1",
      userId,
    });
  };
}
