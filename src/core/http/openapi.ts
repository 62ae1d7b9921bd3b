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
