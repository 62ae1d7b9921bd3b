import { parseTableRegistry, renderTableRegistry } from "./backend-db";

/*
 * `backend/src/modules/generated.ts`: the routers of generated modules, spread into the mount table
 * of src/modules/index.ts. Like the table registry it is rewritten whole from its entries, so that
 * writing one module keeps the others (see `mergeRegistry`).
 */

export interface ModuleRegistryEntry {
  path: string;
  router: string;
  /** Import path from src/modules/, without extension. */
  from: string;
}

export const MODULE_REGISTRY_PATH = "backend/src/modules/generated.ts";
export const TABLE_REGISTRY_PATH = "backend/db/generated/index.ts";

const byKey =
  <T>(key: (e: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function renderModuleRegistry(entries: ModuleRegistryEntry[]): string {
  const imports = [...entries]
    .sort(byKey((e) => e.from))
    .map((e) => `import { ${e.router} } from "${e.from}";\n`)
    .join("");
  const mounts = [...entries].sort(byKey((e) => e.path));
  const list = mounts.length
    ? `[\n${mounts.map((e) => `  { path: ${JSON.stringify(e.path)}, router: ${e.router} },`).join("\n")}\n]`
    : "[]";
  return `// Registry written by the code generator: it rewrites this file, merging its entries.
import type { AppDeps } from "@/core/context";
import type { Router } from "@/core/http/router";
${imports}
/**
 * Modules written by the code generator (POST /generator/gencode/output), mounted under /api/v1
 * after the hand-written ones (src/modules/index.ts). The generator rewrites this file, merging
 * its entries; do not add hand-written modules here.
 */
export const generatedModules: { path: string; router: (deps: AppDeps) => Router }[] = ${list};
`;
}

export function parseModuleRegistry(text: string): ModuleRegistryEntry[] {
  const from = new Map<string, string>();
  for (const m of text.matchAll(/^import \{ ([A-Za-z0-9_$]+) \} from "(\.[^"]+)";$/gm)) from.set(m[1], m[2]);
  return [...text.matchAll(/\{ path: ("[^"]+"), router: ([A-Za-z0-9_$]+) \},/g)].flatMap((m) => {
    const path = JSON.parse(m[1]) as string;
    const importPath = from.get(m[2]);
    return importPath ? [{ path, router: m[2], from: importPath }] : [];
  });
}

/**
 * A registry file to write: the entries already on disk plus the rendered ones (a rendered entry
 * replaces one with the same mount path or table). Other files are written as rendered.
 */
export function mergeRegistry(path: string, existing: string | null | undefined, rendered: string): string {
  if (!existing) return rendered;
  if (path.endsWith(TABLE_REGISTRY_PATH.replace(/^backend\//, ""))) {
    const fresh = parseTableRegistry(rendered);
    const kept = parseTableRegistry(existing).filter((e) => !fresh.some((f) => f.table === e.table));
    return renderTableRegistry([...kept, ...fresh]);
  }
  if (path.endsWith(MODULE_REGISTRY_PATH.replace(/^backend\//, ""))) {
    const fresh = parseModuleRegistry(rendered);
    const kept = parseModuleRegistry(existing).filter(
      (e) => !fresh.some((f) => f.path === e.path || f.router === e.router),
    );
    return renderModuleRegistry([...kept, ...fresh]);
  }
  return rendered;
}
