import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "@upstash/redis/cloudflare";
import { type Cache, op } from "@/core/cache/cache";
import { cacheFileBeside, createFileCache } from "@/core/cache/file";
import { createMemoryCache } from "@/core/cache/memory";
import { createRedisCache } from "@/core/cache/redis";
import { createUpstashCache } from "@/core/cache/upstash";
import { clearCache } from "../support/cache";
import { startUpstashProxy } from "../support/upstash-proxy";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const PROXY_TOKEN = "test-token";

/** Why Redis cannot be used, or null when it answers. */
async function probeRedis(url: string): Promise<string | null> {
  try {
    const cache = await createRedisCache({ url, connectTimeoutMs: 2000 });
    const ok = await cache.ping();
    await cache.close();
    return ok ? null : "PING did not answer PONG";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const redisProblem = await probeRedis(REDIS_URL);
if (redisProblem && !process.env.CI) {
  console.warn(`skipping the redis and upstash cache suites (set CI to make this fail): ${redisProblem}`);
}

/** Runs suites that need Redis; without it they fail under CI and are skipped elsewhere. */
function withRedis(name: string, body: () => void) {
  if (redisProblem && process.env.CI) {
    describe(name, () => {
      test("Redis is reachable", () => {
        throw new Error(`Redis at ${REDIS_URL} is required under CI: ${redisProblem}`);
      });
    });
  } else {
    describe.skipIf(redisProblem !== null)(name, body);
  }
}

const sorted = (xs: string[]) => [...xs].sort();

/**
 * The behaviour every driver must share. `factory(prefix)` builds a cache whose keys live under
 * that driver prefix; the suite removes its keys and closes its caches afterwards.
 */
function cacheContract(name: string, factory: (prefix: string) => Promise<Cache>) {
  describe(`cache contract: ${name}`, () => {
    const base = `test:${crypto.randomUUID()}:`;
    let cache: Cache;
    let sibling: Cache;

    beforeAll(async () => {
      // Unescaped, "*:" in the first prefix would make SCAN match the sibling's "x:" keys too.
      cache = await factory(`${base}*:`);
      sibling = await factory(`${base}x:`);
    });

    afterAll(async () => {
      for (const c of [cache, sibling]) {
        if (!c) continue;
        await clearCache(c);
        await c.close();
      }
    });

    test("reports its driver and answers ping", async () => {
      expect(cache.driver).toBe(name as Cache["driver"]);
      expect(await cache.ping()).toBe(true);
    });

    test("get, set and overwrite", async () => {
      expect(await cache.get("gs:missing")).toBeNull();
      await cache.set("gs:k", "one");
      expect(await cache.get("gs:k")).toBe("one");
      await cache.set("gs:k", "two");
      expect(await cache.get("gs:k")).toBe("two");
    });

    test("values and keys round-trip unchanged, unicode included", async () => {
      const values = [
        "",
        "OK",
        "123",
        "null",
        '{"a":1}',
        "héllo wörld ✓ 中文 🎉",
        'line\nbreak "quoted" \\ back',
        "nul\u0000inside",
      ];
      for (const [i, value] of values.entries()) await cache.set(`rt:${i}`, value);
      for (const [i, value] of values.entries()) expect(await cache.get(`rt:${i}`)).toBe(value);

      await cache.set("ключ:🔑", "значение");
      expect(await cache.get("ключ:🔑")).toBe("значение");
      expect(await cache.keys("ключ:")).toEqual(["ключ:🔑"]);
    });

    test("ttl: -2 when missing, -1 without expiry, else seconds left", async () => {
      expect(await cache.ttl("ttl:missing")).toBe(-2);
      await cache.set("ttl:forever", "v");
      expect(await cache.ttl("ttl:forever")).toBe(-1);
      await cache.set("ttl:100", "v", 100);
      expect(await cache.ttl("ttl:100")).toBe(100);
    });

    test("set without ttl removes an existing ttl", async () => {
      await cache.set("persist:k", "v", 100);
      await cache.set("persist:k", "w");
      expect(await cache.ttl("persist:k")).toBe(-1);
      expect(await cache.get("persist:k")).toBe("w");
    });

    test("non-positive TTLs are rejected", async () => {
      await expect(cache.set("bad:k", "v", 0)).rejects.toThrow(RangeError);
      await expect(cache.incr("bad:n", -1)).rejects.toThrow(RangeError);
      await expect(cache.lock("bad:l", 0)).rejects.toThrow(RangeError);
      expect(await cache.get("bad:k")).toBeNull();
    });

    test("del answers how many keys existed", async () => {
      await cache.set("del:a", "1");
      await cache.set("del:b", "2");
      expect(await cache.del("del:a", "del:b", "del:missing")).toBe(2);
      expect(await cache.get("del:a")).toBeNull();
      expect(await cache.del("del:a")).toBe(0);
      expect(await cache.del()).toBe(0);
      await cache.set("del:c", "3");
      expect(await cache.del("del:c", "del:c")).toBe(1);
    });

    test("incr creates at 1, then counts; non-integers are refused", async () => {
      expect(await cache.incr("incr:n")).toBe(1);
      expect(await cache.incr("incr:n")).toBe(2);
      expect(await cache.get("incr:n")).toBe("2");
      expect(await cache.ttl("incr:n")).toBe(-1);

      await cache.set("incr:41", "41");
      expect(await cache.incr("incr:41")).toBe(42);

      await cache.set("incr:text", "abc");
      await expect(cache.incr("incr:text")).rejects.toThrow();
      expect(await cache.get("incr:text")).toBe("abc");
    });

    test("incr applies its ttl only when it creates the key", async () => {
      expect(await cache.incr("incrttl:new", 100)).toBe(1);
      expect(await cache.ttl("incrttl:new")).toBe(100);
      expect(await cache.incr("incrttl:new", 5)).toBe(2);
      expect(await cache.ttl("incrttl:new")).toBe(100);

      await cache.set("incrttl:zero", "0");
      expect(await cache.incr("incrttl:zero", 100)).toBe(1);
      expect(await cache.ttl("incrttl:zero")).toBe(-1);
    });

    test("compareAndSet writes only over the expected value (null: only a missing key)", async () => {
      expect(await cache.compareAndSet("cas:k", null, "one", 100)).toBe(true);
      expect(await cache.get("cas:k")).toBe("one");
      expect(await cache.ttl("cas:k")).toBe(100);
      expect(await cache.compareAndSet("cas:k", null, "other")).toBe(false);
      expect(await cache.compareAndSet("cas:k", "wrong", "other")).toBe(false);
      expect(await cache.compareAndSet("cas:k", "", "other")).toBe(false);
      expect(await cache.get("cas:k")).toBe("one");
      expect(await cache.ttl("cas:k")).toBe(100);

      expect(await cache.compareAndSet("cas:k", "one", "two", 50)).toBe(true);
      expect(await cache.get("cas:k")).toBe("two");
      expect(await cache.ttl("cas:k")).toBe(50);
      expect(await cache.compareAndSet("cas:k", "two", "three")).toBe(true);
      expect(await cache.ttl("cas:k")).toBe(-1);

      expect(await cache.compareAndSet("cas:missing", "one", "x")).toBe(false);
      expect(await cache.get("cas:missing")).toBeNull();

      const value = 'héllo ✓ 🎉 "q" \\ \n nul\u0000end';
      await cache.set("cas:u", value);
      expect(await cache.compareAndSet("cas:u", value, `${value}!`)).toBe(true);
      expect(await cache.get("cas:u")).toBe(`${value}!`);
      await cache.set("cas:empty", "");
      expect(await cache.compareAndSet("cas:empty", null, "x")).toBe(false);
      expect(await cache.compareAndSet("cas:empty", "", "x")).toBe(true);

      await expect(cache.compareAndSet("cas:k", "three", "four", 0)).rejects.toThrow(RangeError);
      expect(await cache.get("cas:k")).toBe("three");
    });

    test("50 concurrent compareAndSet calls from one value: exactly one wins", async () => {
      await cache.set("cas:race", "v0", 100);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => cache.compareAndSet("cas:race", "v0", `v${i + 1}`, 100)),
      );
      const winners = results.flatMap((won, i) => (won ? [i + 1] : []));
      expect(winners).toHaveLength(1);
      expect(await cache.get("cas:race")).toBe(`v${winners[0]}`);
    });

    test("expire sets a ttl on existing keys only", async () => {
      expect(await cache.expire("exp:missing", 10)).toBe(false);
      expect(await cache.ttl("exp:missing")).toBe(-2);
      await cache.set("exp:k", "v");
      expect(await cache.expire("exp:k", 50)).toBe(true);
      expect(await cache.ttl("exp:k")).toBe(50);
      expect(await cache.expire("exp:k", 20)).toBe(true);
      expect(await cache.ttl("exp:k")).toBe(20);
    });

    test("keys lists logical names under a prefix", async () => {
      for (const k of ["k:a", "k:b", "k:c:d", "kx", "other"]) await cache.set(`keys:${k}`, "v");
      expect(sorted(await cache.keys("keys:k:"))).toEqual(["keys:k:a", "keys:k:b", "keys:k:c:d"]);
      expect(sorted(await cache.keys("keys:k"))).toEqual(["keys:k:a", "keys:k:b", "keys:k:c:d", "keys:kx"]);
      expect(await cache.keys("keys:none:")).toEqual([]);
    });

    test("keys treats glob characters in the prefix literally", async () => {
      const literal = "glob:a*b?[c]\\:";
      await cache.set(`${literal}1`, "v");
      // Read as a pattern, the prefix would match the first two and miss the literal key.
      for (const k of ["glob:aXXbYc:2", "glob:abZc:3", "glob:a*b?[c]:4"]) await cache.set(k, "v");
      expect(await cache.keys(literal)).toEqual([`${literal}1`]);
      expect(sorted(await cache.keys("glob:a*b?["))).toEqual(sorted(["glob:a*b?[c]:4", `${literal}1`]));
    });

    test("caches with different driver prefixes do not see each other", async () => {
      await cache.set("iso:shared", "mine");
      await sibling.set("iso:shared", "theirs");
      await sibling.set("iso:only-sibling", "x");
      expect(await cache.get("iso:shared")).toBe("mine");
      expect(await sibling.get("iso:shared")).toBe("theirs");
      expect(await cache.get("iso:only-sibling")).toBeNull();
      expect(await cache.keys("iso:")).toEqual(["iso:shared"]);
      expect(sorted(await sibling.keys("iso:"))).toEqual(["iso:only-sibling", "iso:shared"]);
      expect((await cache.keys("")).some((k) => k.includes("only-sibling"))).toBe(false);
      expect(await cache.del("iso:shared")).toBe(1);
      expect(await sibling.get("iso:shared")).toBe("theirs");
    });

    test("lock is exclusive until released", async () => {
      const first = await cache.lock("lock:a", 10_000);
      expect(first).not.toBeNull();
      expect(await cache.lock("lock:a", 10_000)).toBeNull();
      expect(await sibling.lock("lock:a", 10_000)).not.toBeNull();
      await first!.release();
      await first!.release();
      const second = await cache.lock("lock:a", 10_000);
      expect(second).not.toBeNull();
      await second!.release();
    });

    // Every expiry case shares one wait to keep the file fast.
    test("expiry: keys, counters and locks vanish after their ttl", async () => {
      await cache.set("ttlwait:gone", "v", 1);
      await cache.set("ttlwait:kept", "v");
      expect(await cache.incr("ttlwait:counter", 1)).toBe(1);
      const stale = await cache.lock("ttlwait:lock", 1000);
      expect(stale).not.toBeNull();
      expect(await cache.ttl("ttlwait:gone")).toBe(1);
      expect(sorted(await cache.keys("ttlwait:"))).toEqual([
        "ttlwait:counter",
        "ttlwait:gone",
        "ttlwait:kept",
        "ttlwait:lock",
      ]);

      await Bun.sleep(1150);

      expect(await cache.get("ttlwait:gone")).toBeNull();
      expect(await cache.ttl("ttlwait:gone")).toBe(-2);
      expect(await cache.keys("ttlwait:")).toEqual(["ttlwait:kept"]);
      expect(await cache.incr("ttlwait:counter", 1)).toBe(1);

      const current = await cache.lock("ttlwait:lock", 10_000);
      expect(current).not.toBeNull();
      // The expired holder's release must not free the lock the new holder owns.
      await stale!.release();
      expect(await cache.lock("ttlwait:lock", 10_000)).toBeNull();
      await current!.release();
      expect(await cache.lock("ttlwait:lock", 10_000)).not.toBeNull();
    });

    test("200 concurrent incr calls count to 200", async () => {
      const results = await Promise.all(Array.from({ length: 200 }, () => cache.incr("race:n", 100)));
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await cache.get("race:n")).toBe("200");
      expect(await cache.ttl("race:n")).toBe(100);
    });

    test("pipeline runs its commands in order and answers each as its method does", async () => {
      await cache.set("pipe:old", "x", 100);
      await cache.set("pipe:text", "abc");
      const results = await cache.pipeline([
        op.get("pipe:missing"),
        op.set("pipe:a", "å ✓ 1", 100),
        op.get("pipe:a"),
        op.incr("pipe:n", 50),
        op.incr("pipe:n", 5),
        op.ttl("pipe:n"),
        op.ttl("pipe:missing"),
        op.set("pipe:forever", "f"),
        op.ttl("pipe:forever"),
        op.expire("pipe:forever", 30),
        op.expire("pipe:missing", 30),
        op.del("pipe:old"),
        op.del("pipe:old"),
        op.get("pipe:text"),
      ]);
      expect(results).toEqual([null, true, "å ✓ 1", 1, 2, 50, -2, true, -1, true, false, 1, 0, "abc"]);
      expect(await cache.get("pipe:a")).toBe("å ✓ 1");
      expect(await cache.ttl("pipe:a")).toBe(100);
      expect(await cache.ttl("pipe:forever")).toBe(30);
      expect(await cache.get("pipe:old")).toBeNull();
      expect(await cache.pipeline([])).toEqual([]);
      // keys of a pipeline are under the driver prefix like every other key
      expect(await sibling.get("pipe:a")).toBeNull();
      expect(sorted(await cache.keys("pipe:"))).toEqual(["pipe:a", "pipe:forever", "pipe:n", "pipe:text"]);
    });

    test("pipeline checks every TTL before running anything, and rejects a failing command", async () => {
      await expect(cache.pipeline([op.set("pipebad:k", "v"), op.incr("pipebad:n", 0)])).rejects.toThrow(
        RangeError,
      );
      await expect(cache.pipeline([op.expire("pipebad:k", -1)])).rejects.toThrow(RangeError);
      expect(await cache.get("pipebad:k")).toBeNull();
      await cache.set("pipebad:text", "abc");
      await expect(cache.pipeline([op.incr("pipebad:text")])).rejects.toThrow();
      expect(await cache.get("pipebad:text")).toBe("abc");
    });

    test("100 concurrent pipelines do not interleave", async () => {
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          cache.pipeline([op.incr("pipeatom:n", 100), op.get("pipeatom:n"), op.incr("pipeatom:m", 100)]),
        ),
      );
      for (const [n, read, m] of results) {
        expect(read).toBe(String(n));
        expect(m).toBe(n);
      }
      expect(results.map(([n]) => n).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
    });
  });
}

cacheContract("memory", async (prefix) => createMemoryCache({ prefix }));

const fileCacheDir = mkdtempSync(join(tmpdir(), "file-cache-"));
afterAll(() => rmSync(fileCacheDir, { recursive: true, force: true }));
// Both caches of the suite open the same file, as the server's processes do.
cacheContract("file", async (prefix) => createFileCache({ path: join(fileCacheDir, "cache.db"), prefix }));

describe("file cache across processes", () => {
  test("incr, compareAndSet and lock stay atomic when several processes share the file", async () => {
    const path = join(fileCacheDir, "shared.db");
    const worker = `
      import { createFileCache } from ${JSON.stringify(new URL("../../src/core/cache/file.ts", import.meta.url).pathname)};
      const cache = createFileCache({ path: ${JSON.stringify(path)} });
      let won = 0, locks = 0;
      for (let i = 0; i < 300; i++) {
        await cache.incr("count");
        if (await cache.compareAndSet("cas:" + i, null, String(process.pid))) won++;
        if (await cache.lock("lock:" + i, 60_000)) locks++;
      }
      console.log(JSON.stringify({ won, locks }));
      await cache.close();
    `;
    const procs = [0, 1, 2].map(() =>
      Bun.spawn([process.execPath, "-e", worker], { stdout: "pipe", stderr: "inherit" }),
    );
    const outs = await Promise.all(procs.map(async (p) => JSON.parse(await new Response(p.stdout).text())));
    const cache = createFileCache({ path });
    try {
      expect(await cache.get("count")).toBe("900");
      expect(outs.reduce((n, o) => n + o.won, 0)).toBe(300);
      expect(outs.reduce((n, o) => n + o.locks, 0)).toBe(300);
    } finally {
      await cache.close();
    }
  });

  test("the file sits beside a local database", () => {
    expect(cacheFileBeside("file:./data/hono-admin.db")).toBe("./data/hono-admin.cache.db");
    expect(cacheFileBeside("file:/srv/app/main.sqlite")).toBe("/srv/app/main.cache.sqlite");
    expect(cacheFileBeside("file:/srv/app/data")).toBe("/srv/app/data.cache.db");
    expect(cacheFileBeside("mysql://root@db:3306/app")).toBe("./data/cache.db");
    expect(cacheFileBeside("file::memory:")).toBe("./data/cache.db");
  });
});

describe("memory cache with an injected clock", () => {
  test("expires exactly like Redis: alive at the deadline, gone after it; ttl rounds", async () => {
    let now = 0;
    const cache = createMemoryCache({ now: () => now });
    await cache.set("k", "v", 10);
    now = 9_400;
    expect(await cache.ttl("k")).toBe(1);
    now = 9_600;
    expect(await cache.ttl("k")).toBe(0);
    now = 10_000;
    expect(await cache.get("k")).toBe("v");
    now = 10_001;
    expect(await cache.get("k")).toBeNull();
    expect(await cache.keys("")).toEqual([]);
    await cache.close();
  });
});

describe("redis cache connection errors", () => {
  test("an unreachable server rejects quickly, naming the URL without its password", async () => {
    const started = Date.now();
    const attempt = createRedisCache({ url: "redis://user:s3cret@127.0.0.1:1/0", connectTimeoutMs: 800 });
    const error = await attempt.then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toContain("cannot connect to redis://***@127.0.0.1:1/0");
    expect(error?.message).not.toContain("s3cret");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

withRedis("redis", () => {
  cacheContract("redis", (prefix) => createRedisCache({ url: REDIS_URL, prefix }));
});

withRedis("upstash", () => {
  let proxy: { url: string; stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    proxy = await startUpstashProxy({ redisUrl: REDIS_URL, token: PROXY_TOKEN });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  cacheContract("upstash", async (prefix) =>
    createUpstashCache({ url: proxy!.url, token: PROXY_TOKEN, prefix }),
  );

  describe("upstash proxy fixture", () => {
    test("refuses a wrong token, and errors do not echo stored values", async () => {
      const res = await fetch(proxy!.url, { method: "POST", body: JSON.stringify(["PING"]) });
      expect(res.status).toBe(401);

      const cache = createUpstashCache({ url: proxy!.url, token: "wrong", prefix: "test:wrong:" });
      const error = await cache.set("k", "very-secret-value").then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toContain("Unauthorized");
      expect(error?.message).not.toContain("very-secret-value");
    });

    test("serves pipeline and multi-exec, with per-command errors", async () => {
      const redis = new Redis({
        url: proxy!.url,
        token: PROXY_TOKEN,
        automaticDeserialization: false,
        enableTelemetry: false,
      });
      const key = `test:${crypto.randomUUID()}:tx`;
      try {
        const tx = redis.multi();
        tx.set(key, "é");
        tx.get(key);
        tx.incr(key);
        const txResults = await tx.exec({ keepErrors: true });
        expect(txResults.map((r) => r.result)).toEqual(["OK", "é", undefined]);
        expect(txResults[2].error).toContain("not an integer");

        const pipe = redis.pipeline();
        pipe.del(key);
        pipe.incr(key);
        pipe.scan("0", { match: `${key}*`, count: 1000 });
        expect(await pipe.exec()).toEqual([1, 1, ["0", [key]]]);
      } finally {
        await redis.del(key);
      }
    });
  });
});
