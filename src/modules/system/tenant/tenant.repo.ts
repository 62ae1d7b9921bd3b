import { and, count, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { tenantColumnOf } from "@/core/auth/data-scope";
import type { Database, Orm } from "@/core/db/database";
import { allOf, notDeleted, selectPage } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type TenantRow = Database["t"]["sys_tenant"]["$inferSelect"];
type TenantInsert = Database["t"]["sys_tenant"]["$inferInsert"];

export function pageTenants(db: Database, where: SQL | undefined, orderBy: SQL[], page: PageQuery) {
  const { sys_tenant } = db.t;
  return selectPage<TenantRow>(db, sys_tenant, allOf(notDeleted(sys_tenant), where), orderBy, page);
}

export async function findTenant(db: Database, id: number): Promise<TenantRow | undefined> {
  const { sys_tenant } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_tenant)
    .where(and(eq(sys_tenant.id, id), notDeleted(sys_tenant)))
    .limit(1);
  return row;
}

export async function existingTenantIds(db: Database, ids: number[]): Promise<number[]> {
  const { sys_tenant } = db.t;
  const rows = await db.orm
    .select({ id: sys_tenant.id })
    .from(sys_tenant)
    .where(and(inArray(sys_tenant.id, ids), notDeleted(sys_tenant)));
  return rows.map((r) => r.id);
}

/** Whether a tenant other than `exceptId` holds `column = value` (any row: the unique index covers them all). */
export async function tenantTaken(
  db: Database,
  column: "name" | "code",
  value: string,
  exceptId?: number,
): Promise<boolean> {
  const { sys_tenant } = db.t;
  const [row] = await db.orm
    .select({ id: sys_tenant.id })
    .from(sys_tenant)
    .where(
      allOf(eq(sys_tenant[column], value), exceptId === undefined ? undefined : ne(sys_tenant.id, exceptId)),
    )
    .limit(1);
  return row !== undefined;
}

export async function insertTenant(db: Database, values: TenantInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.sys_tenant).values(values));
}

type UserInsert = Database["t"]["sys_user"]["$inferInsert"];

/** The tenant and its first administrator in one transaction; the tenant's id. */
export async function insertTenantWithAdmin(
  db: Database,
  values: TenantInsert,
  admin: Omit<UserInsert, "tenant_id">,
): Promise<number> {
  return db.transaction(async (tx) => {
    const id = db.insertId(await tx.insert(db.t.sys_tenant).values(values));
    await tx.insert(db.t.sys_user).values({ ...admin, tenant_id: id });
    return id;
  });
}

/** Whether any user (deleted ones included: the name stays taken) has this username. */
export async function usernameTaken(db: Database, username: string): Promise<boolean> {
  const { sys_user } = db.t;
  const [row] = await db.orm
    .select({ id: sys_user.id })
    .from(sys_user)
    .where(eq(sys_user.username, username))
    .limit(1);
  return row !== undefined;
}

/** Users of the tenants (any state): whose sessions end when a tenant is disabled. */
export async function userIdsOfTenants(db: Database, tenantIds: number[]): Promise<number[]> {
  const { sys_user } = db.t;
  const rows = await db.orm
    .select({ id: sys_user.id })
    .from(sys_user)
    .where(inArray(sys_user.tenant_id, tenantIds));
  return rows.map((r) => r.id);
}

export async function updateTenant(db: Database, id: number, values: Partial<TenantInsert>) {
  await db.orm.update(db.t.sys_tenant).set(values).where(eq(db.t.sys_tenant.id, id));
}

export async function setTenantStatus(db: Database, ids: number[], status: string) {
  await db.orm.update(db.t.sys_tenant).set({ status }).where(inArray(db.t.sys_tenant.id, ids));
}

/** Live (not soft-deleted) users per tenant, for the tenants that have any. */
export async function liveUsersByTenant(
  orm: Orm,
  db: Database,
  tenantIds: number[],
): Promise<Map<number, number>> {
  const { sys_user } = db.t;
  const rows = await orm
    .select({ tenant_id: sys_user.tenant_id, n: count() })
    .from(sys_user)
    .where(and(inArray(sys_user.tenant_id, tenantIds), notDeleted(sys_user)))
    .groupBy(sys_user.tenant_id);
  return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
}

/**
 * Soft-deleted users still reference their tenant (the key is ON DELETE RESTRICT); they move to
 * the platform tenant so the tenant row can go.
 */
export async function moveDeletedUsers(orm: Orm, db: Database, tenantIds: number[], toTenant: number) {
  const { sys_user } = db.t;
  await orm
    .update(sys_user)
    .set({ tenant_id: toTenant })
    .where(and(inArray(sys_user.tenant_id, tenantIds), eq(sys_user.is_deleted, true)));
}

/**
 * Live rows per tenant-owned table (every table with `tenant_id` but users, counted above, and
 * the log, which goes with the tenant) for `tenantIds`: what keeps a tenant from being deleted.
 */
export async function liveRowsByTenant(
  db: Database,
  tenantIds: number[],
): Promise<{ table: string; tenant_id: number }[]> {
  const owned = Object.entries(db.t).filter(
    ([name, table]) =>
      name !== "sys_user" && name !== "sys_log" && tenantColumnOf(table) && "is_deleted" in table,
  );
  const found = await Promise.all(
    owned.map(async ([name, table]) => {
      const t = table as unknown as { tenant_id: SQLiteColumn; is_deleted: SQLiteColumn };
      const rows = await db.orm
        .selectDistinct({ tenant_id: t.tenant_id })
        .from(table as SQLiteTable)
        .where(and(inArray(t.tenant_id, tenantIds), eq(t.is_deleted, false)));
      return rows.map((r) => ({ table: name, tenant_id: Number(r.tenant_id) }));
    }),
  );
  return found.flat();
}

/** The log of deleted tenants goes with them. */
export async function deleteTenantLogs(orm: Orm, db: Database, tenantIds: number[]) {
  await orm.delete(db.t.sys_log).where(inArray(db.t.sys_log.tenant_id, tenantIds));
}

export async function deleteTenants(orm: Orm, db: Database, ids: number[]) {
  await orm.delete(db.t.sys_tenant).where(inArray(db.t.sys_tenant.id, ids));
}
