import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { assertSafeKey, contentTypeOf, type Storage, type StorageEntry } from "./storage";

/** Files in a local directory (Bun/Node only; the Worker uses R2). */
export function createLocalStorage(root: string): Storage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const full = resolve(join(base, assertSafeKey(key)));
    if (!full.startsWith(base + sep)) throw new Error(`storage key escapes the root: ${key}`);
    return full;
  };
  /** The uploader's file name lives in a hidden file beside the upload (`.<name>.origin`). */
  const originPathOf = (path: string) => join(dirname(path), `.${basename(path)}.origin`);
  return {
    driver: "local",
    async put(key, body, _contentType, originName) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
      if (originName) await writeFile(originPathOf(path), originName, "utf8");
      else await rm(originPathOf(path), { force: true });
    },
    async get(key) {
      const path = pathOf(key);
      try {
        const body = new Uint8Array(await readFile(path));
        const originName = await readFile(originPathOf(path), "utf8").catch(() => null);
        return { body, contentType: contentTypeOf(key), originName };
      } catch {
        return null;
      }
    },
    async open(key) {
      const path = pathOf(key);
      const s = await stat(path).catch(() => null);
      if (!s?.isFile()) return null;
      const originName = await readFile(originPathOf(path), "utf8").catch(() => null);
      const body = Bun.file(path).stream();
      return { body, size: s.size, contentType: contentTypeOf(key), originName };
    },
    async delete(key) {
      const path = pathOf(key);
      const existed = await stat(path).then(
        () => true,
        () => false,
      );
      await rm(path, { force: true });
      await rm(originPathOf(path), { force: true });
      // Folders exist only while they hold something, as in the flat stores (Storage.list).
      for (let dir = dirname(path); dir.startsWith(base + sep); dir = dirname(dir)) {
        if (
          !(await rmdir(dir).then(
            () => true,
            () => false,
          ))
        )
          break;
      }
      return existed;
    },
    async exists(key) {
      return stat(pathOf(key)).then(
        (s) => s.isFile(),
        () => false,
      );
    },
    async list(prefix, opts) {
      const found: StorageEntry[] = [];
      const entryOf = async (key: string, isDir: boolean): Promise<StorageEntry | null> => {
        // gone meanwhile, or a name no key can have (pathOf refuses it)
        const s = await Promise.resolve(key)
          .then((k) => stat(pathOf(k)))
          .catch(() => null);
        if (!s) return null;
        return {
          key,
          is_dir: isDir,
          size: isDir ? null : s.size,
          created: s.birthtimeMs > 0 ? s.birthtime : s.mtime,
          modified: s.mtime,
        };
      };
      const walk = async (folderKey: string) => {
        const entries = await Promise.resolve(folderKey)
          .then((k) => readdir(pathOf(k), { withFileTypes: true }))
          .catch(() => []);
        for (const entry of entries) {
          const key = `${folderKey}/${entry.name}`;
          // Symlinks and devices are never listed: they could lead out of the root.
          if (entry.isDirectory() && opts?.recursive) await walk(key);
          else if (entry.isDirectory() || entry.isFile()) {
            const listed = await entryOf(key, entry.isDirectory());
            if (listed) found.push(listed);
          }
        }
      };
      await walk(assertSafeKey(prefix));
      return found;
    },
  };
}
