import { asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database, Orm, Tables } from "./database";
import { allOf, notDeleted, selectPage, softDeleted } from "./query";

/** Tables with an integer `id` and the soft-delete flag (FastapiAdmin's mixin columns). */
type SoftDeleting = {
  [K in keyof Tables]: Tables[K] extends { id: SQLiteColumn; is_deleted: SQLiteColumn } ? K : never;
}[keyof Tables];

type Shape = SQLiteTable & { id: SQLiteColumn; is_deleted: SQLiteColumn } & Record<string, unknown>;

/**
 * The reads and writes every repository of a soft-deleting table repeats, for table `name`: reads
 * see live rows only (besides `byId` and `valueHeld`, which answer what a write needs whatever the
 * row's state), and a delete is a soft delete. A repository keeps its own queries beside these.
 */
export function liveRows<N extends SoftDeleting>(name: N) {
  type Row = Tables[N]["$inferSelect"];
  type Insert = Tables[N]["$inferInsert"];
  const tableOf = (db: Database) => db.t[name] as unknown as Shape;
  const column = (db: Database, key: keyof Row & string) => tableOf(db)[key] as SQLiteColumn;
  const live = (db: Database, where?: SQL) => allOf(notDeleted(tableOf(db)), where);
  const except = (db: Database, id: number | undefined) =>
    id === undefined ? undefined : ne(tableOf(db).id, id);

  return {
    /** `where` and not soft-deleted. */
    live,

    /** One page of live rows and their total. */
    page(db: Database, where: SQL | undefined, orderBy: SQL[], page: { page_no: number; page_size: number }) {
      return selectPage<Row>(db, tableOf(db), live(db, where), orderBy, page);
    },

    /** Every live row matching `where`, by id. */
    async all(db: Database, where?: SQL): Promise<Row[]> {
      const t = tableOf(db);
      const rows = await db.orm.select().from(t).where(live(db, where)).orderBy(asc(t.id));
      return rows as Row[];
    },

    /** The live row `id`, within `scope`. */
    async find(db: Database, id: number, scope?: SQL): Promise<Row | undefined> {
      const t = tableOf(db);
      const [row] = await db.orm
        .select()
        .from(t)
        .where(live(db, allOf(eq(t.id, id), scope)))
        .limit(1);
      return row as Row | undefined;
    },

    /** The row `id`, deleted or not (to answer what was just written). */
    async byId(db: Database, id: number): Promise<Row[]> {
      const t = tableOf(db);
      const rows = await db.orm.select().from(t).where(eq(t.id, id));
      return rows as Row[];
    },

    /** Whether a live row other than `exceptId`, within `scope`, has `value` in `key`. */
    async taken(
      db: Database,
      key: keyof Row & string,
      value: string,
      exceptId?: number,
      scope?: SQL,
    ): Promise<boolean> {
      const t = tableOf(db);
      const [row] = await db.orm
        .select({ id: t.id })
        .from(t)
        .where(live(db, allOf(eq(column(db, key), value), except(db, exceptId), scope)))
        .limit(1);
      return row !== undefined;
    },

    /**
     * The row other than `exceptId` holding `value` in `key`, soft-deleted ones included (for a
     * column the database itself keeps unique).
     */
    async valueHeld(
      db: Database,
      key: keyof Row & string,
      value: string,
      exceptId?: number,
    ): Promise<{ id: number; is_deleted: boolean } | undefined> {
      const t = tableOf(db);
      const [row] = await db.orm
        .select({ id: t.id, is_deleted: t.is_deleted })
        .from(t)
        .where(allOf(eq(column(db, key), value), except(db, exceptId)))
        .limit(1);
      return row as { id: number; is_deleted: boolean } | undefined;
    },

    async insert(db: Database, values: Insert): Promise<number> {
      return db.insertId(await db.orm.insert(tableOf(db)).values(values as never));
    },

    /** Sets `values` on the rows `ids` (none: nothing). */
    async update(db: Database, ids: number[], values: Partial<Insert>, orm: Orm = db.orm): Promise<void> {
      if (!ids.length) return;
      const t = tableOf(db);
      await orm
        .update(t)
        .set(values as never)
        .where(inArray(t.id, ids));
    },

    /** Ids of live rows within `scope`, among `ids` when given. */
    async liveIds(db: Database, ids: number[] | undefined, scope?: SQL): Promise<number[]> {
      const t = tableOf(db);
      const rows = await db.orm
        .select({ id: t.id })
        .from(t)
        .where(live(db, allOf(ids ? inArray(t.id, ids) : undefined, scope)));
      return rows.map((r) => r.id as number);
    },

    /** Soft-deletes the rows `ids`, recording who. */
    async softDelete(db: Database, ids: number[], userId: number): Promise<void> {
      if (!ids.length) return;
      const t = tableOf(db);
      await db.orm
        .update(t)
        .set({ ...softDeleted(userId), updated_id: userId } as never)
        .where(inArray(t.id, ids));
    },
  };
}
