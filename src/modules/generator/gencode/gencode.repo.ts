import { and, asc, eq, inArray, isNull, type SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, notDeleted, selectPage, softDeleted } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type GenTableRow = Database["t"]["gen_table"]["$inferSelect"];
export type GenColumnRow = Database["t"]["gen_table_column"]["$inferSelect"];
type GenTableInsert = Database["t"]["gen_table"]["$inferInsert"];
type GenColumnInsert = Database["t"]["gen_table_column"]["$inferInsert"];
type MenuInsert = Database["t"]["sys_menu"]["$inferInsert"];
export type MenuRow = Database["t"]["sys_menu"]["$inferSelect"];

export function pageTables(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  const { gen_table } = db.t;
  return selectPage<GenTableRow>(db, gen_table, allOf(notDeleted(gen_table), where), orderBy, page);
}

export async function findTable(db: Database, id: number, scope?: SQL): Promise<GenTableRow | undefined> {
  const { gen_table } = db.t;
  const [row] = await db.orm
    .select()
    .from(gen_table)
    .where(allOf(eq(gen_table.id, id), notDeleted(gen_table), scope))
    .limit(1);
  return row;
}

export async function findTableByName(
  db: Database,
  name: string,
  scope?: SQL,
): Promise<GenTableRow | undefined> {
  const { gen_table } = db.t;
  const [row] = await db.orm
    .select()
    .from(gen_table)
    .where(allOf(eq(gen_table.table_name, name), notDeleted(gen_table), scope))
    .orderBy(asc(gen_table.id))
    .limit(1);
  return row;
}

/** Which of `names` are already imported (live rows). */
export async function importedNames(db: Database, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  const { gen_table } = db.t;
  const rows = await db.orm
    .select({ name: gen_table.table_name })
    .from(gen_table)
    .where(allOf(inArray(gen_table.table_name, names), notDeleted(gen_table)));
  return rows.map((r) => r.name);
}

export async function liveTableIds(db: Database, ids: number[], scope?: SQL): Promise<number[]> {
  const { gen_table } = db.t;
  const rows = await db.orm
    .select({ id: gen_table.id })
    .from(gen_table)
    .where(allOf(inArray(gen_table.id, ids), notDeleted(gen_table), scope));
  return rows.map((r) => r.id);
}

/** Live columns of the tables, by table, in `sort` order. */
export async function columnsOf(db: Database, tableIds: number[]): Promise<Map<number, GenColumnRow[]>> {
  const out = new Map<number, GenColumnRow[]>(tableIds.map((id) => [id, []]));
  if (!tableIds.length) return out;
  const { gen_table_column: c } = db.t;
  const rows = await db.orm
    .select()
    .from(c)
    .where(allOf(inArray(c.table_id, tableIds), notDeleted(c)))
    .orderBy(asc(c.sort), asc(c.id));
  for (const r of rows) out.get(r.table_id)?.push(r);
  return out;
}

/** One table with its columns, all or nothing. */
export async function insertTableWithColumns(
  db: Database,
  table: GenTableInsert,
  columns: Omit<GenColumnInsert, "table_id">[],
): Promise<number> {
  return db.transaction(async (tx) => {
    const id = db.insertId(await tx.insert(db.t.gen_table).values(table));
    if (columns.length)
      await tx.insert(db.t.gen_table_column).values(columns.map((c) => ({ ...c, table_id: id })));
    return id;
  });
}

/** Several imports in one transaction: a failure keeps none of them. */
export async function insertTables(
  db: Database,
  tables: { table: GenTableInsert; columns: Omit<GenColumnInsert, "table_id">[] }[],
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const { table, columns } of tables) {
      const id = db.insertId(await tx.insert(db.t.gen_table).values(table));
      if (columns.length)
        await tx.insert(db.t.gen_table_column).values(columns.map((c) => ({ ...c, table_id: id })));
    }
  });
}

/** The table's own fields and its columns' in one transaction. */
export async function updateTableAndColumns(
  db: Database,
  id: number,
  values: Partial<GenTableInsert>,
  columns: { id: number; values: Partial<GenColumnInsert> }[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(db.t.gen_table).set(values).where(eq(db.t.gen_table.id, id));
    for (const col of columns) {
      await tx.update(db.t.gen_table_column).set(col.values).where(eq(db.t.gen_table_column.id, col.id));
    }
  });
}

/** Sync: updates, inserts and soft deletes of one table's columns together. */
export async function applyColumnSync(
  db: Database,
  tableId: number,
  sync: {
    update: { id: number; values: Partial<GenColumnInsert> }[];
    insert: Omit<GenColumnInsert, "table_id">[];
    remove: number[];
    userId: number;
  },
): Promise<void> {
  const { gen_table_column: c, gen_table } = db.t;
  await db.transaction(async (tx) => {
    for (const u of sync.update) await tx.update(c).set(u.values).where(eq(c.id, u.id));
    if (sync.insert.length) await tx.insert(c).values(sync.insert.map((v) => ({ ...v, table_id: tableId })));
    if (sync.remove.length)
      await tx.update(c).set(softDeleted(sync.userId)).where(inArray(c.id, sync.remove));
    await tx.update(gen_table).set({ updated_id: sync.userId }).where(eq(gen_table.id, tableId));
  });
}

/** Soft-deletes the tables and all their columns together. */
export async function softDeleteTables(db: Database, ids: number[], userId: number): Promise<void> {
  const { gen_table, gen_table_column } = db.t;
  await db.transaction(async (tx) => {
    await tx
      .update(gen_table_column)
      .set(softDeleted(userId))
      .where(and(inArray(gen_table_column.table_id, ids), eq(gen_table_column.is_deleted, false)));
    await tx.update(gen_table).set(softDeleted(userId)).where(inArray(gen_table.id, ids));
  });
}

export async function findMenu(db: Database, id: number): Promise<MenuRow | undefined> {
  const { sys_menu } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_menu)
    .where(allOf(eq(sys_menu.id, id), notDeleted(sys_menu)))
    .limit(1);
  return row;
}

/** A live menu by name, type and parent (NULL parent matched as NULL). */
export async function findMenuBy(
  db: Database,
  name: string,
  type: number,
  parentId: number | null,
): Promise<MenuRow | undefined> {
  const { sys_menu } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_menu)
    .where(
      allOf(
        eq(sys_menu.name, name),
        eq(sys_menu.type, type),
        parentId === null ? isNull(sys_menu.parent_id) : eq(sys_menu.parent_id, parentId),
        notDeleted(sys_menu),
      ),
    )
    .limit(1);
  return row;
}

/**
 * The generated module's menus (§7.8) in one transaction: the catalog when `catalogId` is null,
 * then the function menu under it and its buttons.
 */
export async function insertModuleMenus(
  db: Database,
  menus: {
    catalogId: number | null;
    catalog: MenuInsert;
    page: Omit<MenuInsert, "parent_id">;
    buttons: Omit<MenuInsert, "parent_id">[];
  },
): Promise<{ catalogId: number; pageId: number }> {
  return db.transaction(async (tx) => {
    const catalogId = menus.catalogId ?? db.insertId(await tx.insert(db.t.sys_menu).values(menus.catalog));
    const pageId = db.insertId(
      await tx.insert(db.t.sys_menu).values({ ...menus.page, parent_id: catalogId }),
    );
    if (menus.buttons.length)
      await tx.insert(db.t.sys_menu).values(menus.buttons.map((b) => ({ ...b, parent_id: pageId })));
    return { catalogId, pageId };
  });
}
