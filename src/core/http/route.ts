import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";

/** The description of a route's JSON 200 response: the success message its handler's `ok` sends. */
function declaredSuccess(config: RouteConfig): string | undefined {
  const success = config.responses[200];
  if (!success || "$ref" in success || !success.content?.["application/json"]) return undefined;
  return success.description;
}

/**
 * Middleware of a route that answers a JSON envelope: puts the message its 200 response declares
 * into the context, where `ok(c, data)` reads it — the message is written once, in the route.
 */
export function successMessage(config: RouteConfig): MiddlewareHandler[] {
  const msg = declaredSuccess(config);
  if (!msg) return [];
  return [
    async (c, next) => {
      c.set("successMsg", msg);
      await next();
    },
  ];
}

/** The route config's own middleware as a list. */
export function middlewareOf(config: RouteConfig): MiddlewareHandler[] {
  if (!config.middleware) return [];
  return (Array.isArray(config.middleware) ? config.middleware : [config.middleware]) as MiddlewareHandler[];
}

/**
 * `createRoute` for a public route (no token needed; guarded routes use `guardedRoute`): adds the
 * success-message middleware, so its handler answers `ok(c, data)`.
 */
export function publicRoute<const R extends RouteConfig>(config: R) {
  return createRoute({ ...config, middleware: [...successMessage(config), ...middlewareOf(config)] });
}
