import { and, asc, eq, inArray, isNull, ne, notInArray, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, notDeleted } from "@/core/db/query";

type MenuTable = Database["t"]["sys_menu"];
export type MenuRow = MenuTable["$inferSelect"];
export type MenuValues = Omit<MenuTable["$inferInsert"], "id" | "uuid" | "created_time" | "updated_time">;

/** Menus matching `where` (not deleted), in tree order. */
export function selectMenus(db: Database, where: SQL | undefined): Promise<MenuRow[]> {
  const { sys_menu } = db.t;
  return db.orm
    .select()
    .from(sys_menu)
    .where(allOf(notDeleted(sys_menu), where))
    .orderBy(asc(sys_menu.order), asc(sys_menu.id));
}

export async function selectMenu(db: Database, id: number, scope: SQL | undefined): Promise<MenuRow | null> {
  const { sys_menu } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_menu)
    .where(allOf(eq(sys_menu.id, id), notDeleted(sys_menu), scope))
    .limit(1);
  return row ?? null;
}

/** Only what a walk over the whole tree needs. */
export function selectMenuLinks(db: Database): Promise<Pick<MenuRow, "id" | "parent_id">[]> {
  const { sys_menu } = db.t;
  return db.orm
    .select({ id: sys_menu.id, parent_id: sys_menu.parent_id })
    .from(sys_menu)
    .where(notDeleted(sys_menu));
}

/** Children of the given menus that are not themselves in `ids`. */
export function selectOutsideChildren(
  db: Database,
  ids: number[],
): Promise<Pick<MenuRow, "id" | "name" | "parent_id">[]> {
  const { sys_menu } = db.t;
  return db.orm
    .select({ id: sys_menu.id, name: sys_menu.name, parent_id: sys_menu.parent_id })
    .from(sys_menu)
    .where(and(inArray(sys_menu.parent_id, ids), notInArray(sys_menu.id, ids), notDeleted(sys_menu)));
}

export function selectChildren(db: Database, id: number): Promise<Pick<MenuRow, "id" | "type" | "client">[]> {
  const { sys_menu } = db.t;
  return db.orm
    .select({ id: sys_menu.id, type: sys_menu.type, client: sys_menu.client })
    .from(sys_menu)
    .where(and(eq(sys_menu.parent_id, id), notDeleted(sys_menu)));
}

/** Whether a sibling under `parentId` (roots when null) already has this title. */
export async function titleTaken(
  db: Database,
  title: string,
  parentId: number | null,
  exceptId?: number,
): Promise<boolean> {
  const { sys_menu } = db.t;
  const [row] = await db.orm
    .select({ id: sys_menu.id })
    .from(sys_menu)
    .where(
      allOf(
        eq(sys_menu.title, title),
        parentId === null ? isNull(sys_menu.parent_id) : eq(sys_menu.parent_id, parentId),
        exceptId === undefined ? undefined : ne(sys_menu.id, exceptId),
        notDeleted(sys_menu),
      ),
    )
    .limit(1);
  return !!row;
}

export async function insertMenu(db: Database, values: MenuValues): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.sys_menu).values(values));
}

export async function updateMenu(db: Database, id: number, values: Partial<MenuValues>): Promise<void> {
  const { sys_menu } = db.t;
  await db.orm.update(sys_menu).set(values).where(eq(sys_menu.id, id));
}

export async function updateMenuStatus(
  db: Database,
  ids: number[],
  status: string,
  scope: SQL | undefined,
): Promise<void> {
  if (!ids.length) return;
  const { sys_menu } = db.t;
  await db.orm
    .update(sys_menu)
    .set({ status })
    .where(allOf(inArray(sys_menu.id, ids), scope));
}

/** Physical delete with the role links, in one transaction. */
export async function deleteMenus(db: Database, ids: number[]): Promise<void> {
  const { sys_menu, sys_role_menus } = db.t;
  await db.transaction(async (tx) => {
    await tx.delete(sys_role_menus).where(inArray(sys_role_menus.menu_id, ids));
    // Detach first so no row of the set is a parent of another while the set goes (MySQL's
    // self-referencing ON DELETE SET NULL is touchy within one statement).
    await tx.update(sys_menu).set({ parent_id: null }).where(inArray(sys_menu.id, ids));
    await tx.delete(sys_menu).where(inArray(sys_menu.id, ids));
  });
}
