import type { AppDeps } from "@/core/context";
import { notFound } from "@/core/http/errors";
import { CACHE_FAMILIES, type CacheFamily, familyNamed } from "./cache.families";

/*
 * The cache monitor (contract §4.1) over our Cache interface, whichever driver. Unlike upstream it
 * works on the app's key families only, by exact key (no `KEYS` patterns, no suffix match across
 * every name), and never shows a secret: session refresh ids, captcha answers and keys that are
 * credentials themselves stay hidden.
 */

/** Fields the SPA's cache page reads from `info`; null when the driver cannot tell. */
const SPA_FIELDS = [
  "redis_version",
  "redis_mode",
  "tcp_port",
  "connected_clients",
  "uptime_in_days",
  "used_memory_human",
  "used_cpu_user_children",
  "maxmemory_human",
  "aof_enabled",
  "rdb_last_bgsave_status",
  "instantaneous_input_kbps",
  "instantaneous_output_kbps",
];

/** Server paths are no business of the browser. */
const HIDDEN_FIELDS = new Set(["executable", "config_file"]);

const MASK = "******";
const SHOWN_KEY_CHARS = 6;

function humanMemory(bytes: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(2)}${units[unit]}`;
}

/** `keys=1,expires=0,avg_ttl=0` → an object (numbers where numeric), as redis-py parses it. */
function parsePairs(value: string): Record<string, string | number> | null {
  if (!/^[\w-]+=[^,]*(,[\w-]+=[^,]*)*$/.test(value)) return null;
  return Object.fromEntries(
    value.split(",").map((pair) => {
      const [k, v = ""] = pair.split("=");
      return [k, v !== "" && Number.isFinite(Number(v)) ? Number(v) : v];
    }),
  );
}

/**
 * `{command_stats, db_size, info}`. Scalar `info` values stay strings (upstream turned them into
 * numbers, so the SPA's `aof_enabled === "0"` never matched and versions could become floats);
 * `dbN`-style lists become objects as before.
 */
export async function cacheInfo(deps: AppDeps) {
  const { cache } = deps;
  let raw: Record<string, string> = {};
  try {
    raw = cache.info ? await cache.info() : {};
  } catch (err) {
    // e.g. INFO refused by an ACL: the page shows what else is known instead of failing
    deps.logger.warn("reading cache server info failed", { err });
  }
  const info: Record<string, string | null | Record<string, string | number>> = Object.fromEntries(
    SPA_FIELDS.map((f) => [f, null]),
  );
  info.cache_driver = cache.driver;
  const commandStats: { name: string; value: string }[] = [];
  for (const [field, value] of Object.entries(raw)) {
    if (field.startsWith("cmdstat_")) {
      const calls = /(?:^|,)calls=(\d+)/.exec(value)?.[1] ?? "0";
      commandStats.push({ name: field.slice("cmdstat_".length), value: calls });
    } else if (!HIDDEN_FIELDS.has(field)) {
      info[field] = /^db\d+$|^errorstat_/.test(field) ? (parsePairs(value) ?? value) : value;
    }
  }
  if (info.used_memory_human === null && raw.used_memory)
    info.used_memory_human = humanMemory(Number(raw.used_memory));
  // Only our own keys: with a CACHE_PREFIX the server may hold other applications' keys too.
  const dbSize = (await cache.keys("")).length;
  return { command_stats: commandStats, db_size: dbSize, info };
}

export function cacheNames() {
  return CACHE_FAMILIES.map((f) => ({
    cache_key: "",
    cache_name: f.name,
    cache_value: "",
    remark: f.remark,
  }));
}

function requireFamily(name: string): CacheFamily {
  const family = familyNamed(name);
  if (!family) throw notFound("缓存名称不存在");
  return family;
}

const shownKey = (family: CacheFamily, suffix: string) =>
  family.secretKeys ? `${suffix.slice(0, SHOWN_KEY_CHARS)}****` : suffix;

/** The key suffixes of a family as the monitor shows them, sorted. */
async function suffixesOf(deps: AppDeps, family: CacheFamily): Promise<string[]> {
  const prefix = `${family.name}:`;
  return (await deps.cache.keys(prefix)).map((k) => k.slice(prefix.length)).sort();
}

/** The stored suffixes a shown key stands for (a masked key may, in theory, stand for several). */
async function storedSuffixes(deps: AppDeps, family: CacheFamily, shown: string): Promise<string[]> {
  if (!family.secretKeys) return [shown];
  return (await suffixesOf(deps, family)).filter((s) => shownKey(family, s) === shown);
}

export async function cacheKeys(deps: AppDeps, name: string): Promise<string[]> {
  const family = requireFamily(name);
  return (await suffixesOf(deps, family)).map((s) => shownKey(family, s));
}

function presentValue(family: CacheFamily, raw: string | null): string | null {
  if (raw === null) return null;
  if (family.value === "masked") return MASK;
  if (family.value === "session") {
    try {
      const { refresh_id: _hidden, ...session } = JSON.parse(raw) as Record<string, unknown>;
      return JSON.stringify(session);
    } catch {
      return MASK; // not a session we wrote: show nothing rather than risk a secret
    }
  }
  return raw;
}

export async function cacheValue(deps: AppDeps, name: string, key: string) {
  const family = requireFamily(name);
  const [stored] = await storedSuffixes(deps, family, key);
  const raw = stored === undefined ? null : await deps.cache.get(`${family.name}:${stored}`);
  return { cache_key: key, cache_name: family.name, cache_value: presentValue(family, raw), remark: "" };
}

/** Every key of one family (deleting `session` ends every session, the caller's included). */
export async function deleteFamily(deps: AppDeps, name: string): Promise<void> {
  const family = requireFamily(name);
  const keys = await deps.cache.keys(`${family.name}:`);
  for (let i = 0; i < keys.length; i += 500) await deps.cache.del(...keys.slice(i, i + 500));
}

/**
 * The key shown as `key` in whichever family holds it (the SPA sends no family). Exact keys only:
 * upstream deleted every key *ending* in `key`, across all names.
 */
export async function deleteKey(deps: AppDeps, key: string): Promise<void> {
  const keys: string[] = [];
  for (const family of CACHE_FAMILIES) {
    for (const suffix of await storedSuffixes(deps, family, key)) keys.push(`${family.name}:${suffix}`);
  }
  await deps.cache.del(...keys);
}

/**
 * Drops what is only a cache of the database (parameters, dictionaries, permissions), which is
 * rebuilt on the next read. Sessions, login lockouts, rate counters and job locks are state, not
 * cache: upstream's FLUSH logged everyone out and reset the brute-force defences.
 */
export async function deleteAllCaches(deps: AppDeps): Promise<void> {
  for (const family of CACHE_FAMILIES.filter((f) => f.rebuildable)) await deleteFamily(deps, family.name);
}
