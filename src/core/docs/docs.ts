import { SwaggerUI } from "@hono/swagger-ui";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Settings } from "@/config";
import type { AppDeps, AppEnv, DocAsset } from "@/core/context";
import { finishOpenApiDocument } from "@/core/http/openapi";

const ASSET_TYPES: Record<DocAsset, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
  "redoc.standalone.js": "application/javascript; charset=utf-8",
};

/**
 * The docs pages' Content-Security-Policy: scripts, style sheets and fonts from this server only,
 * plus, on the Swagger UI page, the one inline start-up script @hono/swagger-ui writes, pinned by
 * its hash; inline styles are allowed because both UIs set style attributes and ReDoc injects
 * <style> elements; `data:`/`blob:` images for their icons, a `blob:` worker for ReDoc's search;
 * API calls to us only.
 */
export function docsCsp(scriptHashes: string[] = []): string {
  return [
    "default-src 'none'",
    ["script-src 'self'", ...scriptHashes.map((h) => `'${h}'`)].join(" "),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
}

/** `sha256-<base64>` of each inline <script> of a page, for its CSP. */
async function inlineScriptHashes(html: string): Promise<string[]> {
  const hashes: string[] = [];
  for (const [, body] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
    hashes.push(`sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`);
  }
  return hashes;
}

/** Swagger UI as @hono/swagger-ui renders it, with its assets served by us (`baseUrl`). */
const swaggerPage = (specUrl: string, assets: string) => `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hono-admin API · Swagger UI</title></head>
<body>${SwaggerUI({ url: specUrl, baseUrl: assets, persistAuthorization: true })}</body>
</html>`;

const redocPage = (specUrl: string, script: string) => `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hono-admin API · ReDoc</title><style>body{margin:0}</style></head>
<body><redoc spec-url="${specUrl}"></redoc><script src="${script}"></script></body>
</html>`;

export const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "hono-admin API",
    version: "0.1.0",
    description: "FastapiAdmin v3.0 兼容的后台管理接口。登录: POST /api/v1/system/auth/login (表单)。",
  },
};

/**
 * The OpenAPI 3.1 document of `app`: every operation named (`operationId`) and its security
 * stated; `serverUrl` is where the API is reached (PUBLIC_URL, else the asking request's origin).
 */
export function buildOpenApiDocument(app: OpenAPIHono<AppEnv>, serverUrl: string) {
  return finishOpenApiDocument(
    app.getOpenAPI31Document({ ...OPENAPI_CONFIG, servers: [{ url: serverUrl, description: "hono-admin" }] }),
  );
}

/** The server URL for the document: PUBLIC_URL when set, else `fallback` (the request's origin). */
export function publicServerUrl(settings: Settings, fallback: string): string {
  return (settings.PUBLIC_URL || fallback).replace(/\/+$/, "");
}

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

  // Built once per server URL (one in practice); the registry does not change after start-up.
  const documents = new Map<string, string>();
  app.get(`${base}/openapi.json`, (c) => {
    const url = publicServerUrl(deps.settings, new URL(c.req.url).origin);
    let json = documents.get(url);
    if (json === undefined) {
      json = JSON.stringify(buildOpenApiDocument(app, url));
      if (documents.size < 8) documents.set(url, json);
    }
    return c.body(json, 200, { "Content-Type": "application/json" });
  });

  const page = (html: string, csp: string) =>
    new Response(html, {
      headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": csp },
    });
  const swaggerHtml = swaggerPage(`${base}/openapi.json`, `${base}/docs/assets`);
  let swaggerCsp: Promise<string> | undefined;
  app.get(`${base}/docs`, async () => {
    swaggerCsp ??= inlineScriptHashes(swaggerHtml).then(docsCsp);
    return page(swaggerHtml, await swaggerCsp);
  });
  // One route for both spellings of an asset's path (swagger-ui's page asks for some under
  // swagger-ui-dist/): two routes there would keep Hono's RegExpRouter from serving the app.
  app.get(`${base}/docs/assets/:file{(?:swagger-ui-dist/)?[^/]+}`, (c) =>
    serveAsset(c.req.param("file").replace(/^swagger-ui-dist\//, "")),
  );
  app.get(`${base}/redoc`, () =>
    page(redocPage(`${base}/openapi.json`, `${base}/docs/assets/redoc.standalone.js`), docsCsp()),
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
