/**
 * `bun run cli <verb> [args]`: operator tasks against the database named by the settings
 * (DATABASE_URL etc., from the environment; Bun reads `.env` itself).
 */

import { asc, eq, gt } from "drizzle-orm";
import { createApp } from "@/app";
import { type Settings, SettingsError } from "@/config";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createPasswordHasher } from "@/core/auth/password";
import { weakPasswordReason } from "@/core/auth/password-policy";
import { createSessionStore } from "@/core/auth/sessions";
import { type Cache, createCache } from "@/core/cache";
import { AdoptionRefused, applyAdoption, databaseState, describePlan, planAdoption } from "@/core/db/adopt";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { readMigrations } from "@/core/db/migration-files";
import { appliedMigrationCount } from "@/core/db/migrations";
import {
  DatabaseStepError,
  describeDriverError,
  type PrepareResult,
  prepareDatabase,
} from "@/core/db/prepare";
import { randomPassword } from "@/core/db/seed";
import { buildOpenApiDocument, publicServerUrl } from "@/core/docs/docs";
import { createLogger } from "@/core/log/logger";
import { redactLoggedText } from "@/core/log/redact";
import { serverCacheDriver } from "@/entry/cluster";
import { loadBunSettings } from "@/entry/secret-key";
import { createLockout } from "@/modules/system/auth/auth.lockout";
import { lockoutAccountsOf } from "@/modules/system/auth/auth.service";

/** A wrong invocation: print the verb's usage, exit 2. */
export class UsageError extends Error {}

export interface Verb {
  summary: string;
  /** Synopsis and options, printed by `help <verb>` and `<verb> --help`. */
  usage: string;
  /** Returns the exit code (0 when omitted). */
  run(args: string[]): Promise<number | undefined>;
}

interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** `--name value`, `--name=value` and bare `--switch`; `valued` lists the flags that take a value. */
export function parseArgs(args: string[], valued: string[] = [], switches: string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--") || arg === "--") {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (valued.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (switches.includes(name) && inline === undefined) {
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, flags };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.protocol === "file:" ? url : u.toString();
  } catch {
    return url;
  }
}

function settings(): Settings {
  return loadBunSettings(process.env);
}

async function withDatabase<T>(s: Settings, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({
    url: s.DATABASE_URL,
    authToken: s.DATABASE_AUTH_TOKEN || undefined,
    logger: createLogger("warn"),
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** What `prepareDatabase` did, for the operator: adoption first, then the migrator. */
function reportPrepared(result: PrepareResult) {
  if (result.adoption) {
    const a = result.adoption;
    console.log(
      `adopted an existing FastapiAdmin database: ${a.matchedTables.length} table(s) matched, ` +
        `${a.createTables.length} created, ${a.addColumns.length} column(s) and ${a.addIndexes.length} index(es) added, ` +
        `recorded as applied: ${a.adopted.map((m) => m.tag).join(", ")}`,
    );
  }
}

async function readStdin(): Promise<string> {
  return (await new Response(Bun.stdin.stream()).text()).replace(/\r?\n$/, "");
}

export const verbs: Record<string, Verb> = {
  migrate: {
    summary: "apply pending database migrations",
    usage:
      "migrate\n\n  Applies the migrations in db/migrations/<sqlite|mysql> that DATABASE_URL has not seen yet.\n" +
      "  An existing FastapiAdmin v3.0 database (its tables, no history of ours) is adopted first,\n" +
      "  as `adopt` does; a mismatch stops it with nothing changed (exit 1).",
    async run(args) {
      parseArgs(args);
      const s = settings();
      await withDatabase(s, async (db) => {
        const result = await prepareDatabase(db, { logger: createLogger("warn") });
        reportPrepared(result);
        const applied = result.applied;
        const total = await appliedMigrationCount(db);
        console.log(
          `${redactUrl(s.DATABASE_URL)} (${db.dialect}): applied ${applied} migration(s), ${total} in total`,
        );
      });
      return 0;
    },
  },

  seed: {
    summary: "apply pending migrations, then fill empty tables with the initial data",
    usage:
      "seed\n\n" +
      "  Seeds every table that is still empty (tenant, menus, params, dept, role, dicts, users).\n" +
      "  Tables that already have rows are left alone, so running it twice is harmless.\n" +
      "  With ENVIRONMENT=prod the users get random passwords; admin's is ADMIN_PASSWORD, or a\n" +
      "  generated one printed once here. Elsewhere the demo password 123456 is kept.",
    async run(args) {
      parseArgs(args);
      const s = settings();
      await withDatabase(s, async (db) => {
        const prepared = await prepareDatabase(db, {
          seed: {
            environment: s.ENVIRONMENT,
            adminPassword: s.ADMIN_PASSWORD || undefined,
            hasher: createPasswordHasher(nativeArgon2),
          },
        });
        reportPrepared(prepared);
        if (prepared.applied) console.log(`applied ${prepared.applied} migration(s)`);
        const result = prepared.seeded ?? { inserted: {} };
        const width = Math.max(...Object.keys(result.inserted).map((k) => k.length));
        console.log(`seeded ${redactUrl(s.DATABASE_URL)} (${db.dialect}):`);
        for (const [table, n] of Object.entries(result.inserted)) {
          console.log(`  ${table.padEnd(width)}  ${n === 0 ? "- (not empty, skipped)" : `${n} row(s)`}`);
        }
        if (result.generatedAdminPassword) {
          console.log(`\ngenerated password for "admin" (shown only now): ${result.generatedAdminPassword}`);
        }
      });
      return 0;
    },
  },

  "reset-password": {
    summary: "set a user's password (argon2id)",
    usage:
      "reset-password USERNAME [--password PASSWORD | --password -]\n\n" +
      "  Without --password a random 20-character password is generated and printed.\n" +
      "  `--password -` reads it from standard input (keeps it out of the shell history).\n" +
      "  Passwords must be 8 to 128 characters and not a common or guessable one (the product's\n" +
      "  or the account's name plus a few characters). The user's sessions end (with a shared cache).",
    async run(args) {
      const { positional, flags } = parseArgs(args, ["password"]);
      if (positional.length !== 1) throw new UsageError("give exactly one USERNAME");
      const [username] = positional;
      const given = flags.get("password");
      const password =
        given === undefined ? randomPassword(20) : given === "-" ? await readStdin() : String(given);
      if (password.length < 8 || password.length > 128)
        throw new UsageError("the password must be 8 to 128 characters");
      const weak = weakPasswordReason(password, { username });
      if (weak) throw new UsageError(`the password is too common or guessable: ${weak}`);
      const hash = await createPasswordHasher(nativeArgon2).hash(password);
      const s = settings();
      return withDatabase(s, async (db) => {
        const { sys_user } = db.t;
        const [user] = await db.orm
          .select({ id: sys_user.id, is_deleted: sys_user.is_deleted })
          .from(sys_user)
          .where(eq(sys_user.username, username));
        if (!user || user.is_deleted) {
          console.error(`no user named "${username}"`);
          return 1;
        }
        await db.orm.update(sys_user).set({ password: hash }).where(eq(sys_user.id, user.id));
        console.log(`password of "${username}" (id ${user.id}) updated`);
        const ended = await withCache(s, (cache) => createSessionStore(cache, s).endAllOf(user.id));
        console.log(ended === null ? MEMORY_CACHE_NOTE : `${ended} session(s) of "${username}" ended`);
        if (given === undefined) console.log(`new password (shown only now): ${password}`);
        return 0;
      });
    },
  },
};

const MEMORY_CACHE_NOTE =
  "CACHE_DRIVER=memory keeps sessions and lockouts inside the server process: restart the server to end them.";

/** Runs `fn` with the configured cache; null when the cache is the server's private memory. */
async function withCache<T>(s: Settings, fn: (cache: Cache) => Promise<T>): Promise<T | null> {
  // WORKERS > 1 turns the memory cache into the shared file: reach the store the server uses.
  const driver = serverCacheDriver(s);
  if (driver === "memory") return null;
  const cache = await createCache({ ...s, CACHE_DRIVER: driver });
  try {
    return await fn(cache);
  } finally {
    await cache.close();
  }
}

Object.assign(verbs, {
  unlock: {
    summary: "lift a login lockout",
    usage: "unlock USERNAME\n\n  Clears the account's failed-login counter, lock and back-off level.",
    async run(args: string[]) {
      const { positional } = parseArgs(args);
      if (positional.length !== 1) throw new UsageError("give exactly one USERNAME");
      const s = settings();
      // Locks are kept by user id (and by the name for unknown users): look the id up.
      const unlocked = await withCache(s, (cache) =>
        withDatabase(s, async (db) =>
          createLockout({ cache, settings: s }).unlock(...(await lockoutAccountsOf({ db }, positional[0]))),
        ),
      );
      console.log(
        unlocked === null ? MEMORY_CACHE_NOTE : unlocked ? `"${positional[0]}" unlocked` : "no lock found",
      );
      return 0;
    },
  },
  "export-openapi": {
    summary: "write the OpenAPI document to a file",
    usage:
      "export-openapi FILE\n\n  Writes the document served at /api/v1/openapi.json (no database needed).",
    async run(args: string[]) {
      const { positional } = parseArgs(args);
      if (positional.length !== 1) throw new UsageError("give exactly one FILE");
      const doc = await openApiDocument();
      await Bun.write(positional[0], `${JSON.stringify(doc, null, 2)}\n`);
      const count = Object.values(doc.paths as Record<string, object>).reduce(
        (n, ops) => n + Object.keys(ops).length,
        0,
      );
      console.log(`wrote ${positional[0]}: ${count} operations`);
      return 0;
    },
  },
} satisfies Record<string, Verb>);

/** Asks on the terminal; false when there is no terminal to ask on. */
function confirm(question: string): boolean {
  if (!process.stdin.isTTY) return false;
  const answer = prompt(`${question} [y/N]`);
  return /^y(es)?$/i.test(answer?.trim() ?? "");
}

const LOG_BATCH = 500;

Object.assign(verbs, {
  adopt: {
    summary: "start on an existing FastapiAdmin v3.0 database (plan with --dry-run)",
    usage:
      "adopt [--dry-run]\n\n" +
      "  Compares every table, column and index our migrations create with the FastapiAdmin\n" +
      "  database DATABASE_URL names, adds only what is missing (indexes, tables, columns), and\n" +
      "  records our migrations as applied. Nothing is dropped, renamed or rewritten; no row changes.\n" +
      "  --dry-run prints what was found and what would be done, and changes nothing.\n" +
      "  Exit 1 when a mismatch stops it (the database is then left as it was).\n" +
      "  `bun run start` and `migrate` do the same on their own; back the database up first.",
    async run(args: string[]) {
      const { flags } = parseArgs(args, [], ["dry-run"]);
      const dryRun = flags.has("dry-run");
      const s = settings();
      return withDatabase(s, async (db) => {
        const migrations = readMigrations(db.dialect);
        const state = await databaseState(db.raw, migrations);
        const where = `${redactUrl(s.DATABASE_URL)} (${db.dialect})`;
        if (state.kind === "migrated") {
          console.log(
            `${where} already has our migration history (${state.applied} applied): nothing to adopt`,
          );
          return 0;
        }
        if (state.kind === "empty") {
          console.log(
            `${where} holds no FastapiAdmin tables: nothing to adopt (\`migrate\` creates the schema)`,
          );
          return 0;
        }
        console.log(
          `${where}: ${state.tables.length} FastapiAdmin table(s) and no migration history of ours\n`,
        );
        const plan = await planAdoption(db.raw, migrations);
        console.log(describePlan(plan));
        if (plan.problems.length) {
          console.error(
            `\n${plan.problems.length} mismatch(es): this database cannot be adopted as it is. Nothing was changed.`,
          );
          return 1;
        }
        if (dryRun) {
          console.log(`\ndry run: nothing was changed (${plan.statements.length} statement(s) would run)`);
          return 0;
        }
        await applyAdoption(db.raw, plan, (done, total, sql) => {
          if (sql) console.log(`  [${done + 1}/${total}] ${sql.split("\n")[0]}`);
        });
        const before = await appliedMigrationCount(db);
        await db.migrate();
        const applied = (await appliedMigrationCount(db)) - before;
        console.log(
          `\nadopted: ${plan.statements.length} statement(s) run, ${plan.adopted.length} migration(s) recorded` +
            (applied ? `, ${applied} more applied` : ""),
        );
        return 0;
      });
    },
  },
  "scrub-logs": {
    summary: "redact secrets stored in clear in the login/operation log (upstream's rows)",
    usage:
      "scrub-logs [--yes]\n\n" +
      "  FastapiAdmin logged request bodies and responses as they came (passwords, tokens). The\n" +
      "  app already hides them when the log is read; this rewrites the stored text of sys_log\n" +
      "  (request_payload, response_json) with the secrets replaced, in place. It counts first and\n" +
      "  asks before changing anything; --yes skips the question (needed without a terminal).\n" +
      "  Exit 1 when not confirmed.",
    async run(args: string[]) {
      const { flags } = parseArgs(args, [], ["yes"]);
      const s = settings();
      return withDatabase(s, async (db) => {
        const { sys_log } = db.t;
        const scan = async (apply: boolean) => {
          let lastId = 0;
          let seen = 0;
          let changed = 0;
          for (;;) {
            const rows = await db.orm
              .select({
                id: sys_log.id,
                request_payload: sys_log.request_payload,
                response_json: sys_log.response_json,
              })
              .from(sys_log)
              .where(gt(sys_log.id, lastId))
              .orderBy(asc(sys_log.id))
              .limit(LOG_BATCH);
            if (!rows.length) break;
            lastId = rows[rows.length - 1].id;
            seen += rows.length;
            const updates = rows.flatMap((r) => {
              const request_payload = redactLoggedText(r.request_payload);
              const response_json = redactLoggedText(r.response_json);
              return request_payload !== r.request_payload || response_json !== r.response_json
                ? [{ id: r.id, request_payload, response_json }]
                : [];
            });
            changed += updates.length;
            if (apply && updates.length) {
              await db.transaction(async (tx) => {
                for (const u of updates) {
                  await tx
                    .update(sys_log)
                    .set({ request_payload: u.request_payload, response_json: u.response_json })
                    .where(eq(sys_log.id, u.id));
                }
              });
              console.log(`  scrubbed ${changed} entr(ies) so far (${seen} read)`);
            }
          }
          return { seen, changed };
        };
        const found = await scan(false);
        console.log(`${found.changed} of ${found.seen} log entr(ies) hold secrets in clear`);
        if (found.changed === 0) return 0;
        if (!flags.has("yes") && !confirm(`rewrite those ${found.changed} entr(ies) in place?`)) {
          console.error("not confirmed: nothing was changed (pass --yes to confirm without a terminal)");
          return 1;
        }
        const done = await scan(true);
        console.log(`done: ${done.changed} log entr(ies) redacted`);
        return 0;
      });
    },
  },
} satisfies Record<string, Verb>);

/** The app's OpenAPI document, built without opening the database or the cache. */
async function openApiDocument(): Promise<{ paths: Record<string, object> }> {
  // Building the document touches none of these.
  const unused = {} as never;
  const settings = loadBunSettings({ ...process.env, CACHE_DRIVER: "memory" });
  const app = createApp({
    settings,
    db: unused,
    cache: unused,
    storage: unused,
    hasher: createPasswordHasher(nativeArgon2),
    logger: createLogger("error"),
    docAssets: async () => null,
    runtime: "bun",
  });
  const origin = `http://${settings.SERVER_HOST}:${settings.SERVER_PORT}`;
  return buildOpenApiDocument(app, publicServerUrl(settings, origin)) as { paths: Record<string, object> };
}

function printOverview() {
  const width = Math.max(...Object.keys(verbs).map((v) => v.length));
  console.log("usage: bun run cli <verb> [args]   (bun run cli help <verb> for details)\n\nverbs:");
  for (const [name, verb] of Object.entries(verbs)) console.log(`  ${name.padEnd(width)}  ${verb.summary}`);
  console.log(`  ${"help".padEnd(width)}  show this list, or one verb's usage`);
}

function printUsage(name: string) {
  console.log(`usage: bun run cli ${verbs[name].usage}`);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic && !verbs[topic]) {
      console.error(`unknown verb "${topic}"`);
      printOverview();
      return 2;
    }
    if (topic) printUsage(topic);
    else printOverview();
    return name ? 0 : 2;
  }
  const verb = verbs[name];
  if (!verb) {
    console.error(`unknown verb "${name}"\n`);
    printOverview();
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    printUsage(name);
    return 0;
  }
  try {
    return (await verb.run(rest)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${name}: ${err.message}\n`);
      printUsage(name);
      return 2;
    }
    if (err instanceof SettingsError) {
      console.error(err.message);
      return 2;
    }
    if (err instanceof DatabaseStepError && err.cause instanceof AdoptionRefused) {
      console.error(`${name} failed: ${err.cause.message}`);
      return 1;
    }
    // Driver messages can embed SQL parameters (drizzle adds them): the driver's cause only.
    console.error(`${name} failed: ${describeDriverError(err)}`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
