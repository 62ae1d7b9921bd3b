import { and, count, eq, inArray, ne, type SQL } from "drizzle-orm";
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

export async function deleteTenants(orm: Orm, db: Database, ids: number[]) {
  await orm.delete(db.t.sys_tenant).where(inArray(db.t.sys_tenant.id, ids));
}
