/**
 * `bun run dev:edge:offline`, run as docs/deploy-cloudflare.md shows it ("Running the Worker
 * offline"): the whole local edge stack comes up, an admin logs in over the Worker and lists the
 * users, and one SIGTERM to the command leaves no process behind. Ports, Redis, cache prefix and
 * data directory are the documented options (the defaults may be taken on a shared machine).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Cache } from "@/core/cache/cache";
import { createRedisCache } from "@/core/cache/redis";
import { EDGE_DEFAULTS, findSqld } from "../../scripts/dev-edge-offline";
import { UPSTASH_PROXY_TOKEN } from "../../scripts/upstash-proxy";
import { wranglerProblem } from "../../scripts/wrangler";
import { clearCache } from "../support/cache";
import { freePort, spawnLogged, waitUntil } from "./support/process";
import { E2E_REDIS_URL, redisProblem } from "./support/runtimes";

const ROOT = resolve(import.meta.dir, "../..");
const LABEL = "e2e · bun run dev:edge:offline";

async function prerequisites(): Promise<string | null> {
  const wrangler = wranglerProblem();
  if (wrangler) return `wrangler cannot run here: ${wrangler}`;
  const sqld = findSqld();
  if ("problem" in sqld) return sqld.problem;
  return redisProblem();
}

/** Every process below `root` (pid → command name), from `ps`, which Linux and macOS both have. */
function descendants(root: number): Map<number, string> {
  const ps = Bun.spawnSync(["ps", "-A", "-o", "pid=,ppid=,comm="]);
  const rows = ps.stdout
    .toString()
    .trim()
    .split("\n")
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), comm: m[3] }));
  const found = new Map<number, string>();
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const row of rows) {
      if (row.ppid === parent && !found.has(row.pid)) {
        found.set(row.pid, row.comm);
        queue.push(row.pid);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): boolean {
  try {
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

/** The options this test passes, each of which the doc must show. */
const OPTIONS = ["--port", "--db-port", "--cache-port", "--redis-url", "--cache-prefix", "--data-dir"];

test("docs/deploy-cloudflare.md shows the command, its options and its real defaults", () => {
  const doc = readFileSync(join(ROOT, "docs/deploy-cloudflare.md"), "utf8");
  const section = doc.slice(doc.indexOf("### Fully offline"), doc.indexOf("### Scheduled jobs locally"));
  expect(section).toContain("```sh\nbun run dev:edge:offline\n```");
  for (const option of OPTIONS) expect(section).toContain(`${option} `);
  expect(section).toContain(`http://127.0.0.1:${EDGE_DEFAULTS.port}`);
  expect(section).toContain(`http://127.0.0.1:${EDGE_DEFAULTS.dbPort}`);
  expect(section).toContain(`http://127.0.0.1:${EDGE_DEFAULTS.cachePort}\`, token \`${UPSTASH_PROXY_TOKEN}`);
  expect(section).toContain(EDGE_DEFAULTS.redisUrl);
  expect(section).toContain(
    `--cache-prefix ${EDGE_DEFAULTS.cachePrefix} --data-dir ${EDGE_DEFAULTS.dataDir}`,
  );
  expect(section).toContain("CLOUDFLARE_CF_FETCH_ENABLED=false");
});

/**
 * Captcha (its answer read from Redis, as only the picture shows it), then the login form.
 * wrangler dev reloads the Worker when a source file changes — in a working checkout that can
 * happen during the test — and answers a POST caught by the reload with a 503 "restarted
 * mid-request" (it retries only GETs itself): then the whole login is tried again.
 */
async function adminLogin(url: string, cache: Cache): Promise<any> {
  for (let attempt = 1; ; attempt++) {
    const captcha = await (await fetch(`${url}/api/v1/system/auth/captcha/get`)).json();
    const answer = await cache.get(`captcha_codes:${captcha.data.key}`);
    expect(answer).not.toBeNull();
    const form = new FormData();
    form.set("username", "admin");
    form.set("password", "123456");
    form.set("captcha_key", captcha.data.key);
    form.set("captcha", answer ?? "");
    const res = await fetch(`${url}/api/v1/system/auth/login`, { method: "POST", body: form });
    const text = await res.text();
    if (res.status === 503 && /restarted mid-request/.test(text) && attempt < 3) continue;
    return JSON.parse(text);
  }
}

const problem = await prerequisites();
if (problem && process.env.CI && process.env.CI !== "false") {
  test(`${LABEL}: prerequisites`, () => {
    throw new Error(`${LABEL} cannot run on this machine: ${problem}`);
  });
} else if (problem) {
  console.warn(`skipping ${LABEL}: ${problem}`);
  describe.skip(LABEL, () => {
    test("starts the stack, serves an admin login and the user list, stops every process on SIGTERM", () => {});
    test("without Redis it says how to get one and leaves nothing running", () => {});
    test("a port in use is named with the option that moves it, and nothing starts", () => {});
  });
} else {
  describe(LABEL, () => {
    test("starts the stack, serves an admin login and the user list, stops every process on SIGTERM", async () => {
      const dir = mkdtempSync(join(tmpdir(), "hono-admin-edge-offline-"));
      const [port, dbPort, cachePort] = [freePort(), freePort(), freePort()];
      const prefix = `e2e:edge-offline:${crypto.randomUUID().slice(0, 8)}:`;
      const cache = await createRedisCache({ url: E2E_REDIS_URL, prefix });
      const stack = spawnLogged(
        "bun run dev:edge:offline",
        [
          process.execPath,
          "run",
          "dev:edge:offline",
          "--port",
          String(port),
          "--db-port",
          String(dbPort),
          "--cache-port",
          String(cachePort),
          "--redis-url",
          E2E_REDIS_URL,
          "--cache-prefix",
          prefix,
          "--data-dir",
          dir,
        ],
        {
          cwd: ROOT,
          // The doc says settings in the shell do not reach the Worker: these would break it if they did.
          env: {
            ...process.env,
            DATABASE_URL: "libsql://must-not-reach-the-worker.invalid",
            CACHE_DRIVER: "memory",
            SECRET_KEY: "",
          },
        },
      );
      let tree = new Map<number, string>();
      try {
        const ready = await stack.waitForLine(/ready: http:\/\/\S+/, 120_000);
        const url = ready.match(/ready: (http:\/\/\S+)/)![1];
        expect(url).toBe(`http://127.0.0.1:${port}`);
        // One progress line per piece, in the order they come up.
        const progress = stack.lines.filter((l) => l.startsWith("▸ "));
        expect(progress.slice(0, 4).map((l) => l.split(/\s{2,}/)[0])).toEqual([
          "▸ Upstash-protocol proxy",
          "▸ libSQL server (sqld)",
          "▸ migrated and seeded",
          "▸ Worker (wrangler dev)",
        ]);

        const readyz = await (await fetch(`${url}/api/v1/common/health/ready/`)).json();
        expect(readyz.data).toEqual({ checks: { database: true, redis: true }, errors: null });

        const login = await adminLogin(url, cache);
        expect(login).toMatchObject({ code: 0, success: true });

        const refused = await fetch(`${url}/api/v1/system/user/list`);
        expect(refused.status).toBe(401);
        const list = await fetch(`${url}/api/v1/system/user/list`, {
          headers: { Authorization: `Bearer ${login.data.access_token}` },
        });
        expect(list.status).toBe(200);
        const users = (await list.json()).data;
        expect(users.items.map((u: { username: string }) => u.username)).toContain("admin");
        expect(users.total).toBeGreaterThanOrEqual(3);

        // The documented Cron Trigger endpoint (`--test-scheduled`).
        const tick = await fetch(`${url}/__scheduled`);
        expect(tick.status).toBe(200);

        tree = descendants(stack.pid);
        const names = [...tree.values()].map((c) => c.split("/").pop());
        expect(names).toContain("sqld");
        expect(names).toContain("workerd");

        process.kill(stack.pid, "SIGTERM");
        const code = await Promise.race([stack.exited, Bun.sleep(30_000).then(() => "still running")]);
        expect(code).toBe(0);
        expect(stack.lines).toContainEqual("▸ stopped");
        await waitUntil(
          async () => [...tree.keys()].every((pid) => !alive(pid)),
          () =>
            `left running after SIGTERM: ${[...tree]
              .filter(([pid]) => alive(pid))
              .map(([pid, comm]) => `${pid} ${comm}`)
              .join(", ")}`,
          10_000,
        );
        for (const p of [port, dbPort, cachePort]) expect(portFree(p)).toBe(true);
      } catch (error) {
        throw new Error(`${(error as Error).message}\nLast output of the command:\n${stack.tail(60)}`);
      } finally {
        await stack.stop(2000);
        for (const pid of tree.keys()) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone, as it should be
          }
        }
        await clearCache(cache);
        await cache.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);

    /** Runs the command to its end (it must not get far); answers its exit code and output. */
    async function refusedRun(args: string[]): Promise<{ code: number; output: string; dir: string }> {
      const dir = mkdtempSync(join(tmpdir(), "hono-admin-edge-offline-"));
      const run = spawnLogged(
        "bun run dev:edge:offline",
        [process.execPath, "run", "dev:edge:offline", "--data-dir", dir, ...args],
        {
          cwd: ROOT,
        },
      );
      try {
        const code = await Promise.race([run.exited, Bun.sleep(20_000).then(() => -1)]);
        return { code, output: run.lines.join("\n"), dir };
      } finally {
        await run.stop(1000);
        rmSync(dir, { recursive: true, force: true });
      }
    }

    test("without Redis it says how to get one and leaves nothing running", async () => {
      const [port, dbPort, cachePort, nothing] = [freePort(), freePort(), freePort(), freePort()];
      const { code, output } = await refusedRun([
        "--port",
        String(port),
        "--db-port",
        String(dbPort),
        "--cache-port",
        String(cachePort),
        "--redis-url",
        `redis://127.0.0.1:${nothing}/0`,
      ]);
      expect(code).toBe(1);
      expect(output).toContain(`✗ Redis is not reachable at redis://127.0.0.1:${nothing}/0`);
      expect(output).toContain("--redis-url");
      expect(output).not.toContain("▸ libSQL server");
      for (const p of [port, dbPort, cachePort]) expect(portFree(p)).toBe(true);
    });

    test("a port in use is named with the option that moves it, and nothing starts", async () => {
      const held = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
      try {
        const [port, cachePort] = [freePort(), freePort()];
        const { code, output } = await refusedRun([
          "--port",
          String(port),
          "--db-port",
          String(held.port),
          "--cache-port",
          String(cachePort),
        ]);
        expect(code).toBe(1);
        expect(output).toContain(`✗ port ${held.port} (the libSQL server) is in use`);
        expect(output).toContain("--db-port");
        expect(output).not.toContain("▸ Upstash-protocol proxy");
        expect(portFree(cachePort)).toBe(true);
      } finally {
        held.stop(true);
      }
    });
  });
}
