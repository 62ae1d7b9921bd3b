import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
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
      if (result.target === "json") data = await c.req.json().catch(() => null);
      throw validationError(firstIssueMessage(result.error), data);
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
