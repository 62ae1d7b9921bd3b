import type { Context, MiddlewareHandler } from "hono";
import { loginLocation, parseUserAgent } from "@/core/auth/user-agent";
import type { Cache } from "@/core/cache/cache";
import type { AppDeps, AppEnv } from "@/core/context";
import { clientIp } from "@/core/http/client-ip";
import { clip, clipBytes, loggableResponse, redact, scrubText } from "./redact";

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
  /** the tenant whose log holds the row (issue 14); absent or null: the platform's */
  tenantId?: number | null;
}

/** Request and response bodies are kept to this many characters (the columns hold far more). */
const MAX_TEXT = 4000;

/** Cache counter (cluster-wide) of sys_log rows that could not be written; the server monitor shows it. */
const FAILED_WRITES_KEY = "audit:failed_writes";

/** How many audit rows were lost since the cache was last emptied; null when the cache cannot tell. */
export async function failedAuditWrites(cache: Cache): Promise<number | null> {
  try {
    return Number((await cache.get(FAILED_WRITES_KEY)) ?? 0);
  } catch {
    return null;
  }
}

/** Who sent a request: what the logs and the session record about the client. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export const clientInfo = (c: Context<AppEnv>): ClientInfo => ({
  ip: clientIp(c),
  userAgent: c.req.header("user-agent"),
});

/** MySQL's TEXT family by size in bytes; LONGTEXT (4 GiB) needs no cut. */
const TEXT_BYTES: Record<string, number> = { tinytext: 255, text: 65_535, mediumtext: 16_777_215 };

/**
 * `text` cut to what `column` holds on this dialect, so no value can make the insert fail:
 * VARCHAR(n) counts characters (utf8mb4), TEXT counts bytes. SQLite enforces neither; it gets
 * the same cuts so a row always fits when the data moves to MySQL.
 */
function fitColumn(column: unknown, text: string): string {
  const { length } = column as { length?: unknown };
  if (typeof length === "number") return clip(text, length);
  const type = (column as { getSQLType(): string }).getSQLType().toLowerCase();
  if (type === "longtext") return text;
  return clipBytes(text, TEXT_BYTES[type] ?? TEXT_BYTES.text);
}

/**
 * Writes one sys_log row (login log or operation log). No secret is stored in either direction:
 * the request is masked, a response that carries a token keeps no body, any other is masked
 * like a request. Never throws, and never fails silently: a lost row is logged as an error and
 * counted for the server monitor.
 */
export async function writeLog(
  deps: Pick<AppDeps, "db" | "logger" | "cache">,
  client: ClientInfo,
  entry: LogEntry,
): Promise<void> {
  const { db } = deps;
  const { sys_log } = db.t;
  const ip = client.ip;
  const ua = parseUserAgent(client.userAgent);
  const response = loggableResponse(entry.response);
  const row: Record<string, unknown> = {
    type: entry.type,
    request_path: scrubText(entry.path),
    request_method: entry.method,
    request_payload: clip(JSON.stringify(redact(entry.payload)) ?? "null", MAX_TEXT),
    request_ip: ip,
    login_location: loginLocation(ip),
    request_os: ua.os,
    request_browser: ua.browser,
    response_code: entry.status,
    response_json: response === null ? null : clip(response, MAX_TEXT),
    process_time: `${(entry.ms / 1000).toFixed(2)}s`,
    description: entry.description,
    status: entry.outcome,
    created_id: entry.userId,
    updated_id: entry.userId,
    tenant_id: entry.tenantId ?? 1,
  };
  for (const [name, value] of Object.entries(row)) {
    if (typeof value === "string") row[name] = fitColumn(sys_log[name as keyof typeof sys_log], value);
  }
  try {
    await db.orm.insert(sys_log).values(row as typeof sys_log.$inferInsert);
  } catch (err) {
    deps.logger.error("writing sys_log failed: this request has no audit row", {
      err,
      method: entry.method,
      path: row.request_path,
      status: entry.status,
      user_id: entry.userId,
    });
    try {
      await deps.cache.incr(FAILED_WRITES_KEY);
    } catch (countErr) {
      deps.logger.error("counting a failed sys_log write failed", { err: countErr });
    }
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
    const tenantId = c.get("auth")?.principal.tenant_id ?? null;
    const contentType = c.res.headers.get("content-type") ?? "";
    const response = contentType.includes("application/json") ? await c.res.clone().text() : null;
    // the request's own logger, so a lost audit row is reported with its request id
    await writeLog({ ...c.get("deps"), logger: c.get("logger") }, clientInfo(c), {
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
      tenantId,
    });
  };
}
