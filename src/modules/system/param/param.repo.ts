import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Database, Orm } from "@/core/db/database";
import { allOf, contains, equals, notDeleted, orderByOf, selectPage, within } from "@/core/db/query";
import type { ParamFilters, ParamRow } from "./param.schema";

/* Drizzle queries of sys_param; no rules here. */

type Page = { page_no: number; page_size: number; order_by?: string };

function paramWhere(db: Database, f: ParamFilters): SQL | undefined {
  const p = db.t.sys_param;
  return allOf(
    notDeleted(p),
    contains(p.config_name, f.config_name),
    contains(p.config_key, f.config_key),
    // plain equality: `false` filters too
    f.config_type === undefined ? undefined : eq(p.config_type, f.config_type),
    contains(p.description, f.description),
    equals(p.status, f.status),
    within(p.created_time, f.created_time),
    within(p.updated_time, f.updated_time),
  );
}

export function pageParams(db: Database, f: ParamFilters, page: Page) {
  const p = db.t.sys_param;
  // id as the last key keeps pages stable when many rows share an updated_time (the seed does).
  return selectPage<ParamRow>(db, p, paramWhere(db, f), [...orderByOf(p, page.order_by), desc(p.id)], page);
}

/** Every matching parameter in id order (exports, the public cache). */
export function listParams(db: Database, f: ParamFilters = {}): Promise<ParamRow[]> {
  const p = db.t.sys_param;
  return db.orm.select().from(p).where(paramWhere(db, f)).orderBy(asc(p.id));
}

export async function paramById(db: Database, id: number): Promise<ParamRow | undefined> {
  const p = db.t.sys_param;
  const [row] = await db.orm
    .select()
    .from(p)
    .where(and(eq(p.id, id), notDeleted(p)))
    .limit(1);
  return row;
}

export function paramsByIds(db: Database, ids: number[]): Promise<ParamRow[]> {
  const p = db.t.sys_param;
  if (!ids.length) return Promise.resolve([]);
  return db.orm
    .select()
    .from(p)
    .where(and(inArray(p.id, ids), notDeleted(p)));
}

export async function paramByKey(orm: Orm, db: Database, key: string): Promise<ParamRow | undefined> {
  const p = db.t.sys_param;
  const [row] = await orm
    .select()
    .from(p)
    .where(and(eq(p.config_key, key), notDeleted(p)))
    .orderBy(asc(p.id))
    .limit(1);
  return row;
}

export type ParamValues = {
  config_name: string;
  config_key: string;
  config_value: string | null;
  config_type: boolean;
  status: string;
  description: string | null;
};

export async function insertParam(orm: Orm, db: Database, values: ParamValues): Promise<number> {
  return db.insertId(await orm.insert(db.t.sys_param).values(values));
}

export async function updateParam(db: Database, id: number, values: ParamValues): Promise<void> {
  const p = db.t.sys_param;
  await db.orm.update(p).set(values).where(eq(p.id, id));
}

export async function deleteParams(db: Database, ids: number[]): Promise<void> {
  const p = db.t.sys_param;
  await db.orm.delete(p).where(inArray(p.id, ids));
}
