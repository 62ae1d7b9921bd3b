// Registry written by the code generator: it rewrites this file, merging its entries.
import type { Kit, KitDialect } from "../kit/types";

/**
 * Tables of modules written by the code generator, spread into db/tables.ts's table set. The
 * generator rewrites this file (merging entries); keep hand-written tables in db/tables.ts.
 */
export function generatedTables<D extends KitDialect>(_k: Kit<D>) {
  return {};
}

/** Each generated table's `CREATE TABLE IF NOT EXISTS` per dialect, run at start after the migrations. */
export const generatedTableDdl: { sqlite: string; mysql: string }[] = [];
