import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { upgradeWebSocket } from "hono/bun";
import type { Settings } from "@/config";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createPasswordHasher } from "@/core/auth/password";
import { createCache } from "@/core/cache";
import type { AppDeps, DocAsset } from "@/core/context";
import { openDatabase } from "@/core/db/client";
import { prepareDatabase } from "@/core/db/prepare";
import type { Logger } from "@/core/log/logger";
import { createLocalStorage } from "@/core/storage/local";
import { s3StorageFromSettings } from "@/core/storage/s3";
import { createBunSystemInfo } from "./bun-system-info";
import { createGeneratorDisk } from "./generator-disk";

const require = createRequire(import.meta.url);

const ASSET_FILES: Record<DocAsset, string> = {
  "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
  "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
  "redoc.standalone.js": "redoc/bundles/redoc.standalone.js",
};

/** Docs assets straight from the installed packages (read once, then kept in memory). */
export function nodeModulesAssets(): AppDeps["docAssets"] {
  const loaded = new Map<DocAsset, Promise<string | null>>();
  return (file) => {
    let text = loaded.get(file);
    if (!text) {
      const [pkg, ...rest] = ASSET_FILES[file].split("/");
      const root = dirname(require.resolve(`${pkg}/package.json`));
      text = Bun.file(join(root, ...rest))
        .text()
        .catch(() => null);
      loaded.set(file, text);
    }
    return text;
  };
}

export interface BunDepsOptions {
  /** Apply migrations and seed an empty database (the server and the CLI's `seed` do). */
  prepare?: boolean;
}

/** Opens everything the Bun server (and the CLI) needs, from settings. */
export async function buildBunDeps(
  settings: Settings,
  logger: Logger,
  { prepare = true }: BunDepsOptions = {},
): Promise<AppDeps> {
  const hasher = createPasswordHasher(nativeArgon2);
  const db = await openDatabase({
    url: settings.DATABASE_URL,
    authToken: settings.DATABASE_AUTH_TOKEN,
    logger,
  });
  let cache: AppDeps["cache"];
  try {
    cache = await createCache(settings);
  } catch (err) {
    await db.close();
    throw err;
  }
  if (prepare) {
    let prepared: Awaited<ReturnType<typeof prepareDatabase>>;
    try {
      // An existing FastapiAdmin database is adopted first (src/core/db/adopt.ts).
      prepared = await prepareDatabase(db, {
        logger,
        seed: {
          environment: settings.ENVIRONMENT,
          adminPassword: settings.ADMIN_PASSWORD || undefined,
          hasher,
          logger,
        },
      });
    } catch (err) {
      await Promise.allSettled([cache.close(), db.close()]);
      throw err;
    }
    const seeded = prepared.seeded ?? { inserted: {} };
    if (prepared.applied > 0) logger.info("migrations applied", { count: prepared.applied });
    const total = Object.values(seeded.inserted).reduce((a, b) => a + b, 0);
    if (total > 0) logger.info("database seeded", { inserted: seeded.inserted });
    if (seeded.generatedAdminPassword) {
      // Printed once, on purpose, outside the JSON log stream: it is never stored in clear.
      console.log(`\n  Generated password for user "admin": ${seeded.generatedAdminPassword}\n`);
    }
  }
  if (settings.STORAGE_DRIVER === "r2") {
    await Promise.allSettled([cache.close(), db.close()]);
    throw new Error("STORAGE_DRIVER=r2 is the Worker's binding; under Bun use s3 with R2's S3 endpoint");
  }
  const storage =
    settings.STORAGE_DRIVER === "s3"
      ? s3StorageFromSettings(settings)
      : createLocalStorage(settings.STORAGE_DIR);
  const systemInfo = createBunSystemInfo({ diskPaths: [settings.STORAGE_DIR, "/"] });
  // List totals are remembered under change tokens in the cache every process shares.
  db.totals.useCache(cache);
  return {
    settings,
    db,
    cache,
    logger,
    hasher,
    storage,
    docAssets: nodeModulesAssets(),
    runtime: "bun",
    systemInfo,
    generatorDisk: createGeneratorDisk(),
    upgradeWebSocket,
  };
}
