import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import mysql from "mysql2/promise";
import { type LiveSchema, listTables, quoteIdent, type RawSql } from "@/core/db/schema-inspect";

/*
 * Scratch copies of an existing FastapiAdmin v3.0 database (the fixtures in
 * shared/spec/fastapiadmin-db, made by the original itself), loaded through the drivers.
 */

/** Copies of shared/spec/fastapiadmin-db, kept in the repository so CI has them on a clean clone. */
export const FIXTURE_DIR = join(import.meta.dir, "fixtures/fastapiadmin-db");

export const fixture = (name: "mysql-schema.sql" | "mysql-data.sql" | "sqlite-dump.sql") =>
  readFileSync(join(FIXTURE_DIR, name), "utf8");

export interface ScratchDatabase {
  url: string;
  /** Runs SQL on the scratch database outside the app (mysql: multiple statements allowed). */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

/** A SQLite file holding the fixture's dump; `edit` runs on the script before loading. */
export async function sqliteFixture(edit: (sql: string) => string = (s) => s): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "fa-adopt-"));
  const url = `file:${join(dir, "existing.db")}`;
  const client = createClient({ url });
  try {
    // As the sqlite3 shell loads a dump: tables come in name order, before the ones they reference.
    await client.execute("PRAGMA foreign_keys=OFF");
    await client.executeMultiple(edit(fixture("sqlite-dump.sql")));
  } finally {
    client.close();
  }
  return {
    url,
    async exec(sql) {
      const c = createClient({ url });
      try {
        await c.executeMultiple(sql);
      } finally {
        c.close();
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const quote = (name: string) => `\`${name.replace(/`/g, "``")}\``;

/** A fresh MariaDB database `fa_adopt_<random>` on the server of `serverUrl`, with the fixture loaded. */
export async function mysqlFixture(
  serverUrl: string,
  { data = true, edit = (s: string) => s }: { data?: boolean; edit?: (sql: string) => string } = {},
): Promise<ScratchDatabase> {
  const name = `fa_adopt_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const server = new URL(serverUrl);
  server.pathname = "/";
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${name}`;
  const connect = (database?: string) =>
    mysql.createConnection({
      uri: server.toString(),
      database,
      multipleStatements: true,
      charset: "UTF8MB4_UNICODE_CI",
    });
  const admin = await connect();
  try {
    await admin.query(`CREATE DATABASE ${quote(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  } finally {
    await admin.end();
  }
  const exec = async (sql: string) => {
    const c = await connect(name);
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  try {
    await exec(edit(fixture("mysql-schema.sql")));
    if (data) await exec(fixture("mysql-data.sql"));
  } catch (err) {
    const c = await connect();
    await c.query(`DROP DATABASE IF EXISTS ${quote(name)}`).finally(() => c.end());
    throw err;
  }
  return {
    url: dbUrl.toString(),
    exec,
    async drop() {
      const c = await connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${quote(name)}`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The list indexes (issue 10) every dialect adds: each list's default filter and order, and its filters. */
const LIST_INDEXES = [
  "index app_portal.ix_app_portal_list (is_deleted, tenant_id, updated_time)",
  "index gen_demo.ix_gen_demo_list (is_deleted, updated_time)",
  "index gen_demo01.ix_gen_demo01_list (is_deleted, updated_time)",
  "index gen_table.ix_gen_table_list (is_deleted, updated_time)",
  "index gen_table_column.ix_gen_table_column_list (is_deleted, updated_time)",
  "index sys_dept.ix_sys_dept_list (is_deleted, tenant_id, updated_time)",
  "index sys_dict_data.ix_sys_dict_data_list (is_deleted, updated_time)",
  "index sys_dict_type.ix_sys_dict_type_list (is_deleted, updated_time)",
  "index sys_log.ix_sys_log_list (is_deleted, tenant_id, updated_time, id, created_time)",
  "index sys_log.ix_sys_log_list_created_time (created_time, is_deleted, tenant_id, updated_time)",
  "index sys_log.ix_sys_log_list_request_ip (request_ip, is_deleted, tenant_id, updated_time)",
  "index sys_log.ix_sys_log_list_type (type, is_deleted, tenant_id, updated_time)",
  "index sys_menu.ix_sys_menu_list (is_deleted, updated_time)",
  "index sys_notice.ix_sys_notice_list (is_deleted, tenant_id, updated_time)",
  "index sys_param.ix_sys_param_list (is_deleted, updated_time)",
  "index sys_position.ix_sys_position_list (is_deleted, tenant_id, updated_time)",
  "index sys_role.ix_sys_role_list (is_deleted, tenant_id, updated_time)",
  "index sys_tenant.ix_sys_tenant_list (is_deleted, updated_time)",
  "index sys_user.ix_sys_user_list (is_deleted, tenant_id, updated_time, id, created_time, username, name, mobile, email)",
  "index sys_user.ix_sys_user_list_created_time (created_time, is_deleted, tenant_id, updated_time)",
  "index sys_user.ix_sys_user_list_dept_id (dept_id, is_deleted, tenant_id, updated_time)",
  "index sys_user.ix_sys_user_list_status (status, is_deleted, tenant_id, updated_time)",
  "index task_job.ix_task_job_list (is_deleted, updated_time)",
  "index task_node.ix_task_node_list (is_deleted, tenant_id, updated_time)",
  "index task_workflow.ix_task_workflow_list (is_deleted, tenant_id, updated_time)",
  "index task_workflow_node_type.ix_task_workflow_node_type_list (is_deleted, tenant_id, updated_time)",
];

/**
 * Everything adopting the fixture adds, per dialect (the README's "Coming from FastapiAdmin"
 * lists the same): drizzle's history table and the indexes upstream lacks.
 */
/** Tenant isolation (issue 14): tenant_id and its index on the tables that gained one. */
const TENANT_COLUMNS = [
  "sys_dept",
  "sys_log",
  "sys_notice",
  "sys_position",
  "sys_role",
  "task_node",
  "task_workflow",
  "task_workflow_node_type",
].flatMap((t) => [`column ${t}.tenant_id`, `index ${t}.ix_${t}_tenant_id (tenant_id)`]);

export const ADOPTION_ADDITIONS: Record<"sqlite" | "mysql", string[]> = {
  sqlite: [
    "table __drizzle_migrations",
    "table ai_chat_message",
    "table ai_chat_session",
    "table sys_role_totp",
    "table sys_user_totp",
    "table sys_user_totp_recovery",
    "index sys_dict_data.ix_sys_dict_data_dict_type (dict_type)",
    "index sys_dict_data.ix_sys_dict_data_dict_type_id (dict_type_id)",
    "index sys_log.ix_sys_log_type (type)",
    "index sys_role_depts.ix_sys_role_depts_dept_id (dept_id)",
    "index sys_role_menus.ix_sys_role_menus_menu_id (menu_id)",
    "index sys_user_positions.ix_sys_user_positions_position_id (position_id)",
    "index sys_user_roles.ix_sys_user_roles_role_id (role_id)",
    "index task_job.ix_task_job_status (status)",
    ...LIST_INDEXES,
    ...TENANT_COLUMNS,
  ],
  mysql: [
    "table __drizzle_migrations",
    "table ai_chat_message",
    "table ai_chat_session",
    "table sys_role_totp",
    "table sys_user_totp",
    "table sys_user_totp_recovery",
    "index sys_dict_data.ix_sys_dict_data_dict_type (dict_type)",
    "index sys_log.ix_sys_log_type (type)",
    "index task_job.ix_task_job_status (status)",
    ...LIST_INDEXES,
    ...TENANT_COLUMNS,
  ],
};

/** What differs between two inspections, one line per object (`table x`, `column t.c`, `index t.i (cols)`...). */
export function schemaDiff(before: LiveSchema, after: LiveSchema): { added: string[]; removed: string[] } {
  const objects = (schema: LiveSchema) => {
    const out = new Map<string, string>();
    for (const t of schema.values()) {
      out.set(`table ${t.name}`, `pk(${t.primaryKey.join(",")})`);
      for (const c of t.columns.values()) out.set(`column ${t.name}.${c.name}`, JSON.stringify(c));
      for (const i of t.indexes)
        out.set(`index ${t.name}.${i.name} (${i.columns.join(", ")})`, String(i.unique));
      for (const f of t.foreignKeys)
        out.set(`foreign key ${t.name}(${f.columns.join(",")}) -> ${f.foreignTable}`, f.onDelete);
    }
    return out;
  };
  const a = objects(before);
  const b = objects(after);
  const newTables = [...b.keys()].filter((k) => k.startsWith("table ") && !a.has(k)).map((k) => k.slice(6));
  const inNewTable = (k: string) => newTables.some((t) => k.includes(` ${t}.`) || k.includes(` ${t}(`));
  return {
    added: [...b.keys()].filter((k) => !a.has(k) && !inNewTable(k)).sort(),
    // gone, or the same name with another definition
    removed: [...a.keys()].filter((k) => !b.has(k) || b.get(k) !== a.get(k)).sort(),
  };
}

/** Every row of every table, in primary-key order: for "nothing changed" comparisons. */
export async function dumpData(raw: RawSql): Promise<string> {
  const out: string[] = [];
  for (const table of await listTables(raw)) {
    const rows = await raw.all(`SELECT * FROM ${quoteIdent(raw.dialect, table)} ORDER BY 1`);
    out.push(`${table}: ${JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`);
  }
  return out.join("\n");
}
