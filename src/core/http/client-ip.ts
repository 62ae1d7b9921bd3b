import type { Context } from "hono";
import type { AppEnv } from "../context";

/**
 * The caller's IP. X-Forwarded-For is believed only with TRUST_PROXY (anyone can send it);
 * on Workers Cloudflare sets CF-Connecting-IP itself; under Bun the entry passes the socket peer.
 */
export function clientIp(c: Context<AppEnv>): string {
  const { settings, runtime } = c.get("deps");
  if (settings.TRUST_PROXY) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  if (runtime === "workerd") {
    const cf = c.req.header("cf-connecting-ip");
    if (cf) return cf;
  }
  const peer = (c.env as { clientIp?: string } | undefined)?.clientIp;
  return peer ? peer.replace(/^::ffff:/, "") : "127.0.0.1";
}
