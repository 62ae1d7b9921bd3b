import { generatedTableDdl } from "@db/generated/index";
import type { Logger } from "@/core/log/logger";
import {
  type AdoptionPlan,
  AdoptionRefused,
  applyAdoption,
  type DatabaseState,
  databaseState,
  describePlan,
  planAdoption,
} from "./adopt";
import type { Database } from "./database";
import { type MigrationFile, readMigrations } from "./migration-files";
import { appliedMigrationCount } from "./migrations";
import { optimizeDatabase } from "./optimize";
import { type SeedOptions, type SeedResult, seedDatabase } from "./seed";

/*
 * The start-up use case for the database: find out what it holds, adopt an existing FastapiAdmin
 * database, apply pending migrations, seed empty tables. Each step's failure names the step and
 * the driver's own cause.
 */

export type PrepareStep = "inspect" | "adopt" | "migrate" | "seed";

/** A start-up step failed; the message carries the driver's code and message, never credentials. */
export class DatabaseStepError extends Error {
  constructor(
    readonly step: PrepareStep,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`database ${step} failed: ${reason}`, options);
    this.name = "DatabaseStepError";
  }
}

interface DriverErrorLike {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** `user:password@` in URLs and auth tokens in query strings, masked. */
export function maskCredentials(text: string): string {
  return text
    .replace(/(\/\/[^/\s:@]*):[^@\s/]*@/g, "$1:***@")
    .replace(/((?:authToken|auth_token|password|token)=)[^&\s]+/gi, "$1***");
}

/**
 * The innermost error that has a driver code (drizzle wraps driver errors in "Failed query: …
 * params: …", whose parameters may hold password hashes), as `CODE (errno N): message`, plus the
 * first line of the statement that failed.
 */
export function describeDriverError(err: unknown): string {
  const chain: DriverErrorLike[] = [];
  for (let e = err, i = 0; e && typeof e === "object" && i < 8; e = (e as DriverErrorLike).cause, i++) {
    chain.push(e as DriverErrorLike);
  }
  const innermost = chain.at(-1);
  if (!innermost) return maskCredentials(String(err));
  const driver = [...chain].reverse().find((e) => e.code !== undefined || e.errno !== undefined) ?? innermost;
  const code = driver.code !== undefined ? String(driver.code) : "";
  const errno = driver.errno !== undefined && String(driver.errno) !== code ? ` (errno ${driver.errno})` : "";
  const message = String(driver.message ?? driver).split("\nparams:")[0];
  const failed = chain
    .map((e) => String(e.message ?? ""))
    .find((m) => m.startsWith("Failed query: "))
    ?.slice("Failed query: ".length)
    .split("\n")[0]
    .slice(0, 120);
  const statement = failed && !message.includes(failed) ? ` [statement: ${failed}]` : "";
  return maskCredentials(`${code ? `${code}${errno}: ` : ""}${message}${statement}`);
}

async function step<T>(name: PrepareStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DatabaseStepError) throw err;
    const reason = err instanceof AdoptionRefused ? err.message : describeDriverError(err);
    throw new DatabaseStepError(name, reason, { cause: err });
  }
}

export interface PrepareOptions {
  /** Seed empty tables after migrating (the server's start and `cli seed`); omitted: no seeding. */
  seed?: SeedOptions;
  logger?: Logger;
  /** Only for tests: another set of migration files. */
  migrations?: MigrationFile[];
}

export interface PrepareResult {
  state: DatabaseState;
  /** Set when an existing FastapiAdmin database was adopted. */
  adoption?: AdoptionPlan;
  /** Migrations applied by the migrator in this run. */
  applied: number;
  seeded?: SeedResult;
}

/** Adopts the database when it is an existing FastapiAdmin one; nothing else. Returns the plan. */
export async function adoptIfExisting(
  db: Database,
  opts: { logger?: Logger; migrations?: MigrationFile[]; dryRun?: boolean } = {},
): Promise<{ state: DatabaseState; plan?: AdoptionPlan }> {
  const migrations = opts.migrations ?? readMigrations(db.dialect);
  const state = await step("inspect", () => databaseState(db.raw, migrations));
  if (state.kind !== "existing") return { state };
  const plan = await step("adopt", async () => {
    const plan = await planAdoption(db.raw, migrations);
    if (opts.dryRun) return plan;
    if (plan.problems.length) throw new AdoptionRefused(plan.problems);
    opts.logger?.info("adopting an existing FastapiAdmin database", {
      tables: plan.matchedTables.length,
      create_tables: plan.createTables,
      add_columns: plan.addColumns.map((c) => `${c.table}.${c.column}`),
      add_indexes: plan.addIndexes.map((i) => `${i.table}.${i.name}`),
      notes: plan.notes,
    });
    await applyAdoption(db.raw, plan);
    opts.logger?.info("database adopted", { recorded: plan.adopted.map((m) => m.tag) });
    return plan;
  });
  if (opts.logger && opts.dryRun) opts.logger.info(describePlan(plan));
  return { state, plan };
}

/** Start-up: adopt (when needed), migrate, seed. */
export async function prepareDatabase(db: Database, opts: PrepareOptions = {}): Promise<PrepareResult> {
  const { state, plan } = await adoptIfExisting(db, opts);
  const applied = await step("migrate", async () => {
    const before = await appliedMigrationCount(db);
    await db.migrate();
    // Tables of code-generator modules are not in the migrations: created here when missing.
    for (const ddl of generatedTableDdl) await db.raw.run(ddl[db.dialect]);
    return (await appliedMigrationCount(db)) - before;
  });
  const seedOptions = opts.seed;
  const seeded = seedOptions ? await step("seed", () => seedDatabase(db, seedOptions)) : undefined;
  // Fresh planner statistics (a bulk import, a database analysed never or long ago); best effort.
  await optimizeDatabase(db, true).catch((err) => opts.logger?.warn("database optimize failed", { err }));
  return { state, adoption: plan, applied, seeded };
}
