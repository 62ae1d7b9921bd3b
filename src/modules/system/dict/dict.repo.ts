import { and, asc, desc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { Database, Orm } from "@/core/db/database";
import { allOf, contains, equals, notDeleted, orderByOf, selectPage, within } from "@/core/db/query";
import type { DictDataFilters, DictDataRow, DictTypeFilters, DictTypeRow } from "./dict.schema";

/* Drizzle queries of sys_dict_type / sys_dict_data; no rules here. */

type Page = { page_no: number; page_size: number; order_by?: string };

// ---- types ----

export function typeWhere(db: Database, f: DictTypeFilters): SQL | undefined {
  const t = db.t.sys_dict_type;
  return allOf(
    notDeleted(t),
    contains(t.dict_name, f.dict_name),
    equals(t.dict_type, f.dict_type),
    equals(t.status, f.status),
    within(t.created_time, f.created_time),
    within(t.updated_time, f.updated_time),
  );
}

export async function pageTypes(db: Database, f: DictTypeFilters, page: Page) {
  const t = db.t.sys_dict_type;
  // id as the last key keeps pages stable when many rows share an updated_time (the seed does).
  const order = [...orderByOf(t, page.order_by), desc(t.id)];
  return selectPage<DictTypeRow>(db, t, typeWhere(db, f), order, page);
}

export async function listTypes(db: Database, where: SQL | undefined): Promise<DictTypeRow[]> {
  const t = db.t.sys_dict_type;
  return db.orm.select().from(t).where(where).orderBy(asc(t.id));
}

export async function typeById(db: Database, id: number): Promise<DictTypeRow | undefined> {
  const t = db.t.sys_dict_type;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(and(eq(t.id, id), notDeleted(t)))
    .limit(1);
  return row;
}

export async function typesByIds(db: Database, ids: number[]): Promise<DictTypeRow[]> {
  const t = db.t.sys_dict_type;
  if (!ids.length) return [];
  return db.orm
    .select()
    .from(t)
    .where(and(inArray(t.id, ids), notDeleted(t)));
}

export async function typeByCode(db: Database, code: string): Promise<DictTypeRow | undefined> {
  const t = db.t.sys_dict_type;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(and(eq(t.dict_type, code), notDeleted(t)))
    .limit(1);
  return row;
}

/** Another type (not `exceptId`) with this name or code. */
export async function typeWith(
  db: Database,
  field: "dict_name" | "dict_type",
  value: string,
  exceptId?: number,
): Promise<DictTypeRow | undefined> {
  const t = db.t.sys_dict_type;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(allOf(eq(t[field], value), exceptId ? ne(t.id, exceptId) : undefined))
    .limit(1);
  return row;
}

export type TypeValues = {
  dict_name: string;
  dict_type: string;
  status: string;
  description?: string | null;
};

export async function insertType(db: Database, values: TypeValues): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.sys_dict_type).values(values));
}

export async function updateType(orm: Orm, db: Database, id: number, values: TypeValues): Promise<void> {
  const t = db.t.sys_dict_type;
  await orm.update(t).set(values).where(eq(t.id, id));
}

/** Keeps the denormalised `sys_dict_data.dict_type` of a type's items in step with its code. */
export async function renameTypeOfData(orm: Orm, db: Database, typeId: number, code: string): Promise<void> {
  const d = db.t.sys_dict_data;
  await orm.update(d).set({ dict_type: code }).where(eq(d.dict_type_id, typeId));
}

/** Deletes types and their items (explicitly, so it does not hinge on the FK's ON DELETE). */
export async function deleteTypes(orm: Orm, db: Database, ids: number[]): Promise<void> {
  const { sys_dict_type: t, sys_dict_data: d } = db.t;
  await orm.delete(d).where(inArray(d.dict_type_id, ids));
  await orm.delete(t).where(inArray(t.id, ids));
}

export async function setTypesStatus(db: Database, ids: number[], status: string): Promise<void> {
  const t = db.t.sys_dict_type;
  await db.orm.update(t).set({ status }).where(inArray(t.id, ids));
}

// ---- data ----

export function dataWhere(db: Database, f: DictDataFilters): SQL | undefined {
  const d = db.t.sys_dict_data;
  return allOf(
    notDeleted(d),
    contains(d.dict_label, f.dict_label),
    equals(d.dict_type, f.dict_type),
    // 0 means "no filter", as upstream's eq operator skips falsy values
    f.dict_type_id ? eq(d.dict_type_id, f.dict_type_id) : undefined,
    equals(d.status, f.status),
    within(d.created_time, f.created_time),
    within(d.updated_time, f.updated_time),
  );
}

export async function pageData(db: Database, f: DictDataFilters, page: Page) {
  const d = db.t.sys_dict_data;
  const order = [...orderByOf(d, page.order_by), desc(d.id)];
  return selectPage<DictDataRow>(db, d, dataWhere(db, f), order, page);
}

export async function listData(db: Database, f: DictDataFilters, orderBy: string | undefined) {
  const d = db.t.sys_dict_data;
  const rows = await db.orm
    .select()
    .from(d)
    .where(dataWhere(db, f))
    .orderBy(...orderByOf(d, orderBy), desc(d.id));
  return rows as DictDataRow[];
}

export async function dataById(db: Database, id: number): Promise<DictDataRow | undefined> {
  const d = db.t.sys_dict_data;
  const [row] = await db.orm
    .select()
    .from(d)
    .where(and(eq(d.id, id), notDeleted(d)))
    .limit(1);
  return row;
}

export async function dataByIds(db: Database, ids: number[]): Promise<DictDataRow[]> {
  const d = db.t.sys_dict_data;
  if (!ids.length) return [];
  return db.orm
    .select()
    .from(d)
    .where(and(inArray(d.id, ids), notDeleted(d)));
}

/** An item of type `typeId` (other than `exceptId`) whose label or value is already `value`. */
export async function dataWith(
  orm: Orm,
  db: Database,
  typeId: number,
  field: "dict_label" | "dict_value",
  value: string,
  exceptId?: number,
): Promise<DictDataRow | undefined> {
  const d = db.t.sys_dict_data;
  const [row] = await orm
    .select()
    .from(d)
    .where(
      allOf(
        eq(d.dict_type_id, typeId),
        eq(d[field], value),
        notDeleted(d),
        exceptId ? ne(d.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return row;
}

export type DataValues = {
  dict_sort: number;
  dict_label: string;
  dict_value: string;
  dict_type: string;
  dict_type_id: number;
  css_class?: string | null;
  list_class?: string | null;
  is_default: boolean;
  status: string;
  description?: string | null;
};

export async function insertData(orm: Orm, db: Database, values: DataValues): Promise<number> {
  return db.insertId(await orm.insert(db.t.sys_dict_data).values(values));
}

export async function updateData(orm: Orm, db: Database, id: number, values: DataValues): Promise<void> {
  const d = db.t.sys_dict_data;
  await orm.update(d).set(values).where(eq(d.id, id));
}

export async function deleteData(db: Database, ids: number[]): Promise<void> {
  const d = db.t.sys_dict_data;
  await db.orm.delete(d).where(inArray(d.id, ids));
}

export async function setDataStatus(db: Database, ids: number[], status: string): Promise<void> {
  const d = db.t.sys_dict_data;
  await db.orm.update(d).set({ status }).where(inArray(d.id, ids));
}

/** The enabled items of a type in display order (what the public dictionary read serves). */
export async function enabledItemsOf(db: Database, typeId: number): Promise<DictDataRow[]> {
  const d = db.t.sys_dict_data;
  return db.orm
    .select()
    .from(d)
    .where(and(eq(d.dict_type_id, typeId), eq(d.status, "0"), notDeleted(d)))
    .orderBy(asc(d.dict_sort), asc(d.id));
}
