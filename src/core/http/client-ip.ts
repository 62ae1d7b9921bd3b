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

/**
 * The origin clients reach this server at, for URLs we hand out (uploaded files, OAuth
 * callbacks). Behind a trusted proxy it is the forwarded scheme and host, not the internal one.
 */
export function publicOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  if (c.get("deps").settings.TRUST_PROXY) {
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
    const host = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
    if (proto === "http" || proto === "https") url.protocol = `${proto}:`;
    if (host && /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) url.host = host;
  }
  return url.origin;
}
