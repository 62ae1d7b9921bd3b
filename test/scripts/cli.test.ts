import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "hono-admin-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the CLI the way an operator does, against a libSQL file of its own. Each run is a process
 * start (~1-2 s on a busy machine), hence the per-test timeouts.
 */
function cli(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawnSync(["bun", "run", "scripts/cli.ts", ...args], {
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...process.env, DATABASE_URL: `file:${join(dir, "cli.db")}`, CACHE_DRIVER: "memory", ...env },
  });
  return { code: proc.exitCode, out: proc.stdout.toString(), err: proc.stderr.toString() };
}

describe("bun run cli", () => {
  test("help lists the verbs; each verb has --help", () => {
    const help = cli(["help"]);
    expect(help.code).toBe(0);
    for (const verb of ["migrate", "seed", "reset-password", "unlock", "export-openapi"]) {
      expect(help.out).toContain(verb);
      const own = cli([verb, "--help"]);
      expect(own.code).toBe(0);
      expect(own.out).toContain(`usage: bun run cli ${verb}`);
    }
  }, 60_000);

  test("an unknown verb or a missing argument exits 2", () => {
    expect(cli(["frobnicate"]).code).toBe(2);
    expect(cli(["reset-password"]).code).toBe(2);
    expect(cli(["reset-password", "admin", "--bogus"]).code).toBe(2);
  }, 60_000);

  test("migrate, then seed twice: the second run inserts nothing", () => {
    const migrate = cli(["migrate"]);
    expect(migrate.code).toBe(0);
    const journal = JSON.parse(
      readFileSync(new URL("../../db/migrations/sqlite/meta/_journal.json", import.meta.url), "utf8"),
    ) as { entries: unknown[] };
    expect(migrate.out).toContain(`applied ${journal.entries.length} migration`);
    const first = cli(["seed"]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/sys_menu\s+192 row/);
    const second = cli(["seed"]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/sys_menu\s+- \(not empty, skipped\)/);
  }, 60_000);

  test("reset-password sets a new argon2 hash; bad input fails clearly", () => {
    const ok = cli(["reset-password", "admin", "--password", "New-password-1"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('password of "admin"');
    const generated = cli(["reset-password", "user"]);
    expect(generated.out).toMatch(/new password \(shown only now\): \S{20}/);
    const missing = cli(["reset-password", "nobody", "--password", "New-password-1"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no user named "nobody"');
    expect(cli(["reset-password", "admin", "--password", "short"]).code).toBe(2);
  }, 60_000);

  test("export-openapi writes the document", () => {
    const file = join(dir, "openapi.json");
    const res = cli(["export-openapi", file]);
    expect(res.code).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc.paths["/api/v1/system/auth/login"]).toBeDefined();
  }, 60_000);

  test("invalid settings stop with the variable's name", () => {
    const res = cli(["migrate"], { CACHE_DRIVER: "nope" });
    expect(res.code).toBe(2);
    expect(res.err + res.out).toContain("CACHE_DRIVER");
  }, 60_000);

  test("an unreachable database fails with exit 1", () => {
    const res = cli(["migrate"], { DATABASE_URL: "mysql://root@127.0.0.1:1/none" });
    expect(res.code).toBe(1);
  }, 60_000);
});
