import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { desc, eq } from "drizzle-orm";
import { addressFromChain, trustedProxies } from "@/core/http/client-ip";
import { formatIp, inRange, parseCidr, parseIp } from "@/core/http/ip-address";
import { createTestApp, type TestApp } from "../support/app";

const LOGIN = "/api/v1/system/auth/login";
const HEALTH = "/api/v1/common/health/";

/** A leftmost entry the client made up: a new one on every request. */
const spoof = () =>
  `${1 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 255)}.7.${Math.floor(Math.random() * 255)}`;

function login(t: TestApp, peer: string, xff: string | string[]) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
  for (const h of Array.isArray(xff) ? xff : [xff]) headers.append("X-Forwarded-For", h);
  const body = new URLSearchParams({ username: "nobody", password: "wrong-password" }).toString();
  return t.request(LOGIN, { method: "POST", headers, body }, peer);
}

async function lastLoginIp(t: TestApp): Promise<string | undefined> {
  const { sys_log } = t.deps.db.t;
  const [row] = await t.deps.db.orm
    .select({ ip: sys_log.request_ip })
    .from(sys_log)
    .where(eq(sys_log.request_path, LOGIN))
    .orderBy(desc(sys_log.id))
    .limit(1);
  return row?.ip ?? undefined;
}

describe("parsing addresses and ranges", () => {
  test("addresses in the spellings proxies write, folded to one canonical form", () => {
    const canon = (s: string) => {
      const ip = parseIp(s);
      return ip ? formatIp(ip) : null;
    };
    expect(canon("203.0.113.7")).toBe("203.0.113.7");
    expect(canon(" 203.0.113.7:51234 ")).toBe("203.0.113.7");
    expect(canon("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(canon("[::ffff:203.0.113.7]:443")).toBe("203.0.113.7");
    expect(canon("::FFFF:cb00:7107")).toBe("203.0.113.7");
    expect(canon("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(canon("[2001:db8::1]:8080")).toBe("2001:db8::1");
    expect(canon("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(canon("::1")).toBe("::1");
    expect(canon("::")).toBe("::");
    expect(canon("1:2:3:4:5:6:7:8")).toBe("1:2:3:4:5:6:7:8");
    for (const junk of [
      "",
      "unknown",
      "_hidden",
      "example.com",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3.4:99999",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "12345::1",
      "fe80::1%eth0",
      "[::1",
      "1.2.3.4/8",
    ])
      expect({ junk, parsed: parseIp(junk) }).toEqual({ junk, parsed: null });
  });

  test("CIDR ranges: prefix matching on both families, mapped IPv4 folded, malformed refused", () => {
    const inside = (ip: string, cidr: string) => inRange(parseIp(ip)!, parseCidr(cidr)!);
    expect(inside("10.200.3.4", "10.0.0.0/8")).toBe(true);
    expect(inside("11.0.0.1", "10.0.0.0/8")).toBe(false);
    expect(inside("192.168.1.130", "192.168.1.128/25")).toBe(true);
    expect(inside("192.168.1.127", "192.168.1.128/25")).toBe(false);
    expect(inside("172.16.0.1", "172.16.0.1")).toBe(true);
    expect(inside("172.16.0.2", "172.16.0.1")).toBe(false);
    expect(inside("1.2.3.4", "0.0.0.0/0")).toBe(true);
    expect(inside("2001:db8:1::5", "2001:db8::/32")).toBe(true);
    expect(inside("2001:db9::5", "2001:db8::/32")).toBe(false);
    expect(inside("::ffff:10.1.1.1", "10.0.0.0/8")).toBe(true);
    expect(inside("10.1.1.1", "::ffff:10.0.0.0/104")).toBe(true);
    expect(inside("10.1.1.1", "2001:db8::/32")).toBe(false);
    for (const bad of ["10.0.0.0/33", "2001:db8::/129", "10.0.0.0/8/1", "10.0.0.0/x", "nope", "[::1]/128"])
      expect({ bad, parsed: parseCidr(bad) }).toEqual({ bad, parsed: null });
  });

  test("the setting is parsed once, and a list with a non-address refuses to load", () => {
    expect(trustedProxies("2")).toEqual({ hops: 2 });
    expect(trustedProxies("10.0.0.0/8, ::1")).toBe(trustedProxies("10.0.0.0/8, ::1"));
    expect(() => trustedProxies("10.0.0.0/8,999.1.1.1")).toThrow();
  });
});

describe("walking the chain from the right", () => {
  const walk = (xff: string[], peer: string, setting: string) =>
    formatIp(addressFromChain(xff, parseIp(peer)!, trustedProxies(setting)));

  test("a hop count takes the entry that many hops from the right, the peer being the nearest", () => {
    expect(walk(["6.6.6.6", "203.0.113.7"], "10.0.0.1", "1")).toBe("203.0.113.7");
    expect(walk(["6.6.6.6", "203.0.113.7", "10.0.0.2"], "10.0.0.1", "2")).toBe("203.0.113.7");
    expect(walk(["6.6.6.6"], "10.0.0.1", "0")).toBe("10.0.0.1");
    // Fewer entries than proxies: the leftmost address there is.
    expect(walk(["203.0.113.7"], "10.0.0.1", "3")).toBe("203.0.113.7");
    expect(walk([], "10.0.0.1", "1")).toBe("10.0.0.1");
  });

  test("a range list skips our proxies and stops at the first address outside them", () => {
    const list = "10.0.0.0/8,fd00::/8";
    expect(walk(["6.6.6.6", "203.0.113.7", "10.9.9.9"], "10.0.0.1", list)).toBe("203.0.113.7");
    expect(walk(["6.6.6.6", "2001:db8::7", "fd00::2"], "fd00::1", list)).toBe("2001:db8::7");
    // Not through our proxy at all: the peer is the client, whatever it wrote.
    expect(walk(["6.6.6.6"], "198.51.100.4", list)).toBe("198.51.100.4");
    // Only proxies in the chain: the leftmost.
    expect(walk(["10.3.3.3"], "10.0.0.1", list)).toBe("10.3.3.3");
  });

  test("an entry that is not an address stops the walk at the last trusted address", () => {
    expect(walk(["6.6.6.6", "garbage"], "10.0.0.1", "1")).toBe("10.0.0.1");
    expect(walk(["6.6.6.6", "garbage", "10.5.5.5"], "10.0.0.1", "10.0.0.0/8")).toBe("10.5.5.5");
    expect(walk(["6.6.6.6", "[2001:db8::7]:443", "10.5.5.5:80"], "10.0.0.1", "10.0.0.0/8")).toBe(
      "2001:db8::7",
    );
  });
});

describe("behind one proxy (TRUSTED_PROXIES=1)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: "true",
      TRUSTED_PROXIES: "1",
      LOGIN_IP_LIMIT_PER_MINUTE: "3",
      RATE_LIMIT_PER_MINUTE: "5",
    });
  }, 30_000);
  afterAll(() => t.close());

  test("spoofed leftmost entries do not escape the per-IP login limit, and the log has the real IP", async () => {
    for (let i = 0; i < 3; i++)
      expect((await login(t, "10.0.0.1", `${spoof()}, 203.0.113.7`)).status).toBe(400);
    expect(await lastLoginIp(t)).toBe("203.0.113.7");
    expect((await login(t, "10.0.0.1", `${spoof()}, ${spoof()}, 203.0.113.7`)).status).toBe(429);
    // Repeated headers are one chain; the client's own header comes first.
    expect((await login(t, "10.0.0.1", [spoof(), "203.0.113.7"])).status).toBe(429);
    expect((await login(t, "10.0.0.1", [`${spoof()}`, "[::ffff:203.0.113.7]:1234"])).status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await login(t, "10.0.0.1", `203.0.113.7, 203.0.113.8`)).status).toBe(400);
    expect(await lastLoginIp(t)).toBe("203.0.113.8");
  });

  test("spoofed leftmost entries do not escape the general API limit", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 6; i++)
      last = await t.request(
        HEALTH,
        { headers: { "X-Forwarded-For": `${spoof()}, 198.51.100.20` } },
        "10.0.0.1",
      );
    expect(last?.status).toBe(429);
    const other = await t.request(HEALTH, { headers: { "X-Forwarded-For": "198.51.100.21" } }, "10.0.0.1");
    expect(other.status).toBe(200);
  });

  test("a junk entry where the proxy's should be stops at the proxy itself", async () => {
    await login(t, "10.0.0.7", `${spoof()}, not-an-ip`);
    expect(await lastLoginIp(t)).toBe("10.0.0.7");
  });
});

describe("behind listed proxies (TRUSTED_PROXIES=CIDRs)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: "true",
      TRUSTED_PROXIES: "10.0.0.0/8, 2001:db8:ffff::/48",
      LOGIN_IP_LIMIT_PER_MINUTE: "2",
    });
  }, 30_000);
  afterAll(() => t.close());

  test("our proxies are skipped from the right; what the client wrote before them is ignored", async () => {
    await login(t, "10.0.0.1", `${spoof()}, 2001:db8:1::9, 10.20.30.40`);
    expect(await lastLoginIp(t)).toBe("2001:db8:1::9");
    await login(t, "2001:db8:ffff::1", `${spoof()}, 2001:db8:1::9`);
    expect((await login(t, "10.0.0.1", `${spoof()}, ${spoof()}, 2001:DB8:1:0::9, 10.1.1.1`)).status).toBe(
      429,
    );
  });

  test("a peer outside the list is the client, whatever X-Forwarded-For says", async () => {
    await login(t, "198.51.100.50", "10.0.0.3, 1.1.1.1");
    expect(await lastLoginIp(t)).toBe("198.51.100.50");
  });
});

describe("without TRUST_PROXY", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_IP_LIMIT_PER_MINUTE: "2" });
  }, 30_000);
  afterAll(() => t.close());

  test("X-Forwarded-For is ignored: the socket peer is the client", async () => {
    await login(t, "198.51.100.60", "203.0.113.99");
    expect(await lastLoginIp(t)).toBe("198.51.100.60");
    await login(t, "198.51.100.60", spoof());
    expect((await login(t, "198.51.100.60", spoof())).status).toBe(429);
    await login(t, "::ffff:198.51.100.61", "203.0.113.99");
    expect(await lastLoginIp(t)).toBe("198.51.100.61");
  });
});
