/**
 * Benchmark: login latency and authenticated-request throughput against a real server.
 *
 *   bun run scripts/bench.ts [--logins 30] [--seconds 10] [--concurrency 32] [--path /api/v1/...]
 *
 * Starts `src/entry/bun.ts` on a free port with a fresh libSQL file (captcha and rate limits off),
 * then prints numbers. The load generator runs in this process, on the same machine: treat the
 * throughput as a lower bound.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: {
    logins: { type: "string", default: "30" },
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    path: { type: "string", default: "/api/v1/monitor/online/list" },
  },
});

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), "hono-admin-bench-"));
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const server = Bun.spawn(["bun", "run", "src/entry/bun.ts"], {
  env: {
    ...process.env,
    SERVER_PORT: String(port),
    DATABASE_URL: `file:${join(dir, "bench.db")}`,
    CAPTCHA_ENABLE: "false",
    RATE_LIMIT_PER_MINUTE: "1000000000",
    LOGIN_IP_LIMIT_PER_MINUTE: "1000000",
    LOGIN_MAX_FAILURES: "1000",
    LOG_LEVEL: "warn",
  },
  stdout: "ignore",
  stderr: "inherit",
});

async function main() {
  for (let i = 0; ; i++) {
    if (i > 100) throw new Error("server did not start");
    try {
      if ((await fetch(`${base}/api/v1/common/health/`)).ok) break;
    } catch {}
    await Bun.sleep(100);
  }

  const login = async () => {
    const res = await fetch(`${base}/api/v1/system/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "username=admin&password=123456",
    });
    const body = (await res.json()) as { data: { access_token: string } };
    return body.data.access_token;
  };

  // The first login verifies the seed's bcrypt hash and upgrades it; time it separately.
  let t0 = performance.now();
  let token = await login();
  console.log(`first login (bcrypt cost 12 + rehash to argon2id): ${fmt(performance.now() - t0)}`);

  const latencies: number[] = [];
  for (let i = 0; i < Number(opts.logins); i++) {
    t0 = performance.now();
    token = await login();
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  console.log(
    `login (argon2id m=19456 t=2 p=1), ${latencies.length} sequential: mean ${fmt(mean)}, ` +
      `p50 ${fmt(percentile(latencies, 50))}, p95 ${fmt(percentile(latencies, 95))}, max ${fmt(latencies.at(-1)!)}`,
  );

  const headers = { Authorization: `Bearer ${token}` };
  const until = performance.now() + Number(opts.seconds) * 1000;
  const times: number[] = [];
  let errors = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const s = performance.now();
      const res = await fetch(`${base}${opts.path}`, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      times.push(performance.now() - s);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Number(opts.concurrency) }, worker));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  console.log(
    `GET ${opts.path} with a bearer token, ${opts.concurrency} concurrent for ${elapsed.toFixed(1)} s: ` +
      `${(times.length / elapsed).toFixed(0)} req/s, p50 ${fmt(percentile(times, 50))}, ` +
      `p99 ${fmt(percentile(times, 99))}, non-200: ${errors}`,
  );
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  });
