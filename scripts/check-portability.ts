/**
 * `bun run check:portability`: the rule that keeps one codebase running on Bun and on Workers.
 *
 * 1. Source scan: `src/core` and `src/modules` import nothing that workerd lacks — no `bun`,
 *    file system, path, child processes or native addons, no `Bun.` globals — except the Bun-only
 *    drivers listed in BUN_ONLY, which sit behind interfaces and are chosen by `src/entry/*`.
 * 2. Bundle: builds the Worker exactly as `wrangler deploy` would (`--dry-run`, offline) into
 *    dist/worker, fails if any Bun-only file or Node-only package got into it, and prints the
 *    upload's size, raw and gzipped (the form Cloudflare's size limits count).
 *
 * Exits non-zero on any violation; prints one line per finding.
 */
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { wranglerProblem, wranglerRun } from "./wrangler";

const ROOT = resolve(import.meta.dir, "..");
const SCANNED = ["src/core", "src/modules"];
const OUT_DIR = join(ROOT, "dist/worker");
const METAFILE = join(OUT_DIR, "meta.json");

/**
 * Bun/Node-only drivers: allowed to use what the rule forbids, never allowed in the Worker.
 * Each has a portable counterpart the Worker uses instead.
 */
export const BUN_ONLY: Record<string, string> = {
  "src/core/storage/local.ts": "files on disk (the Worker uses storage/r2.ts)",
  "src/core/auth/argon2-native.ts": "native argon2 addon (the Worker uses auth/argon2-wasm.ts)",
  "src/core/cache/redis.ts": "Bun's TCP Redis client (the Worker uses cache/upstash.ts)",
  "src/core/cache/file.ts":
    "a bun:sqlite file shared by one machine's processes (the Worker uses cache/upstash.ts)",
  "src/core/db/libsql.ts": "libSQL files and migrations read from disk (the Worker uses db/libsql-remote.ts)",
  "src/core/db/migration-files.ts": "migration files read from disk (the CLI migrates edge databases)",
};

/** Files that carry no forbidden import themselves but only make sense off the edge. */
const NOT_IN_WORKER: Record<string, string> = {
  "src/core/db/client.ts": "opens any DATABASE_URL, including file: and mysql:",
  "src/core/db/mysql.ts": "mysql2 needs TCP sockets",
  "src/core/cache/index.ts": "selects the memory/redis drivers the edge refuses",
  "src/core/jobs/scheduler.ts": "in-process timers; the Worker has Cron Triggers",
};

/** Packages that must never be bundled into the Worker. */
const NODE_ONLY_PACKAGES = ["@node-rs/", "mysql2", "ioredis"];

const FORBIDDEN_MODULES = [
  /^bun(:.*)?$/,
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?path(\/(posix|win32))?$/,
  /^(node:)?child_process$/,
  /^@node-rs\//,
];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(ts|tsx|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/**
 * Two views of a source file with every character's position kept (so line numbers hold):
 * `code` with comments blanked, and `bare` with string contents blanked too — so `Bun.` or
 * `import "fs"` inside a comment or a message is not mistaken for code.
 */
export function blankOut(source: string): { code: string; bare: string } {
  const code = source.split("");
  const bare = source.split("");
  const blank = (i: number, both: boolean) => {
    if (source[i] === "\n") return;
    bare[i] = " ";
    if (both) code[i] = " ";
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const next = source[i + 1];
    if (ch === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") blank(i++, true);
    } else if (ch === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      while (i < stop) blank(i++, true);
    } else if (ch === '"' || ch === "'" || ch === "`") {
      i++;
      while (i < source.length && source[i] !== ch) {
        if (source[i] === "\\") blank(i++, false);
        if (i < source.length) blank(i++, false);
      }
      i++;
    } else {
      i++;
    }
  }
  return { code: code.join(""), bare: bare.join("") };
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\brequire\s*\(\s*["']([^"']+)["']\s*\)/g;

export function findSourceViolations(root = ROOT): string[] {
  const problems: string[] = [];
  for (const dir of SCANNED) {
    for (const file of walk(join(root, dir))) {
      const rel = relative(root, file);
      if (rel in BUN_ONLY) continue;
      const source = readFileSync(file, "utf8");
      const { code, bare } = blankOut(source);
      const lineOf = (index: number) => source.slice(0, index).split("\n").length;
      for (const m of code.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
        if (FORBIDDEN_MODULES.some((re) => re.test(spec))) {
          const at = (m.index ?? 0) + m[0].indexOf(spec);
          problems.push(`${rel}:${lineOf(at)}: imports "${spec}", which workerd does not have`);
        }
      }
      const bun = /(^|[^.\w$])Bun\./m.exec(bare);
      if (bun)
        problems.push(
          `${rel}:${lineOf(bun.index + bun[1].length)}: uses the Bun global, which workerd does not have`,
        );
    }
  }
  return problems;
}

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Builds the Worker with wrangler (offline) and answers the bundle's input files. */
async function buildWorker(): Promise<string[]> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const run = wranglerRun(["deploy", "--dry-run", "--outdir", OUT_DIR, "--metafile", METAFILE], {
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  });
  try {
    const proc = Bun.spawn(run.argv, { cwd: ROOT, env: run.env, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (exit ${code}):\n${stdout}\n${stderr}`);
    const reported = /Total Upload: .*/.exec(stdout)?.[0];
    if (reported) console.log(`wrangler: ${reported}`);
  } finally {
    run.cleanup();
  }
  const meta = JSON.parse(readFileSync(METAFILE, "utf8")) as Metafile;
  const inputs = new Set<string>();
  for (const output of Object.values(meta.outputs)) {
    for (const input of Object.keys(output.inputs)) inputs.add(relative(ROOT, resolve(ROOT, input)));
  }
  return [...inputs];
}

export function findBundleViolations(inputs: string[]): string[] {
  const problems: string[] = [];
  for (const input of inputs) {
    const why = BUN_ONLY[input] ?? NOT_IN_WORKER[input];
    if (why)
      problems.push(
        `worker bundle contains ${input} (${why}): an import chain from src/entry/worker.ts reaches it`,
      );
    const pkg = NODE_ONLY_PACKAGES.find((p) => input.includes(`node_modules/${p}`));
    if (pkg) problems.push(`worker bundle contains ${input} (package ${pkg} is Node-only)`);
  }
  return problems;
}

/** The files wrangler would upload (the bundle and its wasm/text modules), with their sizes. */
function uploadSizes(): { file: string; raw: number; gzip: number }[] {
  return readdirSync(OUT_DIR)
    .filter((name) => !name.endsWith(".map") && name !== "meta.json" && name !== "README.md")
    .map((name) => {
      const bytes = readFileSync(join(OUT_DIR, name));
      return { file: name, raw: bytes.length, gzip: Bun.gzipSync(bytes, { level: 9 }).length };
    })
    .sort((a, b) => b.raw - a.raw);
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

if (import.meta.main) {
  let failed = false;
  const report = (title: string, problems: string[]) => {
    if (problems.length === 0) {
      console.log(`ok: ${title}`);
      return;
    }
    failed = true;
    console.log(`FAIL: ${title}`);
    for (const p of problems) console.log(`  ${p}`);
  };

  report("src/core and src/modules use only APIs that exist in Bun and workerd", findSourceViolations());

  const problem = wranglerProblem();
  if (problem) {
    report("worker bundle builds", [problem]);
  } else {
    try {
      const inputs = await buildWorker();
      report(
        "worker bundle leaves out the Bun-only drivers and Node-only packages",
        findBundleViolations(inputs),
      );
      const sizes = uploadSizes();
      const total = sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), {
        raw: 0,
        gzip: 0,
      });
      console.log(`worker bundle in ${relative(ROOT, OUT_DIR)}:`);
      for (const s of sizes)
        console.log(`  ${s.file.padEnd(64)} ${kib(s.raw).padStart(12)} ${kib(s.gzip).padStart(12)} gz`);
      console.log(
        `  ${"total".padEnd(64)} ${kib(total.raw).padStart(12)} ${kib(total.gzip).padStart(12)} gz`,
      );
      // Cloudflare's limits on the compressed upload: 3 MiB (Free plan), 10 MiB (Paid).
      if (total.gzip > 10 * 1024 * 1024)
        report("bundle fits the Workers size limit (10 MiB gzipped)", ["too big"]);
      else if (total.gzip > 3 * 1024 * 1024)
        console.log("note: over the Free plan's 3 MiB; needs Workers Paid");
    } catch (err) {
      report("worker bundle builds", [err instanceof Error ? err.message : String(err)]);
    }
  }
  process.exit(failed ? 1 : 0);
}
