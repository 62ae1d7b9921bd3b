import { describe, expect, test } from "bun:test";
import { compileScript, compileTemplate, parse } from "@vue/compiler-sfc";
import ts from "typescript";
import { mergeRegistry, RenderError, renderModule } from "@/modules/generator/templates";
import { handWrittenTables } from "@/modules/generator/templates/index";
import { genDemo01, genDemoSqlite, plainPrice, shopItem, shopOrder } from "../../generator/fixtures";

/* The code generator's templates (issue 11 item 3): what a table config renders, and that it parses. */

const NOW = "2026-12-06 08:00:00";
const contentOf = (files: { path: string; content: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`not rendered: ${path}`);
  return f.content;
};

/** TypeScript's syntax errors of a file (what `tsc` would refuse before type checking). */
function syntaxErrors(text: string, fileName: string): string[] {
  const out = ts.transpileModule(text, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("output paths", () => {
  test("gen_demo01 (hand-written table): the module, its test, the SPA files and the router registry", () => {
    const files = renderModule(genDemo01, { now: NOW });
    expect(files.map((f) => f.path)).toEqual([
      "backend/src/modules/module_demo01/demo01/demo01.routes.ts",
      "backend/src/modules/module_demo01/demo01/demo01.service.ts",
      "backend/src/modules/module_demo01/demo01/demo01.repo.ts",
      "backend/src/modules/module_demo01/demo01/demo01.schema.ts",
      "backend/src/modules/module_demo01/demo01/demo01.excel.ts",
      "backend/test/modules/module_demo01/demo01.test.ts",
      "frontend/src/api/module_demo01/demo01.ts",
      "frontend/src/views/module_demo01/demo01/index.vue",
      "backend/src/modules/generated.ts",
    ]);
    // no db/generated file: the module queries db/tables.ts's gen_demo01
    expect(contentOf(files, "backend/src/modules/module_demo01/demo01/demo01.repo.ts")).toContain(
      'Database["t"]["gen_demo01"]',
    );
    expect(files.filter((f) => f.merge).map((f) => f.path)).toEqual(["backend/src/modules/generated.ts"]);
  });

  test("a table not in db/tables.ts also gets its definition and the table registry", () => {
    const files = renderModule(genDemo01, { now: NOW, existingTables: new Set() });
    const paths = files.map((f) => f.path);
    expect(paths).toContain("backend/db/generated/gen_demo01.ts");
    expect(paths).toContain("backend/db/generated/index.ts");
    const def = contentOf(files, "backend/db/generated/gen_demo01.ts");
    expect(def).toContain('k.table("gen_demo01", {');
    expect(def).toContain("name: k.str(64).notNull(),");
    expect(def).toContain("CREATE TABLE IF NOT EXISTS `gen_demo01`");
  });

  test("master–detail renders both modules, each under its own module name", () => {
    const files = renderModule(shopOrder, { now: NOW });
    const paths = files.map((f) => f.path);
    for (const m of ["order", "order_item"]) {
      for (const suffix of ["routes", "service", "repo", "schema", "excel"])
        expect(paths).toContain(`backend/src/modules/module_shop/${m}/${m}.${suffix}.ts`);
      expect(paths).toContain(`backend/test/modules/module_shop/${m}.test.ts`);
      expect(paths).toContain(`frontend/src/api/module_shop/${m}.ts`);
      expect(paths).toContain(`frontend/src/views/module_shop/${m}/index.vue`);
    }
    expect(paths).toContain("backend/db/generated/shop_order.ts");
    expect(paths).toContain("backend/db/generated/shop_order_item.ts");
    expect(new Set(paths).size).toBe(paths.length);
    // linked: the parent's detail lists its children, the child filters by its parent
    expect(contentOf(files, "backend/src/modules/module_shop/order/order.service.ts")).toContain(
      "shop_order_item_list: await orderItemService.childrenOf(deps, p, id)",
    );
    expect(contentOf(files, "backend/src/modules/module_shop/order_item/order_item.schema.ts")).toContain(
      "order_id: optionalIntFilter(",
    );
  });

  test("a sub table configured with the main table's module name still gets its own files (§14 #37)", () => {
    const files = renderModule(
      { ...shopOrder, sub_table: { ...shopItem, module_name: "order" } },
      { now: NOW, existingTables: new Set() },
    );
    const paths = files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toContain("backend/src/modules/module_shop/shop_order_item/shop_order_item.routes.ts");
  });
});

describe("what the module declares", () => {
  test("routes are guarded by <package>:<module>:<action> and mounted at /<area>/<module>", () => {
    const files = renderModule(genDemo01, { now: NOW });
    const routes = contentOf(files, "backend/src/modules/module_demo01/demo01/demo01.routes.ts");
    expect(routes).toContain("const perm = (action: string) => `module_demo01:demo01:$" + "{action}`;");
    const actions = [...routes.matchAll(/guardedRoute\(perm\("([a-z]+)"\)/g)].map((m) => m[1]).sort();
    expect(actions).toEqual(
      ["create", "delete", "detail", "download", "export", "import", "patch", "query", "update"].sort(),
    );
    expect(contentOf(files, "backend/src/modules/generated.ts")).toContain(
      '{ path: "/demo01/demo01", router: demo01Demo01Router },',
    );
    expect(contentOf(files, "frontend/src/api/module_demo01/demo01.ts")).toContain(
      'const API_PATH = "/demo01/demo01";',
    );
  });

  test("a table without a status column has no batch status route", () => {
    const input = { ...genDemo01, columns: genDemo01.columns.filter((c) => c.column_name !== "status") };
    const routes = contentOf(
      renderModule(input, { now: NOW }),
      "backend/src/modules/module_demo01/demo01/demo01.routes.ts",
    );
    expect(routes).not.toContain("/available/setting");
    expect(routes).not.toContain('perm("patch")');
  });

  test("a table without the mixin columns: hard delete, no data scope, ordered by its key, no status route", () => {
    const files = renderModule(plainPrice, { now: NOW });
    const service = contentOf(files, "backend/src/modules/module_plain/price/price.service.ts");
    expect(service).toContain("await repo.deleteRows(deps.db, unique);");
    expect(service).toContain("=> undefined;"); // scopeOf: no creator to scope by
    expect(service).toContain(`q.order_by ?? '[{"id":"desc"}]'`);
    expect(contentOf(files, "backend/src/modules/module_plain/price/price.routes.ts")).not.toContain("patch");
    const schema = contentOf(files, "backend/src/modules/module_plain/price/price.schema.ts");
    // NOT NULL with a default (price) is optional on create; a BETWEEN date filter is a range
    expect(schema).toContain("price: z.preprocess(numeric, z.number().optional())");
    expect(schema).toContain("valid_from: timeRangeQuery,");
  });

  test("a hand-written table's columns take their kinds from db/tables.ts (SQLite reports INTEGER/TEXT)", () => {
    const files = renderModule(genDemoSqlite, { now: NOW });
    const schema = contentOf(files, "backend/src/modules/module_demo/demo/demo.schema.ts");
    expect(schema).toContain("d: z.preprocess(boolish, z.boolean().optional())");
    expect(schema).toContain("c: z.preprocess(numeric, z.number().nullable().optional())");
    expect(schema).toContain("i: z.preprocess(jsonText, z.unknown())");
    expect(schema).toMatch(/g: z[\s\S]*?dateTimeText\("日期时间"\)/);
    expect(() =>
      renderModule({
        ...genDemoSqlite,
        columns: [...genDemoSqlite.columns, { ...genDemoSqlite.columns[8], column_name: "zz" }],
      }),
    ).toThrow("字段 zz 不在 db/tables.ts 的定义中");
  });

  test("a LONGTEXT column typed as JSON by the config (MariaDB's JSON) is a JSON field", () => {
    const input = {
      ...plainPrice,
      columns: [
        ...plainPrice.columns,
        {
          ...plainPrice.columns[1],
          column_name: "meta",
          column_type: "longtext",
          python_type: "Record<string, unknown>",
          is_unique: false,
          is_nullable: true,
          sort: 9,
        },
      ],
    };
    const files = renderModule(input, { now: NOW, existingTables: new Set() });
    expect(contentOf(files, "backend/src/modules/module_plain/price/price.schema.ts")).toContain(
      "meta: z.preprocess(jsonText, z.unknown())",
    );
    expect(contentOf(files, "backend/db/generated/plain_price.ts")).toContain("meta: k.json<unknown>(),");
  });

  test("the create body requires NOT NULL columns without a default, and never server-managed ones", () => {
    const schema = contentOf(
      renderModule(shopOrder, { now: NOW }),
      "backend/src/modules/module_shop/order/order.schema.ts",
    );
    const body = schema.slice(
      schema.indexOf("export const orderCreate"),
      schema.indexOf("export type OrderCreate"),
    );
    expect(body).toContain('.min(1, "订单号不能为空")');
    expect(body).toMatch(/order_no: z[\s\S]*?\.max\(32, "订单号长度不能超过32个字符"\)/);
    expect(body).toContain("paid: z.preprocess(boolish, z.boolean())");
    expect(body).toContain("status: statusCode.optional()");
    for (const managed of ["uuid", "created_time", "is_deleted", "created_id", "deleted_time"])
      expect(body).not.toContain(`${managed}:`);
  });
});

describe("the files parse", () => {
  const all = [
    ...renderModule(genDemo01, { now: NOW }),
    ...renderModule(shopOrder, { now: NOW }),
    ...renderModule(plainPrice, { now: NOW }),
    ...renderModule(genDemoSqlite, { now: NOW }),
  ];

  test("every TypeScript file (backend and the SPA's api module) has no syntax error", () => {
    const ts = all.filter((f) => f.path.endsWith(".ts"));
    expect(ts.length).toBeGreaterThan(15);
    for (const f of ts)
      expect({ path: f.path, errors: syntaxErrors(f.content, f.path) }).toEqual({ path: f.path, errors: [] });
  });

  test("the SPA pages compile with the Vue SFC compiler, their <script setup lang=ts> parses", () => {
    const pages = all.filter((f) => f.path.endsWith(".vue"));
    expect(pages.length).toBe(5);
    for (const f of pages) {
      const { descriptor, errors } = parse(f.content, { filename: f.path });
      expect({ path: f.path, errors: errors.map(String) }).toEqual({ path: f.path, errors: [] });
      expect(descriptor.scriptSetup?.lang).toBe("ts");
      const script = compileScript(descriptor, { id: f.path });
      expect(syntaxErrors(descriptor.scriptSetup!.content, `${f.path}.ts`)).toEqual([]);
      const template = compileTemplate({
        source: descriptor.template!.content,
        filename: f.path,
        id: f.path,
        compilerOptions: { bindingMetadata: script.bindings },
      });
      expect({ path: f.path, errors: template.errors.map(String) }).toEqual({ path: f.path, errors: [] });
    }
  });

  test("a page shows the query columns, the form's html types and their dictionaries", () => {
    const page = contentOf(all, "frontend/src/views/module_shop/order/index.vue");
    expect(page).toContain('<el-form-item label="订单号">');
    expect(page).toContain("query['ordered_at']");
    expect(page).toContain('type="datetimerange"');
    expect(page).toContain("dictOptions['sys_user_sex']");
    expect(page).toContain('value-format="YYYY-MM-DD"');
    expect(page).toContain("<el-switch v-model=\"formData['paid']\" />");
    expect(page).toContain("hasPerm('module_shop:order:create')");
    expect(page).toContain("detail.shop_order_item_list");
  });
});

describe("refusals", () => {
  test("missing package or module name, no integer key, broken master–detail", () => {
    const bad = (patch: Partial<typeof shopOrder>) => () =>
      renderModule({ ...shopOrder, ...patch }, { now: NOW, existingTables: new Set() });
    expect(bad({ package_name: "" })).toThrow(new RenderError("无法为表 shop_order 生成代码：包名未设置"));
    expect(bad({ module_name: null })).toThrow(new RenderError("无法为表 shop_order 生成代码：模块名未设置"));
    expect(bad({ sub_table_fk_name: null })).toThrow("子表表名与子表外键列须同时填写或同时留空");
    expect(bad({ sub_table_name: "shop_order" })).toThrow("子表表名不能与主表表名相同");
    expect(bad({ sub_table_fk_name: "nope" })).toThrow("子表「shop_order_item」中不存在名为「nope」的列");
    expect(bad({ sub_table: null })).toThrow("当前数据库中不存在表「shop_order_item」");
    expect(
      bad({
        sub_table_name: null,
        sub_table_fk_name: null,
        columns: shopOrder.columns.map((c) =>
          c.column_name === "id" ? { ...c, column_type: "VARCHAR(36)" } : c,
        ),
      }),
    ).toThrow("需要一个整数主键");
  });
});

describe("registries", () => {
  test("merging keeps the modules already generated and replaces one written again", () => {
    const first = contentOf(renderModule(genDemo01, { now: NOW }), "backend/src/modules/generated.ts");
    const files = renderModule(shopOrder, { now: NOW });
    const merged = mergeRegistry(
      "backend/src/modules/generated.ts",
      first,
      contentOf(files, "backend/src/modules/generated.ts"),
    );
    expect(merged.match(/\{ path: "[^"]+", router: \w+ \},/g)).toEqual([
      '{ path: "/demo01/demo01", router: demo01Demo01Router },',
      '{ path: "/shop/order", router: shopOrderRouter },',
      '{ path: "/shop/order_item", router: shopOrderItemRouter },',
    ]);
    // writing the same module again changes nothing
    expect(mergeRegistry("backend/src/modules/generated.ts", merged, first)).toBe(merged);
    const tables = mergeRegistry(
      "backend/db/generated/index.ts",
      contentOf(
        renderModule(genDemo01, { now: NOW, existingTables: new Set() }),
        "backend/db/generated/index.ts",
      ),
      contentOf(files, "backend/db/generated/index.ts"),
    );
    expect(tables).toContain("gen_demo01: genDemo01Table(k),");
    expect(tables).toContain("shop_order_item: shopOrderItemTable(k),");
    expect(syntaxErrors(tables, "index.ts")).toEqual([]);
  });

  test("the committed registries are the empty ones the renderer writes", async () => {
    const { renderModuleRegistry } = await import("@/modules/generator/templates/registry");
    const { renderTableRegistry } = await import("@/modules/generator/templates/backend-db");
    expect(await Bun.file("src/modules/generated.ts").text()).toBe(renderModuleRegistry([]));
    expect(await Bun.file("db/generated/index.ts").text()).toBe(renderTableRegistry([]));
  });

  test("gen_demo01 counts as hand-written, so its module reuses db/tables.ts's definition", () => {
    const hand = handWrittenTables();
    expect(hand.has("gen_demo01")).toBe(true);
    expect(hand.has("sys_user")).toBe(true);
  });
});
