import { expect, test } from "bun:test";
import { join } from "node:path";

/*
 * Issue 10 (idle RSS): libraries only a few requests need are loaded on first use, not when the
 * server starts. A fresh process (the module cache of this one is shared by every test file)
 * builds the app as the Bun entry does, starts its background work, answers a health check and
 * a login, then lists every module it has loaded.
 */

const ROOT = join(import.meta.dir, "../..");

const LAZY: [string, RegExp][] = [
  ["openai (AI chat)", /\/node_modules\/openai\//],
  ["sanitize-html (notices)", /\/node_modules\/(sanitize-html|htmlparser2|postcss)\//],
  ["the common-password list", /\/common-passwords\.json$/],
  ["exceljs (exports, imports)", /\/node_modules\/exceljs\//],
  ["node-sql-parser (generator DDL)", /\/node_modules\/node-sql-parser\//],
];

const SCRIPT = `
const root = ${JSON.stringify(ROOT)};
const { startBackground } = await import(root + "/src/app.ts");
await import(root + "/src/core/jobs/index.ts");
await import(root + "/src/entry/bun-deps.ts");
const { createTestApp } = await import(root + "/test/support/app.ts");
const { tokenFor } = await import(root + "/test/support/auth.ts");
const t = await createTestApp();
const background = startBackground(t.deps);
const health = await t.request("/api/v1/common/health/");
const token = await tokenFor(t, "admin");
const loaded = Object.keys(require.cache);
await background.stop();
await t.close();
console.log(JSON.stringify({ health: health.status, token: token.length > 0, loaded }));
process.exit(0);
`;

test("a started server that has answered a login has not loaded the libraries of rare requests", async () => {
  const proc = Bun.spawn(["bun", "-e", SCRIPT], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
    env: process.env,
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  const result = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
    health: number;
    token: boolean;
    loaded: string[];
  };
  expect({ health: result.health, token: result.token }).toEqual({ health: 200, token: true });
  // The list is real: the app's own modules and its always-needed libraries are in it.
  expect(result.loaded.some((p) => p.endsWith("/src/app.ts"))).toBe(true);
  expect(result.loaded.some((p) => /\/node_modules\/zod\//.test(p))).toBe(true);
  const early = LAZY.filter(([, re]) => result.loaded.some((p) => re.test(p))).map(([name]) => name);
  expect(early).toEqual([]);
}, 60_000);
