import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The contract's response wrapper: every JSON body, success or error, has these five keys. */
export interface Envelope<T = unknown> {
  code: number;
  msg: string;
  data: T;
  status_code: number;
  success: boolean;
}

export function envelope<T>(code: number, msg: string, data: T, status: number): Envelope<T> {
  return { code, msg, data, status_code: status, success: code === 0 };
}

declare module "hono" {
  interface ContextVariableMap {
    /** The success message the matched route declares (its 200 description); see `successMessage`. */
    successMsg?: string;
  }
}

/**
 * A success response: HTTP 200, code 0. `msg` defaults to the message the route declares (the
 * description of its 200 response, set by `guardedRoute` / `publicRoute`), so it is written once,
 * in the route; pass it only when it is computed at run time.
 */
export function ok<T>(c: Context, data: T, msg?: string) {
  return c.json(envelope(0, msg ?? c.get("successMsg") ?? "成功", data, 200), 200);
}

export function fail(c: Context, status: number, code: number, msg: string, data: unknown = null) {
  return c.json(envelope(code, msg, data, status), status as ContentfulStatusCode);
}
