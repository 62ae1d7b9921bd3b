import type { AppDeps } from "../../../core/context";
import { notFound } from "../../../core/http/errors";
import { createRouter } from "../../../core/http/router";
import { builtinImages } from "./images";

/** Uploaded content may be SVG: it is served inert (no scripts, no same-origin powers). */
const INERT = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

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
    let file: Awaited<ReturnType<typeof deps.storage.get>> = null;
    try {
      file = await deps.storage.get(key);
    } catch {
      file = null; // an unsafe key is simply not a file
    }
    if (!file) throw notFound("文件不存在");
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": file.contentType ?? "application/octet-stream",
      "Content-Security-Policy": INERT,
      "Cache-Control": "public, max-age=3600",
    });
  });
  return router;
}
