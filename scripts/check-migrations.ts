/**
 * CI guard: the committed migrations must be exactly what drizzle-kit generates from db/tables.ts.
 * Runs `drizzle-kit generate` for both dialects; if that writes or changes anything under
 * db/migrations, the schema changed without a migration: report, undo, exit 1.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const migrationsDir = join(root, "db", "migrations");
const configs = ["db/drizzle.sqlite.config.ts", "db/drizzle.mysql.config.ts"];

function snapshot(dir: string, into = new Map<string, { hash: string; content: Buffer }>()) {
  if (!existsSync(dir)) return into;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) snapshot(path, into);
    else {
      const content = readFileSync(path);
      into.set(relative(root, path), { hash: createHash("sha256").update(content).digest("hex"), content });
    }
  }
  return into;
}

function gitStatus(): string {
  const run = Bun.spawnSync(["git", "status", "--porcelain", "--untracked-files=all", "db/migrations"], {
    cwd: root,
  });
  return run.exitCode === 0 ? run.stdout.toString().trim() : "(git status unavailable)";
}

const before = snapshot(migrationsDir);
const statusBefore = gitStatus();

for (const config of configs) {
  const run = Bun.spawnSync(["bunx", "drizzle-kit", "generate", "--config", config], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (run.exitCode !== 0) {
    console.error(`drizzle-kit generate --config ${config} failed (exit ${run.exitCode}):`);
    console.error(run.stdout.toString() + run.stderr.toString());
    process.exit(2);
  }
}

const after = snapshot(migrationsDir);
const added = [...after.keys()].filter((f) => !before.has(f));
const changed = [...after.keys()].filter((f) => before.has(f) && before.get(f)!.hash !== after.get(f)!.hash);
const removed = [...before.keys()].filter((f) => !after.has(f));

if (added.length + changed.length + removed.length === 0) {
  const note = statusBefore ? `\n(uncommitted migration files present:\n${statusBefore})` : "";
  console.log(`migrations are up to date with db/tables.ts for sqlite and mysql${note}`);
  process.exit(0);
}

// Leave the tree as we found it: the fix is to generate (with a name) and commit, not this run's output.
for (const f of added) rmSync(join(root, f));
for (const f of [...changed, ...removed]) writeFileSync(join(root, f), before.get(f)!.content);

console.error("db/tables.ts changed without a matching migration. drizzle-kit generate produced:");
for (const f of added) console.error(`  added    ${f}`);
for (const f of changed) console.error(`  changed  ${f}`);
for (const f of removed) console.error(`  removed  ${f}`);
console.error(
  "\nGenerate a named migration for each dialect, review the SQL, and commit db/migrations:\n" +
    configs.map((c) => `  bunx drizzle-kit generate --config ${c} --name <what_changed>`).join("\n"),
);
console.error(`git status --porcelain db/migrations (before this check):\n${statusBefore || "(clean)"}`);
process.exit(1);
