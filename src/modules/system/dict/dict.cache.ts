import { getJson, setJson } from "@/core/cache/cache";
import type { AppDeps } from "@/core/context";
import { enabledItemsOf, typeByCode } from "./dict.repo";
import type { DictDataRow } from "./dict.schema";

/*
 * `system_dict:{dict_type}` holds the JSON array the public dictionary read serves (contract §8).
 * Entries are built on a miss and dropped after every committed write that could change them.
 *
 * A read that loaded the rows just before a write committed could store them after the write
 * dropped the key. Writers therefore bump `system_dict_version` before dropping keys, and a
 * reader that sees the version move while it built an entry drops what it stored. The TTL only
 * bounds edits made outside the app.
 */

export const DICT_CACHE_TTL_SECONDS = 3600;

export const dictCacheKey = (dictType: string) => `system_dict:${dictType}`;

/** Outside the `system_dict:` namespace, so cache listings show only dictionary types. */
const VERSION_KEY = "system_dict_version";

/**
 * The enabled items of a dictionary type ordered by `dict_sort`; `[]` while the type itself is
 * disabled; null for an unknown type (never cached, so arbitrary public paths add no keys).
 */
export async function cachedDictItems(deps: AppDeps, dictType: string): Promise<DictDataRow[] | null> {
  const { cache, db } = deps;
  const key = dictCacheKey(dictType);
  const cached = await getJson<DictDataRow[]>(cache, key);
  if (Array.isArray(cached)) return cached;
  const version = await cache.get(VERSION_KEY);
  const type = await typeByCode(db, dictType);
  if (!type) return null;
  const items = type.status === "0" ? await enabledItemsOf(db, type.id) : [];
  await setJson(cache, key, items, DICT_CACHE_TTL_SECONDS);
  if ((await cache.get(VERSION_KEY)) !== version) await cache.del(key);
  return items;
}

/** Drops the cached items of these type codes (call after the write has committed). */
export async function forgetDictTypes(deps: AppDeps, dictTypes: Iterable<string>): Promise<void> {
  const keys = [...new Set(dictTypes)].map(dictCacheKey);
  await deps.cache.incr(VERSION_KEY);
  if (keys.length) await deps.cache.del(...keys);
}
