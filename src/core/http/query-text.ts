import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "@/core/context";
import { validationError } from "./errors";

/** C0 controls, DEL and C1 controls: never part of a name, code or search text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export const CONTROL_CHARACTER_MSG = "查询条件不能包含控制字符";

/**
 * Refuses (422) any query-string key or value holding a control character, before any route
 * reads it. One rule for every list filter on both dialects: libSQL cuts a LIKE pattern at a
 * NUL, so `?username=%00` used to match every row.
 */
export function refuseControlCharactersInQuery(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url;
    const at = url.indexOf("?");
    if (at >= 0) {
      let params: URLSearchParams | null = null;
      try {
        params = new URLSearchParams(url.slice(at + 1));
      } catch {
        params = null;
      }
      if (params)
        for (const [key, value] of params)
          if (CONTROL_CHARACTER.test(key) || CONTROL_CHARACTER.test(value))
            throw validationError(CONTROL_CHARACTER_MSG);
    }
    await next();
  };
}
