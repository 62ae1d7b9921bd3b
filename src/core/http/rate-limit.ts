import type { MiddlewareHandler } from "hono";
import type { Settings } from "@/config";
import { authenticateEarly } from "@/core/auth/guard";
import type { Cache } from "@/core/cache/cache";
import type { AppEnv } from "@/core/context";
import { clientIp, trustedProxies } from "./client-ip";
import { AppError } from "./errors";

export const RATE_LIMITED_MSG = "请求过于频繁，请稍后重试！";

/**
 * Fixed-window counter in the cache (shared by every instance using the same cache). Answers
 * whether this hit is within `limit` per `windowSeconds`, and when the window reopens.
 */
export async function hit(
  cache: Cache,
  key: string,
  limit: number,
  windowSeconds: number,
  now = Date.now(),
): Promise<{ allowed: boolean; count: number; retryAfter: number }> {
  const windowMs = windowSeconds * 1000;
  const bucket = Math.floor(now / windowMs);
  const count = await cache.incr(`rate:${key}:${bucket}`, windowSeconds + 1);
  const retryAfter = Math.max(1, Math.ceil(((bucket + 1) * windowMs - now) / 1000));
  return { allowed: count <= limit, count, retryAfter };
}

export function rateLimited(retryAfter: number, msg = RATE_LIMITED_MSG): AppError {
  return new AppError(
    "rate_limited",
    msg,
    { "Retry-After": String(retryAfter) },
    {
      "Retry-After": String(retryAfter),
    },
  );
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * The general per-IP limit on the API, high enough that normal SPA use never meets it; it stops
 * floods, not users. (It replaces upstream's 5-requests-per-10-s-per-path limiter.) Loopback
 * peers are not limited: that is a reverse proxy on the same host (which should limit, or pass
 * the client's address with TRUST_PROXY) or a local health check.
 */
export function apiRateLimit(settings?: Settings): MiddlewareHandler<AppEnv> {
  // Parsed at build time, so a TRUSTED_PROXIES list the config let through but that is not
  // made of addresses stops the app from starting instead of failing every request.
  if (settings?.TRUST_PROXY) trustedProxies(settings.TRUSTED_PROXIES);
  return async (c, next) => {
    // The guard's session and principal read starts now: it overlaps this limit's round trip and
    // those of the middleware after it (at the edge each is a network hop).
    authenticateEarly(c);
    const { cache, settings } = c.get("deps");
    const ip = clientIp(c);
    if (LOOPBACK.test(ip)) return next();
    const result = await hit(cache, `ip:${ip}`, settings.RATE_LIMIT_PER_MINUTE, 60);
    if (!result.allowed) throw rateLimited(result.retryAfter);
    await next();
  };
}
