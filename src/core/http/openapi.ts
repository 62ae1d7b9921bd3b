import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "@/core/context";

/** The envelope around a payload schema, for OpenAPI response declarations. */
export function envelopeOf<T extends z.ZodType>(data: T) {
  return z.object({
    code: z.number().int().openapi({ example: 0 }),
    msg: z.string(),
    data,
    status_code: z.number().int().openapi({ example: 200 }),
    success: z.boolean(),
  });
}

const errorEnvelope = envelopeOf(z.unknown().nullable()).openapi("ErrorEnvelope");

/**
 * The error answers, each described once as a named response (`components.responses`) that
 * operations reference. The codes are those `AppError` gives each kind (see errors.ts).
 */
const ERROR_RESPONSES = {
  400: { name: "BadRequest", description: "请求错误 (code -1)" },
  401: { name: "Unauthenticated", description: "未认证 (code 10401)" },
  403: { name: "Forbidden", description: "无权限 (code 10403)" },
  404: { name: "NotFound", description: "不存在 (code -1)" },
  409: { name: "Conflict", description: "冲突 (code -1)" },
  415: { name: "UnsupportedMediaType", description: "请求体类型不受支持 (code 1)" },
  422: { name: "ValidationFailed", description: "参数校验失败 (code 1)" },
  429: { name: "TooManyRequests", description: "请求过于频繁 (code -1)" },
  500: { name: "InternalError", description: "服务器内部错误 (code 1)" },
} as const;

type ErrorStatus = keyof typeof ERROR_RESPONSES;

const errorRef = <S extends ErrorStatus>(status: S) => ({
  $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` as const,
});

/** What any route may answer: a service's 400/404/409, the rate limit's 429, the generic 500. */
export const sharedErrors = {
  400: errorRef(400),
  404: errorRef(404),
  409: errorRef(409),
  429: errorRef(429),
  500: errorRef(500),
} as const;

/** What a guarded route answers without a valid session (401) or without its permission (403). */
export const guardErrors = { 401: errorRef(401), 403: errorRef(403) } as const;

/** What a route with request input (params, query or body) answers when it does not validate. */
export const inputErrors = { 422: errorRef(422) } as const;

/** What a route with a request body answers to a body of a media type it does not declare. */
export const bodyErrors = { 415: errorRef(415) } as const;

/**
 * The shared map under its older name (the xlsx helper spreads it). The guard's and the input's
 * errors are added where they apply (`guardedRoute`, `finishOpenApiDocument`).
 */
export const commonErrors = sharedErrors;

/**
 * An error response of one route, more precise than the shared one (`404: errorResponse("菜单不存在")`):
 * the same envelope, its own description.
 */
export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorEnvelope } },
});

/** Registers the envelope schema and the named error responses the operations reference. */
export function registerErrorResponses(registry: OpenAPIHono["openAPIRegistry"]) {
  registry.register("ErrorEnvelope", errorEnvelope);
  for (const { name, description } of Object.values(ERROR_RESPONSES)) {
    registry.registerComponent("responses", name, {
      description,
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
    });
  }
}

/**
 * `responses` of a route whose success is the envelope around `data`. `description` is the
 * success message: the `msg` its handler's `ok(c, data)` answers (see core/http/route.ts).
 */
export function jsonOk<T extends z.ZodType>(data: T, description = "成功") {
  return {
    200: { description, content: { "application/json": { schema: envelopeOf(data) } } },
    ...sharedErrors,
  };
}

/** Security requirement for routes that need a bearer token. */
export const bearerSecurity: Record<string, string[]>[] = [{ OAuth2PasswordBearer: [] }, { BearerAuth: [] }];

/**
 * Names better than the derived ones, keyed `METHOD /path` (path as in the document). Keep each
 * entry: renaming an operationId breaks generated clients.
 */
const OPERATION_ID_OVERRIDES: Record<string, string> = {
  "GET /api/v1/common/health/": "commonHealth",
  "GET /api/v1/common/health/ready/": "commonHealthReady",
  "GET /api/v1/system/auth/captcha/get": "systemAuthCaptcha",
  "GET /api/v1/system/dict/type/optionselect": "systemDictTypeOptionSelect",
  "GET /api/v1/system/dict/data/info/{dict_type}": "systemDictDataByType",
  "GET /api/v1/system/param/key/{config_key}": "systemParamByKey",
  "GET /api/v1/system/param/value/{config_key}": "systemParamValueByKey",
  "GET /api/v1/monitor/cache/get/names": "monitorCacheNames",
  "GET /api/v1/monitor/cache/get/keys/{cache_name}": "monitorCacheKeys",
  "GET /api/v1/monitor/cache/get/value/{cache_name}/{cache_key}": "monitorCacheValue",
  "DELETE /api/v1/monitor/cache/delete/name/{cache_name}": "monitorCacheDeleteName",
  "DELETE /api/v1/monitor/cache/delete/key/{cache_key}": "monitorCacheDeleteKey",
  "DELETE /api/v1/monitor/cache/delete/all": "monitorCacheDeleteAll",
  "POST /api/v1/ai/chat/ai-chat": "aiChatSend",
};

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/**
 * `systemUserList` for `GET /api/v1/system/user/list`: the path's literal segments after the
 * version, camel-cased; path parameters are left out. When several operations share that name
 * (one path, several methods; or paths that differ only in a parameter), all but the GET get
 * their method as a suffix (`systemUserCurrentSessionsDelete`).
 */
export function operationIdFor(method: string, path: string, shared = false): string {
  const override = OPERATION_ID_OVERRIDES[`${method.toUpperCase()} ${path}`];
  if (override) return override;
  const words = path
    .replace(/^\/api\/v\d+\//, "")
    .split("/")
    .filter((s) => s && !s.startsWith("{"))
    .flatMap((s) => s.split(/[-_.]/))
    .filter(Boolean);
  if (shared && method.toLowerCase() !== "get") words.push(method.toLowerCase());
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
}

type OperationObject = {
  operationId?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};

/**
 * Finishes the generated document: an `operationId` on every operation (unique: a clash is a
 * programming error and throws), `security: []` on the public ones, saying outright that they
 * need no token (guarded routes carry the bearer requirement and their 401/403 from
 * `guardedRoute`), the 422 on every operation with input (parameters or a body), the 415 on every
 * one with a body, and the shared error responses on every operation (what a route declares
 * itself wins).
 */
export function finishOpenApiDocument<D extends { paths?: object }>(doc: D): D {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((method) => ({ path, item, method })),
  );
  const uses = new Map<string, number>();
  for (const { path, method } of operations) {
    const name = operationIdFor(method, path);
    uses.set(name, (uses.get(name) ?? 0) + 1);
  }
  const seen = new Map<string, string>();
  for (const { path, item, method } of operations) {
    const op = item[method] as OperationObject;
    const shared = (uses.get(operationIdFor(method, path)) ?? 0) > 1;
    const operationId = op.operationId ?? operationIdFor(method, path, shared);
    const where = `${method.toUpperCase()} ${path}`;
    const other = seen.get(operationId);
    if (other) throw new Error(`operationId ${operationId} of ${where} is also that of ${other}`);
    seen.set(operationId, where);
    const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
    const responses = {
      ...(hasInput ? inputErrors : {}),
      ...(op.requestBody !== undefined ? bodyErrors : {}),
      ...sharedErrors,
      ...op.responses,
    };
    item[method] = { operationId, ...op, security: op.security ?? [], responses };
  }
  return doc;
}

/**
 * `summary` of each documented route of `app` by method and Hono path (`GET /api/v1/x/:id`), for
 * the operation log; read from the registry on first use, once every route is mounted.
 */
export function routeSummaries(app: OpenAPIHono<AppEnv>) {
  let byRoute: Map<string, string> | undefined;
  return (method: string, path: string) => {
    byRoute ??= new Map(
      app.openAPIRegistry.definitions.flatMap((d) =>
        d.type === "route" && d.route.summary
          ? [
              [
                `${d.route.method.toUpperCase()} ${d.route.path.replace(/\{(\w+)\}/g, ":$1")}`,
                d.route.summary,
              ],
            ]
          : [],
      ),
    );
    return byRoute.get(`${method} ${path}`);
  };
}
