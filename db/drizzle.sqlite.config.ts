import { defineConfig } from "drizzle-kit";

// `generate` only: applying migrations is the app's job (`bun run cli migrate`, or at start-up).
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.sqlite.ts",
  out: "./db/migrations/sqlite",
  strict: true,
  verbose: false,
});
