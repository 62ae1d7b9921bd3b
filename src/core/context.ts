import type { UpgradeWebSocket } from "hono/ws";
import type { Settings } from "@/config";
import type { PasswordHasher } from "./auth/password";
import type { Principal } from "./auth/principal";
import type { Session } from "./auth/sessions";
import type { Cache } from "./cache/cache";
import type { Database } from "./db/database";
import type { Logger } from "./log/logger";
import type { Storage } from "./storage/storage";

/**
 * Everything a request may need, built by an entry file (Bun server, Worker, test) and handed to
 * `createApp`. Nothing below the entries opens connections or reads the environment itself.
 */
export interface AppDeps {
  settings: Settings;
  db: Database;
  cache: Cache;
  logger: Logger;
  hasher: PasswordHasher;
  storage: Storage;
  /** Reads one of the docs pages' JS/CSS files (served by us, so docs work offline). */
  docAssets: (file: DocAsset) => Promise<string | null>;
  /** What the runtime is; the server monitor and docs adapt to it. */
  runtime: "bun" | "workerd";
  /** Host and process figures for the server monitor; absent where the runtime cannot tell (Workers). */
  systemInfo?: () => Promise<SystemSnapshot>;
  /**
   * Upgrades a request to a WebSocket with this runtime's Hono helper (`hono/bun`,
   * `hono/cloudflare-workers`); modules never import a runtime. Absent: WebSocket routes say so.
   */
  upgradeWebSocket?: UpgradeWebSocket;
  /**
   * The code generator's access to this machine's files (the Bun entry only). Absent, as on
   * Workers: writing generated code to disk is refused; preview and ZIP download still work.
   */
  generatorDisk?: GeneratorDisk;
}

/** Files under one directory, addressed by `/`-separated relative paths that never leave it. */
export interface GeneratorDisk {
  /** The text of `root/path`, or null when there is no such file. */
  read(root: string, path: string): Promise<string | null>;
  /** Writes `root/path`, creating directories; refuses a path that resolves outside `root`. */
  write(root: string, path: string, content: string): Promise<void>;
  /** The working directory: the default root (the project in `bun run dev`). */
  cwd(): string;
}

export type DocAsset = "swagger-ui.css" | "swagger-ui-bundle.js" | "redoc.standalone.js";

/** Raw figures (bytes, percent, epoch ms); null where unknown. */
export interface SystemSnapshot {
  cpu: { count: number | null; user: number | null; system: number | null; idle: number | null };
  memory: { total: number | null; available: number | null };
  host: {
    ip: string | null;
    name: string | null;
    arch: string | null;
    os: string | null;
    cwd: string | null;
  };
  process: {
    name: string | null;
    version: string | null;
    startedAt: number | null;
    executable: string | null;
    rss: number | null;
  };
  disks: { path: string; fsType: string | null; total: number; used: number; free: number }[];
}

/** The authenticated caller, set by the guard (core/auth/guard.ts). */
export interface AuthContext {
  principal: Principal;
  session: Session;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    requestId: string;
    logger: Logger;
    auth?: AuthContext;
    /** set by routes that write their own log entry (login) */
    skipOpLog?: boolean;
  };
};
