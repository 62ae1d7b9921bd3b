import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Dialect } from "./database";

/** The committed migrations of each dialect (Node/Bun only: read from disk). */
export function migrationsFolder(dialect: Dialect): string {
  return fileURLToPath(new URL(`../../../db/migrations/${dialect}`, import.meta.url));
}

export interface MigrationFile {
  tag: string;
  /** What drizzle's migrator records in `__drizzle_migrations.hash` (sha256 of the file's text). */
  hash: string;
  /** The journal's `when`: drizzle's `created_at`, compared to decide what is still pending. */
  folderMillis: number;
  /** The statements, split at drizzle's breakpoints, trimmed, empty ones left out. */
  statements: string[];
}

/** The migrations in journal order, with exactly the hash and time drizzle's migrator records. */
export function readMigrations(dialect: Dialect, folder = migrationsFolder(dialect)): MigrationFile[] {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  const files = readMigrationFiles({ migrationsFolder: folder });
  return files.map((file, i) => ({
    tag: journal.entries[i].tag,
    hash: file.hash,
    folderMillis: file.folderMillis,
    statements: file.sql.map((s) => s.trim()).filter(Boolean),
  }));
}
