import type { z } from "@hono/zod-openapi";

/** A route spec's `request.body` in JSON; `required: false` for an optional one (export filters). */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { "application/json": { schema } },
});

/**
 * `base` overlaid with every key `top` gives a value (undefined keys of `top` leave `base`'s).
 * Exports take their filters from the query string and from the JSON body; the route says which
 * of the two wins by putting it on top.
 */
export function overlayDefined<T extends object>(base: T, top: Partial<T> | undefined): T {
  const defined = Object.entries(top ?? {}).filter(([, v]) => v !== undefined);
  return { ...base, ...Object.fromEntries(defined) };
}
