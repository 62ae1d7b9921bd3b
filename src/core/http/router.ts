import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "@/core/context";
import { redact } from "@/core/log/redact";
import { validationError } from "./errors";
import { firstIssueMessage } from "./validation";

/**
 * Every module builds its routes on this: request validation failures become the contract's
 * 422 envelope (code 1) through the one `onError`, echoing a JSON body as `data`.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: async (result, c) => {
      if (result.success) return;
      let data: unknown = null;
      if (result.target === "json") {
        // Echo the body as upstream did, but with secrets masked and not a huge one back to its sender.
        data = redact(await c.req.json().catch(() => null));
        if (JSON.stringify(data ?? null).length > 2000) data = null;
      }
      throw validationError(firstIssueMessage(result.error), data);
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
