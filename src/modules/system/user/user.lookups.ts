import { withoutTenant } from "@/core/auth/data-scope";
import { isPlatformOnly } from "@/core/auth/guard";
import { LOOKUP_PREFIX } from "@/core/auth/principal";
import { getJson, setJson } from "@/core/cache/cache";
import type { AppDeps } from "@/core/context";
import type { DeptRow, MenuRow, RoleRow } from "./user.repo";
import * as repo from "./user.repo";

/*
 * Roles as the user list shows them (each with its menus and departments) change rarely and are
 * the same on every page, so they come from the cache: one read per role, all at once. Every write
 * to roles, menus or departments drops them together with the cached principals
 * (`forgetPrincipals()` drops every key under LOOKUP_PREFIX); the TTL bounds what a write racing
 * a refill could leave behind.
 */

export type MenuOut = MenuRow & { parent_name: string | null };
export type DeptOut = Omit<DeptRow, "tenant_id"> & { parent_name: string | null };
export type RoleOut = Omit<RoleRow, "tenant_id"> & { menus: MenuOut[]; depts: DeptOut[] };

/**
 * The route menus a user outside the platform tenant is shown: pages behind a platform-only
 * permission (tenants, server/cache monitors, files, generator, scheduler) are left out, and so is
 * a directory left with none of the pages it had.
 */
export function withoutPlatformPages<
  T extends { id: number; parent_id: number | null; permission: string | null },
>(rows: T[]): T[] {
  const dropped = new Set(rows.filter((m) => m.permission && isPlatformOnly(m.permission)).map((m) => m.id));
  if (!dropped.size) return rows;
  const children = new Map<number, T[]>();
  for (const m of rows)
    if (m.parent_id !== null) children.set(m.parent_id, [...(children.get(m.parent_id) ?? []), m]);
  const gone = (m: T): boolean => {
    if (dropped.has(m.id)) return true;
    const kids = children.get(m.id);
    return !!kids?.length && kids.every(gone);
  };
  return rows.filter((m) => !gone(m));
}

const TTL_SECONDS = 120;
const key = (roleId: number) => `${LOOKUP_PREFIX}role:${roleId}`;

const groupBy = <T, K>(items: T[], by: (t: T) => K) => {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const list = map.get(by(item));
    if (list) list.push(item);
    else map.set(by(item), [item]);
  }
  return map;
};

/** Live roles by id with all their live menus and departments (any status), cached. */
export async function roleDetails(deps: AppDeps, ids: number[]): Promise<Map<number, RoleOut>> {
  const out = new Map<number, RoleOut>();
  if (!ids.length) return out;
  const cached = await Promise.all(ids.map((id) => getJson<RoleOut>(deps.cache, key(id))));
  const missing: number[] = [];
  ids.forEach((id, i) => {
    const hit = cached[i];
    if (hit) out.set(id, hit);
    else missing.push(id);
  });
  if (!missing.length) return out;
  const { db } = deps;
  const [roles, menus, depts] = await Promise.all([
    repo.rolesByIds(db, missing),
    repo.menusOfRoles(db, missing, false),
    repo.deptsOfRoles(db, missing),
  ]);
  const menusByRole = groupBy(menus, (m) => m.role_id);
  const deptsByRole = groupBy(depts, (d) => d.role_id);
  await Promise.all(
    roles.map((role) => {
      const detail: RoleOut = {
        ...withoutTenant(role),
        menus: (menusByRole.get(role.id) ?? []).map((m) => ({ ...m.menu, parent_name: null })),
        depts: (deptsByRole.get(role.id) ?? []).map((d) => ({ ...withoutTenant(d.dept), parent_name: null })),
      };
      out.set(role.id, detail);
      return setJson(deps.cache, key(role.id), detail, TTL_SECONDS);
    }),
  );
  return out;
}
