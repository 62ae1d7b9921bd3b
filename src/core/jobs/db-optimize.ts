import { optimizeDatabase } from "@/core/db/optimize";
import type { Job } from "./job";

/** Every six hours, as SQLite recommends for long-lived connections. */
export const dbOptimizeJob: Job = {
  name: "db-optimize",
  cron: "41 */6 * * *",
  async run(deps) {
    return { done: await optimizeDatabase(deps.db) };
  },
};
