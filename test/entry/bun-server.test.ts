import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hono-admin-server-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string>) {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const proc = Bun.spawn(["bun", "run", "src/entry/bun.ts"], {
    cwd: root,
    env: {
      ...process.env,
      SERVER_PORT: String(port),
      DATABASE_URL: `file:${join(dir, `${port}.db`)}`,
      CACHE_DRIVER: "memory",
      CAPTCHA_ENABLE: "false",
      // one process unless a test asks for more (test/cluster covers WORKERS > 1)
      WORKERS: "1",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { proc, base: `http://127.0.0.1:${port}` };
}

async function ready(base: string) {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${base}/api/v1/common/health/`)).ok) return;
    } catch {}
    await Bun.sleep(100);
  }
  throw new Error("server did not start");
}

test("a wrong setting stops the server at once, naming the variable", async () => {
  const { proc } = start({ SERVER_PORT: "not-a-port" });
  expect(await proc.exited).toBe(2);
  expect(await new Response(proc.stderr).text()).toContain("SERVER_PORT");
}, 20_000);

test("SIGTERM lets an in-flight request finish, then exits 0", async () => {
  const { proc, base } = start({});
  await ready(base);
  // The seeded admin's first login verifies a bcrypt hash (~0.3 s): long enough to be in flight.
  // a kept-alive connection, already accepted: the login below is read at once, even on a busy machine
  await (await fetch(`${base}/api/v1/common/health/`)).text();
  const inFlight = fetch(`${base}/api/v1/system/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "username=admin&password=123456",
  });
  await Bun.sleep(100);
  proc.kill("SIGTERM");
  const res = await inFlight;
  expect(res.status).toBe(200);
  expect((await res.json()).code).toBe(0);
  expect(await proc.exited).toBe(0);
  const out = await new Response(proc.stdout).text();
  expect(out).toContain('"msg":"shutting down"');
  expect(out).toContain('"msg":"stopped"');
}, 30_000);

test("LOG_FILE gets JSON lines and rotates by size (WORKERS=2: the supervisor writes every process's lines)", async () => {
  const log = join(dir, "logs", "app.log");
  const { proc, base } = start({
    LOG_FILE: log,
    LOG_FILE_MAX_BYTES: "2048",
    LOG_FILE_KEEP: "2",
    WORKERS: "2",
  });
  await ready(base);
  for (let i = 0; i < 40; i++) await fetch(`${base}/api/v1/common/health/`);
  proc.kill("SIGTERM");
  await proc.exited;
  expect(existsSync(`${log}.1`)).toBe(true);
  expect(existsSync(`${log}.3`)).toBe(false);
  const lines = readFileSync(log, "utf8").trim().split("\n");
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(readFileSync(`${log}.1`, "utf8")).toContain('"msg":"request"');
  const all = [log, `${log}.1`, `${log}.2`]
    .map((f) => (existsSync(f) ? readFileSync(f, "utf8") : ""))
    .join("");
  // the workers' lines (they name their process) and the supervisor's own, in one file
  expect(all).toMatch(/"msg":"request".*"worker":"[12]"/);
  expect(all).toMatch(/"msg":"stopped","service":"hono-admin"}/);
}, 60_000);
