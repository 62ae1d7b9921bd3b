import type { Logger as DrizzleLogger } from "drizzle-orm";
import type { Logger } from "@/core/log/logger";

/**
 * Sees every statement the query builder runs, with its parameters (tests: counting statements
 * per request, checking each statement's plan). Never wired to a log: parameters carry hashes.
 */
export type QueryObserver = (query: string, params: unknown[]) => void;

/**
 * SQL text at debug level (parameters are left out on purpose: they carry password hashes), and
 * the statement to `observe` when given; undefined when there is neither.
 */
export function drizzleLogger(logger?: Logger, observe?: QueryObserver): DrizzleLogger | undefined {
  if (!logger && !observe) return undefined;
  return {
    logQuery(query, params) {
      logger?.debug("sql", { query });
      observe?.(query, params);
    },
  };
}
