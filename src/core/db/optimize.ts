import { type Database, isLibsqlServer } from "./database";

/** Tables whose statistics decide the list plans. */
const LARGE_TABLES = ["sys_user", "sys_log", "sys_user_roles", "sys_user_positions"];

/**
 * Keeps the planner's statistics current. SQLite at open: a full `ANALYZE` when the large tables
 * were never analysed (a new database, a bulk import: ~1.5 s a million rows, once), then
 * `PRAGMA optimize`, which re-analyses the tables that grew or shrank a lot since. MySQL/MariaDB:
 * `ANALYZE TABLE` of the large tables (InnoDB samples pages: quick). A libSQL server: nothing.
 */
export async function optimizeDatabase(db: Database, atOpen = false): Promise<string> {
  // A libSQL server (sqld, Turso) refuses ANALYZE and PRAGMA optimize over its API and keeps the
  // statistics itself: nothing to send.
  if (isLibsqlServer(db)) return "skipped (libSQL server)";
  if (db.dialect === "mysql") {
    await db.raw.all(`ANALYZE TABLE ${LARGE_TABLES.map((t) => `\`${t}\``).join(", ")}`);
    return "analyze table";
  }
  if (atOpen) {
    const hasStats =
      (await db.raw.all("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).length > 0;
    const analysed = hasStats
      ? new Set((await db.raw.all("SELECT DISTINCT tbl FROM sqlite_stat1")).map((r) => String(r.tbl)))
      : new Set<string>();
    if (!LARGE_TABLES.every((t) => analysed.has(t))) {
      await db.raw.run("ANALYZE");
      return "analyze";
    }
  }
  await db.raw.run("PRAGMA optimize");
  return "pragma optimize";
}
