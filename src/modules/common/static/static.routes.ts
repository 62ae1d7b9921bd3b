import type { AppDeps } from "@/core/context";
import { contentDisposition } from "@/core/http/attachment";
import { notFound } from "@/core/http/errors";
import { createRouter } from "@/core/http/router";
import { type OpenedFile, openStored } from "@/core/storage/storage";
import { builtinImages } from "./images";

/** Whatever is served from storage runs nothing: no scripts, no same-origin powers. */
const INERT = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

/** Types shown in place (`<img>`, a new tab); everything else, SVG included, is a download. */
const INLINE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/x-icon",
  "image/webp",
  "image/bmp",
]);

/** `/api/v1/static/...`: the built-in images and the files kept in storage (uploads). */
export function staticRouter(deps: AppDeps) {
  const router = createRouter();
  router.get("/image/:name", (c) => {
    const svg = builtinImages[c.req.param("name")];
    if (!svg) throw notFound("文件不存在");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(svg, 200, { "Content-Type": "image/svg+xml; charset=utf-8" });
  });
  router.get("/upload/*", async (c) => {
    const key = decodeURIComponent(c.req.path.slice(c.req.path.indexOf("/static/") + "/static/".length));
    // Hidden files (an upload's kept name) are not uploads.
    if (key.split("/").some((segment) => segment.startsWith("."))) throw notFound("文件不存在");
    let file: OpenedFile | null = null;
    try {
      file = await openStored(deps.storage, key);
    } catch {
      file = null; // an unsafe key is simply not a file
    }
    if (!file) throw notFound("文件不存在");
    const type = file.contentType ?? "application/octet-stream";
    const name = file.originName || key.slice(key.lastIndexOf("/") + 1);
    // SVG can carry script: it is a download (an <img> still shows it), and sandboxed besides.
    const disposition = contentDisposition(name);
    // Streamed as it is read from storage.
    if (file.size !== null) c.header("Content-Length", String(file.size));
    return c.body(file.body, 200, {
      "Content-Type": type,
      "Content-Disposition": INLINE_TYPES.has(type)
        ? disposition.replace(/^attachment/, "inline")
        : disposition,
      "Content-Security-Policy": INERT,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=3600",
    });
  });
  return router;
}
