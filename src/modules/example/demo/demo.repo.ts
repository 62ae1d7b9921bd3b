import { asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database, Orm } from "@/core/db/database";
import { allOf, notDeleted, selectPage } from "@/core/db/query";
import type { ExampleSpec } from "./demo.spec";

type DemoTable = Database["t"]["gen_demo"];
/** A gen_demo row; gen_demo01 rows have the same columns minus a–i. */
export type DemoRow = DemoTable["$inferSelect"];
export type DemoInsert = DemoTable["$inferInsert"];

/**
 * The spec's table, typed as gen_demo: gen_demo01's columns are a subset of it, and the queries
 * here name only the shared ones (the selects return whatever columns the real table has).
 */
export const tableOf = (db: Database, spec: ExampleSpec) => db.t[spec.table] as unknown as DemoTable;

/** Live rows only: soft-deleted rows are gone for every read. */
const live = (table: DemoTable, where: SQL | undefined) => allOf(notDeleted(table), where);

export function selectDemoPage(
  db: Database,
  spec: ExampleSpec,
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
) {
  const table = tableOf(db, spec);
  return selectPage<DemoRow>(db, table, live(table, where), orderBy, page);
}

export function selectDemos(db: Database, spec: ExampleSpec, where: SQL | undefined): Promise<DemoRow[]> {
  const table = tableOf(db, spec);
  return db.orm.select().from(table).where(live(table, where)).orderBy(asc(table.id));
}

export async function findDemo(
  db: Database,
  spec: ExampleSpec,
  id: number,
  scope?: SQL,
): Promise<DemoRow | undefined> {
  const table = tableOf(db, spec);
  const [row] = await db.orm
    .select()
    .from(table)
    .where(live(table, allOf(eq(table.id, id), scope)))
    .limit(1);
  return row;
}

/** Whether another live row (not `exceptId`) already has this name. */
export async function nameTaken(db: Database, spec: ExampleSpec, name: string, exceptId?: number) {
  const table = tableOf(db, spec);
  const [row] = await db.orm
    .select({ id: table.id })
    .from(table)
    .where(
      live(table, allOf(eq(table.name, name), exceptId === undefined ? undefined : ne(table.id, exceptId))),
    )
    .limit(1);
  return row !== undefined;
}

/** The live names among `names` (for the import's duplicate check). */
export async function takenNames(db: Database, spec: ExampleSpec, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const table = tableOf(db, spec);
  const rows = await db.orm
    .select({ name: table.name })
    .from(table)
    .where(live(table, inArray(table.name, names)));
  return new Set(rows.map((r) => r.name));
}

export async function insertDemo(db: Database, spec: ExampleSpec, values: DemoInsert): Promise<number> {
  return db.insertId(await db.orm.insert(tableOf(db, spec)).values(values));
}

/** Many rows (the import's, inside its transaction), in chunks that keep bound parameters few. */
export async function insertDemos(tx: Orm, db: Database, spec: ExampleSpec, values: DemoInsert[]) {
  const CHUNK = 200;
  for (let i = 0; i < values.length; i += CHUNK)
    await tx.insert(tableOf(db, spec)).values(values.slice(i, i + CHUNK));
}

export async function updateDemos(
  db: Database,
  spec: ExampleSpec,
  ids: number[],
  values: Partial<DemoInsert>,
) {
  if (!ids.length) return;
  const table = tableOf(db, spec);
  await db.orm.update(table).set(values).where(inArray(table.id, ids));
}
