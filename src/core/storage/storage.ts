/**
 * Where uploaded files live: a local directory under Bun (default ./data/static), an R2 bucket
 * on Workers. Keys are relative paths like `upload/2025/01/31/logo_20250131120000A042.png`;
 * drivers refuse keys that could escape their root.
 */
export interface Storage {
  readonly driver: "local" | "r2" | "memory";
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  get(key: string): Promise<{ body: Uint8Array; contentType: string | null } | null>;
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
}

const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".xls": "application/vnd.ms-excel",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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
  const files = new Map<string, { body: Uint8Array; contentType: string | null }>();
  return {
    driver: "memory",
    async put(key, body, contentType) {
      files.set(assertSafeKey(key), { body, contentType: contentType ?? null });
    },
    async get(key) {
      return files.get(assertSafeKey(key)) ?? null;
    },
    async delete(key) {
      return files.delete(assertSafeKey(key));
    },
    async exists(key) {
      return files.has(assertSafeKey(key));
    },
  };
}
