import { fits } from "./format";
import type { ColumnModel, TableModel } from "./model";

/*
 * `backend/test/modules/<package>/<module>.test.ts`: happy, error and security cases of a
 * generated module, in the style of test/modules/example/demo.test.ts.
 */

const q = (s: string) => JSON.stringify(s);

/** A value the create body accepts for a column; `n` makes unique columns differ. */
export function sampleValue(c: ColumnModel, n: string): string {
  if (c.name === "status") return q("0");
  switch (c.kind) {
    case "int":
      return n;
    case "bigint":
      return `${n} * 1000`;
    case "float":
      return `${n} + 0.5`;
    case "bool":
      return "true";
    case "str":
      return `\`v\${${n}}_\${RUN}\`.slice(0, ${c.length ?? 64})`;
    case "text":
    case "longtext":
      return `\`text \${${n}}\``;
    case "date":
      return q("2025-01-31");
    case "time":
      return q("12:30:00");
    case "datetime":
      return q("2025-01-31 12:30:00");
    case "json":
      return '{ k: "v" }';
  }
}

/** An object key as the formatter leaves it: bare when it is an identifier (CJK included). */
const propKey = (s: string) => (/^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u.test(s) ? s : q(s));

const BATCH = '{ ids: [1], status: "0" }';

export function renderModuleTest(m: TableModel): string {
  const scoped = m.columns.some((c) => c.name === "created_id");
  // the module's table and the ones it reads (its parent's, its children's)
  const ddlTables = [...(m.parent ? [m.parent.model] : []), m, ...(m.child ? [m.child.model] : [])].filter(
    (x) => x.generated,
  );
  const ddlHead = `for (const ddl of [${ddlTables.map((x) => `${x.tableFactory}Ddl`).join(", ")}])`;
  const ddlRun = "await t.deps.db.raw.run(ddl[t.deps.db.dialect]);";
  const ddlLoop = fits(`${ddlHead} ${ddlRun}`, 2) ? `${ddlHead} ${ddlRun}` : `${ddlHead}\n    ${ddlRun}`;
  const parent = m.parent;
  const fields = m.columns.filter(
    (c) => c.insert && !(parent && c.name === parent.fk.name) && (!c.nullable || c.kind !== "json"),
  );
  const fieldLines = fields.map((c) => `    ${c.key}: ${sampleValue(c, "n")},`);
  if (parent) fieldLines.push(`    ${parent.fk.key}: await parentId(),`);
  // a field whose wrong type the create body refuses (an object is valid for none but JSON)
  const typed = fields.find((c) => c.kind !== "json");
  const required = fields.find((c) => !c.nullable && !c.hasDefault && c.kind !== "json");
  const editable =
    m.columns.find(
      (c) => c.edit && c.kind === "str" && !c.unique && c.name !== "status" && (c.length ?? 0) >= 2,
    ) ?? null;
  const parentFields = parent
    ? parent.model.columns
        .filter((c) => c.insert && (!c.nullable || c.kind !== "json"))
        .map((c) => `    ${c.key}: ${sampleValue(c, "n")},`)
    : [];
  const routes = [
    ["get", "/detail/1", "detail"],
    ["get", "/list", "query"],
    ["post", "/create", "create", "{}"],
    ["put", "/update/1", "update", "{}"],
    ["delete", "/delete", "delete", "[1]"],
    ...(m.has.status ? [["patch", "/available/setting", "patch", BATCH]] : []),
    ["post", "/export", "export"],
    ["post", "/import", "import"],
    ["post", "/download/template", "download"],
  ];
  const routeLines = routes.map(([method, path, action, body]) =>
    body === BATCH
      ? `  {\n    method: "patch",\n    path: \`\${API}${path}\`,\n    perm: \`\${PREFIX}:${action}\`,\n    body: ${body},\n  },`
      : `  { method: ${q(method)}, path: \`\${API}${path}\`, perm: \`\${PREFIX}:${action}\`${body ? `, body: ${body}` : ""} },`,
  );

  return `import { afterAll, beforeAll, describe, expect, test } from "bun:test";
${ddlTables.map((x) => `import { ${x.tableFactory}Ddl } from "@db/generated/${x.tableName}";\n`).join("")}import ExcelJS from "exceljs";
import { body, createTestApp, type TestApp } from "../../support/app";
import {
  authHeaders,
  client,
${scoped ? "  createScopedUser,\n" : ""}  expectExactPermissions,
  expectUnauthenticated,
  type GuardedCall,
} from "../../support/auth";

/* ${m.label} (${m.tableName}) at /api/v1${m.mountPath}: written by the code generator with its module. */

const API = ${q(m.mountPath)};
const PREFIX = ${q(m.permissionPrefix)};
const ACTIONS = ["query", "detail", "create", "update", "delete", "patch", "export", "import", "download"];
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const RUN = Math.random().toString(36).slice(2, 8);

let t: TestApp;
let admin: ReturnType<typeof client>;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
${
  ddlTables.length
    ? `  // generated tables are not in the migrations: a fresh test database needs them created
  ${ddlLoop}\n`
    : ""
}  admin = client(t, await authHeaders(t, "admin"));
  // the button menus POST /generator/gencode/output creates, so that roles can hold the permissions
  const { sys_menu } = t.deps.db.t;
  const held = new Set(
    (await t.deps.db.orm.select({ p: sys_menu.permission }).from(sys_menu)).map((r) => r.p),
  );
  const missing = ACTIONS.map((a) => \`\${PREFIX}:\${a}\`).filter((p) => !held.has(p));
  if (missing.length)
    await t.deps.db.orm
      .insert(sys_menu)
      .values(missing.map((permission) => ({ name: permission.slice(-50), type: 3, permission })));
}, 30_000);
afterAll(() => t.close());
${
  parent
    ? `
/** A ${parent.model.label} row to hang rows on (through its own generated API). */
async function parentId(): Promise<number> {
  n++;
  const res = await admin.post(${q(parent.model.mountPath)} + "/create", {
${parentFields.join("\n")}
  });
  const b = await body(res);
  if (res.status !== 200) throw new Error(\`parent create failed: \${res.status} \${b.msg}\`);
  return b.data.${parent.model.pk.name};
}
`
    : ""
}
async function fields(): Promise<Record<string, unknown>> {
  n++;
  return {
${fieldLines.join("\n")}
  };
}

async function make(values?: Record<string, unknown>) {
  const res = await admin.post(\`\${API}/create\`, values ?? (await fields()));
  const b = await body(res);
  if (res.status !== 200) throw new Error(\`create failed: \${res.status} \${b.msg}\`);
  return b.data;
}

const ROUTES: GuardedCall[] = [
${routeLines.join("\n")}
];

describe(${q(`${m.label}: happy path`)}, () => {
  test("create returns the row, detail and list find it", async () => {
    const values = await fields();
    const res = await admin.post(\`\${API}/create\`, values);
    const b = await body(res);
    expect(res.status).toBe(200);
    expect(b).toMatchObject({ code: 0, msg: ${q(`创建${m.label}成功`)} });
    expect(b.data).toMatchObject(values);
    const detail = await body(await admin.get(\`\${API}/detail/\${b.data.${m.pk.name}}\`));
    expect(detail).toMatchObject({ code: 0, data: { ${m.pk.key}: b.data.${m.pk.name} } });
    const list = await body(await admin.get(\`\${API}/list?page_no=1&page_size=100\`));
    expect(list.code).toBe(0);
    expect(list.data.total).toBeGreaterThan(0);
    expect(list.data.items.map((r: { ${m.pk.key}: number }) => r.${m.pk.name})).toContain(b.data.${m.pk.name});
  });
${
  editable
    ? `
  test("update writes the fields it is sent", async () => {
    const row = await make();
    const res = await admin.put(\`\${API}/update/\${row.${m.pk.name}}\`, { ${editable.key}: "ed" });
    expect(res.status).toBe(200);
    expect((await body(res)).data.${editable.name}).toBe("ed");
  });
`
    : ""
}${
  m.has.status
    ? `
  test("batch status sets the status of every row", async () => {
    const a = await make();
    const b = await make();
    const res = await admin.patch(\`\${API}/available/setting\`, { ids: [a.${m.pk.name}, b.${m.pk.name}], status: "1" });
    expect(res.status).toBe(200);
    expect((await body(await admin.get(\`\${API}/detail/\${a.${m.pk.name}}\`))).data.status).toBe("1");
  });
`
    : ""
}
  test("delete removes rows: detail answers 404 after", async () => {
    const row = await make();
    const res = await admin.delete(\`\${API}/delete\`, [row.${m.pk.name}]);
    expect(res.status).toBe(200);
    expect((await body(res)).code).toBe(0);
    expect((await admin.get(\`\${API}/detail/\${row.${m.pk.name}}\`)).status).toBe(404);
  });

  test("export and the import template are xlsx files", async () => {
    await make();
    const exported = await admin.post(\`\${API}/export\`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await exported.arrayBuffer());
    expect(wb.worksheets[0].rowCount).toBeGreaterThan(1);
    const template = await admin.post(\`\${API}/download/template\`);
    expect(template.status).toBe(200);
    expect(template.headers.get("content-type")).toContain(XLSX);
  });

  test("a filled-in template imports its rows", async () => {
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(await (await admin.post(\`\${API}/download/template\`)).arrayBuffer());
    const headers = (template.worksheets[0].getRow(1).values as unknown[]).slice(1).map(String);
    const values = await fields();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sheet1");
    ws.addRow(headers);
    const byHeader: Record<string, unknown> = {
${fields
  .map(
    (c) =>
      `      ${propKey(c.label)}: ${c.kind === "json" ? `JSON.stringify(values${c.prop})` : c.kind === "bool" ? `values${c.prop} ? "是" : "否"` : `values${c.prop}`},`,
  )
  .join("\n")}${parent ? `\n      ${propKey(parent.fk.label)}: values${parent.fk.prop},` : ""}
    };
    ws.addRow(headers.map((h) => byHeader[h] ?? null));
    const fd = new FormData();
    fd.append("file", new File([await wb.xlsx.writeBuffer()], "import.xlsx"));
    const res = await t.request(\`/api/v1\${API}/import\`, {
      method: "POST",
      headers: await authHeaders(t, "admin"),
      body: fd,
    });
    const b = await body(res);
    expect(res.status).toBe(200);
    expect(b.data).toBe("成功导入 1 条数据");
  });
});

describe(${q(`${m.label}: errors`)}, () => {
  test("a missing row is 404", async () => {
    const res = await admin.get(\`\${API}/detail/999999999\`);
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("该数据不存在");
  });
${
  typed
    ? `
  test("a field of the wrong type is refused with 422 and nothing is written", async () => {
    const before = (await body(await admin.get(\`\${API}/list?page_no=1&page_size=1\`))).data.total;
    const res = await admin.post(\`\${API}/create\`, { ...(await fields()), ${typed.key}: { wrong: true } });
    expect(res.status).toBe(422);
    expect((await body(res)).code).toBe(1);
    expect((await body(await admin.get(\`\${API}/list?page_no=1&page_size=1\`))).data.total).toBe(before);
  });
`
    : ""
}${
  required
    ? `
  test("create without a required field is 422", async () => {
    const { ${required.key}: _left, ...rest } = await fields();
    expect((await admin.post(\`\${API}/create\`, rest)).status).toBe(422);
  });
`
    : ""
}
  test("delete of an empty list or a missing id is refused", async () => {
    expect((await admin.delete(\`\${API}/delete\`, [])).status).toBe(400);
    const res = await admin.delete(\`\${API}/delete\`, [999999999]);
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("删除失败，ID为999999999的数据不存在");
  });

  test("an import without a file is refused", async () => {
    const res = await t.request(\`/api/v1\${API}/import\`, {
      method: "POST",
      headers: await authHeaders(t, "admin"),
      body: new FormData(),
    });
    expect(res.status).toBe(400);
  });
});

describe(${q(`${m.label}: security`)}, () => {
  test("no token → 401 code 10401 on every route", async () => {
    await expectUnauthenticated(t, ROUTES);
  });

  test("each route needs exactly its permission (others → 403 code 10403)", async () => {
    await expectExactPermissions(t, ROUTES);
  });
${
  scoped
    ? `
  test("data scope: a holder of every permission limited to own rows sees only those", async () => {
    const others = await make();
    const own = await createScopedUser(t, {
      permissions: ACTIONS.map((a) => \`\${PREFIX}:\${a}\`),
      dataScope: 1,
    });
    const user = client(t, own.headers);
    expect((await user.get(\`\${API}/detail/\${others.${m.pk.name}}\`)).status).toBe(404);
    const mine = await user.post(\`\${API}/create\`, await fields());
    expect(mine.status).toBe(200);
    const ids = (await body(await user.get(\`\${API}/list?page_no=1&page_size=100\`))).data.items.map(
      (r: { ${m.pk.key}: number }) => r.${m.pk.name},
    );
    expect(ids).toEqual([(await body(mine)).data.${m.pk.name}]);
    expect((await user.delete(\`\${API}/delete\`, [others.${m.pk.name}])).status).toBe(404);
  });
`
    : ""
}});
`;
}
