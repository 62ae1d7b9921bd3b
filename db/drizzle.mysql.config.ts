import { defineConfig } from "drizzle-kit";

// `generate` only: applying migrations is the app's job (`bun run cli migrate`, or at start-up).
export default defineConfig({
  dialect: "mysql",
  schema: "./db/schema.mysql.ts",
  out: "./db/migrations/mysql",
  strict: true,
  verbose: false,
});
