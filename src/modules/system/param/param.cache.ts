import { getJson, setJson } from "@/core/cache/cache";
import type { AppDeps } from "@/core/context";
import { listParams, paramByKey } from "./param.repo";
import type { ParamRow } from "./param.schema";

/*
 * `system_config:{config_key}` holds one parameter as JSON (contract §8); `system_config_index`
 * lists the keys the public read serves, in id order, so an entry dropped from outside (cache
 * monitor, eviction) is noticed and rebuilt rather than silently left out. Both are built on a
 * miss and dropped after every committed write.
 *
 * A read that loaded rows just before a write committed could store them after the write
 * dropped the keys. Writers therefore bump `system_config_version` first, and a reader that sees
 * the version move while it built entries drops what it stored. The TTL only bounds edits made
 * outside the app.
 */

export const PARAM_CACHE_TTL_SECONDS = 3600;

export const paramCacheKey = (configKey: string) => `system_config:${configKey}`;

/** Outside the `system_config:` namespace so cache listings show only parameters. */
export const PARAM_INDEX_KEY = "system_config_index";
const VERSION_KEY = "system_config_version";

/** Stores entries built from the database, unless a write committed while they were built. */
async function store(deps: AppDeps, version: string | null, entries: [string, unknown][]): Promise<void> {
  const { cache } = deps;
  await Promise.all(entries.map(([key, value]) => setJson(cache, key, value, PARAM_CACHE_TTL_SECONDS)));
  if ((await cache.get(VERSION_KEY)) !== version) await cache.del(...entries.map(([key]) => key));
}

/**
 * One parameter by key, from the cache. An absent key is remembered as JSON `null`: only code
 * asks by key here (never a client-chosen path), so this cannot be used to fill the cache.
 */
export async function cachedParam(deps: AppDeps, configKey: string): Promise<ParamRow | null> {
  const key = paramCacheKey(configKey);
  const raw = await deps.cache.get(key);
  if (raw !== null && raw !== "") {
    try {
      const value = JSON.parse(raw) as ParamRow | null;
      if (value === null || (typeof value === "object" && value.config_key === configKey)) return value;
    } catch {
      // unreadable entry: rebuilt below
    }
  }
  const version = await deps.cache.get(VERSION_KEY);
  const row = (await paramByKey(deps.db.orm, deps.db, configKey)) ?? null;
  await store(deps, version, [[key, row]]);
  return row;
}

/** Every parameter in id order, from the cache (what `GET /system/param/info` serves). */
export async function cachedParams(deps: AppDeps): Promise<ParamRow[]> {
  const index = await getJson<string[]>(deps.cache, PARAM_INDEX_KEY);
  if (Array.isArray(index)) {
    const rows = await Promise.all([...new Set(index)].map((k) => cachedParam(deps, k)));
    return rows.filter((r): r is ParamRow => r !== null);
  }
  const version = await deps.cache.get(VERSION_KEY);
  const seen = new Set<string>();
  const rows = (await listParams(deps.db)).filter((r) => {
    if (seen.has(r.config_key)) return false;
    seen.add(r.config_key);
    return true;
  });
  await store(deps, version, [
    ...rows.map((r): [string, unknown] => [paramCacheKey(r.config_key), r]),
    [PARAM_INDEX_KEY, rows.map((r) => r.config_key)],
  ]);
  return rows;
}

/** Drops these parameters' entries and the index (call after the write has committed). */
export async function forgetParams(deps: AppDeps, configKeys: Iterable<string>): Promise<void> {
  await deps.cache.incr(VERSION_KEY);
  await deps.cache.del(PARAM_INDEX_KEY, ...[...new Set(configKeys)].map(paramCacheKey));
}
