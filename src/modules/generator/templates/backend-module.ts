import { callExpr, chain, fits, importBlock, q, signature, widthOf } from "./format";
import type { ColumnModel, TableModel } from "./model";

/*
 * `backend/src/modules/<package>/<module>/`: a module of this project in the shape of the
 * hand-written example (src/modules/example/demo): routes → service → repo, zod DTOs with OpenAPI
 * metadata, xlsx export/import/template. Each function returns one file's text.
 */

const AUDIT = new Set(["created_id", "updated_id", "deleted_id"]);

export const names = (m: TableModel) => ({
  filter: `${m.camel}Filter`,
  Filter: `${m.pascal}Filter`,
  query: `${m.camel}Query`,
  create: `${m.camel}Create`,
  update: `${m.camel}Update`,
  Create: `${m.pascal}Create`,
  Update: `${m.pascal}Update`,
  out: `${m.camel}Out`,
  Out: `${m.pascal}Out`,
  Row: `${m.pascal}Row`,
  Insert: `${m.pascal}Insert`,
  dir: `@/modules/${m.packageName}/${m.moduleName}/${m.moduleName}`,
});

/* ---------------------------------------------------------------- schema */

/** The calls after `z` of a create-body field (validation, then OpenAPI metadata). */
function inputCalls(c: ColumnModel, required: boolean): string[] {
  const tail = [...(c.nullable ? [".nullable()"] : []), ...(required ? [] : [".optional()"])];
  const meta = `.openapi({ description: ${q(c.label)} })`;
  const pre = (fn: string, inner: string) => [`.preprocess(${fn}, ${inner}${tail.join("")})`, meta];
  switch (c.kind) {
    case "int":
    case "bigint":
      return pre("numeric", "z.number().int()");
    case "float":
      return pre("numeric", "z.number()");
    case "bool":
      return pre("boolish", "z.boolean()");
    case "str":
      return [
        ".string()",
        ".trim()",
        ...(required && !c.nullable ? [`.min(1, ${q(`${c.label}不能为空`)})`] : []),
        `.max(${c.length}, ${q(`${c.label}长度不能超过${c.length}个字符`)})`,
        ...tail,
        meta,
      ];
    case "text":
    case "longtext":
      return [".string()", ...tail, meta];
    case "date":
      return pre("blankAsNull", `dateText(${q(c.label)})`);
    case "time":
      return pre("blankAsNull", `timeText(${q(c.label)})`);
    case "datetime":
      return pre("blankAsNull", `dateTimeText(${q(c.label)})`);
    case "json":
      return [".preprocess(jsonText, z.unknown())", meta];
  }
}

/** One create-body property line (at 4 spaces, inside `z.object({`). */
function inputLine(c: ColumnModel, required: boolean): string {
  if (c.name === "status") return `    ${c.key}: ${required ? "statusCode" : "statusCode.optional()"},`;
  return `    ${c.key}: ${chain("z", inputCalls(c, required), 4, widthOf(`${c.key}: ,`))},`;
}

function outField(c: ColumnModel): string {
  const nul = c.nullable && !c.pk && c.name !== "is_deleted" ? ".nullable()" : "";
  switch (c.kind) {
    case "int":
    case "bigint":
      return `z.number().int()${nul}`;
    case "float":
      return `z.number()${nul}`;
    case "bool":
      return `z.boolean()${nul}`;
    case "json":
      return "z.unknown()";
    default:
      return `z.string()${nul}`;
  }
}

/** One filter property line (at 2 spaces, inside `z.object({`). */
function filterLine(c: ColumnModel): string {
  const desc = q(c.query === "like" ? `${c.label} (模糊)` : c.label);
  const meta = `.openapi({ description: ${desc} })`;
  const line = (calls: string[]) => `  ${c.key}: ${chain("z", calls, 2, widthOf(`${c.key}: ,`))},`;
  if (c.query === "range") return `  ${c.key}: timeRangeQuery,`;
  if (c.kind === "int" || c.kind === "bigint") return `  ${c.key}: optionalIntFilter(${desc}),`;
  if (c.kind === "float") return line([".preprocess(blankAsUndefined, z.coerce.number().optional())", meta]);
  if (c.kind === "bool") return line([".preprocess(boolish, z.boolean().optional())", meta]);
  return line([".string()", ".nullish()", meta]);
}

export function renderSchema(m: TableModel): string {
  const n = names(m);
  const inserts = m.columns.filter((c) => c.insert);
  const edits = m.columns.filter((c) => c.edit);
  const queries = m.columns.filter((c) => c.query);
  const bodyCols = [...inserts, ...edits.filter((e) => !inserts.includes(e))];
  const kinds = new Set(bodyCols.map((c) => (c.name === "status" ? "status" : c.kind)));
  const filterKinds = new Set(queries.map((c) => (c.query === "range" ? "range" : c.kind)));
  const uses = {
    numeric: kinds.has("int") || kinds.has("bigint") || kinds.has("float"),
    boolish: kinds.has("bool") || filterKinds.has("bool"),
    blankAsNull: kinds.has("date") || kinds.has("time") || kinds.has("datetime"),
    blankAsUndefined: filterKinds.has("float"),
    date: kinds.has("date"),
    time: kinds.has("time"),
    datetime: kinds.has("datetime"),
    json: kinds.has("json"),
    status: kinds.has("status"),
    intFilter: queries.some((c) => c.query !== "range" && (c.kind === "int" || c.kind === "bigint")),
    range: filterKinds.has("range"),
  };
  const coreSchemas = [
    ...(uses.intFilter ? ["optionalIntFilter"] : []),
    ...(uses.status ? ["statusCode"] : []),
    ...(m.has.audit ? ["userByOutFields"] : []),
  ];
  const imports: [string, string][] = [
    ["{ z }", "@hono/zod-openapi"],
    ["{ pageQuerySchema }", "@/core/http/pagination"],
  ];
  if (uses.range) imports.push(["{ timeRangeQuery }", "@/core/db/query"]);
  if (uses.date || uses.datetime)
    imports.push([
      uses.datetime ? "{ formatDateTime, parseDateTime }" : "{ parseDateTime }",
      "@/core/http/datetime",
    ]);
  if (coreSchemas.length) imports.push([`{ ${coreSchemas.join(", ")} }`, "@/core/http/schemas"]);
  if (m.child) imports.push([`{ ${names(m.child.model).out} }`, `${names(m.child.model).dir}.schema`]);

  const helpers: string[] = [];
  if (uses.blankAsNull || uses.numeric || uses.json)
    helpers.push('const blankAsNull = (v: unknown) => (v === "" ? null : v);');
  if (uses.blankAsUndefined || uses.boolish)
    helpers.push('const blankAsUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);');
  if (uses.numeric)
    helpers.push(`/** Form fields and spreadsheet cells arrive as text: "12" is 12, "" is null. */
const numeric = (v: unknown) => {
  const b = blankAsNull(v);
  return typeof b === "string" && b.trim() !== "" && Number.isFinite(Number(b)) ? Number(b) : b;
};`);
  if (uses.boolish)
    helpers.push(`const boolish = (v: unknown) => {
  const b = blankAsUndefined(v);
  if (b === "true" || b === "1" || b === 1 || b === "是") return true;
  if (b === "false" || b === "0" || b === 0 || b === "否") return false;
  return b;
};`);
  if (uses.date)
    helpers.push(`const dateText = (label: string) =>
  z
    .string()
    .trim()
    .refine(
      (s) => /^\\d{4}-\\d{2}-\\d{2}$/.test(s) && parseDateTime(s) !== null,
      \`\${label}必须为日期 (YYYY-MM-DD)\`,
    );`);
  if (uses.time)
    helpers.push(`const timeText = (label: string) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      const m = /^(\\d{2}):(\\d{2})(?::(\\d{2}))?$/.exec(s);
      if (!m || +m[1] > 23 || +m[2] > 59 || +(m[3] ?? 0) > 59) {
        ctx.addIssue({ code: "custom", message: \`\${label}必须为时间 (HH:MM:SS)\` });
        return z.NEVER;
      }
      return \`\${m[1]}:\${m[2]}:\${m[3] ?? "00"}\`;
    });`);
  if (uses.datetime)
    helpers.push(`/** \`YYYY-MM-DD HH:MM:SS\` or ISO without a zone; stored in the wire's form. */
const dateTimeText = (label: string) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      const parsed = /^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2})?(\\.\\d+)?$/.test(s)
        ? parseDateTime(s.replace(/\\.\\d+$/, ""))
        : null;
      if (!parsed) {
        ctx.addIssue({ code: "custom", message: \`\${label}必须为日期时间 (YYYY-MM-DD HH:MM:SS)\` });
        return z.NEVER;
      }
      return formatDateTime(parsed);
    });`);
  if (uses.json)
    helpers.push(`/** JSON, or its text (from a form's textarea or a cell). */
const jsonText = (v: unknown) => {
  const b = blankAsNull(v);
  if (typeof b !== "string") return b;
  try {
    return JSON.parse(b);
  } catch {
    return b;
  }
};`);

  const filterLines = queries.map(filterLine).join("\n");
  const createLines = bodyCols
    .map((c) => inputLine(c, inserts.includes(c) && !c.nullable && !c.hasDefault && c.kind !== "json"))
    .join("\n");
  const outLines = m.columns
    .filter((c) => !(m.has.audit && AUDIT.has(c.name)))
    .map((c) => `  ${c.key}: ${outField(c)},`);
  if (m.has.audit) outLines.push("  ...userByOutFields,");
  if (m.child)
    outLines.push(
      `  /** Detail only: the ${m.child.model.label} rows of this row. */\n  ${m.child.listField}: z.array(${names(m.child.model).out}).optional(),`,
    );

  return `${importBlock(imports)}

/*
 * DTOs of ${m.label} (${m.tableName}), written by the code generator. Create requires the
 * columns the table cannot fill itself; update writes only the fields a body carries.
 */
${helpers.length ? `\n${helpers.join("\n\n")}\n` : ""}
/** Filters of the list and the export. */
export const ${n.filter} = z.object(${filterLines ? `{\n${filterLines}\n}` : "{}"});

export type ${n.Filter} = z.infer<typeof ${n.filter}>;

export const ${n.query} = pageQuerySchema.extend(${n.filter}.shape);

export const ${n.create} = z
  .object(${createLines ? `{\n${createLines}\n  }` : "{}"})
  .openapi(${q(`${m.className}Create`)});

export type ${n.Create} = z.infer<typeof ${n.create}>;

export const ${n.update} = ${n.create}.partial().openapi(${q(`${m.className}Update`)});

export type ${n.Update} = z.infer<typeof ${n.update}>;

export const ${n.out} = z
  .object({
${outLines.map((l) => `  ${l.replace(/\n {2}/g, "\n    ")}`).join("\n")}
  })
  .openapi(${q(m.className)});

export type ${n.Out} = z.infer<typeof ${n.out}>;

export const uploadForm = z.object({
  file: z.any().optional().openapi({ type: "string", format: "binary" }),
});
`;
}

/* ---------------------------------------------------------------- repo */

export function renderRepo(m: TableModel): string {
  const n = names(m);
  const t = m.tableName;
  const pk = m.pk.prop;
  const live = m.has.softDelete
    ? `/** Live rows only: soft-deleted rows are gone for every read. */
const live = (table: ${m.pascal}Table, where: SQL | undefined) => allOf(notDeleted(table), where);`
    : `/** The table has no is_deleted column: every row is live. */
const live = (_table: ${m.pascal}Table, where: SQL | undefined) => where;`;
  const drizzle = ["asc", "eq", "inArray", "ne", "type SQL"];
  const query = m.has.softDelete ? ["allOf", "notDeleted", "selectPage"] : ["allOf", "selectPage"];
  return `import { ${drizzle.join(", ")} } from "drizzle-orm";
import type { Database, Orm } from "@/core/db/database";
import { ${query.join(", ")} } from "@/core/db/query";

/* Queries of ${m.label} (${t}), written by the code generator: no rules here (see the service). */

export type ${m.pascal}Table = Database["t"][${q(t)}];
export type ${n.Row} = ${m.pascal}Table["$inferSelect"];
export type ${n.Insert} = ${m.pascal}Table["$inferInsert"];

export const tableOf = (db: Database): ${m.pascal}Table => db.t${/^[A-Za-z_$][\w$]*$/.test(t) ? `.${t}` : `[${q(t)}]`};

${live}

export function selectPage${m.pascal}(
  db: Database,
  where: SQL | undefined,
  orderBy: SQL[],
  page: { page_no: number; page_size: number },
) {
  const table = tableOf(db);
  return selectPage<${n.Row}>(db, table, live(table, where), orderBy, page);
}

export function selectRows(db: Database, where: SQL | undefined): Promise<${n.Row}[]> {
  const table = tableOf(db);
  return db.orm.select().from(table).where(live(table, where)).orderBy(asc(table${pk}));
}

export async function findRow(db: Database, id: number, scope?: SQL): Promise<${n.Row} | undefined> {
  const table = tableOf(db);
  const [row] = await db.orm
    .select()
    .from(table)
    .where(live(table, allOf(eq(table${pk}, id), scope)))
    .limit(1);
  return row;
}

/** Whether another live row (not \`exceptId\`) already holds this value in a unique column. */
export async function valueTaken(
  db: Database,
  column: keyof ${n.Row} & string,
  value: unknown,
  exceptId?: number,
): Promise<boolean> {
  const table = tableOf(db);
  const col = (table as unknown as Record<string, Parameters<typeof eq>[0]>)[column];
  const [row] = await db.orm
    .select({ id: table${pk} })
    .from(table)
    .where(live(table, allOf(eq(col, value), exceptId === undefined ? undefined : ne(table${pk}, exceptId))))
    .limit(1);
  return row !== undefined;
}

export async function insertRow(db: Database, values: ${n.Insert}): Promise<number> {
  return db.insertId(await db.orm.insert(tableOf(db)).values(values));
}

/** Many rows (an import's, inside its transaction), in chunks that keep bound parameters few. */
export async function insertRows(tx: Orm, db: Database, values: ${n.Insert}[]) {
  const CHUNK = 200;
  for (let i = 0; i < values.length; i += CHUNK)
    await tx.insert(tableOf(db)).values(values.slice(i, i + CHUNK));
}

export async function updateRows(db: Database, ids: number[], values: Partial<${n.Insert}>) {
  if (!ids.length) return;
  const table = tableOf(db);
  await db.orm.update(table).set(values).where(inArray(table${pk}, ids));
}
${
  m.has.softDelete
    ? ""
    : `
export async function deleteRows(db: Database, ids: number[]) {
  if (!ids.length) return;
  const table = tableOf(db);
  await db.orm.delete(table).where(inArray(table${pk}, ids));
}
`
}`;
}

/* ---------------------------------------------------------------- service */

/** `if (cond) throw err;` at 2 spaces, the throw on its own line when the whole does not fit. */
const ifThrow = (cond: string, err: string) =>
  fits(`if (${cond}) throw ${err};`, 2)
    ? `  if (${cond}) throw ${err};`
    : `  if (${cond})\n    throw ${err};`;

function outExpr(c: ColumnModel): string {
  if (c.kind === "bool")
    return c.nullable && c.name !== "is_deleted"
      ? `r${c.prop} === null ? null : Boolean(r${c.prop})`
      : `Boolean(r${c.prop})`;
  if (c.pk) return `r${c.prop}`;
  return `r${c.prop} ?? null`;
}

export function renderService(m: TableModel): string {
  const n = names(m);
  const t = "repo.tableOf(deps.db)";
  const uniques = m.columns.filter((c) => c.unique && (c.insert || c.edit));
  const queries = m.columns.filter((c) => c.query);
  const scoped = m.columns.some((c) => c.name === "created_id");
  const child = m.child;
  const childNames = child ? names(child.model) : null;

  const queryFns = new Set<string>(["allOf", "orderByOf"]);
  const filterLines = queries.map((c) => {
    const fn = c.query === "like" ? "contains" : c.query === "range" ? "within" : "equals";
    queryFns.add(fn);
    return `    ${fn}(t${c.prop}, q${c.prop}),`;
  });
  if (m.has.audit) queryFns.add("withAuditUsers");
  if (m.has.deletedBy) queryFns.add("softDeleted");

  const outLines = m.columns
    .filter((c) => !(m.has.audit && AUDIT.has(c.name)))
    .map((c) => `    ${c.key}: ${outExpr(c)},`);
  if (m.has.audit) {
    for (const a of ["created", "updated", "deleted"])
      outLines.push(`    ${a}_id: r.${a}_id ?? null,`, `    ${a}_by: r.${a}_by,`);
  }

  const inserts = m.columns.filter((c) => c.insert);
  const edits = m.columns.filter((c) => c.edit);
  const newRowLines = inserts.map((c) => `    ${c.key}: input${c.prop},`);
  if (m.has.audit) newRowLines.push("    created_id: p.id,", "    updated_id: p.id,");

  const uniqueCreate = uniques
    .filter((c) => c.insert)
    .map((c) =>
      ifThrow(
        `input${c.prop} != null && (await repo.valueTaken(db, ${q(c.name)}, input${c.prop}))`,
        `conflict(${q(`创建失败，${c.label}已存在`)})`,
      ),
    )
    .join("\n");
  const uniqueUpdate = uniques
    .filter((c) => c.edit)
    .map((c) =>
      ifThrow(
        `input${c.prop} != null && (await repo.valueTaken(db, ${q(c.name)}, input${c.prop}, id))`,
        `conflict(${q(`更新失败，${c.label}重复`)})`,
      ),
    )
    .join("\n");
  const editLines = edits
    .map((c) => {
      // a JSON body value is `unknown`; the column may declare its shape
      const value = c.kind === "json" ? `input${c.prop} as repo.${n.Insert}[${q(c.name)}]` : `input${c.prop}`;
      const line = `  if (input${c.prop} !== undefined) values${c.prop} = ${value};`;
      return fits(line) ? line : `  if (input${c.prop} !== undefined)\n    values${c.prop} = ${value};`;
    })
    .join("\n");

  const imports: [string, string][] = [
    ["{ inArray, type SQL }", "drizzle-orm"],
    ["type { Principal }", "@/core/auth/principal"],
    ["type { AppDeps }", "@/core/context"],
    [`{ ${[...queryFns].sort().join(", ")} }`, "@/core/db/query"],
    ["{ batchIds }", "@/core/http/batch"],
    [
      `{ ${["AppError", "badRequest", ...(uniques.length || child ? ["conflict"] : []), "found", "notFound"].join(", ")} }`,
      "@/core/http/errors",
    ],
    ["{ type Page, type PageQuery, pageOf }", "@/core/http/pagination"],
    ["{ issueMessage }", "@/core/http/validation"],
    ["{ readFirstSheet, SheetError }", "@/core/xlsx"],
    ["{ IMPORT_COLUMNS, exportWorkbook }", `./${m.moduleName}.excel`],
    ["* as repo", `./${m.moduleName}.repo`],
    [
      `{ ${n.create}, type ${n.Create}, type ${n.Filter}, type ${n.Out}, type ${n.Update} }`,
      `./${m.moduleName}.schema`,
    ],
  ];
  if (scoped) imports.push(["{ dataScopeFilter }", "@/core/auth/data-scope"]);
  if (child && childNames) imports.push([`* as ${child.model.camel}Service`, `${childNames.dir}.service`]);
  if (m.columns.every((c) => c.query === null)) imports[0] = ["{ inArray, type SQL }", "drizzle-orm"];

  const parent = m.parent;
  const parentFns = parent
    ? `
/** The live ${m.label} rows of one ${parent.model.label} row (its detail lists them), as the caller may see them. */
${signature("export async function childrenOf", ["deps: AppDeps", "p: Principal", "parentId: number"], `: Promise<${n.Out}[]> {`)}
  const t = ${t};
  const rows = await repo.selectRows(deps.db, allOf(await scopeOf(deps, p), equals(t${parent.fk.prop}, parentId)));
  return toOut(deps, rows);
}

/** How many live ${m.label} rows reference any of \`parentIds\` (whoever created them). */
${signature(`export async function countChildren`, [`deps: AppDeps`, `parentIds: number[]`], `: Promise<number> {`)}
  const t = ${t};
  return (await repo.selectRows(deps.db, inArray(t${parent.fk.prop}, parentIds))).length;
}
`
    : "";
  if (parent) queryFns.add("equals");
  imports[3] = [`{ ${[...queryFns].sort().join(", ")} }`, "@/core/db/query"];

  return `${importBlock(imports)}

/*
 * Rules of ${m.label} (${m.tableName}), written by the code generator.${scoped ? ' Rows are visible through\n * their creator\'s department (data scope strategy "creator", like the example module).' : " The table has no\n * created_id column: every holder of the permission sees every row."}
 */

${
  scoped
    ? `export const scopeOf = (deps: AppDeps, p: Principal) =>
  dataScopeFilter(deps.db, p, { kind: "creator", creator: ${t}.created_id });`
    : "export const scopeOf = async (_deps: AppDeps, _p: Principal): Promise<SQL | undefined> => undefined;"
}

function filterOf(${filterLines.length ? "deps" : "_deps"}: AppDeps, ${filterLines.length ? "q" : "_q"}: ${n.Filter}, scope: SQL | undefined) {
  ${filterLines.length ? `const t = ${t};\n  return allOf(\n    scope,\n${filterLines.join("\n")}\n  );` : "return allOf(scope);"}
}

${signature("async function toOut", [`${m.has.audit ? "deps" : "_deps"}: AppDeps`, `rows: repo.${n.Row}[]`], `: Promise<${n.Out}[]> {`)}
  ${m.has.audit ? "const withUsers = await withAuditUsers(deps.db, rows);\n  return withUsers.map((r) => ({" : "return rows.map((r) => ({"}
${outLines.join("\n")}
  }));
}

/** The row just written, as the response shows it. */
const one = async (deps: AppDeps, id: number) =>
  (await toOut(deps, [found(await repo.findRow(deps.db, id), \`row \${id}\`)]))[0];

${signature(`export async function list${m.pascal}`, ["deps: AppDeps", "p: Principal", `q: ${n.Filter} & PageQuery`], `: Promise<Page<${n.Out}>> {`)}
  const where = filterOf(deps, q, await scopeOf(deps, p));
  const orderBy = orderByOf(${t}, q.order_by${m.has.updatedTime ? "" : ` ?? '${JSON.stringify([{ [m.pk.name]: "desc" }])}'`});
  const { rows, total } = await repo.selectPage${m.pascal}(deps.db, where, orderBy, q);
  return pageOf(await toOut(deps, rows), total, q);
}

${signature(`export async function ${m.camel}Detail`, ["deps: AppDeps", "p: Principal", "id: number"], `: Promise<${n.Out}> {`)}
  const row = await repo.findRow(deps.db, id, await scopeOf(deps, p));
  if (!row) throw notFound("该数据不存在");
  ${child ? `const [out] = await toOut(deps, [row]);\n  return { ...out, ${child.listField}: await ${child.model.camel}Service.childrenOf(deps, p, id) };` : "return (await toOut(deps, [row]))[0];"}
}

/** A new row's columns: the body's values; what it leaves out gets the table's defaults. */
${signature("export function newRow", [`${m.has.audit ? "p" : "_p"}: Principal`, `input: ${n.Create}`], `: repo.${n.Insert} {`)}
  return {
${newRowLines.join("\n")}
  } as repo.${n.Insert};
}

${signature(`export async function create${m.pascal}`, ["deps: AppDeps", "p: Principal", `input: ${n.Create}`], `: Promise<${n.Out}> {`)}
  const { db } = deps;
${uniqueCreate ? `${uniqueCreate}\n` : ""}  const id = await repo.insertRow(db, newRow(p, input));
  return one(deps, id);
}

${signature(`export async function update${m.pascal}`, ["deps: AppDeps", "p: Principal", "id: number", `input: ${n.Update}`], `: Promise<${n.Out}> {`)}
  const { db } = deps;
  const current = await repo.findRow(db, id, await scopeOf(deps, p));
  if (!current) throw notFound("更新失败，该数据不存在");
${uniqueUpdate ? `${uniqueUpdate}\n` : ""}  const values: Partial<repo.${n.Insert}> = {${m.has.audit ? " updated_id: p.id " : ""}};
${editLines}
  await repo.updateRows(db, [id], values);
  return one(deps, id);
}

/** The distinct live rows among \`ids\` the caller can see; the first other id refuses the batch (404). */
async function requireVisible(deps: AppDeps, p: Principal, ids: number[], missing: (id: number) => string) {
  const scope = await scopeOf(deps, p);
  const rows = await repo.selectRows(deps.db, allOf(inArray(${t}${m.pk.prop}, ids), scope));
  const visible = new Set(rows.map((r) => r${m.pk.prop}));
  const absent = ids.find((id) => !visible.has(id));
  if (absent !== undefined) throw notFound(missing(absent));
}

/** ${m.has.softDelete ? "Soft delete" : "Delete"}: one statement over all ids, so the batch is atomic. */
${signature(`export async function delete${m.pascal}`, [`deps: AppDeps`, `p: Principal`, `ids: number[]`], ` {`)}
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  await requireVisible(deps, p, unique, (id) => \`删除失败，ID为\${id}的数据不存在\`);
${child ? `${ifThrow(`await ${child.model.camel}Service.countChildren(deps, unique)`, `conflict(${q(`删除失败，请先删除关联的${child.model.label}数据`)})`)}\n` : ""}${
  m.has.softDelete
    ? `  await repo.updateRows(deps.db, unique, { ${m.has.deletedBy ? "...softDeleted(p.id)" : "is_deleted: true"}${m.has.audit ? ", updated_id: p.id" : ""} });`
    : "  await repo.deleteRows(deps.db, unique);"
}
}
${
  m.has.status
    ? `
${signature(`export async function set${m.pascal}Status`, [`deps: AppDeps`, `p: Principal`, `ids: number[]`, `status: string`], ` {`)}
  const unique = batchIds(ids, "修改失败，修改对象不能为空");
  await requireVisible(deps, p, unique, (id) => \`修改失败，ID为\${id}的数据不存在\`);
  await repo.updateRows(deps.db, unique, { status${m.has.audit ? ", updated_id: p.id" : ""} });
}
`
    : ""
}${parentFns}
/** Every matching row the caller can see, ordered by id (exports are not paged). */
${signature(`export async function export${m.pascal}`, [`deps: AppDeps`, `p: Principal`, `q: ${n.Filter}`], `: Promise<Uint8Array> {`)}
  const rows = await repo.selectRows(deps.db, filterOf(deps, q, await scopeOf(deps, p)));
  return exportWorkbook(await toOut(deps, rows));
}

/** Rows of one upload: keeps a single request (and its transaction) short. */
export const MAX_IMPORT_ROWS = 1000;

const importFailed = (msg: string) => badRequest(\`导入失败: \${msg}\`);

/**
 * Imports rows from the template's first sheet: each row is checked with the create body's
 * schema${uniques.length ? " and the unique columns" : ""}; the good rows go in one transaction, each refused row is reported.
 */
${signature(`export async function import${m.pascal}`, [`deps: AppDeps`, `p: Principal`, `file: unknown`], `: Promise<string> {`)}
  const { db } = deps;
  if (!(file instanceof File) || !file.name) throw badRequest("请选择要上传的文件");
  if (!file.name.toLowerCase().endsWith(".xlsx")) throw importFailed("仅支持 .xlsx 文件");
  if (file.size > deps.settings.MAX_FILE_SIZE) throw importFailed("文件大小超过限制");
  let rows: Awaited<ReturnType<typeof readFirstSheet>>;
  try {
    rows = await readFirstSheet(new Uint8Array(await file.arrayBuffer()), MAX_IMPORT_ROWS);
  } catch (err) {
    if (err instanceof SheetError) throw importFailed(\`单次最多导入\${MAX_IMPORT_ROWS}条数据\`);
    if (err instanceof AppError) throw err;
    deps.logger.warn("${m.tableName} import: unreadable workbook", { err: String(err) });
    throw importFailed("无法读取文件，请使用导入模板 (.xlsx)");
  }
  if (rows.length < 2) throw importFailed("导入文件为空");
  const [header, ...data] = rows;
  const index = IMPORT_COLUMNS.map((c) => header.cells.findIndex((h) => h === c.header || h === c.key));
  const errors: string[] = [];
  const accepted: ${n.Create}[] = [];
${
  uniques.some((c) => c.insert)
    ? `  // unique columns: a value is taken by a stored row or by an earlier row of the file
  const seen = new Map<string, Set<unknown>>();
  const taken = async (column: keyof repo.${n.Row} & string, value: unknown) => {
    let values = seen.get(column);
    if (!values) {
      values = new Set();
      seen.set(column, values);
    }
    if (value == null) return false;
    if (values.has(value) || (await repo.valueTaken(db, column, value))) return true;
    values.add(value);
    return false;
  };
`
    : ""
}  for (const row of data) {
    const line = row.rowNumber - header.rowNumber;
    const values: Record<string, unknown> = {};
    IMPORT_COLUMNS.forEach((c, i) => {
      const text = index[i] >= 0 ? (row.cells[index[i]] ?? "") : "";
      if (text !== "") values[c.key] = c.read ? c.read(text) : text;
    });
    const parsed = ${n.create}.safeParse(values);
    if (!parsed.success) {
      errors.push(\`第\${line}行: \${[...new Set(parsed.error.issues.map(issueMessage))].join("；")}\`);
      continue;
    }
${uniques
  .filter((c) => c.insert)
  .map(
    (c) => `    if (await taken(${q(c.name)}, parsed.data${c.prop})) {
      errors.push(\`第\${line}行: ${c.label}已存在\`);
      continue;
    }`,
  )
  .join("\n")}
    accepted.push(parsed.data);
  }
  if (accepted.length) {
    const values = accepted.map((input) => newRow(p, input));
    await db.transaction((tx) => repo.insertRows(tx, db, values));
  }
  let report = \`成功导入 \${accepted.length} 条数据\`;
  if (errors.length) report += \`\\n错误信息:\\n\${errors.join("\\n")}\`;
  return report;
}
`;
}

/* ---------------------------------------------------------------- excel */

function cellOf(c: ColumnModel): string {
  if (c.name === "status") return `statusLabel(r${c.prop})`;
  if (c.kind === "bool") return `yesNo(r${c.prop})`;
  if (c.kind === "json") return `(r${c.prop} == null ? null : JSON.stringify(r${c.prop}))`;
  return `r${c.prop}`;
}

export function renderExcel(m: TableModel): string {
  const n = names(m);
  const listed = m.columns.filter((c) => (c.list || c.pk) && !AUDIT.has(c.name));
  const importable = m.columns.filter((c) => c.insert);
  const usesBool = listed.some((c) => c.kind === "bool" && c.name !== "status");
  const usesStatus = listed.some((c) => c.name === "status") || importable.some((c) => c.name === "status");
  const xlsx = [
    "type SheetColumn",
    "sheetWorkbook",
    ...(listed.some((c) => c.name === "status") ? ["statusLabel"] : []),
    "workbookBytes",
    ...(usesBool ? ["yesNo"] : []),
  ];
  const exportLines = listed.map((c) => `  { header: ${q(c.label)}, value: (r) => ${cellOf(c)} },`);
  if (m.has.audit) exportLines.push('  { header: "创建者", value: (r) => r.created_by?.name ?? "未知" },');
  const importLines = importable.map((c) => {
    const read =
      c.name === "status"
        ? ", read: (v) => STATUS_VALUE[v] ?? v"
        : c.kind === "bool"
          ? ', read: (v) => (v === "是" ? true : v === "否" ? false : v)'
          : "";
    return `  { key: ${q(c.name)}, header: ${q(c.label)}${read} },`;
  });
  const statusIndex = importable.findIndex((c) => c.name === "status");
  const column = statusIndex >= 0 ? String.fromCharCode(65 + statusIndex) : null;
  return `${importBlock([
    [`{ ${xlsx.join(", ")} }`, "@/core/xlsx"],
    [`type { ${n.Out} }`, `./${m.moduleName}.schema`],
  ])}

/* Spreadsheets of ${m.label} (${m.tableName}), written by the code generator. */

export type ExportRow = ${n.Out};

/** The export: the list's columns${m.has.audit ? " and the creator's name" : ""}. */
export const EXPORT_COLUMNS: SheetColumn<ExportRow>[] = [
${exportLines.join("\n")}
];
${usesStatus ? `\n/** The template offers 正常/停用, the export writes 启用/停用: both read back, as do "0"/"1". */\nexport const STATUS_VALUE: Record<string, string> = { 正常: "0", 启用: "0", 停用: "1", "0": "0", "1": "1" };\n` : ""}
/** The import template's columns (the create body's fields); a header may also be the column name. */
export const IMPORT_COLUMNS: { key: string; header: string; read?: (text: string) => unknown }[] = [
${importLines.join("\n")}
];

export async function importTemplate(): Promise<Uint8Array> {
  const { book${column ? ", sheet" : ""} } = await sheetWorkbook(
    IMPORT_COLUMNS.map((c) => ({ header: c.header, width: 16, value: () => null })),
  );${
    column
      ? `
  // exceljs keeps a range validation as one <dataValidation sqref>; its typings omit the API.
  const validations = (sheet as unknown as { dataValidations: { add(range: string, v: object): void } })
    .dataValidations;
  validations.add("${column}2:${column}1048576", {
    type: "list",
    allowBlank: true,
    formulae: ['"正常,停用"'],
    showErrorMessage: true,
  });`
      : ""
  }
  return workbookBytes(book);
}

export async function exportWorkbook(rows: ExportRow[], columns = EXPORT_COLUMNS): Promise<Uint8Array> {
  return workbookBytes((await sheetWorkbook(columns, rows)).book);
}
`;
}

/* ---------------------------------------------------------------- routes */

/**
 * `.openapi(route, async (c) => ok(c, await fn(deps, principal, ...args)))` in the router chain (4
 * spaces in): on one line when it fits, else the handler's body on its own lines. The message is
 * the route's declared 200 description (`guardedRoute` hands it to `ok`).
 */
function okHandler(route: string, fn: string, args: string[]): string {
  const call = { head: `await ${fn}`, args: ["deps", "currentAuth(c).principal", ...args] };
  const one = `.openapi(${route}, async (c) => ${callExpr("ok", ["c", call], 0)})`;
  if (fits(one, 4)) return `    ${one}`;
  return `    .openapi(${route}, async (c) =>\n      ${callExpr("ok", ["c", call], 6, ",")},\n    )`;
}

export function renderRoutes(m: TableModel): string {
  const n = names(m);
  const svc = m.camel === "svc" ? "service" : "svc";
  const exportFile = `${m.tableName}.xlsx`;
  const templateFile = `${m.tableName}_template.xlsx`;
  const imports: [string, string][] = [
    ["{ z }", "@hono/zod-openapi"],
    ["type { Context }", "hono"],
    ["{ currentAuth, guardedRoute }", "@/core/auth/guard"],
    ["type { AppDeps, AppEnv }", "@/core/context"],
    ["{ ok }", "@/core/http/envelope"],
    ["{ jsonOk }", "@/core/http/openapi"],
    ["{ pageSchema }", "@/core/http/pagination"],
    ["{ jsonBody, overlayDefined }", "@/core/http/request"],
    ["{ createRouter }", "@/core/http/router"],
    [`{ ${m.has.status ? "batchSetAvailable, " : ""}idList, idParam }`, "@/core/http/schemas"],
    ["{ xlsxFile, xlsxResponses }", "@/core/xlsx"],
    ["{ importTemplate }", `./${m.moduleName}.excel`],
    [
      `{ ${n.create}, type ${n.Filter}, ${n.filter}, ${n.out}, ${n.query}, ${n.update}, uploadForm }`,
      `./${m.moduleName}.schema`,
    ],
    [`* as ${svc}`, `./${m.moduleName}.service`],
  ];
  const L = q(m.label);
  return `${importBlock(imports)}

/*
 * ${m.label} (${m.tableName}), written by the code generator: mounted at /api/v1${m.mountPath},
 * every route guarded by its \`${m.permissionPrefix}:<action>\` permission.
 */

const perm = (action: string) => \`${m.permissionPrefix}:\${action}\`;
const tags = [${q(`${m.label} · ${m.moduleName}`)}];
const label = ${L};
const msg = {
  detail: \`获取\${label}详情成功\`,
  list: \`查询\${label}列表成功\`,
  create: \`创建\${label}成功\`,
  update: \`修改\${label}成功\`,
  delete: \`删除\${label}成功\`,
  status: \`批量修改\${label}状态成功\`,
  import: \`导入\${label}成功\`,
};
const EXPORT_FILE = ${q(exportFile)};
const TEMPLATE_FILE = ${q(templateFile)};

const uploadedFile = async (c: Context<AppEnv>): Promise<unknown> => {
  if (!(c.req.header("content-type") ?? "").includes("multipart/form-data")) return null;
  const form = await c.req.parseBody();
  return form.file ?? null;
};

const detailRoute = guardedRoute(perm("detail"), {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: \`获取\${label}详情\`,
  request: { params: idParam },
  responses: jsonOk(${n.out}, msg.detail),
});

const listRoute = guardedRoute(perm("query"), {
  method: "get",
  path: "/list",
  tags,
  summary: \`查询\${label}列表\`,
  request: { query: ${n.query} },
  responses: jsonOk(pageSchema(${n.out}), msg.list),
});

const createRoute = guardedRoute(perm("create"), {
  method: "post",
  path: "/create",
  tags,
  summary: \`创建\${label}\`,
  request: { body: jsonBody(${n.create}) },
  responses: jsonOk(${n.out}, msg.create),
});

const updateRoute = guardedRoute(perm("update"), {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: \`修改\${label}\`,
  description: "未提交的字段保持原值。",
  request: { params: idParam, body: jsonBody(${n.update}) },
  responses: jsonOk(${n.out}, msg.update),
});

const deleteRoute = guardedRoute(perm("delete"), {
  method: "delete",
  path: "/delete",
  tags,
  summary: \`删除\${label}\`,
  description: "请求体为 ID 数组。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), msg.delete),
});
${
  m.has.status
    ? `
const statusRoute = guardedRoute(perm("patch"), {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: \`批量修改\${label}状态\`,
  request: { body: jsonBody(batchSetAvailable) },
  responses: jsonOk(z.null(), msg.status),
});
`
    : ""
}
const exportRoute = guardedRoute(perm("export"), {
  method: "post",
  path: "/export",
  tags,
  summary: \`导出\${label}\`,
  description: "筛选条件可放在查询串或 JSON 请求体中 (两处都有时以查询串为准)；按 ID 升序导出全部匹配行。",
  request: { query: ${n.filter}, body: jsonBody(${n.filter}, false) },
  responses: xlsxResponses(EXPORT_FILE),
});

const importRoute = guardedRoute(perm("import"), {
  method: "post",
  path: "/import",
  tags,
  summary: \`导入\${label}\`,
  description: "读取第一个工作表 (导入模板的列)；每行按创建规则校验，合格行一次性写入，逐行报告不合格行。",
  request: { body: { required: false, content: { "multipart/form-data": { schema: uploadForm } } } },
  responses: jsonOk(z.string(), msg.import),
});

const templateRoute = guardedRoute(perm("download"), {
  method: "post",
  path: "/download/template",
  tags,
  summary: \`下载\${label}导入模板\`,
  responses: xlsxResponses(TEMPLATE_FILE),
});

export const ${m.routerName} = (deps: AppDeps) =>
  createRouter()
${okHandler("detailRoute", `${svc}.${m.camel}Detail`, ['c.req.valid("param").id'])}
${okHandler("listRoute", `${svc}.list${m.pascal}`, ['c.req.valid("query")'])}
${okHandler("createRoute", `${svc}.create${m.pascal}`, ['c.req.valid("json")'])}
${okHandler("updateRoute", `${svc}.update${m.pascal}`, ['c.req.valid("param").id', 'c.req.valid("json")'])}
    .openapi(deleteRoute, async (c) => {
      ${callExpr(`await ${svc}.delete${m.pascal}`, ["deps", "currentAuth(c).principal", 'c.req.valid("json")'], 6, ";")};
      return ok(c, null);
    })${
      m.has.status
        ? `
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      ${callExpr(`await ${svc}.set${m.pascal}Status`, ["deps", "currentAuth(c).principal", "ids", "status"], 6, ";")};
      return ok(c, null);
    })`
        : ""
    }
    .openapi(exportRoute, async (c) => {
      const filter = overlayDefined<${n.Filter}>(c.req.valid("json") ?? {}, c.req.valid("query"));
      return ${callExpr("xlsxFile", ["c", { head: `await ${svc}.export${m.pascal}`, args: ["deps", "currentAuth(c).principal", "filter"] }, "EXPORT_FILE"], 6, ";")};
    })
${okHandler("importRoute", `${svc}.import${m.pascal}`, ["await uploadedFile(c)"])}
    .openapi(templateRoute, async (c) => xlsxFile(c, await importTemplate(), TEMPLATE_FILE));
`;
}
