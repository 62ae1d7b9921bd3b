import type { Dialect } from "./database";
import type { MigrationFile } from "./migration-files";
import {
  inspectSchema,
  type LiveColumn,
  type LiveTable,
  listTables,
  quoteIdent,
  type RawSql,
} from "./schema-inspect";

/*
 * Adopting an existing FastapiAdmin v3.0 database: our migrations describe tables the original
 * already created (same names, compatible columns). Instead of running them, compare what each
 * migration creates with what is there, add only what is missing (our extra tables and indexes,
 * columns a later migration adds), and record the migrations as applied in drizzle's own
 * bookkeeping so later migrations apply normally. Nothing existing is dropped, renamed or
 * rewritten, and no row is touched.
 */

export const MIGRATIONS_TABLE = "__drizzle_migrations";

/** The other tables FastapiAdmin v3.0 creates: left exactly as they are. */
export const UPSTREAM_ONLY_TABLES = ["apscheduler_jobs", "gen_table", "gen_table_column"] as const;

// ---------------------------------------------------------------------------------------------
// What a migration creates, read from its SQL (drizzle-kit's generated form)

interface ExpectedColumn {
  name: string;
  /** As drizzle-kit wrote it, lower case: `varchar(64)`, `int`, `text(64)`, `integer`. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  autoIncrement: boolean;
}

interface Constraint {
  name: string;
  columns: string[];
}

interface ExpectedForeignKey extends Constraint {
  foreignTable: string;
  onDelete: string;
}

type Requirement =
  | {
      kind: "table";
      table: string;
      columns: ExpectedColumn[];
      primaryKey: string[];
      uniques: Constraint[];
      foreignKeys: ExpectedForeignKey[];
      sql: string;
    }
  | { kind: "index"; table: string; name: string; unique: boolean; columns: string[]; sql: string }
  | ({ kind: "foreignKey"; table: string; sql: string } & ExpectedForeignKey)
  | { kind: "column"; table: string; column: ExpectedColumn; sql: string }
  | { kind: "other"; sql: string };

const identList = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim().replace(/^[`"]|[`"]$/g, ""))
    .filter(Boolean);

function parseColumn(line: string): ExpectedColumn | null {
  const m = /^`([^`]+)`\s+(\S+)(.*)$/.exec(line);
  if (!m) return null;
  const rest = m[3].toUpperCase();
  return {
    name: m[1],
    type: m[2].toLowerCase(),
    notNull: /\bNOT NULL\b/.test(rest) || /\bPRIMARY KEY\b/.test(rest),
    hasDefault: /\bDEFAULT\b/.test(rest) || /\bAUTO_?INCREMENT\b/.test(rest),
    autoIncrement: /\bAUTO_?INCREMENT\b/.test(rest),
  };
}

function parseStatement(sql: string): Requirement {
  const text = sql.replace(/;\s*$/, "");
  let m = /^CREATE TABLE `([^`]+)` \(\s*([\s\S]*)\)$/.exec(text);
  if (m) {
    const req: Extract<Requirement, { kind: "table" }> = {
      kind: "table",
      table: m[1],
      columns: [],
      primaryKey: [],
      uniques: [],
      foreignKeys: [],
      sql,
    };
    for (const raw of m[2].split("\n")) {
      const line = raw.trim().replace(/,$/, "");
      if (!line) continue;
      const pk = /^(?:CONSTRAINT `([^`]+)` )?PRIMARY KEY\s*\(([^)]*)\)$/.exec(line);
      const uq = /^CONSTRAINT `([^`]+)` UNIQUE\s*\(([^)]*)\)$/.exec(line);
      const fk = /^FOREIGN KEY \(([^)]*)\) REFERENCES `([^`]+)`\([^)]*\)(.*)$/.exec(line);
      if (pk) {
        req.primaryKey = identList(pk[2]);
      } else if (uq) {
        req.uniques.push({ name: uq[1], columns: identList(uq[2]) });
      } else if (fk) {
        const onDelete = /ON DELETE (set null|cascade|restrict|no action|set default)/i.exec(fk[3]);
        req.foreignKeys.push({
          name: `${m[1]}(${identList(fk[1]).join(",")})`,
          columns: identList(fk[1]),
          foreignTable: fk[2],
          onDelete: (onDelete?.[1] ?? "no action").toLowerCase(),
        });
      } else {
        const col = parseColumn(line);
        if (!col) return { kind: "other", sql };
        req.columns.push(col);
        if (/\bPRIMARY KEY\b/i.test(line)) req.primaryKey = [col.name];
      }
    }
    return req;
  }
  m = /^CREATE (UNIQUE )?INDEX `([^`]+)` ON `([^`]+)` \(([^)]*)\)$/.exec(text);
  if (m) return { kind: "index", unique: !!m[1], name: m[2], table: m[3], columns: identList(m[4]), sql };
  m =
    /^ALTER TABLE `([^`]+)` ADD CONSTRAINT `([^`]+)` FOREIGN KEY \(([^)]*)\) REFERENCES `([^`]+)`\([^)]*\)(.*)$/.exec(
      text,
    );
  if (m) {
    const onDelete = /ON DELETE (set null|cascade|restrict|no action|set default)/i.exec(m[5]);
    return {
      kind: "foreignKey",
      table: m[1],
      name: m[2],
      columns: identList(m[3]),
      foreignTable: m[4],
      onDelete: (onDelete?.[1] ?? "no action").toLowerCase(),
      sql,
    };
  }
  m = /^ALTER TABLE `([^`]+)` ADD (?:COLUMN )?(`[^`]+`.*)$/.exec(text);
  if (m) {
    const column = parseColumn(m[2]);
    if (column) return { kind: "column", table: m[1], column, sql };
  }
  return { kind: "other", sql };
}

/** The table names our migrations create. */
export function tablesOf(migrations: MigrationFile[]): string[] {
  return migrations.flatMap((m) =>
    m.statements.map(parseStatement).flatMap((r) => (r.kind === "table" ? [r.table] : [])),
  );
}

// ---------------------------------------------------------------------------------------------
// Column compatibility

type Verdict = { ok: true; note?: string } | { ok: false; note: string };
const ok = (note?: string): Verdict => ({ ok: true, note });
const bad = (note: string): Verdict => ({ ok: false, note });

function splitType(type: string): { base: string; size: number | null } {
  const m = /^([a-z ]+?)\s*(?:\((\d+)(?:,\s*\d+)?\))?(?:\s+unsigned)?(?:\s+zerofill)?$/.exec(type.trim());
  if (!m) return { base: type.trim(), size: null };
  return { base: m[1].trim(), size: m[2] ? Number(m[2]) : null };
}

const TEXT_SIZES: Record<string, number> = {
  tinytext: 255,
  text: 65_535,
  mediumtext: 16_777_215,
  longtext: 4_294_967_295,
};

/** MySQL / MariaDB: can our column type read and write the existing one without loss? */
function mysqlTypeVerdict(expected: string, live: string): Verdict {
  const e = splitType(expected);
  const l = splitType(live);
  if (/^(enum|set)\(/.test(live) && ["varchar", "text", "longtext"].includes(e.base)) {
    return ok(`${live.split("(")[0]} column: values outside its list are refused by the database`);
  }
  const ints = ["int", "integer", "bigint", "mediumint"];
  switch (e.base) {
    case "int":
      if (ints.includes(l.base)) return ok();
      if (l.base === "smallint" || l.base === "tinyint") return ok(`${live} is narrower than int`);
      break;
    case "bigint":
      if (l.base === "bigint") return ok();
      if (ints.includes(l.base)) return ok(`${live} is narrower than bigint`);
      break;
    case "double":
      if (["double", "real", "decimal", "numeric"].includes(l.base)) return ok();
      if (l.base === "float") return ok("float keeps single precision only");
      break;
    case "boolean":
      if (["tinyint", "boolean", "bool", "smallint", "int", "integer"].includes(l.base)) return ok();
      break;
    case "varchar": {
      const want = e.size ?? 0;
      if (l.base === "varchar" || l.base === "char") {
        if ((l.size ?? 0) >= want) return ok();
        return ok(`${live} is shorter than our varchar(${want}): longer values are refused by the database`);
      }
      if (l.base in TEXT_SIZES) {
        return TEXT_SIZES[l.base] >= want ? ok() : ok(`${live} holds fewer than ${want} characters`);
      }
      break;
    }
    case "text":
    case "longtext":
      if (l.base in TEXT_SIZES) {
        return TEXT_SIZES[l.base] >= TEXT_SIZES[e.base]
          ? ok()
          : ok(`${live} holds less than ${e.base}: longer values are refused by the database`);
      }
      if (l.base === "varchar" || l.base === "char") return ok(`${live} holds less than ${e.base}`);
      break;
    case "json":
      // MariaDB's JSON is LONGTEXT with a json_valid check; plain text columns work as well.
      if (l.base === "json" || l.base in TEXT_SIZES) return ok();
      break;
    case "datetime":
      if (l.base === "datetime" || l.base === "timestamp") return ok();
      break;
    case "date":
    case "time":
      if (l.base === e.base) return ok();
      break;
    default:
      if (l.base === e.base) return ok();
  }
  return bad(`type ${live} cannot hold our ${expected}`);
}

/** SQLite's type affinity of a declared type (https://sqlite.org/datatype3.html §3.1). */
function affinity(declared: string): "integer" | "text" | "blob" | "real" | "numeric" {
  const t = declared.toUpperCase();
  if (t.includes("INT")) return "integer";
  if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return "text";
  if (t === "" || t.includes("BLOB")) return "blob";
  if (t.includes("REAL") || t.includes("FLOA") || t.includes("DOUB")) return "real";
  return "numeric";
}

/**
 * SQLite: lengths are not enforced, so only the affinity matters. NUMERIC affinity (SQLAlchemy's
 * DATETIME, DATE, TIME, JSON, BOOLEAN) keeps text that does not look like a number, which holds
 * for datetimes and JSON objects, so those declared types are fine for our text columns.
 */
function sqliteTypeVerdict(expected: string, live: string): Verdict {
  const want = affinity(expected);
  const have = affinity(live);
  if (want === have) return ok();
  const base = splitType(live).base.toUpperCase();
  if (want === "text" && ["DATETIME", "DATE", "TIME", "TIMESTAMP", "JSON"].includes(base)) return ok();
  if (want === "integer" && (base === "BOOLEAN" || base === "BOOL")) return ok();
  if (want === "real" && (have === "integer" || have === "numeric")) return ok();
  if (have === "blob") return ok(`${live || "(no type)"} stores values as given`);
  return bad(`type ${live || "(none)"} cannot hold our ${expected}`);
}

// ---------------------------------------------------------------------------------------------
// The plan

export interface AdoptionPlan {
  dialect: Dialect;
  /** Our tables found there and compatible (maybe with notes). */
  matchedTables: string[];
  /** Tables there that are not ours: kept as they are. */
  untouchedTables: string[];
  createTables: string[];
  addColumns: { table: string; column: string }[];
  addIndexes: { table: string; name: string; columns: string[]; unique: boolean }[];
  /** Compatible differences worth knowing (narrower columns, missing foreign keys...). */
  notes: string[];
  /** What stops the adoption: one line per table/column, with what to do. */
  problems: string[];
  /** The DDL to run, in order. */
  statements: string[];
  /** The migrations recorded as applied (the rest are left to the migrator). */
  adopted: Pick<MigrationFile, "tag" | "hash" | "folderMillis">[];
  /** Migrations the adoption cannot judge (they contain other statements): applied normally after. */
  pending: string[];
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const startsWith = (cols: string[], prefix: string[]) =>
  prefix.length <= cols.length && prefix.every((c, i) => cols[i] === c);

async function hasDuplicates(raw: RawSql, table: string, columns: string[]): Promise<boolean> {
  const q = (n: string) => quoteIdent(raw.dialect, n);
  const cols = columns.map(q).join(", ");
  const notNull = columns.map((c) => `${q(c)} IS NOT NULL`).join(" AND ");
  const rows = await raw.all(
    `SELECT 1 AS d FROM ${q(table)} WHERE ${notNull} GROUP BY ${cols} HAVING COUNT(*) > 1 LIMIT 1`,
  );
  return rows.length > 0;
}

/** Compares every table, column and index our migrations create with the database. Changes nothing. */
export async function planAdoption(raw: RawSql, migrations: MigrationFile[]): Promise<AdoptionPlan> {
  const live = await inspectSchema(raw);
  const dialect = raw.dialect;
  const plan: AdoptionPlan = {
    dialect,
    matchedTables: [],
    untouchedTables: [],
    createTables: [],
    addColumns: [],
    addIndexes: [],
    notes: [],
    problems: [],
    statements: [],
    adopted: [],
    pending: [],
  };
  const ours = new Set<string>();
  const created = new Set<string>();
  // SQLite index names are global to the database; MySQL's are per table.
  const indexNameTaken = (table: string, name: string) =>
    dialect === "sqlite"
      ? [...live.values()].some((t) => t.indexes.some((i) => i.name === name))
      : (live.get(table)?.indexes.some((i) => i.name === name) ?? false);

  const checkColumn = (table: string, e: ExpectedColumn, l: LiveColumn, isPk: boolean) => {
    const where = `${table}.${e.name}`;
    const verdict =
      dialect === "mysql" ? mysqlTypeVerdict(e.type, l.type) : sqliteTypeVerdict(e.type, l.type);
    if (!verdict.ok) {
      plan.problems.push(`${where}: ${verdict.note}; change the column to ${e.type} (or a wider type)`);
    } else if (verdict.note) plan.notes.push(`${where}: ${verdict.note}`);
    if (e.autoIncrement && !l.autoIncrement && !(dialect === "sqlite" && isPk && l.hasDefault)) {
      plan.problems.push(`${where}: must be an auto-increment primary key (new rows get their id from it)`);
    }
    if (e.notNull && !l.notNull) plan.notes.push(`${where}: allows NULL here (we always write a value)`);
  };

  const checkIndex = async (table: string, name: string, columns: string[], unique: boolean, sql: string) => {
    const t = live.get(table) as LiveTable;
    const present = unique
      ? sameSet(t.primaryKey, columns) || t.indexes.some((i) => i.unique && sameSet(i.columns, columns))
      : startsWith(t.primaryKey, columns) || t.indexes.some((i) => startsWith(i.columns, columns));
    if (present) return;
    const added = (c: string) => plan.addColumns.some((a) => a.table === table && a.column === c);
    // a column missing and not being added is reported as such; one this plan adds gets its index
    if (!columns.every((c) => t.columns.has(c) || added(c))) return;
    if (indexNameTaken(table, name)) {
      plan.problems.push(
        `${table}: an index named ${name} exists on other columns; rename or drop it so ours can be created`,
      );
      return;
    }
    if (unique && (await hasDuplicates(raw, table, columns))) {
      plan.problems.push(
        `${table}.${columns.join("+")}: duplicate values, but we rely on them being unique; remove the duplicates`,
      );
      return;
    }
    plan.addIndexes.push({ table, name, columns, unique });
    plan.statements.push(
      unique && dialect === "mysql"
        ? `CREATE UNIQUE INDEX ${quoteIdent(dialect, name)} ON ${quoteIdent(dialect, table)} (${columns.map((c) => quoteIdent(dialect, c)).join(", ")})`
        : sql,
    );
  };

  const checkForeignKey = (table: string, fk: ExpectedForeignKey) => {
    const t = live.get(table) as LiveTable;
    const found = t.foreignKeys.find(
      (f) => sameSet(f.columns, fk.columns) && f.foreignTable === fk.foreignTable,
    );
    const what = `${table}.${fk.columns.join("+")} → ${fk.foreignTable}`;
    if (!found) {
      // Not added: on SQLite it would mean rebuilding the table, and our services never rely on
      // the database to cascade (they delete link rows themselves).
      plan.notes.push(`${what}: no foreign key (kept as is; nothing here relies on it)`);
    } else {
      const norm = (a: string) => (a === "restrict" ? "no action" : a);
      if (norm(found.onDelete) !== norm(fk.onDelete)) {
        plan.notes.push(`${what}: ON DELETE ${found.onDelete} here, ${fk.onDelete} in ours (kept as is)`);
      }
    }
  };

  let judging = true;
  for (const migration of migrations) {
    const reqs = migration.statements.map(parseStatement);
    if (!judging || reqs.some((r) => r.kind === "other")) {
      // Something we cannot compare (data changes, renames...): this and later migrations run
      // through the migrator after the adoption, as on any database.
      judging = false;
      plan.pending.push(migration.tag);
      continue;
    }
    for (const req of reqs) {
      if (req.kind === "table") {
        ours.add(req.table);
        const t = live.get(req.table);
        if (!t) {
          created.add(req.table);
          plan.createTables.push(req.table);
          plan.statements.push(req.sql);
          continue;
        }
        plan.matchedTables.push(req.table);
        for (const e of req.columns) {
          const l = t.columns.get(e.name);
          if (!l) {
            plan.problems.push(
              `${req.table}.${e.name}: missing; this column holds data we need (restore it from the original schema: ${e.type}${e.notNull ? " NOT NULL" : ""})`,
            );
            continue;
          }
          checkColumn(req.table, e, l, req.primaryKey.includes(e.name));
        }
        if (req.primaryKey.length && !sameSet(t.primaryKey, req.primaryKey)) {
          plan.problems.push(
            `${req.table}: primary key is (${t.primaryKey.join(", ") || "none"}), ours is (${req.primaryKey.join(", ")})`,
          );
        }
        for (const l of t.columns.values()) {
          if (!req.columns.some((e) => e.name === l.name) && l.notNull && !l.hasDefault) {
            plan.problems.push(
              `${req.table}.${l.name}: NOT NULL without a default and unknown to us, so our inserts would fail; give it a default or allow NULL`,
            );
          }
        }
        for (const u of req.uniques) {
          const sql = `CREATE UNIQUE INDEX ${quoteIdent(dialect, u.name)} ON ${quoteIdent(dialect, req.table)} (${u.columns.map((c) => quoteIdent(dialect, c)).join(", ")})`;
          await checkIndex(req.table, u.name, u.columns, true, sql);
        }
        for (const fk of req.foreignKeys) checkForeignKey(req.table, fk);
      } else if (req.kind === "index") {
        if (created.has(req.table)) plan.statements.push(req.sql);
        else if (live.has(req.table)) await checkIndex(req.table, req.name, req.columns, req.unique, req.sql);
      } else if (req.kind === "foreignKey") {
        if (created.has(req.table)) plan.statements.push(req.sql);
        else if (live.has(req.table)) checkForeignKey(req.table, req);
      } else if (req.kind === "column") {
        const t = live.get(req.table);
        const l = t?.columns.get(req.column.name);
        if (created.has(req.table) || !l) {
          if (!created.has(req.table)) plan.addColumns.push({ table: req.table, column: req.column.name });
          plan.statements.push(req.sql);
        } else checkColumn(req.table, req.column, l, false);
      }
    }
    plan.adopted.push({ tag: migration.tag, hash: migration.hash, folderMillis: migration.folderMillis });
  }
  plan.untouchedTables = [...live.keys()].filter((n) => !ours.has(n) && n !== MIGRATIONS_TABLE).sort();
  return plan;
}

// ---------------------------------------------------------------------------------------------
// State and apply

export type DatabaseState =
  | { kind: "empty" }
  | { kind: "migrated"; applied: number }
  /** Tables of ours are there, but no migration history: a FastapiAdmin database to adopt. */
  | { kind: "existing"; tables: string[] };

export async function databaseState(raw: RawSql, migrations: MigrationFile[]): Promise<DatabaseState> {
  const tables = await listTables(raw);
  if (tables.includes(MIGRATIONS_TABLE)) {
    const [row] = await raw.all(`SELECT COUNT(*) AS n FROM ${quoteIdent(raw.dialect, MIGRATIONS_TABLE)}`);
    const applied = Number(row?.n ?? 0);
    if (applied > 0) return { kind: "migrated", applied };
  }
  const ours = new Set(tablesOf(migrations));
  const found = tables.filter((t) => ours.has(t));
  return found.length ? { kind: "existing", tables: found } : { kind: "empty" };
}

/** The adoption cannot go ahead; the database was not changed. */
export class AdoptionRefused extends Error {
  constructor(readonly problems: string[]) {
    super(
      `this database cannot be adopted as it is (nothing was changed):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "AdoptionRefused";
  }
}

/** drizzle-orm 0.45's own bookkeeping table, exactly as its migrators create it. */
function bookkeeping(dialect: Dialect, plan: AdoptionPlan): { sql: string; args?: unknown[] }[] {
  if (dialect === "mysql") {
    return [
      {
        sql: "create table if not exists `__drizzle_migrations` (\n\t\t\t\tid serial primary key,\n\t\t\t\thash text not null,\n\t\t\t\tcreated_at bigint\n\t\t\t)",
      },
      ...plan.adopted.map((m) => ({
        sql: "insert into `__drizzle_migrations` (`hash`, `created_at`) values(?, ?)",
        args: [m.hash, m.folderMillis],
      })),
    ];
  }
  return [
    {
      sql: 'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (\n\t\t\tid SERIAL PRIMARY KEY,\n\t\t\thash text NOT NULL,\n\t\t\tcreated_at numeric\n\t\t)',
    },
    ...plan.adopted.map((m) => ({
      sql: 'INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES(?, ?)',
      args: [m.hash, m.folderMillis],
    })),
  ];
}

/**
 * Applies a plan without problems. SQLite: additions and bookkeeping in one transaction.
 * MySQL (DDL commits implicitly): additions one by one, then the bookkeeping; if this stops
 * midway, the next run plans again from what is there (additions made are then found present)
 * and finishes — the history is written last, so the database still reads as "to adopt".
 */
export async function applyAdoption(
  raw: RawSql,
  plan: AdoptionPlan,
  onProgress?: (done: number, total: number, sql: string) => void,
): Promise<void> {
  if (plan.problems.length) throw new AdoptionRefused(plan.problems);
  const additions = plan.statements.map((sql) => ({ sql }));
  if (raw.dialect === "sqlite") {
    await raw.batch([...additions, ...bookkeeping("sqlite", plan)]);
    onProgress?.(additions.length, additions.length, "");
    return;
  }
  for (const [i, s] of additions.entries()) {
    onProgress?.(i, additions.length, s.sql);
    await raw.run(s.sql);
  }
  const [create, ...inserts] = bookkeeping("mysql", plan);
  await raw.run(create.sql);
  // The table is empty here (a database with history is not adopted): all rows or none.
  await raw.batch(inserts);
  onProgress?.(additions.length, additions.length, "");
}

/** The plan as text, for `adopt --dry-run` and the start log. */
export function describePlan(plan: AdoptionPlan): string {
  const out: string[] = [];
  const list = (title: string, items: string[]) => {
    out.push(`${title}: ${items.length ? "" : "none"}`);
    for (const i of items) out.push(`  ${i}`);
  };
  list(`tables matched (${plan.matchedTables.length})`, plan.matchedTables);
  list("tables kept as they are (not ours)", plan.untouchedTables);
  list("tables to create", plan.createTables);
  list(
    "columns to add",
    plan.addColumns.map((c) => `${c.table}.${c.column}`),
  );
  list(
    "indexes to add",
    plan.addIndexes.map((i) => `${i.table}: ${i.unique ? "unique " : ""}${i.name} (${i.columns.join(", ")})`),
  );
  list("notes (compatible differences)", plan.notes);
  list("mismatches (stop the adoption)", plan.problems);
  out.push(
    `migrations recorded as applied: ${plan.adopted.map((m) => m.tag).join(", ") || "none"}` +
      (plan.pending.length ? `; applied afterwards by the migrator: ${plan.pending.join(", ")}` : ""),
  );
  return out.join("\n");
}
