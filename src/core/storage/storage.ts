/**
 * Where uploaded files live: a local directory under Bun (default ./data/static), an R2 bucket
 * on Workers, or any S3-compatible bucket on either (STORAGE_DRIVER=s3). Keys are relative paths like `upload/2025/01/31/<32 hex>.png`;
 * drivers refuse keys that could escape their root.
 */
export interface Storage {
  readonly driver: "local" | "r2" | "s3" | "memory";
  /** `originName`: the uploader's file name, kept beside the file for Content-Disposition. */
  put(key: string, body: Uint8Array, contentType?: string, originName?: string): Promise<void>;
  get(key: string): Promise<StoredFile | null>;
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /**
   * What is stored directly inside the folder `prefix` (a key, no trailing slash): its files and
   * the subfolders implied by deeper keys; with `recursive`, every file below it instead. Folders
   * exist only while they hold a file (as in R2), so a missing folder lists as [].
   */
  list(prefix: string, opts?: { recursive?: boolean }): Promise<StorageEntry[]>;
  /** A server-side copy where the store has one (S3); otherwise callers get and put. */
  copy?(from: string, to: string): Promise<void>;
  /**
   * The file as a stream, for downloads: the bytes are never all in memory at once. Drivers that
   * cannot stream leave it out; `openStored` then falls back to `get`.
   */
  open?(key: string): Promise<OpenedFile | null>;
}

/** A stored file being read: what `get` answers, with the body as a stream and its size. */
export interface OpenedFile extends Omit<StoredFile, "body"> {
  body: ReadableStream<Uint8Array>;
  /** bytes, where the store says (Content-Length) */
  size: number | null;
}

/** `storage.open(key)`, or `get` wrapped as a stream for drivers without one. */
export async function openStored(storage: Storage, key: string): Promise<OpenedFile | null> {
  if (storage.open) return storage.open(key);
  const file = await storage.get(key);
  if (!file) return null;
  const bytes = file.body;
  return {
    ...file,
    size: bytes.byteLength,
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }),
  };
}

export interface StoredFile {
  body: Uint8Array;
  /** from the key's extension, never what the uploader claimed */
  contentType: string | null;
  /** the name it was uploaded under, where the driver kept one */
  originName?: string | null;
}

export interface StorageEntry {
  /** the full key; a folder's has no trailing slash */
  key: string;
  is_dir: boolean;
  /** bytes, files only */
  size: number | null;
  /** null where the driver cannot tell (folders of flat stores) */
  created: Date | null;
  modified: Date | null;
}

/** The entries of `keys` inside folder `prefix`, as `Storage.list` answers for flat stores. */
export function entriesUnder(
  prefix: string,
  files: Iterable<{ key: string; size: number; modified: Date | null }>,
  recursive = false,
): StorageEntry[] {
  const base = `${assertSafeKey(prefix)}/`;
  const found = new Map<string, StorageEntry>();
  for (const file of files) {
    if (!file.key.startsWith(base)) continue;
    const rest = file.key.slice(base.length);
    const slash = rest.indexOf("/");
    if (recursive || slash < 0) {
      found.set(file.key, {
        key: file.key,
        is_dir: false,
        size: file.size,
        created: file.modified,
        modified: file.modified,
      });
    } else {
      const key = base + rest.slice(0, slash);
      found.set(key, { key, is_dir: true, size: null, created: null, modified: null });
    }
  }
  return [...found.values()];
}

const OOXML = "application/vnd.openxmlformats-officedocument";
const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".pdf": "application/pdf",
  ".doc": "application/msword",
  ".docx": `${OOXML}.wordprocessingml.document`,
  ".xls": "application/vnd.ms-excel",
  ".xlsx": `${OOXML}.spreadsheetml.sheet`,
  ".ppt": "application/vnd.ms-powerpoint",
  ".pptx": `${OOXML}.presentationml.presentation`,
  ".odt": "application/vnd.oasis.opendocument.text",
  ".ods": "application/vnd.oasis.opendocument.spreadsheet",
  ".rtf": "application/rtf",
  // Text is served as text with a charset, never as anything a browser would run.
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".zip": "application/zip",
  ".7z": "application/x-7z-compressed",
  ".tar": "application/x-tar",
  ".gz": "application/gzip",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
};

/**
 * The Content-Type a stored file is served with, from its extension only: what the uploader
 * claimed is not trusted (the upload check already limits which extensions exist).
 */
export function contentTypeOf(key: string): string | null {
  const dot = key.lastIndexOf(".");
  return dot < 0 ? null : (TYPES[key.slice(dot).toLowerCase()] ?? null);
}

const SAFE_SEGMENT = /^[^/\\\0]+$/;

/** Validates a storage key: relative, `/`-separated, no `.`/`..` segments, no NUL or backslash. */
export function assertSafeKey(key: string): string {
  const segments = key.split("/");
  if (
    key.length === 0 ||
    key.length > 512 ||
    key.startsWith("/") ||
    segments.some((s) => s === "" || s === "." || s === ".." || !SAFE_SEGMENT.test(s))
  ) {
    throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
  }
  return key;
}

/** An in-memory storage (tests, and a fallback where nothing else is configured). */
export function createMemoryStorage(): Storage {
  const files = new Map<
    string,
    { body: Uint8Array; contentType: string | null; originName: string | null }
  >();
  const written = new Map<string, Date>();
  return {
    driver: "memory",
    async put(key, body, contentType, originName) {
      files.set(assertSafeKey(key), {
        body,
        contentType: contentType ?? null,
        originName: originName ?? null,
      });
      written.set(key, new Date());
    },
    async get(key) {
      const file = files.get(assertSafeKey(key));
      // Like the other drivers: served by extension, whatever the uploader claimed.
      return file ? { ...file, contentType: contentTypeOf(key) ?? file.contentType } : null;
    },
    async delete(key) {
      written.delete(assertSafeKey(key));
      return files.delete(key);
    },
    async exists(key) {
      return files.has(assertSafeKey(key));
    },
    async list(prefix, opts) {
      const stored = [...files].map(([key, f]) => ({
        key,
        size: f.body.byteLength,
        modified: written.get(key) ?? null,
      }));
      return entriesUnder(prefix, stored, opts?.recursive);
    },
  };
}
