import { z } from "@hono/zod-openapi";
import { and, asc, between, desc, eq, inArray, like, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { nowString, parseDateTime } from "@/core/http/datetime";
import { badRequest, validationError } from "@/core/http/errors";
import { parseOrderBy } from "@/core/http/pagination";
import { CONTROL_CHARACTER, CONTROL_CHARACTER_MSG } from "@/core/http/query-text";
import { type Database, isLibsqlServer } from "./database";

/**
 * `LIKE %value%` with `%` and `_` in the value taken literally; skipped when empty. The escape
 * character is `!` because a backslash inside a MySQL string literal is itself an escape.
 * Control characters are refused (422): libSQL cuts a pattern at a NUL, which would match all.
 */
export function contains(column: SQLiteColumn, value: string | null | undefined): SQL | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (CONTROL_CHARACTER.test(value)) throw validationError(CONTROL_CHARACTER_MSG);
  const escaped = value.replace(/[!%_]/g, (ch) => `!${ch}`);
  const condition = sql`${like(column, `%${escaped}%`)} escape '!'`;
  scanConditions.add(condition);
  return condition;
}

/** Conditions no index can seek (`contains`): a query filtered by one reads a whole index range. */
const scanConditions = new WeakSet<SQL>();

/** Whether `where` holds a condition that only a scan can test (see `contains`), in any `allOf`. */
export const scans = (where: SQL | undefined): boolean =>
  where !== undefined && partsOf(where).some((c) => scanConditions.has(c));

/** `column = value`, skipped when the value is absent or empty text; control characters → 422. */
export function equals<T>(column: SQLiteColumn, value: T | null | undefined): SQL | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string" && CONTROL_CHARACTER.test(value))
    throw validationError(CONTROL_CHARACTER_MSG);
  return eq(column, value);
}

/** `column BETWEEN a AND b` for a two-value time range. */
export function within(column: SQLiteColumn, range: [string, string] | undefined): SQL | undefined {
  return range ? between(column, range[0], range[1]) : undefined;
}

export const notDeleted = (table: { is_deleted: SQLiteColumn }) => eq(table.is_deleted, false);

/** The column values that soft-delete a row (tables with `deleted_id`), deleted by `userId`. */
export const softDeleted = (userId: number) => ({
  is_deleted: true,
  deleted_time: nowString(),
  deleted_id: userId,
});

/**
 * A time-range query parameter sent as a repeated key (`created_time=a&created_time=b`): two
 * datetimes, normalised to `YYYY-MM-DD HH:MM:SS`.
 */
export const timeRangeQuery = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const list = Array.isArray(value) ? value : [value];
    if (list.length !== 2) return undefined;
    const dates = list.map(parseDateTime);
    if (dates.some((d) => d === null)) {
      ctx.addIssue({ code: "custom", message: "时间格式错误，应为 YYYY-MM-DD HH:MM:SS" });
      return z.NEVER;
    }
    const [a, b] = list.map((v) => {
      const trimmed = v.trim().replace("T", " ");
      return trimmed.length === 10
        ? `${trimmed} 00:00:00`
        : trimmed.length === 16
          ? `${trimmed}:00`
          : trimmed;
    });
    return [a, b] as [string, string];
  })
  .openapi({
    type: "array",
    items: { type: "string" },
    example: ["2025-01-01 00:00:00", "2025-12-31 23:59:59"],
  });

/** The ORDER BY of a list from `order_by` JSON; unknown fields are refused (400), not ignored. */
export function orderByOf(table: SQLiteTable, raw: string | undefined): SQL[] {
  const columns = table as unknown as Record<string, SQLiteColumn | undefined>;
  return parseOrderBy(raw).map(({ field, desc: descending }) => {
    const column = Object.hasOwn(table, field) ? columns[field] : undefined;
    if (!column || typeof column !== "object" || !("columnType" in column)) {
      throw badRequest(`排序字段不存在: ${field}`);
    }
    return descending ? desc(column) : asc(column);
  });
}

/** Rows of one page plus the total, with the same filter. */
export async function selectPage<T>(
  db: Database,
  table: SQLiteTable,
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
): Promise<{ rows: T[]; total: number }> {
  const [rows, [{ total }]] = await Promise.all([
    db.orm
      .select()
      .from(table)
      .where(where)
      .orderBy(...orderBy)
      .limit(page.page_size)
      .offset((page.page_no - 1) * page.page_size),
    db.orm.select({ total: sql<number>`count(*)` }).from(table).where(where),
  ]);
  return { rows: rows as T[], total: Number(total) };
}

/**
 * The ids of one page, as a derived table to join the rows to (a "deferred join"): WHERE, ORDER BY
 * and LIMIT/OFFSET run on the table alone, so an index answers them and a deep page skips index
 * entries, not whole rows; only the page's rows are then read. Join it as
 * `.from(ids).innerJoin(table, eq(table.id, ids.id))` and ORDER BY the same keys again (it sorts
 * one page). A derived table, not `IN (subquery)`: MySQL refuses LIMIT inside IN.
 */
export function pageIds(
  db: Database,
  table: SQLiteTable & { id: SQLiteColumn },
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
) {
  return pageIdsQuery(db, table, where, orderBy, page).as("page_ids");
}

/** The query of `pageIds`, for a statement that names it as a common table expression instead. */
export function pageIdsQuery(
  db: Database,
  table: SQLiteTable & { id: SQLiteColumn },
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
) {
  return db.orm
    .select({ id: table.id })
    .from(table)
    .where(where)
    .orderBy(...orderBy)
    .limit(page.page_size)
    .offset((page.page_no - 1) * page.page_size);
}

/** `count(*)` of the rows matching `where` (read from an index where one covers the filter). */
export function countOf(db: Database, table: SQLiteTable, where: SQL | undefined) {
  return db.orm.select({ total: sql<number>`count(*)` }).from(table).where(where);
}

/** Conditions built by `tenantIs`, with their column and tenant, so `liveCountOf` can recognise one. */
const tenantConditions = new WeakMap<SQL, { column: SQLiteColumn; id: number }>();

/** `column = id` for a tenant-owned table's `tenant_id`, remembered as such (see `liveCountOf`). */
export function tenantIs(column: SQLiteColumn, id: number): SQL {
  const condition = eq(column, id);
  tenantConditions.set(condition, { column, id });
  return condition;
}

/**
 * A filtered count may subtract the soft-deleted matches one by one (a primary key probe each)
 * while there are fewer deleted rows than this; beyond, it counts the live rows directly.
 */
const DELETED_ROWS_PROBED = 1000;

/**
 * `count(*)` of the live (not soft-deleted) rows matching `filter`. Unfiltered, or filtered by
 * nothing but the caller's tenant (`tenantIs`): every row minus the deleted ones minus the live
 * rows of other tenants, because SQLite counts a whole table straight from its smallest b-tree
 * without testing a row (a `WHERE is_deleted = 0` count tests every index entry, and may pick a
 * wide index to do it), while the deleted rows are few and found by their index, and other
 * tenants' rows by two seeks in the `(is_deleted, tenant_id, …)` list index — none on a
 * one-tenant install.
 *
 * Filtered by the tenant and more (an `allOf` holding a `tenantIs`), while no other tenant has a
 * live row and few rows are deleted: the rows matching the rest of the filter, minus the deleted
 * ones among them. That count may use the narrowest index of the filter's columns (`type` alone,
 * a unique `username`) instead of one that also holds `is_deleted` and `tenant_id`: a range
 * compares fewer columns per entry, a LIKE scan reads smaller entries (about half the time on
 * 100k users or 1M log rows). Otherwise (several tenants, many deleted rows) the plain count; the
 * CASE evaluates only the branch it takes (both dialects).
 */
export function liveCountOf(
  db: Database,
  table: SQLiteTable & { id: SQLiteColumn; is_deleted: SQLiteColumn },
  filter: SQL | undefined,
) {
  const parts = filter ? partsOf(filter) : [];
  const tenantParts = parts.filter((p) => tenantConditions.get(p)?.column.table === table);
  const tenant = tenantParts.length === 1 ? tenantConditions.get(tenantParts[0]) : undefined;
  if (filter && !tenant) return countOf(db, table, and(notDeleted(table), filter));
  const live = notDeleted(table);
  const otherTenants = tenant
    ? [
        sql`${table} where ${and(live, sql`${tenant.column} < ${tenant.id}`)}`,
        sql`${table} where ${and(live, sql`${tenant.column} > ${tenant.id}`)}`,
      ]
    : [];
  const deleted = eq(table.is_deleted, true);
  const rest = and(...parts.filter((p) => !tenantParts.includes(p)));
  const total = !rest
    ? sql<number>`(select count(*) from ${table}) - (select count(*) from ${table} where ${deleted})${sql.join(
        otherTenants.map((rows) => sql` - (select count(*) from ${rows})`),
      )}`
    : sql<number>`case when ${sql.join(
        otherTenants.map((rows) => sql`not exists (select 1 from ${rows}) and `),
      )}(select count(*) from (select 1 from ${table} where ${deleted} limit ${sql.raw(String(DELETED_ROWS_PROBED))}) as deleted_probe) < ${sql.raw(String(DELETED_ROWS_PROBED))} then (select count(*) from ${table} where ${rest}) - (select count(*) from (select ${sql`${table.id}`} as id from ${table} where ${deleted}) as deleted_rows cross join ${table} where ${and(eq(table.id, sql`deleted_rows.id`), rest)}) else (select count(*) from ${table} where ${and(live, filter)}) end`;
  return db.orm.select({ total }).from(sql`(select 1) as one_row`);
}

/**
 * Independent reads in one database round trip where the driver can: a libSQL server gets them
 * as one batch (one HTTP request); a local file and MySQL's pool run them concurrently.
 */
export async function readTogether<const Q extends readonly PromiseLike<unknown>[]>(
  db: Database,
  queries: Q,
): Promise<{ -readonly [K in keyof Q]: Awaited<Q[K]> }> {
  if (isLibsqlServer(db)) {
    // The queries are drizzle query builders (the batch items); the tuple type is the caller's.
    return (await db.orm.batch(queries as unknown as Parameters<Database["orm"]["batch"]>[0])) as never;
  }
  return (await Promise.all(queries)) as never;
}

export interface AuditRefs {
  created_id?: number | null;
  updated_id?: number | null;
  deleted_id?: number | null;
}

type UserRef = { id: number; name: string } | null;

/** Adds `created_by` / `updated_by` / `deleted_by` as `{id, name}` with one query for all rows. */
export async function withAuditUsers<T extends AuditRefs>(
  db: Database,
  rows: T[],
): Promise<(T & { created_by: UserRef; updated_by: UserRef; deleted_by: UserRef })[]> {
  const ids = new Set<number>();
  for (const r of rows) for (const id of [r.created_id, r.updated_id, r.deleted_id]) if (id) ids.add(id);
  const { sys_user } = db.t;
  const users = ids.size
    ? await db.orm
        .select({ id: sys_user.id, name: sys_user.name })
        .from(sys_user)
        .where(inArray(sys_user.id, [...ids]))
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const ref = (id: number | null | undefined): UserRef => (id ? (byId.get(id) ?? null) : null);
  return rows.map((r) => ({
    ...r,
    created_by: ref(r.created_id),
    updated_by: ref(r.updated_id),
    deleted_by: ref(r.deleted_id),
  }));
}

/** The conditions an `allOf` was made of, so `liveCountOf` and `scans` can look inside. */
const conjunctions = new WeakMap<SQL, SQL[]>();

/** The conditions ANDed in `where`, through nested `allOf`s (`where` alone if it is no `allOf`). */
function partsOf(where: SQL): SQL[] {
  const parts = conjunctions.get(where);
  return parts ? parts.flatMap(partsOf) : [where];
}

/** The conditions ANDed, skipping absent ones; a single condition is returned as it is (so `tenantIs` still recognises it). */
export const allOf = (...conditions: (SQL | undefined)[]): SQL | undefined => {
  const present = conditions.filter((c): c is SQL => c !== undefined);
  if (present.length === 1) return present[0];
  const conjunction = and(...present);
  if (conjunction) conjunctions.set(conjunction, present);
  return conjunction;
};
