import type { Cache } from "@/core/cache/cache";
import { createMemoryCache } from "@/core/cache/memory";
import { createRedisCache } from "@/core/cache/redis";

/** Deletes every key the cache can see (its whole prefix), in batches. */
export async function clearCache(cache: Cache): Promise<void> {
  const keys = await cache.keys("");
  for (let i = 0; i < keys.length; i += 500) await cache.del(...keys.slice(i, i + 500));
}

/**
 * The cache for an integration test: in-memory by default; with TEST_REDIS_URL set, the real Redis
 * under a prefix of its own, so test files can share one Redis without seeing each other's keys.
 */
export async function createTestCache(): Promise<{ cache: Cache; cleanup(): Promise<void> }> {
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!redisUrl) {
    const cache = createMemoryCache();
    return { cache, cleanup: () => cache.close() };
  }
  const cache = await createRedisCache({ url: redisUrl, prefix: `test:${crypto.randomUUID()}:` });
  return {
    cache,
    async cleanup() {
      try {
        await clearCache(cache);
      } finally {
        await cache.close();
      }
    },
  };
}

/** Why Redis at `url` cannot be used (the message), or null when it accepts a connection. */
export async function redisUnavailable(url: string): Promise<string | null> {
  try {
    const cache = await createRedisCache({ url, connectTimeoutMs: 2000 });
    await cache.close();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
