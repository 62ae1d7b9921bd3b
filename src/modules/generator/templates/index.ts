import { generatedTables } from "@db/generated/index";
import { createSqliteKit } from "@db/kit/sqlite";
import { tables } from "@db/schema.sqlite";
import { nowString } from "@/core/http/datetime";
import { renderTableDefinition, renderTableRegistry } from "./backend-db";
import { renderExcel, renderRepo, renderRoutes, renderSchema, renderService } from "./backend-module";
import { renderModuleTest } from "./backend-test";
import { describedTables } from "./described-tables";
import { renderApi, renderPage } from "./frontend";
import { buildModels, RenderError, type TableModel } from "./model";
import { MODULE_REGISTRY_PATH, renderModuleRegistry, TABLE_REGISTRY_PATH } from "./registry";
import type { GeneratedFile, GenTableInput, RenderOptions } from "./types";

export { RenderError } from "./model";
export { MODULE_REGISTRY_PATH, mergeRegistry, TABLE_REGISTRY_PATH } from "./registry";
export type { GenColumnInput, GeneratedFile, GeneratedFiles, GenTableInput, RenderOptions } from "./types";

/** Tables of this build whose definition is hand-written in db/tables.ts (not generated). */
export function handWrittenTables(): Set<string> {
  const generated = new Set(Object.keys(generatedTables(createSqliteKit())));
  return new Set(Object.keys(tables).filter((name) => !generated.has(name)));
}

/**
 * A hand-written table's module uses db/tables.ts's columns, so their kinds, lengths and
 * nullability come from that definition: neither catalogue tells them faithfully (SQLite reports
 * booleans, JSON and dates as INTEGER or TEXT, MariaDB reports JSON as LONGTEXT).
 */
function alignWithDefinition(m: TableModel) {
  const def = describedTables()[m.tableName];
  for (const c of m.columns) {
    const col = Object.hasOwn(def, c.name) ? def[c.name] : undefined;
    if (!col)
      throw new RenderError(`无法为表 ${m.tableName} 生成代码：字段 ${c.name} 不在 db/tables.ts 的定义中`);
    if (c.pk) continue;
    c.kind = col.kind;
    c.length = col.length;
    c.nullable = !col.notNull;
    c.hasDefault ||= col.hasDefault;
    if (c.query === "like" && c.kind !== "str" && c.kind !== "text" && c.kind !== "longtext") c.query = "eq";
    if (c.query === "range" && c.kind !== "datetime" && c.kind !== "date") c.query = "eq";
    if (c.query === "eq" && c.kind === "json") c.query = null;
  }
}

/** The output paths of one table's module (the files `renderModule` writes for it). */
export function modulePaths(m: Pick<TableModel, "packageName" | "moduleName">) {
  const dir = `backend/src/modules/${m.packageName}/${m.moduleName}/${m.moduleName}`;
  return {
    routes: `${dir}.routes.ts`,
    service: `${dir}.service.ts`,
    repo: `${dir}.repo.ts`,
    schema: `${dir}.schema.ts`,
    excel: `${dir}.excel.ts`,
    test: `backend/test/modules/${m.packageName}/${m.moduleName}.test.ts`,
    api: `frontend/src/api/${m.packageName}/${m.moduleName}.ts`,
    page: `frontend/src/views/${m.packageName}/${m.moduleName}/index.vue`,
  };
}

/**
 * Renders a table's module (and, for a master–detail config, its sub table's module) as files of
 * this repository (`backend/…`) and of the SPA (`frontend/src/…`). Throws RenderError with a
 * readable message when the config cannot be generated (missing package/module name, no integer
 * primary key, broken master–detail setup).
 */
export function renderModule(input: GenTableInput, options: RenderOptions = {}): GeneratedFile[] {
  const now = options.now ?? nowString();
  const existing = options.existingTables ?? handWrittenTables();
  const models = buildModels(input);
  for (const m of models) {
    m.generated = !existing.has(m.tableName);
    if (!m.generated && Object.hasOwn(describedTables(), m.tableName)) alignWithDefinition(m);
  }
  const files: GeneratedFile[] = [];
  const newTables: { table: string; factory: string }[] = [];
  for (const m of models) {
    const p = modulePaths(m);
    if (m.generated) {
      files.push({ path: `backend/db/generated/${m.tableName}.ts`, content: renderTableDefinition(m, now) });
      newTables.push({ table: m.tableName, factory: m.tableFactory });
    }
    files.push(
      { path: p.routes, content: renderRoutes(m) },
      { path: p.service, content: renderService(m) },
      { path: p.repo, content: renderRepo(m) },
      { path: p.schema, content: renderSchema(m) },
      { path: p.excel, content: renderExcel(m) },
      { path: p.test, content: renderModuleTest(m) },
      { path: p.api, content: renderApi(m) },
      { path: p.page, content: renderPage(m) },
    );
  }
  files.push({
    path: MODULE_REGISTRY_PATH,
    content: renderModuleRegistry(
      models.map((m) => ({
        path: m.mountPath,
        router: m.routerName,
        from: `./${m.packageName}/${m.moduleName}/${m.moduleName}.routes`,
      })),
    ),
    merge: true,
  });
  if (newTables.length)
    files.push({ path: TABLE_REGISTRY_PATH, content: renderTableRegistry(newTables), merge: true });
  return files;
}
