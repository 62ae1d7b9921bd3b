import type { InferInsertModel, InferSelectModel } from "drizzle-orm";
import { createMysqlKit } from "./kit/mysql";
import type { Tables as SqliteTables } from "./schema.sqlite";
import { defineTables } from "./tables";

/** MySQL / MariaDB tables. drizzle-kit reads the named exports; code uses `db.t`. */
export const tables = defineTables(createMysqlKit());
export type MysqlTables = typeof tables;

export const {
  sys_tenant,
  sys_dept,
  sys_user,
  sys_user_roles,
  sys_user_positions,
  sys_user_totp,
  sys_user_totp_recovery,
  sys_role,
  sys_role_totp,
  sys_role_menus,
  sys_role_depts,
  sys_menu,
  sys_position,
  sys_dict_type,
  sys_dict_data,
  sys_param,
  sys_notice,
  sys_log,
  app_portal,
  gen_demo,
  gen_demo01,
  gen_table,
  gen_table_column,
  task_job,
  task_node,
  task_workflow,
  task_workflow_node_type,
  ai_chat_session,
  ai_chat_message,
} = tables;

/*
 * Compile-time parity: repositories are typed against the SQLite schema and run unchanged on
 * MySQL, so both must describe the same rows. Any drift makes one of these lines fail `tsc`.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type SameTables = keyof SqliteTables extends keyof MysqlTables
  ? keyof MysqlTables extends keyof SqliteTables
    ? true
    : false
  : false;
type SameRows = {
  [K in keyof SqliteTables & keyof MysqlTables]: Equal<
    InferSelectModel<SqliteTables[K]>,
    InferSelectModel<MysqlTables[K]>
  >;
}[keyof SqliteTables & keyof MysqlTables];
type SameInserts = {
  [K in keyof SqliteTables & keyof MysqlTables]: Equal<
    InferInsertModel<SqliteTables[K]>,
    InferInsertModel<MysqlTables[K]>
  >;
}[keyof SqliteTables & keyof MysqlTables];
export type SchemaParity = [Expect<SameTables>, Expect<SameRows>, Expect<SameInserts>];
