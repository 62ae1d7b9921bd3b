import { seedRows } from "@db/seed";
import { type InferInsertModel, sql } from "drizzle-orm";
import type { PasswordHasher } from "@/core/auth/password";
import type { Logger } from "@/core/log/logger";
import type { Database, Orm, Tables } from "./database";

const {
  sys_dept: deptSeed,
  sys_dict_data: dictDataSeed,
  sys_dict_type: dictTypeSeed,
  sys_menu: menuSeed,
  sys_param: paramSeed,
  sys_role: roleSeed,
  sys_tenant: tenantSeed,
  sys_user: userSeed,
  sys_user_roles: userRoleSeed,
} = seedRows;

/*
 * Seeding FastapiAdmin v3.0's initial data (db/seed: contract §13, modules §11.1): each table is
 * filled only while it is empty, in the original's order, so a restart never duplicates or
 * overwrites anything (an adopted FastapiAdmin database keeps its own rows).
 */

export interface SeedOptions {
  environment: "dev" | "test" | "prod";
  /** Password for `admin`. In prod a random one is generated (and returned) when absent. */
  adminPassword?: string;
  hasher: PasswordHasher;
  logger?: Logger;
}

export interface SeedResult {
  /** Rows inserted per table (0 when the table already had rows). */
  inserted: Record<string, number>;
  /** Set when prod generated the `admin` password: the caller shows it once, it is not stored. */
  generatedAdminPassword?: string;
}

/** The order tables are seeded in (parents before the rows that reference them). */
export const SEED_ORDER = [
  "sys_tenant",
  "sys_menu",
  "sys_param",
  "sys_dept",
  "sys_role",
  "sys_dict_type",
  "sys_dict_data",
  "sys_user",
  "sys_user_roles",
] as const satisfies readonly (keyof Tables)[];

type SeedTable = (typeof SEED_ORDER)[number];
type Row<T extends keyof Tables> = InferInsertModel<Tables[T]>;

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A uniformly random password from an unambiguous alphabet (no 0/O, 1/l/I). */
export function randomPassword(length = 20): string {
  const out: string[] = [];
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % ALPHABET.length);
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out.push(ALPHABET[byte % ALPHABET.length]);
    }
  }
  return out.join("");
}

type TreeNode<T> = T & { children?: TreeNode<T>[] };
type TreeRow<T extends "sys_menu" | "sys_dept"> = Omit<Row<T>, "id" | "parent_id">;

/**
 * Flattens a nested seed tree level by level (siblings in file order), the order FastapiAdmin's
 * seeder inserted them in, and assigns the ids that order produces (contract modules §11.3).
 */
function flattenTree<T extends object>(
  roots: TreeNode<T>[],
): (T & { id: number; parent_id: number | null })[] {
  const rows: (T & { id: number; parent_id: number | null })[] = [];
  let queue: { node: TreeNode<T>; parent: number | null }[] = roots.map((node) => ({ node, parent: null }));
  while (queue.length) {
    const next: typeof queue = [];
    for (const { node, parent } of queue) {
      const { children, ...fields } = node;
      const id = rows.length + 1;
      rows.push({ ...(fields as T), id, parent_id: parent });
      for (const child of children ?? []) next.push({ node: child, parent: id });
    }
    queue = next;
  }
  return rows;
}

const withIds = <T extends object>(rows: T[]) => rows.map((row, i) => ({ ...row, id: i + 1 }));

async function isEmpty(orm: Orm, table: Tables[SeedTable]): Promise<boolean> {
  const rows = await orm.select({ one: sql<number>`1` }).from(table).limit(1);
  return rows.length === 0;
}

/** Inserts all rows of one table atomically (a transaction works on every driver; batch does not). */
async function insertAll<T extends SeedTable>(db: Database, name: T, rows: Row<T>[]): Promise<number> {
  const table = db.t[name];
  await db.transaction(async (tx) => {
    // Chunks keep each statement well below SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 50) {
      await tx.insert(table).values(rows.slice(i, i + 50) as never);
    }
  });
  return rows.length;
}

async function userRows(opts: SeedOptions): Promise<{ rows: Row<"sys_user">[]; generated?: string }> {
  const { environment, adminPassword, hasher } = opts;
  if (adminPassword !== undefined && (adminPassword.length < 8 || adminPassword.length > 128)) {
    throw new Error("ADMIN_PASSWORD must be 8 to 128 characters long");
  }
  let generated: string | undefined;
  const rows: Row<"sys_user">[] = [];
  for (const user of withIds(userSeed)) {
    let password = user.password;
    if (user.username === "admin" && adminPassword) {
      password = await hasher.hash(adminPassword);
    } else if (environment === "prod") {
      // The shipped bcrypt hash is of "123456": never a valid credential in production.
      const plain = randomPassword(user.username === "admin" ? 20 : 32);
      if (user.username === "admin") generated = plain;
      password = await hasher.hash(plain);
    }
    rows.push({ ...user, password });
  }
  return { rows, generated };
}

/** Seeds every empty table; safe to run on every start. */
export async function seedDatabase(db: Database, opts: SeedOptions): Promise<SeedResult> {
  const inserted: Record<string, number> = {};
  let generatedAdminPassword: string | undefined;

  for (const name of SEED_ORDER) {
    if (!(await isEmpty(db.orm, db.t[name]))) {
      inserted[name] = 0;
      continue;
    }
    switch (name) {
      case "sys_tenant":
        inserted[name] = await insertAll(db, name, withIds(tenantSeed));
        break;
      case "sys_menu":
        inserted[name] = await insertAll(db, name, flattenTree(menuSeed as TreeNode<TreeRow<"sys_menu">>[]));
        break;
      case "sys_param":
        inserted[name] = await insertAll(db, name, withIds(paramSeed));
        break;
      case "sys_dept":
        inserted[name] = await insertAll(db, name, flattenTree(deptSeed as TreeNode<TreeRow<"sys_dept">>[]));
        break;
      case "sys_role":
        inserted[name] = await insertAll(db, name, withIds(roleSeed));
        break;
      case "sys_dict_type":
        inserted[name] = await insertAll(db, name, withIds(dictTypeSeed));
        break;
      case "sys_dict_data": {
        // The type's id is whatever its row got, found by its code (not the JSON's own number).
        const types = await db.orm
          .select({ id: db.t.sys_dict_type.id, dict_type: db.t.sys_dict_type.dict_type })
          .from(db.t.sys_dict_type);
        const idOf = new Map(types.map((t) => [t.dict_type, t.id]));
        const rows = withIds(dictDataSeed).map((row) => {
          const typeId = idOf.get(row.dict_type);
          if (typeId === undefined)
            throw new Error(`seed: sys_dict_data refers to unknown dict_type ${row.dict_type}`);
          return { ...row, dict_type_id: typeId };
        });
        inserted[name] = await insertAll(db, name, rows);
        break;
      }
      case "sys_user": {
        const { rows, generated } = await userRows(opts);
        generatedAdminPassword = generated;
        inserted[name] = await insertAll(db, name, rows);
        break;
      }
      case "sys_user_roles":
        inserted[name] = await insertAll(db, name, userRoleSeed);
        break;
    }
    if (inserted[name]) opts.logger?.debug("seeded table", { table: name, rows: inserted[name] });
  }
  return { inserted, generatedAdminPassword };
}
