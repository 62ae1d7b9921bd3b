import { sql } from "drizzle-orm";
import type { Database } from "./database";

function isMissingTable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === "object" && depth < 8; depth++) {
    const { errno, message, cause } = e as { errno?: unknown; message?: unknown; cause?: unknown };
    if (errno === 1146 || /no such table/i.test(String(message))) return true;
    e = cause;
  }
  return false;
}

/** How many migrations drizzle has recorded as applied (0 on a database never migrated). */
export async function appliedMigrationCount(db: Database): Promise<number> {
  try {
    const [row] = await db.orm.select({ n: sql<number>`count(*)` }).from(sql`__drizzle_migrations`);
    return Number(row?.n ?? 0);
  } catch (err) {
    if (isMissingTable(err)) return 0;
    throw err;
  }
}
