import { z } from "@hono/zod-openapi";

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

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorEnvelope } },
});

/** Responses every route may give besides its success: 401/403 for guarded routes, 422 for bad input. */
export const commonErrors = {
  401: errorResponse("未认证 (code 10401)"),
  403: errorResponse("无权限 (code 10403)"),
  422: errorResponse("参数校验失败 (code 1)"),
} as const;

/** `responses` of a route whose success is the envelope around `data`. */
export function jsonOk<T extends z.ZodType>(data: T, description = "成功") {
  return {
    200: { description, content: { "application/json": { schema: envelopeOf(data) } } },
    ...commonErrors,
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

type OperationObject = { operationId?: string; security?: unknown[] };

/**
 * Finishes the generated document: an `operationId` on every operation (unique: a clash is a
 * programming error and throws), and `security: []` on the public ones, saying outright that
 * they need no token (guarded routes carry the bearer requirement from `guardedRoute`).
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
    item[method] = { operationId, ...op, security: op.security ?? [] };
  }
  return doc;
}
