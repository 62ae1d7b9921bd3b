import type { Context } from "hono";
import type { AppEnv } from "@/core/context";
import { formatIp, type IpAddress, type IpRange, inRange, parseCidr, parseIp } from "./ip-address";

/** TRUSTED_PROXIES, parsed: how many proxies stand in front of us, or which addresses they have. */
export type TrustedProxies = { hops: number } | { ranges: IpRange[] };

const parsedSettings = new Map<string, TrustedProxies>();

/**
 * Parses TRUSTED_PROXIES once per distinct value (settings never change while the app runs).
 * A malformed list entry throws: config validation lets only well-formed text through.
 */
export function trustedProxies(setting: string): TrustedProxies {
  const known = parsedSettings.get(setting);
  if (known) return known;
  let parsed: TrustedProxies;
  if (/^\s*\d+\s*$/.test(setting)) parsed = { hops: Number(setting) };
  else {
    const ranges = setting.split(",").map((part) => {
      const range = parseCidr(part);
      if (!range) throw new Error(`TRUSTED_PROXIES: not an IP or CIDR: ${part.trim()}`);
      return range;
    });
    parsed = { ranges };
  }
  parsedSettings.set(setting, parsed);
  return parsed;
}

/**
 * The client address our proxies saw, from the hop chain `[...X-Forwarded-For, peer]`, walking
 * from the right (entries on the left are whatever the client chose to send):
 * - a hop count `n`: the peer is the nearest proxy, so the client is `n` hops from the right;
 * - a range list: skip addresses inside it; the first one outside is the client.
 * An entry that is not an address stops the walk at the last trusted one; a chain that runs out
 * gives its leftmost address.
 */
export function addressFromChain(
  forwardedFor: string[],
  peer: IpAddress,
  trusted: TrustedProxies,
): IpAddress {
  let current = peer;
  for (let step = 0; ; step++) {
    if ("hops" in trusted ? step >= trusted.hops : !trusted.ranges.some((r) => inRange(current, r)))
      return current;
    const entry = forwardedFor[forwardedFor.length - 1 - step];
    if (entry === undefined) return current;
    const next = parseIp(entry);
    if (!next) return current;
    current = next;
  }
}

/** Every X-Forwarded-For entry, left to right (repeated headers arrive joined with commas). */
function forwardedChain(c: Context<AppEnv>): string[] {
  const header = c.req.header("x-forwarded-for");
  if (!header) return [];
  // A chain longer than this is junk; its left part is client-written anyway.
  return header.split(",").slice(-64);
}

const LOCALHOST: IpAddress = { bytes: new Uint8Array([127, 0, 0, 1]) };

/**
 * The caller's IP, used for rate limits, lockouts and logs. X-Forwarded-For is believed only
 * with TRUST_PROXY, and only as far as TRUSTED_PROXIES says; on Workers the peer is the
 * CF-Connecting-IP Cloudflare sets itself; under Bun the entry passes the socket peer.
 */
export function clientIp(c: Context<AppEnv>): string {
  const { settings, runtime } = c.get("deps");
  const peerText =
    runtime === "workerd"
      ? c.req.header("cf-connecting-ip")
      : (c.env as { clientIp?: string } | undefined)?.clientIp;
  const peer = (peerText && parseIp(peerText)) || LOCALHOST;
  if (!settings.TRUST_PROXY) return formatIp(peer);
  return formatIp(addressFromChain(forwardedChain(c), peer, trustedProxies(settings.TRUSTED_PROXIES)));
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
