import { lstat, mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { GeneratorDisk } from "@/core/context";

/** True when `path` is `root` itself or below it. */
const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

/**
 * The code generator's files on this machine. Paths are relative and `/`-separated; anything
 * resolving outside the root, through `..` or through a symbolic link, is refused.
 */
export function createGeneratorDisk(): GeneratorDisk {
  async function target(root: string, path: string): Promise<string> {
    if (!path || isAbsolute(path) || path.split(/[\\/]/).some((s) => s === ".." || s === "")) {
      throw new Error(`generator path refused: ${path}`);
    }
    const base = await realpath(resolve(root));
    const full = resolve(join(base, path));
    if (!inside(base, full)) throw new Error(`generator path escapes its root: ${path}`);
    // The deepest existing ancestor must resolve inside the root too (no symlinked directories out).
    let probe = dirname(full);
    for (;;) {
      const real = await realpath(probe).catch(() => null);
      if (real !== null) {
        if (!inside(base, real)) throw new Error(`generator path escapes its root: ${path}`);
        break;
      }
      probe = dirname(probe);
    }
    const existing = await lstat(full).catch(() => null);
    if (existing?.isSymbolicLink()) throw new Error(`generator path is a symbolic link: ${path}`);
    return full;
  }
  return {
    async read(root, path) {
      const full = await target(root, path);
      return readFile(full, "utf8").catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return null;
        throw err;
      });
    },
    async write(root, path, content) {
      const full = await target(root, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content, "utf8");
    },
    cwd: () => process.cwd(),
  };
}
