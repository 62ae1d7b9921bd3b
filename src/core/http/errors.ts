/**
 * The one error type services throw. `errorHandler` (error-handler.ts) turns it into the
 * envelope with the HTTP status of its kind and the contract's `code` (the SPA reads `code`, not
 * the status).
 */
export type ErrorKind =
  | "validation"
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "unavailable"
  | "internal";

const KIND: Record<ErrorKind, { status: number; code: number }> = {
  validation: { status: 422, code: 1 },
  bad_request: { status: 400, code: -1 },
  unauthenticated: { status: 401, code: 10401 },
  forbidden: { status: 403, code: 10403 },
  not_found: { status: 404, code: -1 },
  conflict: { status: 409, code: -1 },
  rate_limited: { status: 429, code: -1 },
  unavailable: { status: 503, code: -1 },
  internal: { status: 500, code: 1 },
};

export class AppError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly data: unknown = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = KIND[kind].status;
    this.code = KIND[kind].code;
  }
}

export const badRequest = (msg: string, data?: unknown) => new AppError("bad_request", msg, data);
export const notFound = (msg: string) => new AppError("not_found", msg);
export const conflict = (msg: string) => new AppError("conflict", msg);
export const forbidden = (msg = "无权限操作") => new AppError("forbidden", msg);
export const unauthenticated = (msg = "认证已失效") => new AppError("unauthenticated", msg);
export const validationError = (msg: string, data: unknown = null) => new AppError("validation", msg, data);

/**
 * `value`, which the caller knows exists — typically a row it has just written or checked, read
 * back. Its absence is a bug or a concurrent delete, not the client's fault: a plain error (logged,
 * answered with the generic 500) that names what was missing.
 */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what}: expected to exist, found none`);
  return value;
}
