import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "@/core/context";
import { fail } from "./envelope";
import { AppError } from "./errors";

/**
 * The app's `onError`: every thrown error becomes the envelope. An `AppError` answers with its
 * kind's status and code (and its headers); Hono's `HTTPException` with its status (an
 * unreadable JSON body is the contract's 422); anything else is logged and answers a generic 500
 * that tells the caller nothing about the cause.
 */
export const errorHandler: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return fail(c, err.status, err.code, err.message, err.data);
  }
  if (err instanceof HTTPException) {
    // Hono's body parsers signal unreadable input this way; the contract answers 422.
    if (err.status === 400 && /malformed|json/i.test(err.message)) {
      return fail(c, 422, 1, "JSON decode error", null);
    }
    return fail(c, err.status, 1, err.message || "请求错误");
  }
  c.get("logger")?.error("unhandled error", { err, path: c.req.path, method: c.req.method });
  return fail(c, 500, 1, "服务器内部错误");
};
