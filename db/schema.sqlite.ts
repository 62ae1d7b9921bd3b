import { createSqliteKit } from "./kit/sqlite";
import { defineTables } from "./tables";

/** SQLite / libSQL / D1 tables. drizzle-kit reads the named exports; code uses `db.t`. */
export const tables = defineTables(createSqliteKit());
export type Tables = typeof tables;

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
