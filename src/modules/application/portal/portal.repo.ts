import { asc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, notDeleted, selectPage } from "@/core/db/query";

export type PortalRow = Database["t"]["app_portal"]["$inferSelect"];
type PortalInsert = Database["t"]["app_portal"]["$inferInsert"];

/** Live applications only: soft-deleted rows are gone for every read. */
const live = (db: Database, where: SQL | undefined) => allOf(notDeleted(db.t.app_portal), where);

export function selectPortalPage(
  db: Database,
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
) {
  return selectPage<PortalRow>(db, db.t.app_portal, live(db, where), orderBy, page);
}

export function selectPortals(db: Database, where: SQL | undefined): Promise<PortalRow[]> {
  const { app_portal } = db.t;
  return db.orm.select().from(app_portal).where(live(db, where)).orderBy(asc(app_portal.id));
}

export async function findPortal(db: Database, id: number, scope?: SQL): Promise<PortalRow | undefined> {
  const { app_portal } = db.t;
  const [row] = await db.orm
    .select()
    .from(app_portal)
    .where(live(db, allOf(eq(app_portal.id, id), scope)))
    .limit(1);
  return row;
}

/** Whether another live application (not `exceptId`) already has this name. */
export async function nameTaken(
  db: Database,
  name: string,
  exceptId?: number,
  tenant?: SQL,
): Promise<boolean> {
  const { app_portal } = db.t;
  const [row] = await db.orm
    .select({ id: app_portal.id })
    .from(app_portal)
    .where(
      live(
        db,
        allOf(
          eq(app_portal.name, name),
          exceptId === undefined ? undefined : ne(app_portal.id, exceptId),
          tenant,
        ),
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function insertPortal(db: Database, values: PortalInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.app_portal).values(values));
}

export async function updatePortals(db: Database, ids: number[], values: Partial<PortalInsert>) {
  if (!ids.length) return;
  await db.orm.update(db.t.app_portal).set(values).where(inArray(db.t.app_portal.id, ids));
}
