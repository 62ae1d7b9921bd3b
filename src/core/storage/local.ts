import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { assertSafeKey, contentTypeOf, type Storage } from "./storage";

/** Files in a local directory (Bun/Node only; the Worker uses R2). */
export function createLocalStorage(root: string): Storage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const full = resolve(join(base, assertSafeKey(key)));
    if (!full.startsWith(base + sep)) throw new Error(`storage key escapes the root: ${key}`);
    return full;
  };
  return {
    driver: "local",
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    },
    async get(key) {
      const path = pathOf(key);
      try {
        const body = new Uint8Array(await readFile(path));
        return { body, contentType: contentTypeOf(key) };
      } catch {
        return null;
      }
    },
    async delete(key) {
      const path = pathOf(key);
      const existed = await stat(path).then(
        () => true,
        () => false,
      );
      await rm(path, { force: true });
      return existed;
    },
    async exists(key) {
      return stat(pathOf(key)).then(
        (s) => s.isFile(),
        () => false,
      );
    },
  };
}
