import type { Logger as DrizzleLogger } from "drizzle-orm";
import type { Logger } from "../log/logger";

/** SQL text at debug level. Parameters are left out on purpose: they carry password hashes. */
export function drizzleLogger(logger: Logger): DrizzleLogger {
  return { logQuery: (query) => logger.debug("sql", { query }) };
}
