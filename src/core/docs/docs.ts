import { swaggerUI } from "@hono/swagger-ui";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps, AppEnv, DocAsset } from "../context";

const ASSET_TYPES: Record<DocAsset, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
  "redoc.standalone.js": "application/javascript; charset=utf-8",
};

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

  app.get(
    `${base}/docs`,
    swaggerUI({
      url: `${base}/openapi.json`,
      baseUrl: `${base}/docs/assets`,
      title: "hono-admin API · Swagger UI",
      persistAuthorization: true,
    }),
  );
  app.get(`${base}/docs/assets/swagger-ui-dist/:file`, (c) => serveAsset(c.req.param("file")));
  app.get(`${base}/docs/assets/:file`, (c) => serveAsset(c.req.param("file")));
  app.get(`${base}/redoc`, (c) =>
    c.html(redocPage(`${base}/openapi.json`, `${base}/docs/assets/redoc.standalone.js`)),
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
