import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps, AppEnv } from "./core/context";
import { mountDocs } from "./core/docs/docs";
import { errorHandler } from "./core/http/error-handler";
import { requestContext } from "./core/http/middleware";
import { notFoundHandler } from "./core/http/not-found";
import { registerErrorResponses, routeSummaries } from "./core/http/openapi";
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

  app.onError(errorHandler);
  app.notFound(notFoundHandler(app));

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
