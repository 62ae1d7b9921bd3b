import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { AppDeps, AppEnv } from "./core/context";
import { mountDocs } from "./core/docs/docs";
import { fail } from "./core/http/envelope";
import { AppError } from "./core/http/errors";
import { requestContext } from "./core/http/middleware";
import { registerErrorResponses } from "./core/http/openapi";
import { refuseControlCharactersInQuery } from "./core/http/query-text";
import { apiRateLimit } from "./core/http/rate-limit";
import { jobs } from "./core/jobs";
import { startJobScheduler } from "./core/jobs/scheduler";
import { operationLog } from "./core/log/operation-log";
import { backgroundServices, modules } from "./modules";
import { demoModeGuard } from "./modules/system/param/demo-mode";

export const API_PREFIX = "/api/v1";

/**
 * Builds the one application: cross-cutting middleware, every module's router under /api/v1,
 * the docs, and the error handlers that keep every answer inside the envelope.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", ...requestContext(deps));
  app.use(`${API_PREFIX}/*`, apiRateLimit(deps.settings));
  app.use(`${API_PREFIX}/*`, refuseControlCharactersInQuery());
  app.use(`${API_PREFIX}/*`, demoModeGuard());
  app.use(`${API_PREFIX}/*`, operationLog(routeSummaries(app)));

  for (const mount of modules) app.route(`${API_PREFIX}${mount.path}`, mount.router(deps));
  registerErrorResponses(app.openAPIRegistry);
  mountDocs(app, deps);

  app.onError((err, c) => {
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return fail(c, err.status, err.code, err.message, err.data);
    }
    if (err instanceof HTTPException) {
      // Hono's body parsers signal unreadable input this way; the contract answers 422.
      if (err.status === 400 && /malformed|json/i.test(err.message)) {
        return fail(c, 422, 1, "JSON decode error", null);
      }
      return fail(c, err.status, 1, err.message || "请求错误");
    }
    c.get("logger")?.error("unhandled error", { err, path: c.req.path, method: c.req.method });
    return fail(c, 500, 1, "服务器内部错误");
  });

  const methodsFor = routeMatcher(app);
  app.notFound((c) => {
    const path = c.req.path;
    const allowed = methodsFor(path);
    if (allowed.size > 0) {
      c.header("Allow", [...allowed].join(", "));
      return fail(c, 405, 1, "Method Not Allowed");
    }
    // Like FastAPI's redirect_slashes: the other spelling of the path exists → 307 to it.
    const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
    if (other && methodsFor(other).has(c.req.method)) {
      const url = new URL(c.req.url);
      url.pathname = other;
      return c.redirect(url.toString(), 307);
    }
    return fail(c, 404, 1, "Not Found");
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

export interface Background {
  /** Schedules nothing more and waits for the runs in progress. */
  stop(): Promise<void>;
}

/**
 * Starts the app's background work on a long-lived server: core's periodic jobs and the modules'
 * services (the task scheduler). Entries call this instead of knowing any module.
 */
export function startBackground(deps: AppDeps): Background {
  const scheduler = startJobScheduler(deps, jobs);
  for (const service of backgroundServices) {
    service.start(deps).catch((err) => deps.logger.error(`${service.name} failed to start`, { err }));
  }
  return {
    async stop() {
      await Promise.all([scheduler.stop(), ...backgroundServices.map((s) => s.stop(deps))]);
    },
  };
}

/** `summary` of each documented route by method and Hono path, for the operation log. */
function routeSummaries(app: OpenAPIHono<AppEnv>) {
  let byRoute: Map<string, string> | undefined;
  return (method: string, path: string) => {
    byRoute ??= new Map(
      app.openAPIRegistry.definitions.flatMap((d) =>
        d.type === "route" && d.route.summary
          ? [
              [
                `${d.route.method.toUpperCase()} ${d.route.path.replace(/\{(\w+)\}/g, ":$1")}`,
                d.route.summary,
              ],
            ]
          : [],
      ),
    );
    return byRoute.get(`${method} ${path}`);
  };
}

/** Which methods the app's routes accept for a path (for 405 and trailing-slash redirects). */
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
