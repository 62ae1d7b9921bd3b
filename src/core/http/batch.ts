import { badRequest, notFound } from "./errors";

/*
 * Batch writes (delete, status) name their rows by id and are all-or-nothing: an empty batch is
 * refused, and one id that is missing, deleted or outside the caller's data scope refuses the
 * whole batch before anything is written.
 */

/** The distinct ids of a batch request; an empty one is refused (400) with `emptyMessage`. */
export function batchIds(ids: readonly number[], emptyMessage: string): number[] {
  if (!ids.length) throw badRequest(emptyMessage);
  return [...new Set(ids)];
}

/**
 * The rows `load` finds for `ids` (distinct, see `batchIds`); when any id is not among them the
 * request fails with 404 `missingMessage`.
 */
export async function requireAll<T>(
  ids: readonly number[],
  load: (ids: number[]) => Promise<T[]>,
  missingMessage: string,
): Promise<T[]> {
  const rows = await load([...ids]);
  if (rows.length < ids.length) throw notFound(missingMessage);
  return rows;
}
