import type { Logger } from "@/core/log/logger";
import type { Database } from "./database";
import type { QueryObserver } from "./query-logger";

export interface OpenDatabaseOptions {
  /** `file:` (default), `libsql:`/`http(s):`/`ws(s):` (libSQL/Turso server) or `mysql://`. */
  url: string;
  /** libSQL server token (ignored for `file:` and MySQL). */
  authToken?: string;
  logger?: Logger;
  /** Sees every statement with its parameters (tests). */
  onQuery?: QueryObserver;
}

const LIBSQL_SCHEMES = ["file:", "libsql:", "http:", "https:", "ws:", "wss:"];

/** Opens the database a URL names. The driver modules are loaded only when used. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const url = opts.url.trim();
  const scheme = /^[a-z0-9+.-]+:/i.exec(url)?.[0].toLowerCase();
  if (scheme === "mysql:" || scheme === "mariadb:") {
    const { openMysqlDatabase } = await import("./mysql");
    return openMysqlDatabase({
      url: scheme === "mariadb:" ? `mysql:${url.slice(scheme.length)}` : url,
      logger: opts.logger,
      onQuery: opts.onQuery,
    });
  }
  if (scheme && LIBSQL_SCHEMES.includes(scheme)) {
    const { openLibsqlDatabase } = await import("./libsql");
    return openLibsqlDatabase({ url, authToken: opts.authToken, logger: opts.logger, onQuery: opts.onQuery });
  }
  throw new Error(
    `unsupported DATABASE_URL scheme "${scheme ?? url}": use file:, libsql:, http(s):, ws(s): or mysql://`,
  );
}
