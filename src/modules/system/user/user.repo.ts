import { and, asc, eq, getTableColumns, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database, Orm } from "@/core/db/database";
import {
  allOf,
  liveCountOf,
  notDeleted,
  pageIds,
  pageIdsQuery,
  readTogether,
  scans,
  softDeleted,
} from "@/core/db/query";
import { inputsKey, reused } from "@/core/db/reuse";

/* Drizzle queries of the user module; no rules here. */

type Tables = Database["t"];
export type UserRow = Tables["sys_user"]["$inferSelect"];
export type UserInsert = Tables["sys_user"]["$inferInsert"];
export type RoleRow = Tables["sys_role"]["$inferSelect"];
export type MenuRow = Tables["sys_menu"]["$inferSelect"];
export type DeptRow = Tables["sys_dept"]["$inferSelect"];

export async function findUser(db: Database, id: number, scope?: SQL): Promise<UserRow | undefined> {
  const { sys_user } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_user)
    .where(allOf(eq(sys_user.id, id), notDeleted(sys_user), scope))
    .limit(1);
  return row;
}

export async function findUsers(db: Database, ids: number[], scope?: SQL): Promise<UserRow[]> {
  if (!ids.length) return [];
  const { sys_user } = db.t;
  return db.orm
    .select()
    .from(sys_user)
    .where(allOf(inArray(sys_user.id, ids), notDeleted(sys_user), scope));
}

export async function findUserByUsername(db: Database, username: string): Promise<UserRow | undefined> {
  const { sys_user } = db.t;
  const [row] = await db.orm
    .select()
    .from(sys_user)
    .where(and(eq(sys_user.username, username), notDeleted(sys_user)))
    .limit(1);
  return row;
}

/** A listed user: every column but the password hash, with the names the list shows beside it. */
export type ListedUser = Omit<UserRow, "password"> & {
  dept_name: string | null;
  tenant_name: string | null;
  created_name: string | null;
  updated_name: string | null;
  deleted_name: string | null;
};

/**
 * One page of live users matching `filter`, their total and their role and position links, in
 * one round trip of three statements: the page's ids from an index (deferred join), then those
 * rows without the password hash, joined to their department, tenant and audit users' names; the
 * count reads an index only, and is remembered until the table is written (`Totals`: then two
 * statements, beside one cache read); the links join the same page of ids. A LIKE filter takes
 * two or three round trips instead (see below).
 */
export async function pageUsers(
  db: Database,
  filter: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
): Promise<{ rows: ListedUser[]; total: number; links: UserLink[] }> {
  const { sys_user } = db.t;
  const live = allOf(notDeleted(sys_user), filter);
  if (scans(filter)) {
    const count = liveCountOf(db, sys_user, filter);
    // A LIKE filter is tested on every user. One scan in the list's order yields the ids of the
    // first `FEW_MATCHES` + 1 matches: fewer, and they are all of them (the total, no count);
    // else the scan stopped early and the page's rows carry the count (a scalar subquery, run
    // once), so a request stays at three statements. Then the page's rows and links by their ids.
    const offset = (page.page_no - 1) * page.page_size;
    if (offset + page.page_size <= FEW_MATCHES) {
      const first = await pageIdsQuery(db, sys_user, live, orderBy, {
        page_no: 1,
        page_size: FEW_MATCHES + 1,
      });
      const all = first.length <= FEW_MATCHES;
      const ids = first.slice(offset, offset + page.page_size).map((r) => Number(r.id));
      if (!ids.length) return { rows: [], total: first.length, links: [] };
      const [list, linkRows] = await readTogether(db, [
        rowsOf(
          db,
          allOf(live, inArray(sys_user.id, ids)),
          orderBy,
          { page_no: 1, page_size: ids.length },
          all ? undefined : count,
        ),
        linksOfUsers(db, ids),
      ] as const);
      const rows = list as CountedUser[];
      return {
        rows: uncounted(rows),
        total: all ? first.length : await totalOf(rows, count),
        links: sortLinks(linkRows),
      };
    }
    // A deep page: its rows (skipping index entries) carry the count; their links follow.
    const rows = (await rowsOf(db, live, orderBy, page, count)) as CountedUser[];
    const linkRows = rows.length
      ? await linksOfUsers(
          db,
          rows.map((u) => u.id),
        )
      : [];
    return { rows: uncounted(rows), total: await totalOf(rows, count), links: sortLinks(linkRows) };
  }
  // The links statement reads the page's ids once, as a common table expression both its arms
  // join (a derived table in each arm would find the page twice).
  // The total is remembered until the table is written (`Totals`), read beside the page; the
  // page's two statements are built once per filter, order and page (`reused`).
  const key = inputsKey(live, orderBy, page.page_no, page.page_size);
  const [[list, linkRows], total] = await Promise.all([
    readTogether(db, [
      reused(db, `users ${key}`, () => rowsOf(db, live, orderBy, page)),
      reused(db, `user links ${key}`, () =>
        linksQuery(db, db.orm.$with("page_ids").as(pageIdsQuery(db, sys_user, live, orderBy, page))),
      ),
    ] as const),
    db.totals.count(sys_user, filter, () => liveCountOf(db, sys_user, filter)),
  ]);
  return { rows: list as ListedUser[], total, links: sortLinks(linkRows) };
}

type CountedUser = ListedUser & { total?: unknown };

/** The rows without the total they carried. */
const uncounted = (rows: CountedUser[]): ListedUser[] => rows.map(({ total: _, ...u }) => u);

/** The total the rows carried (`count`, embedded); none when the page was empty: counted alone. */
async function totalOf(rows: CountedUser[], count: ReturnType<typeof liveCountOf>): Promise<number> {
  return rows.length ? Number(rows[0].total) : Number((await count)[0].total);
}

/**
 * A LIKE-filtered list's first pages read up to this many matching ids in order (a few kB): with
 * fewer matches, that read is the total too.
 */
const FEW_MATCHES = 1000;

/** The page of live users `live` (the filter included), with their names, by a deferred join. */
function rowsOf(
  db: Database,
  live: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
  total?: ReturnType<typeof liveCountOf>,
) {
  const { sys_user, sys_dept, sys_tenant } = db.t;
  const { password: _hash, ...columns } = getTableColumns(sys_user);
  const ids = pageIds(db, sys_user, live, orderBy, page);
  const creator = alias(sys_user, "created_user");
  const updater = alias(sys_user, "updated_user");
  const deleter = alias(sys_user, "deleted_user");
  return db.orm
    .select({
      ...columns,
      dept_name: sys_dept.name,
      tenant_name: sys_tenant.name,
      created_name: creator.name,
      updated_name: updater.name,
      deleted_name: deleter.name,
      ...(total ? { total: sql<number>`(${total})` } : {}),
    })
    .from(ids)
    .innerJoin(sys_user, eq(sys_user.id, ids.id))
    .leftJoin(sys_dept, eq(sys_dept.id, sys_user.dept_id))
    .leftJoin(sys_tenant, eq(sys_tenant.id, sys_user.tenant_id))
    .leftJoin(creator, eq(creator.id, sys_user.created_id))
    .leftJoin(updater, eq(updater.id, sys_user.updated_id))
    .leftJoin(deleter, eq(deleter.id, sys_user.deleted_id))
    .orderBy(...orderBy);
}

type PageIdsCte = ReturnType<ReturnType<Database["orm"]["$with"]>["as"]> & { id: SQLiteColumn };

export type UserLink = { user_id: number; kind: number; id: number; name: string; ord: number };

/**
 * The role (kind 1) and position (kind 2) links of some users, as the two arms of a UNION ALL:
 * of the users `ids`, or of the users of a page (its page-ids CTE). From a page, each arm starts
 * from it (CROSS JOIN keeps SQLite from driving from a whole link table and probing the page, as
 * it does for a materialised CTE it cannot size).
 */
function linkArms(db: Database, users: number[] | PageIdsCte) {
  const { sys_user_roles, sys_role, sys_user_positions, sys_position } = db.t;
  const arm = (
    kind: 1 | 2,
    link: typeof sys_user_roles | typeof sys_user_positions,
    linkedId: SQLiteColumn,
    target: typeof sys_role | typeof sys_position,
  ) => {
    const fields = {
      user_id: link.user_id,
      kind: sql<number>`${sql.raw(String(kind))}`.as("kind"),
      id: target.id,
      name: target.name,
      ord: target.order,
    };
    const rows = Array.isArray(users)
      ? db.orm.select(fields).from(link)
      : db.orm.select(fields).from(users).crossJoin(link);
    return rows
      .innerJoin(target, eq(target.id, linkedId))
      .where(
        and(
          Array.isArray(users) ? inArray(link.user_id, users) : eq(link.user_id, users.id),
          notDeleted(target),
        ),
      );
  };
  return [
    arm(1, sys_user_roles, sys_user_roles.role_id, sys_role),
    arm(2, sys_user_positions, sys_user_positions.position_id, sys_position),
  ] as const;
}

/** The links of the users `ids`, as `linksQuery` gives them. */
function linksOfUsers(db: Database, ids: number[]) {
  const [roles, positions] = linkArms(db, ids);
  return roles.unionAll(positions);
}

/** The links of the users of a page, in one statement headed by its page-ids CTE. */
function linksQuery(db: Database, users: PageIdsCte) {
  const [roles, positions] = linkArms(db, users);
  // The WITH heads the whole statement (MySQL parenthesises each arm of a union).
  const links = roles.unionAll(positions).as("links");
  return db.orm
    .with(users)
    .select({ user_id: links.user_id, kind: links.kind, id: links.id, name: links.name, ord: links.ord })
    .from(links);
}

/** Links in display order: roles then positions, each by its `order`, then id. */
const sortLinks = (rows: UserLink[]): UserLink[] =>
  rows
    .map((r) => ({ ...r, kind: Number(r.kind), ord: Number(r.ord) }))
    .sort((a, b) => a.kind - b.kind || a.ord - b.ord || a.id - b.id);

/** Live roles by id (any status), full rows. */
export async function rolesByIds(db: Database, ids: number[]): Promise<RoleRow[]> {
  if (!ids.length) return [];
  const { sys_role } = db.t;
  return db.orm
    .select()
    .from(sys_role)
    .where(and(inArray(sys_role.id, ids), notDeleted(sys_role)));
}

export function listUsers(db: Database, where: SQL | undefined, orderBy: SQL[]): Promise<UserRow[]> {
  const { sys_user } = db.t;
  return db.orm
    .select()
    .from(sys_user)
    .where(where)
    .orderBy(...orderBy);
}

/**
 * Which of username / mobile / email another row already holds. Soft-deleted users count: their
 * values stay in the unique indexes.
 */
export async function takenFields(
  db: Database,
  values: { username?: string; mobile?: string | null; email?: string | null },
  exceptId?: number,
): Promise<Set<"username" | "mobile" | "email">> {
  const { sys_user } = db.t;
  const conds: SQL[] = [];
  if (values.username) conds.push(eq(sys_user.username, values.username));
  if (values.mobile) conds.push(eq(sys_user.mobile, values.mobile));
  if (values.email) conds.push(eq(sys_user.email, values.email));
  const taken = new Set<"username" | "mobile" | "email">();
  if (!conds.length) return taken;
  const rows = await db.orm
    .select({ username: sys_user.username, mobile: sys_user.mobile, email: sys_user.email })
    .from(sys_user)
    .where(allOf(or(...conds), exceptId === undefined ? undefined : ne(sys_user.id, exceptId)));
  for (const r of rows) {
    if (values.username && r.username === values.username) taken.add("username");
    if (values.mobile && r.mobile === values.mobile) taken.add("mobile");
    if (values.email && r.email === values.email) taken.add("email");
  }
  return taken;
}

/** Rows (deleted ones too) holding any of the given usernames, mobiles or emails. */
export async function identitiesAmong(
  db: Database,
  values: { usernames: string[]; mobiles: string[]; emails: string[] },
): Promise<{ username: string; mobile: string | null; email: string | null }[]> {
  const { sys_user } = db.t;
  const CHUNK = 500;
  const out: { username: string; mobile: string | null; email: string | null }[] = [];
  const lists: [SQLiteColumn, string[]][] = [
    [sys_user.username, values.usernames],
    [sys_user.mobile, values.mobiles],
    [sys_user.email, values.emails],
  ];
  for (const [column, list] of lists) {
    for (let i = 0; i < list.length; i += CHUNK) {
      out.push(
        ...(await db.orm
          .select({ username: sys_user.username, mobile: sys_user.mobile, email: sys_user.email })
          .from(sys_user)
          .where(inArray(column, list.slice(i, i + CHUNK)))),
      );
    }
  }
  return out;
}

/** Many users in one statement per chunk (no links: imported users get no roles). */
export async function insertUsers(tx: Orm, db: Database, rows: UserInsert[]) {
  const CHUNK = 200;
  for (let i = 0; i < rows.length; i += CHUNK)
    await tx.insert(db.t.sys_user).values(rows.slice(i, i + CHUNK));
}

export async function visibleRoleIds(db: Database, ids: number[], scope?: SQL): Promise<number[]> {
  if (!ids.length) return [];
  const { sys_role } = db.t;
  const rows = await db.orm
    .select({ id: sys_role.id })
    .from(sys_role)
    .where(allOf(inArray(sys_role.id, ids), notDeleted(sys_role), scope));
  return rows.map((r) => r.id);
}

export async function visiblePositionIds(db: Database, ids: number[], scope?: SQL): Promise<number[]> {
  if (!ids.length) return [];
  const { sys_position } = db.t;
  const rows = await db.orm
    .select({ id: sys_position.id })
    .from(sys_position)
    .where(allOf(inArray(sys_position.id, ids), notDeleted(sys_position), scope));
  return rows.map((r) => r.id);
}

export async function visibleDepts(
  db: Database,
  ids: number[],
  scope?: SQL,
): Promise<{ id: number; status: string }[]> {
  if (!ids.length) return [];
  const { sys_dept } = db.t;
  return db.orm
    .select({ id: sys_dept.id, status: sys_dept.status })
    .from(sys_dept)
    .where(allOf(inArray(sys_dept.id, ids), notDeleted(sys_dept), scope));
}

export async function tenantExists(db: Database, id: number): Promise<boolean> {
  const { sys_tenant } = db.t;
  const rows = await db.orm
    .select({ id: sys_tenant.id })
    .from(sys_tenant)
    .where(and(eq(sys_tenant.id, id), notDeleted(sys_tenant)))
    .limit(1);
  return rows.length > 0;
}

export async function insertUser(tx: Orm, db: Database, values: UserInsert): Promise<number> {
  return db.insertId(await tx.insert(db.t.sys_user).values(values));
}

export async function replaceRoles(tx: Orm, db: Database, userId: number, roleIds: number[]) {
  const { sys_user_roles } = db.t;
  await tx.delete(sys_user_roles).where(eq(sys_user_roles.user_id, userId));
  if (roleIds.length)
    await tx.insert(sys_user_roles).values(roleIds.map((role_id) => ({ user_id: userId, role_id })));
}

export async function replacePositions(tx: Orm, db: Database, userId: number, positionIds: number[]) {
  const { sys_user_positions } = db.t;
  await tx.delete(sys_user_positions).where(eq(sys_user_positions.user_id, userId));
  if (positionIds.length)
    await tx
      .insert(sys_user_positions)
      .values(positionIds.map((position_id) => ({ user_id: userId, position_id })));
}

export async function updateUser(orm: Orm, db: Database, id: number, values: Partial<UserInsert>) {
  await orm.update(db.t.sys_user).set(values).where(eq(db.t.sys_user.id, id));
}

/** Soft delete (contract §10.4): links go, the row stays with its deletion stamp. */
export async function softDeleteUsers(tx: Orm, db: Database, ids: number[], by: number) {
  const { sys_user, sys_user_roles, sys_user_positions } = db.t;
  await tx.delete(sys_user_roles).where(inArray(sys_user_roles.user_id, ids));
  await tx.delete(sys_user_positions).where(inArray(sys_user_positions.user_id, ids));
  await tx.update(sys_user).set(softDeleted(by)).where(inArray(sys_user.id, ids));
}

export async function setUsersStatus(db: Database, ids: number[], status: string, by: number) {
  const { sys_user } = db.t;
  await db.orm.update(sys_user).set({ status, updated_id: by }).where(inArray(sys_user.id, ids));
}

export async function deptNames(db: Database, ids: number[]) {
  if (!ids.length) return [];
  const { sys_dept } = db.t;
  return db.orm
    .select({ id: sys_dept.id, name: sys_dept.name })
    .from(sys_dept)
    .where(inArray(sys_dept.id, ids));
}

export async function tenantNames(db: Database, ids: number[]) {
  if (!ids.length) return [];
  const { sys_tenant } = db.t;
  return db.orm
    .select({ id: sys_tenant.id, name: sys_tenant.name })
    .from(sys_tenant)
    .where(inArray(sys_tenant.id, ids));
}

export async function positionsOf(db: Database, userIds: number[]) {
  if (!userIds.length) return [];
  const { sys_user_positions, sys_position } = db.t;
  return db.orm
    .select({ user_id: sys_user_positions.user_id, id: sys_position.id, name: sys_position.name })
    .from(sys_user_positions)
    .innerJoin(sys_position, eq(sys_position.id, sys_user_positions.position_id))
    .where(and(inArray(sys_user_positions.user_id, userIds), notDeleted(sys_position)))
    .orderBy(asc(sys_position.order), asc(sys_position.id));
}

export async function rolesOf(db: Database, userIds: number[], enabledOnly: boolean) {
  if (!userIds.length) return [];
  const { sys_user_roles, sys_role } = db.t;
  return db.orm
    .select({ user_id: sys_user_roles.user_id, role: sys_role })
    .from(sys_user_roles)
    .innerJoin(sys_role, eq(sys_role.id, sys_user_roles.role_id))
    .where(
      allOf(
        inArray(sys_user_roles.user_id, userIds),
        notDeleted(sys_role),
        enabledOnly ? eq(sys_role.status, "0") : undefined,
      ),
    )
    .orderBy(asc(sys_role.order), asc(sys_role.id));
}

export async function menusOfRoles(db: Database, roleIds: number[], enabledOnly: boolean) {
  if (!roleIds.length) return [];
  const { sys_role_menus, sys_menu } = db.t;
  return db.orm
    .select({ role_id: sys_role_menus.role_id, menu: sys_menu })
    .from(sys_role_menus)
    .innerJoin(sys_menu, eq(sys_menu.id, sys_role_menus.menu_id))
    .where(
      allOf(
        inArray(sys_role_menus.role_id, roleIds),
        notDeleted(sys_menu),
        enabledOnly ? eq(sys_menu.status, "0") : undefined,
      ),
    )
    .orderBy(asc(sys_menu.order), asc(sys_menu.id));
}

export async function deptsOfRoles(db: Database, roleIds: number[]) {
  if (!roleIds.length) return [];
  const { sys_role_depts, sys_dept } = db.t;
  return db.orm
    .select({ role_id: sys_role_depts.role_id, dept: sys_dept })
    .from(sys_role_depts)
    .innerJoin(sys_dept, eq(sys_dept.id, sys_role_depts.dept_id))
    .where(and(inArray(sys_role_depts.role_id, roleIds), notDeleted(sys_dept)))
    .orderBy(asc(sys_dept.order), asc(sys_dept.id));
}

/**
 * The SPA's route menus: enabled pc directories, pages and links (types 1, 2, 4), in menu order;
 * all of them, or only those among `ids`.
 */
export async function routeMenus(db: Database, ids: number[] | "all"): Promise<MenuRow[]> {
  if (ids !== "all" && !ids.length) return [];
  const { sys_menu } = db.t;
  return db.orm
    .select()
    .from(sys_menu)
    .where(
      allOf(
        ids === "all" ? undefined : inArray(sys_menu.id, ids),
        inArray(sys_menu.type, [1, 2, 4]),
        eq(sys_menu.status, "0"),
        eq(sys_menu.client, "pc"),
        notDeleted(sys_menu),
      ),
    )
    .orderBy(asc(sys_menu.order), asc(sys_menu.id));
}
