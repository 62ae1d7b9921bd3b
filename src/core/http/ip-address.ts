/**
 * IP addresses and CIDR ranges, parsed by hand (no Node `net` on workerd). An address is kept as
 * its bytes (4 or 16); IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is folded to IPv4 so one client has
 * one spelling in rate-limit keys and logs.
 */
export interface IpAddress {
  bytes: Uint8Array;
}

export interface IpRange {
  bytes: Uint8Array;
  prefix: number;
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    // Decimal only, no leading zeros (some stacks read "010" as octal).
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length > 45) return null;
  let text = s;
  let tail: Uint8Array | null = null;
  if (text.includes(".")) {
    const at = text.lastIndexOf(":");
    tail = parseIpv4(text.slice(at + 1));
    if (!tail) return null;
    text = `${text.slice(0, at + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string | undefined) => (h ? h.split(":") : []);
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i] as string;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = Number.parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

const isMappedV4 = (b: Uint8Array) =>
  b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

const IPV4_WITH_PORT = /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/;

/**
 * One address as a proxy writes it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`,
 * `::ffff:1.2.3.4`; null for anything else (hostnames, `unknown`, obfuscated identifiers, zones).
 */
export function parseIp(raw: string): IpAddress | null {
  let s = raw.trim();
  if (!s || s.length > 64) return null;
  if (s.startsWith("[")) {
    const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
    if (!m || Number(m[2] ?? 0) > 65535) return null;
    s = m[1] as string;
  } else if (IPV4_WITH_PORT.test(s)) {
    const at = s.indexOf(":");
    if (Number(s.slice(at + 1)) > 65535) return null;
    s = s.slice(0, at);
  }
  const bytes = s.includes(":") ? parseIpv6(s) : parseIpv4(s);
  if (!bytes) return null;
  return { bytes: isMappedV4(bytes) ? bytes.slice(12) : bytes };
}

/** The canonical text: dotted IPv4, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (b.length === 4) return b.join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] as number) << 8) | (b[i + 1] as number));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(":");
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128); null when malformed. */
export function parseCidr(raw: string): IpRange | null {
  const [addr, bits, extra] = raw.trim().split("/");
  if (extra !== undefined || addr === undefined) return null;
  // A range is written without brackets or port.
  if (addr.startsWith("[") || IPV4_WITH_PORT.test(addr)) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const max = ip.bytes.length * 8;
  if (bits === undefined) return { bytes: ip.bytes, prefix: max };
  if (!/^\d{1,3}$/.test(bits)) return null;
  let prefix = Number(bits);
  // A mapped-IPv4 range (::ffff:10.0.0.0/104) folds to its IPv4 form like the addresses do.
  if (ip.bytes.length === 4 && addr.includes(":")) prefix -= 96;
  if (prefix < 0 || prefix > max) return null;
  return { bytes: ip.bytes, prefix };
}

export function inRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.bytes.length !== range.bytes.length) return false;
  let left = range.prefix;
  for (let i = 0; left > 0; i++, left -= 8) {
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if (((ip.bytes[i] as number) & mask) !== ((range.bytes[i] as number) & mask)) return false;
  }
  return true;
}
