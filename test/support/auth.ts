import { expect } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { startSession } from "@/modules/system/auth/auth.service";
import type { TestApp } from "./app";

/**
 * A bearer token for an existing user, minted through the real session code without a password
 * round trip (login itself is tested in test/modules/system/auth).
 */
export async function tokenFor(t: TestApp, username: string): Promise<string> {
  const { sys_user } = t.deps.db.t;
  const [user] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, username)).limit(1);
  if (!user) throw new Error(`no user ${username}`);
  const pair = await startSession(
    t.deps,
    { ip: "127.0.0.1", userAgent: "bun-test" },
    user,
    "PC端",
    "2026-01-01 00:00:00",
  );
  return pair.access_token;
}

export async function authHeaders(t: TestApp, username: string): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await tokenFor(t, username)}` };
}

let counter = 0;
const PASSWORD_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Jj3cUTz2B5t9gkA6hp6Lx1o1Ht9f3r4O0QK9xkQJ1Y";

export interface ScopedUser {
  id: number;
  username: string;
  roleId: number;
  headers: Record<string, string>;
}

/**
 * A fresh non-superuser holding one new role that grants `permissions` (looked up in the seeded
 * menus) with the given data scope; department 1 unless said otherwise.
 */
export async function createScopedUser(
  t: TestApp,
  opts: {
    permissions?: string[];
    dataScope?: number;
    deptId?: number | null;
    customDeptIds?: number[];
    username?: string;
  } = {},
): Promise<ScopedUser> {
  const { db } = t.deps;
  const { sys_user, sys_role, sys_menu, sys_role_menus, sys_user_roles, sys_role_depts } = db.t;
  const n = ++counter;
  const username = opts.username ?? `scoped_${n}_${Math.random().toString(36).slice(2, 8)}`;
  const roleResult = await db.orm.insert(sys_role).values({
    name: `测试角色${username}`,
    code: `R${n}${Math.random().toString(36).slice(2, 8)}`.slice(0, 16),
    data_scope: opts.dataScope ?? 4,
  });
  const roleId = db.insertId(roleResult);
  const permissions = opts.permissions ?? [];
  if (permissions.length) {
    const menus = await db.orm
      .select({ id: sys_menu.id })
      .from(sys_menu)
      .where(inArray(sys_menu.permission, permissions));
    if (menus.length)
      await db.orm.insert(sys_role_menus).values(menus.map((m) => ({ role_id: roleId, menu_id: m.id })));
  }
  if (opts.customDeptIds?.length) {
    await db.orm
      .insert(sys_role_depts)
      .values(opts.customDeptIds.map((d) => ({ role_id: roleId, dept_id: d })));
  }
  const userResult = await db.orm.insert(sys_user).values({
    username,
    password: PASSWORD_HASH,
    name: username.slice(0, 32),
    dept_id: opts.deptId === undefined ? 1 : opts.deptId,
  });
  const id = db.insertId(userResult);
  await db.orm.insert(sys_user_roles).values({ user_id: id, role_id: roleId });
  return { id, username, roleId, headers: await authHeaders(t, username) };
}

/** JSON request helpers bound to a test app and a set of headers. */
export function client(t: TestApp, headers: Record<string, string> = {}) {
  const send = (method: string, path: string, body?: unknown) =>
    t.request(path.startsWith("/api/") ? path : `/api/v1${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    get: (path: string) => send("GET", path),
    post: (path: string, body?: unknown) => send("POST", path, body),
    put: (path: string, body?: unknown) => send("PUT", path, body),
    patch: (path: string, body?: unknown) => send("PATCH", path, body),
    delete: (path: string, body?: unknown) => send("DELETE", path, body),
  };
}

/** A guarded route as the permission checks below call it. */
export interface GuardedCall {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  perm: string;
  body?: unknown;
}

/** Without a token every one of `routes` answers 401 / 10401. */
export async function expectUnauthenticated(t: TestApp, routes: GuardedCall[]) {
  const anon = client(t);
  for (const r of routes) {
    const res = await anon[r.method](r.path, r.body);
    expect({ path: r.path, status: res.status, code: ((await res.json()) as { code: number }).code }).toEqual(
      {
        path: r.path,
        status: 401,
        code: 10401,
      },
    );
  }
}

/**
 * Each route needs exactly its permission: a holder of it passes the guard, holders of any
 * other permission of the list get 403 / 10403.
 */
export async function expectExactPermissions(t: TestApp, routes: GuardedCall[]) {
  const holders = new Map<string, ReturnType<typeof client>>();
  for (const p of new Set(routes.map((r) => r.perm)))
    holders.set(p, client(t, (await createScopedUser(t, { permissions: [p] })).headers));
  for (const r of routes) {
    for (const [perm, user] of holders) {
      const res = await user[r.method](r.path, r.body);
      if (perm === r.perm) {
        expect({ path: r.path, perm, denied: res.status === 401 || res.status === 403 }).toEqual({
          path: r.path,
          perm,
          denied: false,
        });
      } else {
        expect({
          path: r.path,
          perm,
          status: res.status,
          code: ((await res.json()) as { code: number }).code,
        }).toEqual({ path: r.path, perm, status: 403, code: 10403 });
      }
    }
  }
}

/** Gives user `id` the password `password` (hashed as the app hashes it), for login tests. */
export async function setPassword(t: TestApp, id: number, password: string): Promise<void> {
  const { sys_user } = t.deps.db.t;
  await t.deps.db.orm
    .update(sys_user)
    .set({ password: await t.deps.hasher.hash(password) })
    .where(eq(sys_user.id, id));
}
