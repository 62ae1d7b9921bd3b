import { asc, inArray, lt } from "drizzle-orm";
import { formatDateTime } from "@/core/http/datetime";
import type { Job } from "./job";

/** Rows per DELETE: small enough for short write locks, and for MySQL's and SQLite's limits. */
const BATCH_SIZE = 1000;
/** Batches per run; a backlog larger than this is worked off over the next runs. */
const MAX_BATCHES = 50;

/**
 * Deletes login/operation log rows older than LOG_RETENTION_DAYS. Hourly and in batches, so a
 * large backlog never holds the database (or one Worker invocation) for long.
 */
export const logRetentionJob: Job = {
  name: "log-retention",
  cron: "17 * * * *",
  async run(deps, tick) {
    const { db, settings } = deps;
    const { sys_log } = db.t;
    // `created_time` is local wall-clock text (datetime.ts); the cutoff is written the same way.
    const cutoff = formatDateTime(new Date(tick.getTime() - settings.LOG_RETENTION_DAYS * 86_400_000));
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      // Ids first, then DELETE … IN: MySQL refuses LIMIT inside an IN subquery.
      const rows = await db.orm
        .select({ id: sys_log.id })
        .from(sys_log)
        .where(lt(sys_log.created_time, cutoff))
        .orderBy(asc(sys_log.id))
        .limit(BATCH_SIZE);
      if (rows.length === 0) return { deleted, cutoff, more: false };
      await db.orm.delete(sys_log).where(
        inArray(
          sys_log.id,
          rows.map((r) => r.id),
        ),
      );
      deleted += rows.length;
      if (rows.length < BATCH_SIZE) return { deleted, cutoff, more: false };
    }
    return { deleted, cutoff, more: true };
  },
};
