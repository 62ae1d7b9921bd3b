import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { sharedErrors } from "./openapi";

/** RFC 5987 `ext-value` characters: encodeURIComponent leaves `'()*` alone, which it must not. */
const rfc5987 = (text: string) =>
  encodeURIComponent(text).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `attachment; filename="…"` for a plain ASCII name; otherwise an ASCII stand-in plus the UTF-8
 * name in `filename*` (header values must be Latin-1, and quotes or CR/LF must not break out).
 */
export function contentDisposition(fileName: string): string {
  if (/^[\x20-\x7e]+$/.test(fileName) && !/["\\]/.test(fileName)) return `attachment; filename="${fileName}"`;
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${fallback}"; filename*=utf-8''${rfc5987(fileName)}`;
}

/**
 * A stored file as a download: never rendered by the browser, whatever its extension. A stream
 * body is sent as it is read (with `size`, as Content-Length).
 */
export function attachment(
  c: Context,
  body: Uint8Array | ReadableStream<Uint8Array>,
  fileName: string,
  size?: number | null,
): never {
  if (body instanceof ReadableStream && size != null) c.header("Content-Length", String(size));
  return c.body(body as Uint8Array<ArrayBuffer>, 200, {
    "Content-Type": "application/octet-stream",
    "Content-Disposition": contentDisposition(fileName),
    "Access-Control-Expose-Headers": "Content-Disposition",
    "X-Content-Type-Options": "nosniff",
    // Opened anyway (a saved link, a download manager's preview): no script, no same-origin powers.
    "Content-Security-Policy": "default-src 'none'; sandbox",
  }) as never;
}

/** OpenAPI `responses` of a route answering with a file download (errors stay JSON envelopes). */
export function attachmentResponses(description: string) {
  return {
    200: {
      description,
      content: {
        "application/octet-stream": { schema: z.string().openapi({ type: "string", format: "binary" }) },
      },
    },
    ...sharedErrors,
  };
}
