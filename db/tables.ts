import { generatedTables } from "./generated/index";
import { nowString } from "./kit/datetime";
import {
  foreignKey,
  index,
  type Kit,
  type KitDialect,
  primaryKey,
  type ReferentialAction,
  type TableExtra,
  unique,
} from "./kit/types";

/*
 * The one definition of every table, for both dialects. Table and column names are FastapiAdmin
 * v3.0's (contract §10–11); property names equal column names, so rows come back with the
 * wire's snake_case field names.
 */

export type TableName =
  | "sys_tenant"
  | "sys_dept"
  | "sys_user"
  | "sys_user_roles"
  | "sys_user_positions"
  | "sys_user_totp"
  | "sys_user_totp_recovery"
  | "sys_role_totp"
  | "sys_role"
  | "sys_role_menus"
  | "sys_role_depts"
  | "sys_menu"
  | "sys_position"
  | "sys_dict_type"
  | "sys_dict_data"
  | "sys_param"
  | "sys_notice"
  | "sys_log"
  | "app_portal"
  | "gen_demo"
  | "gen_demo01"
  | "gen_table"
  | "gen_table_column"
  | "task_job"
  | "task_node"
  | "task_workflow"
  | "task_workflow_node_type"
  | "ai_chat_session"
  | "ai_chat_message";

/** One `{key, value}` entry of `sys_menu.params` (route query parameters of the SPA). */
export interface MenuParam {
  key: string;
  value: string;
}

/** A single-column FK named `fk_<table>_<column>` (MySQL caps identifiers at 64 characters). */
function fk<Col extends string>(
  table: TableName,
  column: Col,
  foreignTable: TableName,
  onDelete: ReferentialAction,
  onUpdate?: ReferentialAction,
): TableExtra<Col> {
  return foreignKey({
    name: `fk_${table}_${column}`,
    columns: [column],
    foreignTable,
    foreignColumns: ["id"],
    onDelete,
    onUpdate,
  });
}

const ix = <Col extends string>(table: TableName, column: Col) => index(`ix_${table}_${column}`, column);
const uq = <Col extends string>(table: TableName, column: Col) => unique(`uq_${table}_${column}`, column);

export function defineTables<D extends KitDialect>(k: Kit<D>) {
  /** ModelMixin (§10.1): on every table except the link tables. */
  const model = () => ({
    id: k.id(),
    uuid: k
      .str(64)
      .notNull()
      .$defaultFn(() => crypto.randomUUID()),
    status: k.str(10).notNull().default("0"),
    description: k.text(),
    created_time: k.datetime().notNull().$defaultFn(nowString),
    updated_time: k.datetime().notNull().$defaultFn(nowString).$onUpdateFn(nowString),
    is_deleted: k.bool().notNull().default(false),
    deleted_time: k.datetime(),
  });
  /**
   * `ix_<table>_list` serves every list's default filter and order (live rows, newest update
   * first, then id: the primary key ends every secondary index on both dialects), so a page is
   * read from the index in order and a deep page skips index entries. `cover` adds columns that
   * filters scan with LIKE, so such a scan reads the index, not the rows. On a tenant-owned table
   * (`tenantModelExtras`) every list filters on its tenant, so `tenant_id` follows `is_deleted`.
   */
  const listExtras = <Lead extends "is_deleted" | "tenant_id", Cover extends string>(
    t: TableName,
    lead: Lead[],
    cover: Cover[],
  ) => [
    uq(t, "uuid"),
    ix(t, "status"),
    ix(t, "created_time"),
    ix(t, "updated_time"),
    ix(t, "is_deleted"),
    ix(t, "deleted_time"),
    cover.length
      ? index<Lead | "updated_time" | "id" | Cover>(
          `ix_${t}_list`,
          ...lead,
          "updated_time",
          "id", // named, so the covered columns come after the order's tie-breaker
          ...cover,
        )
      : index<Lead | "updated_time">(`ix_${t}_list`, ...lead, "updated_time"),
  ];
  const modelExtras = <Cover extends string = never>(t: TableName, ...cover: Cover[]) =>
    listExtras<"is_deleted", Cover>(t, ["is_deleted"], cover);
  const tenantModelExtras = <Cover extends string = never>(t: TableName, ...cover: Cover[]) => [
    ...listExtras<"is_deleted" | "tenant_id", Cover>(t, ["is_deleted", "tenant_id"], cover),
    ix(t, "tenant_id"),
  ];
  /** An index for an equality filter of a (tenant-owned) list, in the list's default order. */
  const listBy = <Col extends string>(t: TableName, column: Col) =>
    index<Col | "is_deleted" | "tenant_id" | "updated_time">(
      `ix_${t}_list_${column}`,
      column,
      "is_deleted",
      "tenant_id",
      "updated_time",
    );

  /** UserMixin (§10.2): audit columns → sys_user.id, SET NULL when that user row goes. */
  const audit = () => ({
    created_id: k.int(),
    updated_id: k.int(),
    deleted_id: k.int(),
  });
  const auditExtras = (t: TableName) =>
    (["created_id", "updated_id", "deleted_id"] as const).flatMap((c) => [
      ix(t, c),
      fk(t, c, "sys_user", "set null", "cascade"),
    ]);

  /**
   * The owning tenant (issue 14): platform tenant 1 by default, so rows of an adopted
   * FastapiAdmin database (which has no such column) stay the platform's.
   */
  const tenant = () => ({ tenant_id: k.int().notNull().default(1) });

  const sys_tenant = k.table(
    "sys_tenant",
    {
      ...model(),
      name: k.str(100).notNull(),
      code: k.str(100).notNull(),
      start_time: k.datetime(),
      end_time: k.datetime(),
    },
    [...modelExtras("sys_tenant"), uq("sys_tenant", "name"), uq("sys_tenant", "code")],
  );

  const sys_dept = k.table(
    "sys_dept",
    {
      ...model(),
      name: k.str(64).notNull(),
      order: k.int().notNull().default(999),
      code: k.str(16).notNull(),
      leader: k.str(32),
      phone: k.str(11),
      email: k.str(64),
      parent_id: k.int(),
      ...tenant(),
    },
    [
      ...tenantModelExtras("sys_dept"),
      uq("sys_dept", "code"),
      ix("sys_dept", "parent_id"),
      fk("sys_dept", "parent_id", "sys_dept", "set null", "cascade"),
    ],
  );

  const sys_user = k.table(
    "sys_user",
    {
      ...model(),
      username: k.str(64).notNull(),
      password: k.str(255).notNull(),
      name: k.str(32).notNull(),
      mobile: k.str(11),
      email: k.str(64),
      gender: k.str(1).default("2"),
      avatar: k.str(255),
      is_superuser: k.bool().notNull().default(false),
      last_login: k.datetime(),
      gitee_login: k.str(32),
      github_login: k.str(32),
      wx_login: k.str(32),
      qq_login: k.str(32),
      dept_id: k.int(),
      tenant_id: k.int().notNull().default(1),
      ...audit(),
    },
    [
      ...tenantModelExtras("sys_user", "created_time", "username", "name", "mobile", "email"),
      listBy("sys_user", "dept_id"),
      listBy("sys_user", "status"),
      listBy("sys_user", "created_time"),
      uq("sys_user", "username"),
      uq("sys_user", "mobile"),
      uq("sys_user", "email"),
      ix("sys_user", "dept_id"),
      fk("sys_user", "dept_id", "sys_dept", "set null", "cascade"),
      fk("sys_user", "tenant_id", "sys_tenant", "restrict", "cascade"),
      ...auditExtras("sys_user"),
    ],
  );

  const sys_role = k.table(
    "sys_role",
    {
      ...model(),
      name: k.str(64).notNull(),
      code: k.str(16).notNull(),
      order: k.int().notNull().default(999),
      data_scope: k.int().notNull().default(1),
      ...tenant(),
    },
    [...tenantModelExtras("sys_role"), uq("sys_role", "code")],
  );

  /**
   * A user's TOTP second factor: the secret AES-GCM-encrypted (never stored or returned plain),
   * pending until a first code confirms it. `last_step` is the newest time step used: a code of
   * that step or an older one is refused (one-time codes), set by a compare-and-set update.
   */
  const sys_user_totp = k.table(
    "sys_user_totp",
    {
      id: k.id(),
      user_id: k.int().notNull(),
      secret: k.str(255).notNull(),
      enabled: k.bool().notNull().default(false),
      last_step: k.bigint(),
      enabled_time: k.datetime(),
      created_time: k.datetime().notNull().$defaultFn(nowString),
      updated_time: k.datetime().notNull().$defaultFn(nowString).$onUpdateFn(nowString),
    },
    [uq("sys_user_totp", "user_id"), fk("sys_user_totp", "user_id", "sys_user", "cascade", "cascade")],
  );

  /**
   * Roles whose members must enrol a second factor before anything but the enrolment is open to
   * them (the role's `totp_required`). A table beside sys_role, not a column of it, so an adopted
   * FastapiAdmin table keeps exactly its columns (upstream's positional INSERTs still fit).
   */
  const sys_role_totp = k.table(
    "sys_role_totp",
    {
      id: k.id(),
      role_id: k.int().notNull(),
      created_time: k.datetime().notNull().$defaultFn(nowString),
    },
    [uq("sys_role_totp", "role_id"), fk("sys_role_totp", "role_id", "sys_role", "cascade", "cascade")],
  );

  /** One-time recovery codes of a second factor, stored as keyed hashes; `used_time` once spent. */
  const sys_user_totp_recovery = k.table(
    "sys_user_totp_recovery",
    {
      id: k.id(),
      user_id: k.int().notNull(),
      code_hash: k.str(64).notNull(),
      used_time: k.datetime(),
      created_time: k.datetime().notNull().$defaultFn(nowString),
    },
    [
      unique("uq_sys_user_totp_recovery_code", "user_id", "code_hash"),
      fk("sys_user_totp_recovery", "user_id", "sys_user", "cascade", "cascade"),
    ],
  );

  const sys_menu = k.table(
    "sys_menu",
    {
      ...model(),
      name: k.str(50).notNull(),
      type: k.int().notNull().default(2),
      order: k.int().notNull().default(999),
      permission: k.str(100),
      icon: k.str(50),
      route_name: k.str(100),
      route_path: k.str(200),
      component_path: k.str(200),
      redirect: k.str(200),
      hidden: k.bool().notNull().default(false),
      keep_alive: k.bool().notNull().default(true),
      always_show: k.bool().notNull().default(false),
      title: k.str(50),
      params: k.json<MenuParam[] | null>(),
      affix: k.bool().notNull().default(false),
      client: k.str(20).notNull().default("pc"),
      parent_id: k.int(),
    },
    [
      ...modelExtras("sys_menu"),
      ix("sys_menu", "parent_id"),
      fk("sys_menu", "parent_id", "sys_menu", "set null"),
    ],
  );

  const sys_position = k.table(
    "sys_position",
    {
      ...model(),
      name: k.str(64).notNull(),
      order: k.int().notNull().default(1),
      ...audit(),
      ...tenant(),
    },
    [...tenantModelExtras("sys_position"), ...auditExtras("sys_position")],
  );

  /* Many-to-many links (§11.2, §11.4): composite primary key, both sides cascade. */
  const linkExtras = <A extends string, B extends string>(
    t: TableName,
    [a, aTable]: [A, TableName],
    [b, bTable]: [B, TableName],
  ) => [
    primaryKey<A | B>(a, b),
    ix(t, b),
    fk(t, a, aTable, "cascade", "cascade"),
    fk(t, b, bTable, "cascade", "cascade"),
  ];

  const sys_user_roles = k.table(
    "sys_user_roles",
    { user_id: k.int().notNull(), role_id: k.int().notNull() },
    linkExtras("sys_user_roles", ["user_id", "sys_user"], ["role_id", "sys_role"]),
  );
  const sys_user_positions = k.table(
    "sys_user_positions",
    { user_id: k.int().notNull(), position_id: k.int().notNull() },
    linkExtras("sys_user_positions", ["user_id", "sys_user"], ["position_id", "sys_position"]),
  );
  const sys_role_menus = k.table(
    "sys_role_menus",
    { role_id: k.int().notNull(), menu_id: k.int().notNull() },
    linkExtras("sys_role_menus", ["role_id", "sys_role"], ["menu_id", "sys_menu"]),
  );
  const sys_role_depts = k.table(
    "sys_role_depts",
    { role_id: k.int().notNull(), dept_id: k.int().notNull() },
    linkExtras("sys_role_depts", ["role_id", "sys_role"], ["dept_id", "sys_dept"]),
  );

  const sys_dict_type = k.table(
    "sys_dict_type",
    {
      ...model(),
      dict_name: k.str(64).notNull(),
      dict_type: k.str(255).notNull(),
    },
    [...modelExtras("sys_dict_type"), uq("sys_dict_type", "dict_type")],
  );

  const sys_dict_data = k.table(
    "sys_dict_data",
    {
      ...model(),
      dict_sort: k.int().notNull().default(0),
      dict_label: k.str(255).notNull(),
      dict_value: k.str(255).notNull(),
      css_class: k.str(255),
      list_class: k.str(255),
      is_default: k.bool().notNull().default(false),
      dict_type: k.str(255).notNull(),
      dict_type_id: k.int().notNull(),
    },
    [
      ...modelExtras("sys_dict_data"),
      ix("sys_dict_data", "dict_type"),
      ix("sys_dict_data", "dict_type_id"),
      fk("sys_dict_data", "dict_type_id", "sys_dict_type", "cascade"),
    ],
  );

  const sys_param = k.table(
    "sys_param",
    {
      ...model(),
      config_name: k.str(64).notNull(),
      config_key: k.str(500).notNull(),
      config_value: k.str(500),
      config_type: k.bool().default(false),
    },
    modelExtras("sys_param"),
  );

  const sys_notice = k.table(
    "sys_notice",
    {
      ...model(),
      notice_title: k.str(64).notNull(),
      notice_type: k.str(1).notNull(),
      notice_content: k.text(),
      ...audit(),
      ...tenant(),
    },
    [...tenantModelExtras("sys_notice"), ...auditExtras("sys_notice")],
  );

  const sys_log = k.table(
    "sys_log",
    {
      ...model(),
      type: k.int().notNull(),
      request_path: k.str(255).notNull(),
      request_method: k.str(10).notNull(),
      request_payload: k.longtext(),
      request_ip: k.str(50),
      login_location: k.str(255),
      request_os: k.str(64),
      request_browser: k.str(64),
      response_code: k.int().notNull(),
      response_json: k.longtext(),
      process_time: k.str(20),
      ...audit(),
      ...tenant(),
    },
    [
      ...tenantModelExtras("sys_log", "created_time"),
      ix("sys_log", "type"),
      listBy("sys_log", "type"),
      listBy("sys_log", "request_ip"),
      listBy("sys_log", "created_time"),
      ...auditExtras("sys_log"),
    ],
  );

  /* Application portal (§10.2): external application links; TenantMixin without tenant filtering. */
  const app_portal = k.table(
    "app_portal",
    {
      ...model(),
      name: k.str(64).notNull(),
      access_url: k.str(500).notNull(),
      icon_url: k.str(300),
      tenant_id: k.int().notNull().default(1),
      ...audit(),
    },
    [
      ...tenantModelExtras("app_portal"),
      fk("app_portal", "tenant_id", "sys_tenant", "restrict", "cascade"),
      ...auditExtras("app_portal"),
    ],
  );

  /* The example plugin's tables (§10.9): gen_demo shows one column of each kind, gen_demo01 none. */
  const gen_demo = k.table(
    "gen_demo",
    {
      ...model(),
      name: k.str(64).notNull(),
      a: k.int(),
      b: k.bigint(),
      c: k.float(),
      d: k.bool().notNull().default(true),
      e: k.date(),
      f: k.time(),
      g: k.datetime(),
      h: k.text(),
      i: k.json<Record<string, unknown> | null>(),
      ...audit(),
    },
    [...modelExtras("gen_demo"), ...auditExtras("gen_demo")],
  );

  const gen_demo01 = k.table(
    "gen_demo01",
    {
      ...model(),
      name: k.str(64).notNull(),
      ...audit(),
    },
    [...modelExtras("gen_demo01"), ...auditExtras("gen_demo01")],
  );

  /* The code generator's configuration (§10.7–10.8): one row per imported table, one per column. */
  const gen_table = k.table(
    "gen_table",
    {
      ...model(),
      table_name: k.str(200).notNull().default(""),
      table_comment: k.str(500),
      class_name: k.str(100).notNull().default(""),
      package_name: k.str(100),
      module_name: k.str(30),
      business_name: k.str(30),
      function_name: k.str(100),
      sub_table_name: k.str(64),
      sub_table_fk_name: k.str(64),
      /** A catalog menu (type 1) the generated menus go under; no FK, as upstream. */
      parent_menu_id: k.int(),
      ...audit(),
    },
    [...modelExtras("gen_table"), ...auditExtras("gen_table")],
  );

  const gen_table_column = k.table(
    "gen_table_column",
    {
      ...model(),
      column_name: k.str(200).notNull(),
      column_comment: k.str(500),
      column_type: k.str(100).notNull(),
      column_length: k.str(50),
      column_default: k.str(200),
      is_pk: k.bool().notNull().default(false),
      is_increment: k.bool().notNull().default(false),
      is_nullable: k.bool().notNull().default(true),
      is_unique: k.bool().notNull().default(false),
      /** Upstream's names, kept for the SPA: here the TypeScript type and the camelCase field. */
      python_type: k.str(100),
      python_field: k.str(200),
      is_insert: k.bool().notNull().default(true),
      is_edit: k.bool().notNull().default(true),
      is_list: k.bool().notNull().default(true),
      is_query: k.bool().notNull().default(false),
      query_type: k.str(50),
      html_type: k.str(100).default("input"),
      dict_type: k.str(200).default(""),
      sort: k.int().notNull().default(0),
      table_id: k.int().notNull(),
      ...audit(),
    },
    [
      ...modelExtras("gen_table_column"),
      ...auditExtras("gen_table_column"),
      ix("gen_table_column", "table_id"),
      fk("gen_table_column", "table_id", "gen_table", "cascade"),
    ],
  );

  /* The task plugin (§10.3–10.6). Run logs have no user audit: the scheduler writes them. */
  const task_job = k.table(
    "task_job",
    {
      ...model(),
      // pending/running/success/failed/timeout/cancelled: wider than the mixin's status
      status: k.str(16).notNull().default("pending"),
      job_id: k.str(64).notNull(),
      job_name: k.str(128),
      trigger_type: k.str(32),
      next_run_time: k.str(64),
      job_state: k.text(),
      result: k.text(),
      error: k.text(),
    },
    [...modelExtras("task_job"), ix("task_job", "job_id")],
  );

  const task_node = k.table(
    "task_node",
    {
      ...model(),
      name: k.str(64).notNull(),
      code: k.str(32).notNull(),
      jobstore: k.str(64).default("default"),
      executor: k.str(64).default("default"),
      trigger: k.str(64),
      trigger_args: k.text(),
      func: k.text(),
      args: k.text(),
      kwargs: k.text(),
      coalesce: k.bool().default(false),
      max_instances: k.int().default(1),
      start_date: k.str(64),
      end_date: k.str(64),
      ...audit(),
      ...tenant(),
    },
    [...tenantModelExtras("task_node"), uq("task_node", "code"), ...auditExtras("task_node")],
  );

  const task_workflow = k.table(
    "task_workflow",
    {
      ...model(),
      name: k.str(128).notNull(),
      code: k.str(64).notNull(),
      workflow_status: k.str(32).notNull().default("draft"),
      nodes: k.json<Record<string, unknown>[] | null>(),
      edges: k.json<Record<string, unknown>[] | null>(),
      ...audit(),
      ...tenant(),
    },
    [...tenantModelExtras("task_workflow"), uq("task_workflow", "code"), ...auditExtras("task_workflow")],
  );

  const task_workflow_node_type = k.table(
    "task_workflow_node_type",
    {
      ...model(),
      name: k.str(128).notNull(),
      code: k.str(64).notNull(),
      category: k.str(32).notNull().default("action"),
      func: k.text().notNull(),
      args: k.text(),
      kwargs: k.text(),
      sort_order: k.int().notNull().default(0),
      is_active: k.bool().notNull().default(true),
      ...audit(),
      ...tenant(),
    },
    [
      ...tenantModelExtras("task_workflow_node_type"),
      uq("task_workflow_node_type", "code"),
      ...auditExtras("task_workflow_node_type"),
    ],
  );

  /*
   * The AI assistant's memory (ours: upstream kept it in its AI library's own table). A session
   * belongs to one user and goes with them; its messages go with it.
   */
  const ai_chat_session = k.table(
    "ai_chat_session",
    {
      id: k.id(),
      /** The id the API and the SPA use (a random UUID). */
      session_id: k.str(64).notNull(),
      user_id: k.int().notNull(),
      /** The owner's department when the session began (upstream's `team_id`). */
      dept_id: k.int(),
      title: k.str(255).notNull(),
      summary: k.text(),
      prompt_tokens: k.int().notNull().default(0),
      completion_tokens: k.int().notNull().default(0),
      created_time: k.datetime().notNull().$defaultFn(nowString),
      updated_time: k.datetime().notNull().$defaultFn(nowString).$onUpdateFn(nowString),
    },
    [
      uq("ai_chat_session", "session_id"),
      ix("ai_chat_session", "user_id"),
      ix("ai_chat_session", "updated_time"),
      fk("ai_chat_session", "user_id", "sys_user", "cascade", "cascade"),
      fk("ai_chat_session", "dept_id", "sys_dept", "set null", "cascade"),
    ],
  );

  /** One message of a session: the user's, the model's answer, or a tool call's result. */
  const ai_chat_message = k.table(
    "ai_chat_message",
    {
      id: k.id(),
      session_id: k.int().notNull(),
      /** Groups one exchange: the user's message, the tool rounds and the answer. */
      run_id: k.str(64).notNull(),
      /** user | assistant | tool */
      role: k.str(16).notNull(),
      content: k.longtext().notNull(),
      /** An assistant message's tool calls: `[{id, name, arguments}]`. */
      tool_calls: k.json<{ id: string; name: string; arguments: string }[] | null>(),
      /** A tool message: the call it answers, and the tool's name. */
      tool_call_id: k.str(64),
      tool_name: k.str(64),
      /** ok | error | cancelled (an answer cut short keeps what had arrived). */
      state: k.str(16).notNull().default("ok"),
      prompt_tokens: k.int(),
      completion_tokens: k.int(),
      created_time: k.datetime().notNull().$defaultFn(nowString),
    },
    [
      ix("ai_chat_message", "session_id"),
      fk("ai_chat_message", "session_id", "ai_chat_session", "cascade", "cascade"),
    ],
  );

  return {
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
    // tables of modules written by the code generator (db/generated/)
    ...generatedTables(k),
  };
}
