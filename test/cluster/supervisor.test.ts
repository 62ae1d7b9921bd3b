import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, onEach, startServer, until } from "./support";

/*
 * The supervisor of WORKERS=N: started through `bun run start`, as an operator would; crash
 * restarts; SIGTERM to the process `bun run start` created stops every server process after
 * its in-flight requests; a supervisor killed outright takes its workers with it.
 */

const dir = mkdtempSync(join(tmpdir(), "hono-admin-supervisor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (name: string) => ({
  WORKERS: "2",
  DATABASE_URL: `file:${join(dir, `${name}.db`)}`,
  CACHE_DRIVER: "memory",
  CAPTCHA_ENABLE: "false",
  ENVIRONMENT: "dev",
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const pidsOf = (lines: Record<string, unknown>[], msg: string) =>
  lines.filter((l) => l.msg === msg).map((l) => ({ worker: Number(l.worker), pid: Number(l.pid) }));

test("bun run start: a crashed worker is restarted; SIGTERM stops every process after in-flight requests", async () => {
  const server = startServer(env("start"), ["bun", "run", "start"]);
  try {
    await server.ready();
    const [supervisor] = server.lines.filter((l) => l.msg === "supervisor started");
    expect(supervisor).toMatchObject({ workers: 2, cache: "file" });
    const workers = pidsOf(server.lines, "worker started");
    expect(workers.map((w) => w.worker).sort()).toEqual([1, 2]);

    // a worker killed outright comes back (same number, new pid) and serves again
    process.kill(workers[0].pid, "SIGKILL");
    const restarted = await until(
      async () => pidsOf(server.lines, "worker started").filter((w) => w.worker === workers[0].worker),
      (list) => list.length === 2,
    );
    expect(restarted[1].pid).not.toBe(workers[0].pid);
    expect(server.lines.some((l) => l.msg === "worker exited; restarting" && l.pid === workers[0].pid)).toBe(
      true,
    );
    await until(
      async () => server.lines.filter((l) => l.msg === "server started").length,
      (n) => n === 3,
    );
    await onEach(["1", "2"], () => call(server.base, "/common/health/"));

    // The seeded admin's first login verifies a bcrypt hash (~0.3 s): long enough to be in flight.
    // Sent on a kept-alive connection a worker has already accepted, so it is read at once.
    await (await fetch(`${server.base}/api/v1/common/health/`)).text();
    const inFlight = fetch(`${server.base}/api/v1/system/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "username=admin&password=123456",
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    await Bun.sleep(100);
    process.kill(Number(supervisor.pid), "SIGTERM");
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
    expect(await server.proc.exited).toBe(0);
    const all = [...pidsOf(server.lines, "worker started").map((w) => w.pid), Number(supervisor.pid)];
    for (const pid of all) expect(alive(pid)).toBe(false);
    expect(server.lines.filter((l) => l.msg === "stopped" && l.worker).length).toBe(2);
    expect(server.lines.some((l) => l.msg === "stopped" && !l.worker)).toBe(true);
  } finally {
    await server.stop();
  }
}, 45_000);

test("bun run start with WORKERS=1 is one server process: it serves itself, and SIGTERM stops it gracefully", async () => {
  const server = startServer({ ...env("single"), WORKERS: "1" }, ["bun", "run", "start"]);
  try {
    await server.ready();
    expect(server.lines.some((l) => l.msg === "server started")).toBe(true);
    const res = await fetch(`${server.base}/api/v1/common/health/`);
    expect(res.status).toBe(200);
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    expect(server.lines.some((l) => l.msg === "stopped")).toBe(true);
  } finally {
    await server.stop();
  }
}, 30_000);

test("workers stop by themselves when their supervisor is killed outright", async () => {
  const server = startServer(env("orphan"));
  try {
    await server.ready();
    const workers = pidsOf(server.lines, "worker started");
    expect(workers).toHaveLength(2);
    server.proc.kill("SIGKILL");
    await server.proc.exited;
    const left = await until(
      async () => workers.filter((w) => alive(w.pid)),
      (l) => l.length === 0,
      10_000,
    );
    expect(left).toEqual([]);
  } finally {
    await server.stop();
  }
}, 30_000);

test("a port another program holds: the workers cannot listen, and the supervisor gives up with exit 1", async () => {
  const squatter = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("not ours") });
  const server = startServer({ ...env("taken"), SERVER_PORT: String(squatter.port) });
  try {
    expect(await server.proc.exited).toBe(1);
    expect(server.lines.some((l) => l.msg === "workers exit before serving; giving up")).toBe(true);
    const workers = pidsOf(server.lines, "worker started");
    expect(workers.length).toBeGreaterThanOrEqual(3);
    for (const w of workers) expect(alive(w.pid)).toBe(false);
  } finally {
    squatter.stop(true);
    await server.stop();
  }
}, 45_000);
