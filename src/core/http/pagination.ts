import { z } from "@hono/zod-openapi";

/** `page_no` ≥ 1, `page_size` 1…100 and `order_by` as JSON text (contract §3.1). */
export const pageQuerySchema = z.object({
  page_no: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
  page_size: z.coerce.number().int().min(1).max(100).default(10).openapi({ example: 10 }),
  order_by: z.string().optional().openapi({ example: '[{"id":"asc"}]' }),
});

export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  total: number;
  page_no: number;
  page_size: number;
  has_next: boolean;
}

export function pageOf<T>(items: T[], total: number, q: Pick<PageQuery, "page_no" | "page_size">): Page<T> {
  return {
    items,
    total,
    page_no: q.page_no,
    page_size: q.page_size,
    has_next: (q.page_no - 1) * q.page_size + q.page_size < total,
  };
}

export const offsetOf = (q: Pick<PageQuery, "page_no" | "page_size">) => (q.page_no - 1) * q.page_size;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page_no: z.number().int(),
    page_size: z.number().int(),
    has_next: z.boolean(),
  });
}

/**
 * `order_by` JSON (`[{"id":"asc"},{"name":"desc"}]`) → sort keys. Unparsable text falls back to
 * the default, as upstream does; the caller rejects unknown fields.
 */
export function parseOrderBy(raw: string | undefined): { field: string; desc: boolean }[] {
  const fallback = [{ field: "updated_time", desc: true }];
  if (!raw) return fallback;
  try {
    const list = JSON.parse(raw);
    if (!Array.isArray(list)) return fallback;
    const keys = list.flatMap((item) =>
      item && typeof item === "object"
        ? Object.entries(item).map(([field, dir]) => ({
            field,
            desc: String(dir).toLowerCase() === "desc",
          }))
        : [],
    );
    return keys.length ? keys : fallback;
  } catch {
    return fallback;
  }
}
