import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps, AppEnv } from "@/core/context";
import { fail } from "./envelope";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The cross-cutting middleware, outermost first: request id + access log, security headers,
 * CORS, gzip. Auth, rate limiting and the operation log are added by the auth layer.
 */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv>[] {
  const { settings } = deps;
  const chain: MiddlewareHandler<AppEnv>[] = [
    async (c, next) => {
      const started = performance.now();
      const incoming = c.req.header("x-request-id");
      const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
      const logger = deps.logger.child({ request_id: requestId });
      c.set("deps", deps);
      c.set("requestId", requestId);
      c.set("logger", logger);
      await next();
      const ms = performance.now() - started;
      c.header("X-Request-ID", requestId);
      c.header("X-Process-Time", (ms / 1000).toFixed(5));
      logger.info("request", {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(ms * 10) / 10,
        user_id: c.get("auth")?.principal.id ?? null,
      });
    },
    secureHeaders({
      // The docs pages load their own scripts from this server; nothing else is embedded.
      crossOriginResourcePolicy: "cross-origin",
      crossOriginEmbedderPolicy: false,
    }),
    cors({
      origin: settings.CORS_ORIGINS.includes("*") ? "*" : settings.CORS_ORIGINS,
      credentials: settings.CORS_CREDENTIALS,
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "X-Request-ID", "X-Tenant-Id"],
      exposeHeaders: ["X-Request-ID", "Content-Disposition", "Retry-After"],
      maxAge: 600,
    }),
  ];
  if (settings.GZIP_ENABLE) chain.push(compress({ encoding: "gzip", threshold: settings.GZIP_MIN_SIZE }));
  // The largest upload plus room for the multipart envelope; anything bigger is refused unread.
  chain.push(
    bodyLimit({
      maxSize: settings.MAX_FILE_SIZE + 1024 * 1024,
      onError: (c) =>
        fail(c, 413, -1, `请求体过大，最大允许 ${Math.floor(settings.MAX_FILE_SIZE / 1024 / 1024) + 1}MB`),
    }),
  );
  return chain;
}
