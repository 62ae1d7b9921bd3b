import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BUN_ONLY, findBundleViolations, findSourceViolations } from "../../scripts/check-portability";

const root = mkdtempSync(join(tmpdir(), "portability-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string) {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

test("the source scan flags Bun/Node-only imports and the Bun global, not comments or strings", () => {
  write("src/core/a.ts", 'import { readFile } from "node:fs/promises";\nexport const x = 1;\n');
  write("src/core/b.ts", 'export async function f() {\n  return import("bun");\n}\n');
  write("src/modules/m/c.ts", "export const read = (p: string) => Bun.file(p).text();\n");
  write("src/modules/m/d.ts", 'import { join } from "path";\nimport { hash } from "@node-rs/argon2";\n');
  write(
    "src/modules/m/fine.ts",
    '// Bun.file would not work here; neither would import "node:fs"\nexport const msg = "use Bun.serve";\nimport { Readable } from "node:stream";\n',
  );
  const allowed = Object.keys(BUN_ONLY)[0];
  write(allowed, 'import { mkdir } from "node:fs/promises";\n');

  const found = findSourceViolations(root).sort();
  expect(found).toEqual([
    'src/core/a.ts:1: imports "node:fs/promises", which workerd does not have',
    'src/core/b.ts:2: imports "bun", which workerd does not have',
    "src/modules/m/c.ts:1: uses the Bun global, which workerd does not have",
    'src/modules/m/d.ts:1: imports "path", which workerd does not have',
    'src/modules/m/d.ts:2: imports "@node-rs/argon2", which workerd does not have',
  ]);
});

test("the bundle check names Bun-only files and Node-only packages that reached the Worker", () => {
  const found = findBundleViolations([
    "src/entry/worker.ts",
    "src/core/cache/redis.ts",
    "src/core/db/client.ts",
    "node_modules/mysql2/promise.js",
    "node_modules/hono/dist/index.js",
  ]);
  expect(found).toHaveLength(3);
  expect(found[0]).toContain("src/core/cache/redis.ts");
  expect(found[1]).toContain("src/core/db/client.ts");
  expect(found[2]).toContain("mysql2");
});

test("the real tree passes the source scan", () => {
  expect(findSourceViolations()).toEqual([]);
});
