import { badRequest } from "@/core/http/errors";
import { assertSafeKey } from "@/core/storage/storage";

/** The storage folder the resource manager browses; nothing outside it is reachable. */
export const ROOT_KEY = "upload";
export const MAX_DEPTH = 20;

export interface ResourcePath {
  /** relative to the root, `/`-separated; "" for the root itself */
  rel: string;
  /** the storage key (`upload/<rel>`, or `upload` for the root) */
  key: string;
}

const invalid = () => badRequest("非法的路径格式");

const decodeOnce = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** True when the text, or any of its first three URL-decodings, names `.`/`..` or holds NUL. */
function looksLikeTraversal(text: string): boolean {
  let current = text;
  for (let round = 0; round < 4; round++) {
    if (current.includes("\0") || current.split(/[/\\]/).some((s) => s === "." || s === "..")) return true;
    const next = decodeOnce(current);
    if (next === current) return false;
    current = next;
  }
  return true;
}

/**
 * Any path the SPA sends (contract §4.4): a relative path (`a/b`), `/` or empty for the root, or an
 * item's `file_url` (absolute URL or `/api/v1/static/upload/...`). Every result is a key below the
 * root that `assertSafeKey` accepts; traversal, NUL, hidden segments and too deep paths are
 * refused. Unlike upstream, `upload/` is stripped only from URLs, so a folder named `upload` in
 * the root stays addressable by its relative path.
 */
export function resolveResourcePath(raw: string | null | undefined): ResourcePath {
  let path = (raw ?? "").trim();
  // checked before URL parsing too, which would quietly resolve `..` segments of a URL
  if (looksLikeTraversal(path)) throw invalid();
  let fromUrl = false;
  if (/^https?:\/\//i.test(path)) {
    let pathname: string;
    try {
      pathname = new URL(path).pathname;
    } catch {
      throw invalid();
    }
    // file_url segments are percent-encoded; the key is the decoded text
    path = pathname
      .split("/")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          throw invalid();
        }
      })
      .join("/");
    fromUrl = true;
  }
  if (looksLikeTraversal(path)) throw invalid();
  path = path.replace(/\\/g, "/");
  const staticPrefix = /^\/(?:api\/v1\/)?static(?:\/|$)/.exec(path);
  if (staticPrefix) {
    path = path.slice(staticPrefix[0].length);
    fromUrl = true;
  }
  let segments = path.split("/").filter((s) => s !== "");
  if (fromUrl && segments[0] === ROOT_KEY) segments = segments.slice(1);
  if (segments.some((s) => s.startsWith("."))) throw invalid();
  if (segments.length > MAX_DEPTH) throw badRequest("路径深度超过限制");
  const rel = segments.join("/");
  const key = rel ? `${ROOT_KEY}/${rel}` : ROOT_KEY;
  try {
    assertSafeKey(key);
  } catch {
    throw invalid();
  }
  return { rel, key };
}

/** The relative path of a key below the root. */
export const relOf = (key: string) => (key === ROOT_KEY ? "" : key.slice(ROOT_KEY.length + 1));

/** A key's last segment. */
export const baseName = (key: string) => key.slice(key.lastIndexOf("/") + 1);

/** The key of the folder holding `key`. */
export const parentKey = (key: string) => key.slice(0, key.lastIndexOf("/"));

/** `/api/v1/static/upload/<rel>` on the request's origin, each segment percent-encoded. */
export function fileUrlOf(origin: string, key: string): string {
  return `${origin.replace(/\/$/, "")}/api/v1/static/${key.split("/").map(encodeURIComponent).join("/")}`;
}
