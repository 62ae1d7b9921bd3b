/**
 * `bun run scripts/lint-openapi.ts`: exports the OpenAPI document (the CLI's export-openapi) into a
 * temporary file and lints it with Redocly's recommended rules (redocly.yaml). Prints the
 * linter's summary; exits non-zero on any error. Runs offline (no telemetry, no update check).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const bin = join(root, "node_modules", ".bin");
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH ?? ""}`, // the pinned `node` package runs the linter
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  NO_COLOR: "1",
};

const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
try {
  const file = join(dir, "openapi.json");
  const exported = Bun.spawnSync(["bun", "run", join(root, "scripts/cli.ts"), "export-openapi", file], {
    cwd: root,
    env,
    stdout: "inherit",
    stderr: "inherit",
  });
  if (exported.exitCode !== 0) process.exit(exported.exitCode || 1);

  const lint = Bun.spawnSync(
    [join(bin, "redocly"), "lint", file, "--config", join(root, "redocly.yaml"), "--format=json"],
    { cwd: dir, env, stdout: "pipe", stderr: "pipe" },
  );
  let report: LintReport;
  try {
    report = JSON.parse(lint.stdout.toString());
  } catch {
    console.error(`redocly lint gave no report:\n${lint.stdout}${lint.stderr}`);
    process.exit(1);
  }
  const byRule = new Map<string, number>();
  for (const p of report.problems) {
    const where = decodePointer(p.location[0]?.pointer ?? "");
    console.log(`${p.severity.padEnd(5)} ${p.ruleId}  ${where}  ${p.message}`);
    const key = `${p.severity} ${p.ruleId}`;
    byRule.set(key, (byRule.get(key) ?? 0) + 1);
  }
  for (const [rule, n] of byRule) console.log(`  ${rule}: ${n}`);
  const { errors, warnings } = report.totals;
  console.log(
    `openapi lint (redocly ${report.version}, recommended): ${errors} error(s), ${warnings} warning(s)`,
  );
  process.exit(errors === 0 && lint.exitCode === 0 ? 0 : 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

interface LintReport {
  version: string;
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[];
}

/** `#/paths/~1api~1v1~1x/get` → `paths /api/v1/x get`, readable in a CI log. */
function decodePointer(pointer: string): string {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .join(" ");
}
