// The docs pages' assets, bundled into the Worker as text modules ([[rules]] type = "Text" in
// wrangler.toml): the edge has no node_modules to read, and a CDN is what serving them ourselves
// avoids. Costs ~0.8 MB gzipped of the bundle; kept in its own module so that is easy to see.
import redocJs from "redoc/bundles/redoc.standalone.js";
import swaggerCss from "swagger-ui-dist/swagger-ui.css";
import swaggerJs from "swagger-ui-dist/swagger-ui-bundle.js";
import type { AppDeps, DocAsset } from "@/core/context";

const ASSETS: Record<DocAsset, string> = {
  "swagger-ui.css": swaggerCss,
  "swagger-ui-bundle.js": swaggerJs,
  "redoc.standalone.js": redocJs,
};

export const bundledDocAssets: AppDeps["docAssets"] = async (file) => ASSETS[file] ?? null;
