import { asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database, Orm } from "@/core/db/database";
import { allOf, notDeleted, selectPage } from "@/core/db/query";

export type PositionRow = Database["t"]["sys_position"]["$inferSelect"];
type PositionInsert = Database["t"]["sys_position"]["$inferInsert"];

/** Live positions only: soft-deleted rows are gone for every read. */
const live = (db: Database, where: SQL | undefined) => allOf(notDeleted(db.t.sys_position), where);

export function selectPositionPage(
  db: Database,
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
) {
  return selectPage<PositionRow>(db, db.t.sys_position, live(db, where), orderBy, page);
}

export function selectPositions(db: Database, where: SQL | undefined): Promise<PositionRow[]> {
  const { sys_position } = db.t;
  return db.orm.select().from(sys_position).where(live(db, where)).orderBy(asc(sys_position.id));
}

export async function findPosition(db: Database, id: number, scope?: SQL): Promise<PositionRow | undefined> {
  const { sys_position } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_position)
    .where(live(db, allOf(eq(sys_position.id, id), scope)))
    .limit(1);
  return row;
}

/** Whether another live position (not `exceptId`, within `tenant`) already has this name. */
export async function nameTaken(
  db: Database,
  name: string,
  exceptId?: number,
  tenant?: SQL,
): Promise<boolean> {
  const { sys_position } = db.t;
  const [row] = await db.orm
    .select({ id: sys_position.id })
    .from(sys_position)
    .where(
      live(
        db,
        allOf(
          eq(sys_position.name, name),
          exceptId === undefined ? undefined : ne(sys_position.id, exceptId),
          tenant,
        ),
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function insertPosition(db: Database, values: PositionInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.sys_position).values(values));
}

export async function updatePositions(
  db: Database,
  ids: number[],
  values: Partial<PositionInsert>,
  orm: Orm = db.orm,
) {
  if (!ids.length) return;
  await orm.update(db.t.sys_position).set(values).where(inArray(db.t.sys_position.id, ids));
}
