import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Logger } from "@/core/log/logger";
import type { Database } from "./database";
import { libsqlDatabase } from "./libsql-remote";
import type { QueryObserver } from "./query-logger";
import { WriteLock } from "./write-lock";

const MIGRATIONS = fileURLToPath(new URL("../../../db/migrations/sqlite", import.meta.url));

/** How long a write waits for another process (e.g. the CLI) holding the file's write lock. */
const BUSY_TIMEOUT_MS = 5000;

/** The filesystem path of a `file:` URL, or null for in-memory databases. */
export function filePathOf(url: string): string | null {
  let rest = url.slice("file:".length).split("?")[0];
  if (rest.startsWith("//")) rest = rest.slice(rest.indexOf("/", 2)); // file://localhost/x, file:///x
  if (rest === "" || rest.startsWith(":memory:")) return null;
  return resolve(decodeURIComponent(rest));
}

/** libSQL: a local `file:` database, or a libSQL/Turso server (`libsql:`, `http(s):`, `ws(s):`). */
export async function openLibsqlDatabase(opts: {
  url: string;
  authToken?: string;
  logger?: Logger;
  onQuery?: QueryObserver;
}): Promise<Database> {
  const { url, logger } = opts;
  const isFile = url.startsWith("file:");
  if (isFile) {
    const path = filePathOf(url);
    if (path) mkdirSync(dirname(path), { recursive: true });
  }
  const raw = createClient({
    url,
    authToken: opts.authToken || undefined,
    // per connection of the local pool: `PRAGMA busy_timeout`
    timeout: isFile ? BUSY_TIMEOUT_MS : undefined,
  });
  const lock = isFile ? new WriteLock() : null;
  const client = lock ? lock.wrap(raw) : raw;
  try {
    if (isFile) {
      // WAL lets reads proceed beside the writer and is persistent in the file. foreign_keys is
      // per connection; libSQL builds default it ON, which the check below relies on for the
      // pool's later connections too.
      await client.execute("PRAGMA journal_mode=WAL");
      await client.execute("PRAGMA foreign_keys=ON");
      const fk = await raw.execute("PRAGMA foreign_keys");
      if (Number(fk.rows[0]?.[0]) !== 1)
        throw new Error("SQLite foreign key enforcement could not be enabled");
    } else {
      await client.execute("SELECT 1");
    }
  } catch (err) {
    raw.close();
    throw err;
  }

  return libsqlDatabase(client, {
    url,
    logger,
    onQuery: opts.onQuery,
    raw,
    runTransaction: lock ? (run) => lock.runTransaction(run) : undefined,
    migrate: (orm) => migrate(orm, { migrationsFolder: MIGRATIONS }),
  });
}
