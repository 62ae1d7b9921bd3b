import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps, AppEnv, DocAsset } from "../context";

const ASSET_TYPES: Record<DocAsset, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
  "redoc.standalone.js": "application/javascript; charset=utf-8",
};

/**
 * The docs pages' Content-Security-Policy: every script, style sheet and font from this server,
 * no inline script (Swagger UI is started by a script file of ours, below); inline styles are
 * allowed because both UIs set style attributes and ReDoc injects <style> elements; `data:`/
 * `blob:` images for their icons, a `blob:` worker for ReDoc's search; API calls to us only.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join("; ");

/** Starts Swagger UI on the page's element, reading the spec URL from it (no inline script). */
const SWAGGER_INIT = `window.addEventListener("load", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ dom_id: "#swagger-ui", url: node.getAttribute("data-spec-url"), persistAuthorization: true });
});
`;

const swaggerPage = (specUrl: string, assets: string) => `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hono-admin API · Swagger UI</title><link rel="stylesheet" href="${assets}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-spec-url="${specUrl}"></div>
<script src="${assets}/swagger-ui-bundle.js"></script><script src="${assets}/swagger-init.js"></script></body>
</html>`;

const redocPage = (specUrl: string, script: string) => `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hono-admin API · ReDoc</title><style>body{margin:0}</style></head>
<body><redoc spec-url="${specUrl}"></redoc><script src="${script}"></script></body>
</html>`;

export const OPENAPI_CONFIG = {
  openapi: "3.0.3",
  info: {
    title: "hono-admin API",
    version: "0.1.0",
    description: "FastapiAdmin v3.0 兼容的后台管理接口。登录: POST /api/v1/system/auth/login (表单)。",
  },
};

/**
 * OpenAPI document, Swagger UI and ReDoc under /api/v1. Their assets come from this server, so
 * the pages work on networks that cannot reach a CDN.
 */
export function mountDocs(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const base = "/api/v1";
  app.openAPIRegistry.registerComponent("securitySchemes", "OAuth2PasswordBearer", {
    type: "oauth2",
    flows: { password: { tokenUrl: `${base}/system/auth/login`, scopes: {} } },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "BearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });

  app.doc(`${base}/openapi.json`, OPENAPI_CONFIG);

  const page = (html: string) =>
    new Response(html, {
      headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": DOCS_CSP },
    });
  app.get(`${base}/docs`, () => page(swaggerPage(`${base}/openapi.json`, `${base}/docs/assets`)));
  app.get(
    `${base}/docs/assets/swagger-init.js`,
    () =>
      new Response(SWAGGER_INIT, {
        headers: {
          "Content-Type": "application/javascript; charset=utf-8",
          "Cache-Control": "public, max-age=86400",
        },
      }),
  );
  app.get(`${base}/docs/assets/swagger-ui-dist/:file`, (c) => serveAsset(c.req.param("file")));
  app.get(`${base}/docs/assets/:file`, (c) => serveAsset(c.req.param("file")));
  app.get(`${base}/redoc`, () =>
    page(redocPage(`${base}/openapi.json`, `${base}/docs/assets/redoc.standalone.js`)),
  );

  async function serveAsset(file: string) {
    const type = ASSET_TYPES[file as DocAsset];
    const body = type ? await deps.docAssets(file as DocAsset) : null;
    if (body === null) return new Response("Not Found", { status: 404 });
    return new Response(body, {
      headers: { "Content-Type": type, "Cache-Control": "public, max-age=86400" },
    });
  }
}
