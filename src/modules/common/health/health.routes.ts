import { z } from "@hono/zod-openapi";
import type { AppDeps } from "@/core/context";
import { envelope, ok } from "@/core/http/envelope";
import { envelopeOf } from "@/core/http/openapi";
import { publicRoute } from "@/core/http/route";
import { createRouter } from "@/core/http/router";

const readiness = z.object({
  checks: z.object({ database: z.boolean().nullable(), redis: z.boolean().nullable() }),
  errors: z.array(z.string()).nullable(),
});

const live = publicRoute({
  method: "get",
  path: "/health/",
  tags: ["健康检查"],
  summary: "存活检查",
  responses: {
    200: { description: "系统健康", content: { "application/json": { schema: envelopeOf(z.boolean()) } } },
  },
});

const ready = publicRoute({
  method: "get",
  path: "/health/ready/",
  tags: ["健康检查"],
  summary: "就绪检查 (数据库与缓存)",
  responses: {
    200: { description: "依赖就绪", content: { "application/json": { schema: envelopeOf(readiness) } } },
    503: { description: "依赖未就绪", content: { "application/json": { schema: envelopeOf(readiness) } } },
  },
});

/** Waits at most `ms` for a check so a hung dependency answers "not ready" instead of hanging. */
async function probe(name: string, check: () => Promise<unknown>, ms = 3000): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    });
    const result = await Promise.race([check(), timeout]);
    if (result === false) return `${name}:ping failed`;
    return null;
  } catch (err) {
    return `${name}:${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(deps: AppDeps) {
  return createRouter()
    .openapi(live, (c) => ok(c, true))
    .openapi(ready, async (c) => {
      const [dbError, cacheError] = await Promise.all([
        probe("database", () => deps.db.ping()),
        probe("redis", () => deps.cache.ping()),
      ]);
      const errors = [dbError, cacheError].filter((e): e is string => e !== null);
      const data = {
        checks: { database: !dbError, redis: !cacheError },
        errors: errors.length ? errors : null,
      };
      if (errors.length) {
        deps.logger.warn("readiness check failed", { errors });
        return c.json({ ...envelope(503, "依赖未就绪", data, 503), success: false }, 503);
      }
      return ok(c, data);
    });
}
