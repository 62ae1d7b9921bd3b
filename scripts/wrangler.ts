/**
 * `bun run scripts/wrangler.ts <wrangler args…>` (behind `bun run deploy`, `bun run dev:edge`,
 * `bun run wrangler …`): runs the pinned wrangler on the Node 24 that the `node` devDependency
 * installs. wrangler 4.16x refuses Node < 22.12 and, run under Bun, answers every request 503.
 *
 * Every run gets a fresh XDG_CONFIG_HOME in the temp directory (removed afterwards), so wrangler
 * writes nothing into the home directory, and sends no metrics. Authenticate deploys with the
 * CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID) environment variables, not `wrangler login`.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
export const NODE_BIN = join(ROOT, "node_modules/node/bin/node");
export const WRANGLER_JS = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Why wrangler cannot run here, or null when it can. */
export function wranglerProblem(): string | null {
  if (!existsSync(WRANGLER_JS)) return "wrangler is not installed: run `bun install`";
  if (!existsSync(NODE_BIN)) {
    return (
      `${NODE_BIN} is missing: wrangler needs Node ≥ 22.12, which the "node" devDependency installs ` +
      'in its postinstall (allowed by "trustedDependencies" in package.json) — run `bun install`'
    );
  }
  return null;
}

export interface WranglerRun {
  argv: string[];
  env: Record<string, string>;
  /** Removes the temporary config directory. */
  cleanup(): void;
}

/** The command line and environment for one wrangler run. */
export function wranglerRun(args: string[], extraEnv: Record<string, string> = {}): WranglerRun {
  const home = mkdtempSync(join(tmpdir(), "hono-admin-wrangler-"));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(
    env,
    {
      WRANGLER_SEND_METRICS: "false",
      XDG_CONFIG_HOME: home,
      // `.env` holds the Bun server's settings (memory cache, file: database): `wrangler dev`
      // must read the Worker's secrets from `.dev.vars` only.
      CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "false",
    },
    extraEnv,
  );
  return {
    argv: [NODE_BIN, WRANGLER_JS, ...args],
    env,
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

if (import.meta.main) {
  const problem = wranglerProblem();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  const run = wranglerRun(process.argv.slice(2));
  const child = Bun.spawn(run.argv, { env: run.env, cwd: ROOT, stdio: ["inherit", "inherit", "inherit"] });
  // Ctrl-C already reaches wrangler through the terminal's process group: stay alive until it
  // has finished (to clean up). A plain SIGTERM to this process is passed on.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  const code = await child.exited;
  run.cleanup();
  process.exit(code);
}
