import { expect, test } from "bun:test";

/*
 * The benchmark script still runs end to end (CI runs only this smoke: tiny sizes, one-second
 * loads; the real runs are `bun run scripts/bench.ts --profile all`, see README "Benchmarks").
 */
test("bench --smoke prints the table with a measured row per scenario", async () => {
  const proc = Bun.spawn(
    ["bun", "run", "scripts/bench.ts", "--smoke", "--seconds", "1", "--serial", "5", "--connections", "4"],
    { stdout: "pipe", stderr: "pipe", env: { ...process.env, LOG_LEVEL: "warn" } },
  );
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  expect(await proc.exited, err).toBe(0);
  expect(out).toContain("| scenario | target | measured | ok |");
  const rows = out.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| scenario"));
  for (const name of [
    "ceiling: bare `Bun.serve` JSON answer",
    "seed data: user list page 1, 32 connections",
    "login (argon2id) serially",
    "SQL statements per user-list request",
    "100k users: user list page 1, serially",
    "100k users: user list page 5,000, serially",
    "1M log rows: log list IP filter, serially",
  ])
    expect(rows.some((r) => r.startsWith(`| ${name} |`))).toBe(true);
  // every row measured something: no setup or scenario failed, no request errored
  for (const r of rows) {
    expect(r).not.toContain("failed");
    expect(r).not.toMatch(/[1-9]\d* errors/);
  }
  // the statement count is measured, and within its target even at smoke size
  const statements = rows.find((r) => r.startsWith("| SQL statements per user-list request |"))!;
  expect(statements).toMatch(/\| [0-3] \| yes \|$/);
}, 180_000);
