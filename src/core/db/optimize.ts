import type { Database } from "./database";

/** Rows SQLite samples per index when it (re)analyses: quick on a million rows, good enough for plans. */
const ANALYSIS_LIMIT = 1000;

/** Tables whose size decides list plans on MySQL/MariaDB. */
const LARGE_TABLES = ["sys_user", "sys_log", "sys_user_roles", "sys_user_positions"];

/**
 * Keeps the planner's statistics current. SQLite: `PRAGMA optimize`, which re-analyses only the
 * tables whose size changed a lot since their last analysis (`0x10002` at open: also those never
 * analysed, e.g. after a bulk import). MySQL/MariaDB: `ANALYZE TABLE` of the large tables.
 */
export async function optimizeDatabase(db: Database, atOpen = false): Promise<string> {
  if (db.dialect === "mysql") {
    await db.raw.all(`ANALYZE TABLE ${LARGE_TABLES.map((t) => `\`${t}\``).join(", ")}`);
    return "analyze table";
  }
  await db.raw.run(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}`);
  await db.raw.run(atOpen ? "PRAGMA optimize = 0x10002" : "PRAGMA optimize");
  return "pragma optimize";
}
