import type { OpenAPIHono } from "@hono/zod-openapi";
import type { NotFoundHandler } from "hono";
import type { AppEnv } from "@/core/context";
import { fail } from "./envelope";

/**
 * The app's `notFound`, called when no route matched: 405 with `Allow` when the path exists for
 * other methods; 307 to the other spelling of the path when only the trailing slash differs
 * (like FastAPI's redirect_slashes); else 404. All inside the envelope.
 */
export function notFoundHandler(app: OpenAPIHono<AppEnv>): NotFoundHandler<AppEnv> {
  const methodsFor = routeMatcher(app);
  return (c) => {
    const path = c.req.path;
    const allowed = methodsFor(path);
    if (allowed.size > 0) {
      c.header("Allow", [...allowed].join(", "));
      return fail(c, 405, 1, "Method Not Allowed");
    }
    const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
    if (other && methodsFor(other).has(c.req.method)) {
      const url = new URL(c.req.url);
      url.pathname = other;
      return c.redirect(url.toString(), 307);
    }
    return fail(c, 404, 1, "Not Found");
  };
}

/** Which methods the app's routes accept for a path (compiled on first use, once all are mounted). */
function routeMatcher(app: OpenAPIHono<AppEnv>) {
  let compiled: { method: string; re: RegExp }[] | undefined;
  return (path: string): Set<string> => {
    compiled ??= app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        re: new RegExp(
          `^${r.path
            .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
            .replace(/\/\\\*$/, "(?:/.*)?")
            .replace(/\*/g, ".*")
            .replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "[^/]+")}$`,
        ),
      }));
    return new Set(compiled.filter((r) => r.re.test(path)).map((r) => r.method));
  };
}
