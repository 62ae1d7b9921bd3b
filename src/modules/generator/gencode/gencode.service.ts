import type { z } from "@hono/zod-openapi";
import { dataScopeFilter } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, orderByOf } from "@/core/db/query";
import { AppError, badRequest, conflict, notFound } from "@/core/http/errors";
import { type PageQuery, pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import type { GenColumnInput as RenderColumn, GenTableInput as RenderTable } from "../templates/types";
import { IDENTIFIER, planDdl } from "./gencode.ddl";
import {
  businessNameOf,
  classNameOf,
  type IntrospectedColumn,
  inferColumn,
  moduleNameOf,
  packageNameOf,
  tableDefaults,
} from "./gencode.infer";
import { databaseNameOf, introspectColumns, listDbTables } from "./gencode.introspect";
import { planOutput, prepareOutput, refuseMountClashes, writeOutput } from "./gencode.output";
import { renderFiles } from "./gencode.render";
import * as repo from "./gencode.repo";
import type { GenTableUpdate, genColumnOut, genTableOut, TableListQuery } from "./gencode.schema";
import { zipFiles } from "./gencode.zip";

// ---------------------------------------------------------------------------------------------
// Output objects (§7.1)

export function toColumnOut(c: repo.GenColumnRow) {
  return {
    ...toBaseOut(c),
    table_id: c.table_id,
    column_name: c.column_name,
    column_comment: c.column_comment,
    column_type: c.column_type,
    column_length: c.column_length,
    column_default: c.column_default,
    is_pk: Boolean(c.is_pk),
    is_increment: Boolean(c.is_increment),
    is_nullable: Boolean(c.is_nullable),
    is_unique: Boolean(c.is_unique),
    python_type: c.python_type,
    python_field: c.python_field,
    is_insert: c.is_insert === null ? null : Boolean(c.is_insert),
    is_edit: c.is_edit === null ? null : Boolean(c.is_edit),
    is_list: c.is_list === null ? null : Boolean(c.is_list),
    is_query: c.is_query === null ? null : Boolean(c.is_query),
    query_type: c.query_type,
    html_type: c.html_type,
    dict_type: c.dict_type,
    sort: c.sort,
    super_column: "0",
  };
}
type ColumnOut = z.infer<typeof genColumnOut>;

function toTableOut(t: repo.GenTableRow, columns: repo.GenColumnRow[]): TableOut {
  return {
    ...toBaseOut(t),
    table_name: t.table_name,
    table_comment: t.table_comment,
    class_name: t.class_name,
    package_name: t.package_name,
    module_name: t.module_name,
    business_name: t.business_name,
    function_name: t.function_name,
    sub_table_name: t.sub_table_name,
    sub_table_fk_name: t.sub_table_fk_name,
    parent_menu_id: t.parent_menu_id,
    columns: columns.map(toColumnOut),
    pk_column: null,
    sub_table: null,
    sub: null,
    master_sub_hint: null,
  };
}
type TableOut = z.infer<typeof genTableOut>;

const pkOf = (columns: ColumnOut[]) => columns.find((c) => c.is_pk) ?? columns[0] ?? null;

/** Generation configs are visible by their creator's department, like every audited table (§1.7). */
function scopeOf(deps: AppDeps, principal: Principal) {
  return dataScopeFilter(deps.db, principal, { kind: "creator", creator: deps.db.t.gen_table.created_id });
}

// ---------------------------------------------------------------------------------------------
// Lists

export async function listTables(deps: AppDeps, principal: Principal, q: TableListQuery & PageQuery) {
  const { gen_table: t } = deps.db.t;
  const where = allOf(
    contains(t.table_name, q.table_name),
    contains(t.table_comment, q.table_comment),
    await scopeOf(deps, principal),
  );
  const { rows, total } = await repo.pageTables(deps.db, where, orderByOf(t, q.order_by), q);
  const columns = await repo.columnsOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return pageOf(
    rows.map((r) => toTableOut(r, columns.get(r.id) ?? [])),
    total,
    q,
  );
}

/** Physical tables of the database (§7.2 /db/list), filtered in memory, by name. */
export async function listDatabaseTables(deps: AppDeps, q: TableListQuery & PageQuery) {
  const name = q.table_name?.toLowerCase();
  const comment = q.table_comment;
  const all = (await listDbTables(deps.db))
    .sort((a, b) => (a.table_name < b.table_name ? -1 : a.table_name > b.table_name ? 1 : 0))
    .filter(
      (t) =>
        (!name || t.table_name.toLowerCase().includes(name)) &&
        (!comment || t.table_comment.includes(comment)),
    );
  const database = await databaseNameOf(deps.db);
  const start = (q.page_no - 1) * q.page_size;
  const items = all.slice(start, start + q.page_size).map((t) => ({
    database_name: database,
    table_name: t.table_name,
    table_type: deps.db.dialect,
    table_comment: t.table_comment,
  }));
  return pageOf(items, all.length, q);
}

// ---------------------------------------------------------------------------------------------
// Import (§7.3, §7.4)

function columnValues(c: ReturnType<typeof inferColumn>, userId: number) {
  return {
    // cut to gen_table_column's widths: a long comment or default must not fail the import
    column_name: c.column_name.slice(0, 200),
    column_comment: c.column_comment.slice(0, 500),
    column_type: c.column_type.slice(0, 100),
    column_length: c.column_length.slice(0, 50),
    column_default: c.column_default.slice(0, 200),
    is_pk: c.is_pk,
    is_increment: c.is_increment,
    is_nullable: c.is_nullable,
    is_unique: c.is_unique,
    python_type: c.python_type,
    python_field: c.python_field,
    is_insert: c.is_insert,
    is_edit: c.is_edit,
    is_list: c.is_list,
    is_query: c.is_query,
    query_type: c.query_type,
    html_type: c.html_type,
    dict_type: c.dict_type,
    sort: c.sort,
    created_id: userId,
    updated_id: userId,
  };
}

export async function importTables(deps: AppDeps, principal: Principal, names: string[]) {
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  const found = (await listDbTables(deps.db)).filter((t) => wanted.includes(t.table_name));
  if (!found.length) throw badRequest("导入的表结构不能为空");
  const taken = await repo.importedNames(
    deps.db,
    found.map((t) => t.table_name),
  );
  if (taken.length) throw conflict(`导入失败, 以下表已存在，不能重复导入: ${taken.join(", ")}`);
  const plans = [];
  for (const t of found) {
    const columns = (await introspectColumns(deps.db, t.table_name)) ?? [];
    const d = tableDefaults(t.table_name, t.table_comment);
    plans.push({
      table: {
        ...d,
        table_name: d.table_name.slice(0, 200),
        table_comment: d.table_comment?.slice(0, 500) ?? null,
        class_name: d.class_name.slice(0, 100),
        created_id: principal.id,
        updated_id: principal.id,
      },
      columns: columns.map((c) => columnValues(inferColumn(c), principal.id)),
    });
  }
  await repo.insertTables(deps.db, plans);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Detail, master–detail (§7.5)

async function loadTable(deps: AppDeps, principal: Principal, id: number): Promise<TableOut> {
  const row = await repo.findTable(deps.db, id, await scopeOf(deps, principal));
  if (!row) throw notFound("业务表不存在");
  const columns = (await repo.columnsOf(deps.db, [id])).get(id) ?? [];
  return toTableOut(row, columns);
}

/** A read-only config of a table that is not imported (id -1), from the database. */
function readOnlyConfig(main: TableOut, name: string, cols: IntrospectedColumn[]): TableOut {
  const now = main.updated_time;
  const columns = cols.map((c, i) => {
    const inferred = inferColumn(c);
    return {
      id: -(i + 1),
      uuid: "",
      status: "0",
      description: null,
      created_time: now,
      updated_time: now,
      is_deleted: false,
      deleted_time: null,
      table_id: -1,
      ...columnValues(inferred, 0),
      created_id: undefined,
      updated_id: undefined,
      super_column: "0",
    };
  });
  const d = tableDefaults(name, "");
  return {
    ...main,
    id: -1,
    uuid: "",
    table_name: name,
    table_comment: null,
    class_name: d.class_name,
    package_name: main.package_name,
    module_name: d.module_name,
    business_name: d.business_name,
    function_name: d.function_name,
    sub_table_name: null,
    sub_table_fk_name: null,
    parent_menu_id: null,
    columns: columns.map(({ created_id: _c, updated_id: _u, ...rest }) => rest as ColumnOut),
    pk_column: null,
    sub_table: null,
    sub: null,
    master_sub_hint: null,
  };
}

/** Resolves the sub table and the hint the SPA shows; `ok` when master–detail can be generated. */
async function hydrateSub(deps: AppDeps, table: TableOut): Promise<{ ok: boolean }> {
  const name = table.sub_table_name;
  const fk = table.sub_table_fk_name;
  table.sub = false;
  if (!name && !fk) return { ok: true };
  if (!fk) {
    table.master_sub_hint = "已填写子表表名，请同时填写「子表外键列」后再保存";
    return { ok: false };
  }
  if (!name) {
    table.master_sub_hint = "已填写子表外键列，请同时填写「子表表名」后再保存";
    return { ok: false };
  }
  if (name === table.table_name) {
    table.master_sub_hint = "子表表名不能与主表表名相同";
    return { ok: false };
  }
  const imported = await repo.findTableByName(deps.db, name);
  if (imported) {
    const sub = toTableOut(imported, (await repo.columnsOf(deps.db, [imported.id])).get(imported.id) ?? []);
    if (!sub.columns?.some((c) => c.column_name === fk)) {
      table.master_sub_hint = `子表「${name}」已导入生成器，但其字段配置中不存在外键列「${fk}」。请先在子表的字段配置中同步/保存后再生成。`;
      return { ok: false };
    }
    sub.pk_column = pkOf(sub.columns ?? []);
    table.sub_table = { ...sub, sub_table: null };
    table.sub = true;
    table.master_sub_hint =
      "主子表已启用：子表字段来自「已导入的子表配置」（更可控、可复用）。如需调整子表字段，请在列表中打开该子表进行配置。";
    return { ok: true };
  }
  const cols = await introspectColumns(deps.db, name);
  if (!cols?.length) {
    table.master_sub_hint = `当前数据库中不存在表「${name}」或该表无列，请先建表再配置主子表`;
    return { ok: false };
  }
  if (!cols.some((c) => c.column_name === fk)) {
    table.master_sub_hint = `子表「${name}」中不存在名为「${fk}」的列，请核对外键列名`;
    return { ok: false };
  }
  const sub = readOnlyConfig(table, name, cols);
  sub.pk_column = pkOf(sub.columns ?? []);
  table.sub_table = { ...sub, sub_table: null };
  table.sub = true;
  table.master_sub_hint = `主子表已启用：当前子表仅从数据库结构读取（只读）。若想可配置子表字段，请先在「导入」中把子表「${name}」也导入生成器。`;
  return { ok: true };
}

export async function tableDetail(deps: AppDeps, principal: Principal, id: number) {
  const table = await loadTable(deps, principal, id);
  table.pk_column = pkOf(table.columns ?? []);
  await hydrateSub(deps, table);
  return table;
}

// ---------------------------------------------------------------------------------------------
// Update (§7.2 GenTableSchema)

const NOT_NULL_COLUMN_KEYS = new Set([
  "is_pk",
  "is_increment",
  "is_nullable",
  "is_unique",
  "is_insert",
  "is_edit",
  "is_list",
  "is_query",
  "sort",
]);

export async function updateTable(deps: AppDeps, principal: Principal, id: number, input: GenTableUpdate) {
  const existing = await repo.findTable(deps.db, id, await scopeOf(deps, principal));
  if (!existing) throw notFound("业务表不存在");
  const subName = input.sub_table_name === undefined ? existing.sub_table_name : input.sub_table_name;
  const subFk = input.sub_table_fk_name === undefined ? existing.sub_table_fk_name : input.sub_table_fk_name;
  if (Boolean(subName) !== Boolean(subFk)) throw badRequest("子表表名与子表外键列须同时填写或同时留空");
  if (subName && subName === input.table_name) throw badRequest("子表表名不能与主表表名相同");
  if (input.parent_menu_id !== undefined && input.parent_menu_id !== null) {
    const menu = await repo.findMenu(deps.db, input.parent_menu_id);
    if (!menu) throw badRequest("上级菜单不存在");
    if (menu.type !== 1) throw badRequest("上级菜单须选择目录类型");
  }
  const values: Partial<repo.GenTableRow> = { table_name: input.table_name, updated_id: principal.id };
  if (input.table_comment !== undefined) values.table_comment = input.table_comment;
  if (input.class_name !== undefined) values.class_name = input.class_name ?? classNameOf(input.table_name);
  if (input.function_name !== undefined) values.function_name = input.function_name;
  if (input.description !== undefined) values.description = input.description;
  if (input.package_name !== undefined)
    values.package_name = packageNameOf(input.package_name)?.slice(0, 100) ?? null;
  if (input.module_name !== undefined) {
    const m = moduleNameOf(input.module_name);
    if (m && m.length > 30) throw badRequest("模块名长度不能超过30个字符");
    values.module_name = m;
  }
  if (input.business_name !== undefined) {
    const b = businessNameOf(input.business_name);
    if (b && b.length > 30) throw badRequest("业务名长度不能超过30个字符");
    values.business_name = b;
  }
  if (input.sub_table_name !== undefined) values.sub_table_name = input.sub_table_name;
  if (input.sub_table_fk_name !== undefined) values.sub_table_fk_name = input.sub_table_fk_name;
  if (input.parent_menu_id !== undefined) values.parent_menu_id = input.parent_menu_id;

  const own = new Set(((await repo.columnsOf(deps.db, [id])).get(id) ?? []).map((c) => c.id));
  const columnUpdates = [];
  for (const col of input.columns ?? []) {
    if (!col.id) continue;
    // Only this table's own columns: an id of another table's column is refused, not moved.
    if (!own.has(col.id)) throw badRequest(`字段 ${col.id} 不属于该业务表`);
    const { id: colId, ...rest } = col;
    const v: Record<string, unknown> = { updated_id: principal.id };
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined) continue;
      // NOT NULL columns: a null from the form leaves the stored value
      if (value === null && NOT_NULL_COLUMN_KEYS.has(key)) continue;
      if ((key === "column_name" || key === "column_type") && !value) continue;
      v[key] = value;
    }
    columnUpdates.push({ id: colId, values: v });
  }
  await repo.updateTableAndColumns(deps.db, id, values, columnUpdates);
  return tableDetail(deps, principal, id);
}

export async function deleteTables(deps: AppDeps, principal: Principal, ids: number[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) throw badRequest("ID列表不能为空");
  const live = await repo.liveTableIds(deps.db, unique, await scopeOf(deps, principal));
  if (live.length !== unique.length) throw notFound("业务表不存在");
  await repo.softDeleteTables(deps.db, unique, principal.id);
}

// ---------------------------------------------------------------------------------------------
// Rendering (§7.5 package resolution, §7.7)

async function effectivePackage(deps: AppDeps, table: TableOut): Promise<string> {
  if (table.parent_menu_id) {
    const menu = await repo.findMenu(deps.db, table.parent_menu_id);
    if (!menu) throw badRequest("上级菜单不存在");
    const first = (menu.route_path ?? "").split("/").filter(Boolean)[0];
    const fromMenu = first ? packageNameOf(first) : null;
    const pkg = fromMenu ?? packageNameOf(table.package_name);
    if (!pkg) throw badRequest("无法从上级目录推断分系统包名，请先完善上级目录路由");
    return pkg;
  }
  const pkg = packageNameOf(table.package_name);
  if (!pkg) throw badRequest("包名不能为空");
  return pkg;
}

function renderColumn(c: ColumnOut): RenderColumn {
  return {
    column_name: c.column_name,
    column_comment: c.column_comment,
    column_type: c.column_type,
    column_length: c.column_length,
    column_default: c.column_default,
    python_type: c.python_type,
    python_field: c.python_field,
    is_pk: c.is_pk,
    is_increment: c.is_increment,
    is_nullable: c.is_nullable,
    is_unique: c.is_unique,
    is_insert: c.is_insert,
    is_edit: c.is_edit,
    is_list: c.is_list,
    is_query: c.is_query,
    query_type: c.query_type,
    html_type: c.html_type,
    dict_type: c.dict_type,
    sort: c.sort,
  };
}

function renderTable(t: Omit<TableOut, "sub_table">, pkg: string): RenderTable {
  return {
    table_name: t.table_name,
    table_comment: t.table_comment,
    class_name: t.class_name || classNameOf(t.table_name),
    package_name: pkg,
    module_name: t.module_name,
    business_name: t.business_name,
    function_name: t.function_name,
    sub_table_name: t.sub_table_name,
    sub_table_fk_name: t.sub_table_fk_name,
    parent_menu_id: t.parent_menu_id,
    columns: (t.columns ?? []).map(renderColumn),
  };
}

/** The renderer's input for a stored config: package resolved, master–detail checked. */
/** Table and column names become identifiers in the generated code: anything else is refused. */
function requireIdentifiers(table: Pick<TableOut, "table_name" | "columns">) {
  if (!IDENTIFIER.test(table.table_name))
    throw badRequest(`表名「${table.table_name}」不是合法的标识符，不能生成代码`);
  for (const c of table.columns ?? []) {
    if (!IDENTIFIER.test(c.column_name))
      throw badRequest(`表「${table.table_name}」的列名「${c.column_name}」不是合法的标识符，不能生成代码`);
  }
}

async function renderInput(deps: AppDeps, table: TableOut): Promise<RenderTable> {
  requireIdentifiers(table);
  const pkg = await effectivePackage(deps, table);
  if (!moduleNameOf(table.module_name)) throw badRequest("无法为模板生成文件名：模块名未设置");
  const { ok } = await hydrateSub(deps, table);
  if (!ok)
    throw badRequest(
      table.master_sub_hint ?? "无法生成主子表代码：请确认子表已在当前数据库中存在，且外键列名正确",
    );
  const input = renderTable(table, pkg);
  if (table.sub && table.sub_table) {
    requireIdentifiers(table.sub_table);
    const sub = renderTable(table.sub_table, pkg);
    input.sub_table = { ...sub, module_name: sub.module_name || table.module_name };
  }
  return input;
}

export async function previewTable(deps: AppDeps, principal: Principal, id: number) {
  const table = await loadTable(deps, principal, id);
  const files = await renderFiles(await renderInput(deps, table));
  return Object.fromEntries(files.map((f) => [f.path, f.content]));
}

export async function batchZip(deps: AppDeps, principal: Principal, names: string[]) {
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (!wanted.length) throw badRequest("表名列表不能为空");
  const files: { path: string; content: string }[] = [];
  const seen = new Set<string>();
  for (const name of wanted) {
    const row = await repo.findTableByName(deps.db, name, await scopeOf(deps, principal));
    if (!row) continue;
    try {
      const table = await loadTable(deps, principal, row.id);
      for (const f of await renderFiles(await renderInput(deps, table))) {
        if (seen.has(f.path)) continue;
        seen.add(f.path);
        files.push(f);
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      deps.logger.warn("gencode: table skipped in ZIP", { table: name, reason: err.message });
    }
  }
  if (!files.length)
    throw badRequest(
      "未能生成任何代码文件：请检查所选表是否存在于代码生成配置中，或主子表、字段配置是否正确",
    );
  return zipFiles(files);
}

// ---------------------------------------------------------------------------------------------
// Output to disk + menus (§7.8)

const pascal = (s: string) =>
  s
    .split(/[_\W]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");

const BUTTONS: [string, string][] = [
  ["查询", "query"],
  ["详情", "detail"],
  ["新增", "create"],
  ["修改", "update"],
  ["删除", "delete"],
  ["批量状态修改", "patch"],
  ["导出", "export"],
  ["导入", "import"],
  ["下载导入模板", "download"],
];

/** `handWritten`: mount paths of the hand-written modules, which generated ones may not take. */
export async function outputTable(
  deps: AppDeps,
  principal: Principal,
  tableName: string,
  handWritten: readonly string[] = [],
) {
  const row = await repo.findTableByName(deps.db, tableName, await scopeOf(deps, principal));
  if (!row) throw notFound(`业务表 ${tableName} 不存在`);
  const table = await loadTable(deps, principal, row.id);
  const moduleName = moduleNameOf(table.module_name);
  if (!moduleName) throw badRequest("模块名不能为空");
  const fn = table.function_name?.trim();
  if (!fn) throw badRequest("功能名称不能为空");
  const input = await renderInput(deps, table);
  const pkg = input.package_name ?? "";
  const parentId = table.parent_menu_id ?? null;
  if (parentId !== null) {
    const parent = await repo.findMenu(deps.db, parentId);
    if (!parent) throw badRequest("上级菜单不存在");
    if (parent.type !== 1) throw badRequest("上级菜单须选择目录类型");
  }
  // Where the files go, and that none would overwrite a hand-written file, is checked before any
  // menu is written: a refused output leaves no menus.
  const files = await renderFiles(input);
  refuseMountClashes(files, handWritten);
  const { targets } = planOutput(deps, files);
  const prepared = await prepareOutput(deps, targets);

  const catalog = await repo.findMenuBy(deps.db, moduleName, 1, parentId);
  if (catalog && (await repo.findMenuBy(deps.db, fn, 2, catalog.id)))
    throw conflict(`该模块目录下功能菜单「${fn}」已存在，不能重复创建`);
  const prefix = `${pkg}:${moduleName}`;
  const routePath = `/${pkg}/${moduleName}`;
  await repo.insertModuleMenus(deps.db, {
    catalogId: catalog?.id ?? null,
    catalog: {
      name: moduleName,
      title: moduleName,
      type: 1,
      order: 9999,
      icon: "menu",
      route_name: pascal(`${pkg}_${moduleName}`),
      route_path: routePath,
      redirect: routePath,
      keep_alive: true,
      hidden: false,
      always_show: false,
      affix: false,
      status: "0",
      description: "模块目录（代码生成）",
      parent_id: parentId,
    },
    page: {
      name: fn,
      title: fn,
      type: 2,
      order: 9999,
      permission: `${prefix}:query`,
      icon: "menu",
      route_name: pascal(moduleName),
      route_path: routePath,
      component_path: `${pkg}/${moduleName}/index`,
      keep_alive: true,
      status: "0",
      description: `${fn}功能菜单`,
    },
    buttons: BUTTONS.map(([label, perm], i) => ({
      name: `${fn}${label}`,
      title: `${fn}${label}`,
      type: 3,
      order: i + 1,
      permission: `${prefix}:${perm}`,
      keep_alive: true,
      status: "0",
      description: `${fn}功能按钮`,
    })),
  });
  try {
    await writeOutput(deps, prepared);
  } catch (err) {
    if (err instanceof AppError) throw err;
    deps.logger.error("gencode: writing generated files failed", { table: tableName, err });
    throw badRequest(`渲染模板失败，表名：${tableName}，详细错误信息：写入文件失败`);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// DDL (§7.6)

export async function createTablesFromSql(deps: AppDeps, sql: string) {
  if (deps.settings.ENVIRONMENT === "prod" && !deps.settings.GENERATOR_DDL_ENABLE)
    throw badRequest("创建表结构失败: 生产环境未开启建表功能（GENERATOR_DDL_ENABLE）");
  const plan = await planDdl(deps.db.dialect, sql);
  const existing = new Set((await listDbTables(deps.db)).map((t) => t.table_name.toLowerCase()));
  for (const name of plan.tables) {
    if (existing.has(name.toLowerCase()))
      throw conflict(`创建表结构失败: 表 ${name} 已存在，请检查并修改表名后重试`);
  }
  const imported = await repo.importedNames(deps.db, plan.tables);
  if (imported.length)
    throw conflict(`创建表结构失败: 表 ${imported[0]} 已在代码生成模块中存在，请检查并修改表名后重试`);
  if (deps.db.dialect === "sqlite") {
    // SQLite runs DDL inside a transaction: all statements or none.
    try {
      await deps.db.raw.batch(plan.statements.map((s) => ({ sql: s })));
    } catch (err) {
      deps.logger.warn("gencode: DDL failed", { err });
      throw badRequest("创建表结构失败: 执行SQL语句失败，请检查数据库");
    }
    return true;
  }
  // MySQL commits each DDL statement: on a failure, drop what this request created.
  const created: string[] = [];
  for (const statement of plan.statements) {
    try {
      await deps.db.raw.run(statement);
      const made = plan.tables.find((t) => statement.startsWith(`CREATE TABLE \`${t}\``));
      if (made) created.push(made);
    } catch (err) {
      deps.logger.warn("gencode: DDL failed", { err });
      for (const t of created.reverse())
        await deps.db.raw.run(`DROP TABLE IF EXISTS \`${t}\``).catch(() => {});
      throw badRequest(`创建表结构失败: 执行SQL语句 ${statement.slice(0, 200)} 失败，请检查数据库`);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Sync with the database (§7.9)

const COMPARED = [
  "column_type",
  "column_comment",
  "column_default",
  "column_length",
  "is_pk",
  "is_increment",
  "is_nullable",
  "is_unique",
] as const;

type SyncPreview = {
  table_name: string;
  added: string[];
  removed: string[];
  changed: {
    column_name: string;
    change_fields: string[];
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[];
  unchanged: number;
  sub_table_name: string | null;
  sub: (Omit<SyncPreview, "sub"> & { sub: null }) | null;
};

function diffColumns(name: string, config: repo.GenColumnRow[], db: IntrospectedColumn[]) {
  const byName = new Map(config.map((c) => [c.column_name, c]));
  const dbNames = new Set(db.map((c) => c.column_name));
  const changed: SyncPreview["changed"] = [];
  let unchanged = 0;
  for (const d of db) {
    const c = byName.get(d.column_name);
    if (!c) continue;
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const fields: string[] = [];
    for (const key of COMPARED) {
      const was = typeof d[key] === "boolean" ? Boolean(c[key]) : (c[key] ?? "");
      before[key] = was;
      after[key] = d[key];
      if (was !== d[key]) fields.push(key);
    }
    if (fields.length) changed.push({ column_name: d.column_name, change_fields: fields, before, after });
    else unchanged++;
  }
  return {
    table_name: name,
    added: db
      .filter((d) => !byName.has(d.column_name))
      .map((d) => d.column_name)
      .sort(),
    removed: config
      .filter((c) => !dbNames.has(c.column_name))
      .map((c) => c.column_name)
      .sort(),
    changed,
    unchanged,
  };
}

async function configAndDb(deps: AppDeps, principal: Principal, tableName: string) {
  const row = await repo.findTableByName(deps.db, tableName, await scopeOf(deps, principal));
  if (!row) throw notFound("业务表不存在");
  const config = (await repo.columnsOf(deps.db, [row.id])).get(row.id) ?? [];
  const db = await introspectColumns(deps.db, tableName);
  if (!db) throw badRequest(`同步失败: 数据库中不存在表 ${tableName}`);
  return { row, config, db };
}

export async function syncPreview(
  deps: AppDeps,
  principal: Principal,
  tableName: string,
): Promise<SyncPreview> {
  const { row, config, db } = await configAndDb(deps, principal, tableName);
  const main = diffColumns(tableName, config, db);
  let sub: SyncPreview["sub"] = null;
  if (row.sub_table_name && row.sub_table_fk_name) {
    const subRow = await repo.findTableByName(deps.db, row.sub_table_name);
    const subConfig = subRow ? ((await repo.columnsOf(deps.db, [subRow.id])).get(subRow.id) ?? []) : [];
    const subDb = (await introspectColumns(deps.db, row.sub_table_name)) ?? [];
    sub = { ...diffColumns(row.sub_table_name, subConfig, subDb), sub_table_name: null, sub: null };
  }
  return { ...main, sub_table_name: row.sub_table_name ?? null, sub };
}

async function syncOne(deps: AppDeps, principal: Principal, tableName: string) {
  const { row, config, db } = await configAndDb(deps, principal, tableName);
  const byName = new Map(config.map((c) => [c.column_name, c]));
  const update: { id: number; values: Record<string, unknown> }[] = [];
  const insert: ReturnType<typeof columnValues>[] = [];
  for (const d of db) {
    const inferred = inferColumn(d);
    const fresh = columnValues(inferred, principal.id);
    const old = byName.get(d.column_name);
    if (!old) {
      insert.push(fresh);
      continue;
    }
    const keep = <K extends keyof typeof fresh>(key: K) => {
      const was = old[key as keyof repo.GenColumnRow];
      return was !== null && was !== undefined && was !== "" ? was : fresh[key];
    };
    const values: Record<string, unknown> = {
      ...fresh,
      dict_type: keep("dict_type"),
      query_type: keep("query_type"),
      python_field: keep("python_field"),
      python_type: keep("python_type"),
      is_insert: keep("is_insert"),
      is_edit: keep("is_edit"),
      is_list: keep("is_list"),
      is_query: keep("is_query"),
      sort: keep("sort"),
      html_type: old.html_type && old.html_type !== "input" ? old.html_type : fresh.html_type,
      is_nullable: d.is_pk ? fresh.is_nullable : Boolean(old.is_nullable),
      created_id: old.created_id,
    };
    if (d.is_pk)
      Object.assign(values, {
        is_insert: false,
        is_edit: false,
        is_list: false,
        is_query: false,
        query_type: null,
      });
    update.push({ id: old.id, values });
  }
  const dbNames = new Set(db.map((c) => c.column_name));
  const remove = config.filter((c) => !dbNames.has(c.column_name)).map((c) => c.id);
  await repo.applyColumnSync(deps.db, row.id, { update, insert, remove, userId: principal.id });
  return row;
}

export async function syncTable(deps: AppDeps, principal: Principal, tableName: string) {
  const row = await syncOne(deps, principal, tableName);
  if (
    row.sub_table_name &&
    row.sub_table_fk_name &&
    (await repo.findTableByName(deps.db, row.sub_table_name))
  )
    await syncOne(deps, principal, row.sub_table_name);
}
