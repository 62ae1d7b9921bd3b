import type { Settings } from "@/config";
import type { Cache } from "./cache";
import { createMemoryCache } from "./memory";
import { createUpstashCache } from "./upstash";

export type { Cache, CacheLock } from "./cache";
export { getJson, setJson } from "./cache";

type CacheSettings = Pick<
  Settings,
  "CACHE_DRIVER" | "CACHE_PREFIX" | "REDIS_URL" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN"
> &
  Partial<Pick<Settings, "DATABASE_URL">>;

/** The cache named by CACHE_DRIVER; the redis driver connects (and fails) before this resolves. */
export async function createCache(settings: CacheSettings): Promise<Cache> {
  const prefix = settings.CACHE_PREFIX;
  switch (settings.CACHE_DRIVER) {
    case "memory":
      return createMemoryCache({ prefix });
    case "file": {
      // bun:sqlite, loaded on demand like the redis driver. The file sits beside the database.
      const { createFileCache, cacheFileBeside } = await import("./file");
      return createFileCache({ path: cacheFileBeside(settings.DATABASE_URL ?? ""), prefix });
    }
    case "redis": {
      // Loaded only on demand: it imports "bun", which does not exist on Workers.
      const { createRedisCache } = await import("./redis");
      return createRedisCache({ url: settings.REDIS_URL, prefix });
    }
    case "upstash":
      return createUpstashCache({
        url: settings.UPSTASH_REDIS_REST_URL,
        token: settings.UPSTASH_REDIS_REST_TOKEN,
        prefix,
      });
  }
}
