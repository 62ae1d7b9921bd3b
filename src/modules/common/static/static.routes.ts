import type { AppDeps } from "../../../core/context";
import { notFound } from "../../../core/http/errors";
import { createRouter } from "../../../core/http/router";
import { builtinImages } from "./images";

/** `/api/v1/static/...`: the built-in images (uploaded files join them with the storage layer). */
export function staticRouter(_deps: AppDeps) {
  const router = createRouter();
  router.get("/image/:name", (c) => {
    const svg = builtinImages[c.req.param("name")];
    if (!svg) throw notFound("文件不存在");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(svg, 200, { "Content-Type": "image/svg+xml; charset=utf-8" });
  });
  return router;
}
