import { createApp } from "@/app";
import { type Settings, testSettings } from "@/config";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createPasswordHasher } from "@/core/auth/password";
import type { AppDeps } from "@/core/context";
import { memoryLogger } from "@/core/log/logger";
import { createMemoryStorage } from "@/core/storage/storage";
import { nodeModulesAssets } from "@/entry/bun-deps";
import { createTestCache } from "./cache";
import { createTestDatabase } from "./db";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  logger: ReturnType<typeof memoryLogger>;
  /** `app.request` with the peer address the Bun entry would pass. */
  request(path: string, init?: RequestInit, clientIp?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh seeded database (libSQL file, or MariaDB with TEST_MYSQL_URL) and a
 * fresh cache (memory, or Redis with TEST_REDIS_URL), as `bun run start` would build it.
 */
export async function createTestApp(
  overrides: Partial<Record<keyof Settings, string>> = {},
  patch: Partial<AppDeps> = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const testCache = await createTestCache();
  const logger = memoryLogger("debug");
  const deps: AppDeps = {
    settings: testSettings(overrides),
    db: database.db,
    cache: testCache.cache,
    logger,
    hasher: createPasswordHasher(nativeArgon2),
    storage: createMemoryStorage(),
    docAssets: nodeModulesAssets(),
    runtime: "bun",
    ...patch,
  };
  deps.db.totals.useCache(deps.cache); // as the entries do
  const app = createApp(deps);
  return {
    app,
    deps,
    logger,
    request: (path, init, clientIp = "127.0.0.1") => Promise.resolve(app.request(path, init, { clientIp })),
    async close() {
      await testCache.cleanup();
      await database.drop();
    },
  };
}

/** Reads a response's envelope. */
export async function body<T = any>(
  res: Response,
): Promise<{
  code: number;
  msg: string;
  data: T;
  status_code: number;
  success: boolean;
}> {
  return (await res.json()) as any;
}
