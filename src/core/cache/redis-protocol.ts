import { type CacheOp, pipelineTtlMs } from "./cache";

/** What the two Redis-speaking drivers (Bun's client, Upstash REST) share. */

// Checking existence inside the script makes "TTL only when created" exact: a key that already
// holds "0" also increments to 1 but must keep its own TTL.
export const INCR_SCRIPT = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local n = redis.call('INCR', KEYS[1])
if created and tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

// Compare-and-delete in one step, so an expired holder cannot delete the next holder's lock.
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Compare-and-set: ARGV = [expect missing ("1"/"0"), expected, next, ttl ms (0: no expiry)].
// A missing key reads as false, which never equals a string.
export const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else redis.call('SET', KEYS[1], ARGV[3]) end
return 1`;

// A pipeline as one script: atomic, one round trip. Command i is KEYS[i] with ARGV[3i-2..3i] =
// name, value, ttl ms (0: none). A missing key's GET is false, which Redis answers as nil.
export const PIPELINE_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local k, name, v, ms = KEYS[i], ARGV[3 * i - 2], ARGV[3 * i - 1], tonumber(ARGV[3 * i])
  local r
  if name == 'get' then r = redis.call('GET', k)
  elseif name == 'set' then
    if ms > 0 then redis.call('SET', k, v, 'PX', ms) else redis.call('SET', k, v) end
    r = 1
  elseif name == 'del' then r = redis.call('DEL', k)
  elseif name == 'incr' then
    local created = redis.call('EXISTS', k) == 0
    r = redis.call('INCR', k)
    if created and ms > 0 then redis.call('PEXPIRE', k, ms) end
  elseif name == 'ttl' then r = redis.call('TTL', k)
  elseif name == 'expire' then r = redis.call('PEXPIRE', k, ms)
  else return redis.error_reply('unknown pipeline command ' .. name) end
  out[i] = r
end
return out`;

/** PIPELINE_SCRIPT's keys and arguments; validates every TTL before anything is sent. */
export function pipelineArgs(ops: readonly CacheOp[], prefix: string): { keys: string[]; args: string[] } {
  const keys: string[] = [];
  const args: string[] = [];
  for (const o of ops) {
    const ms = pipelineTtlMs(o);
    keys.push(prefix + o.key);
    args.push(o.op, o.op === "set" ? o.value : "", String(ms));
  }
  return { keys, args };
}

/** The script's reply as the methods answer: strings or null for get, true for set, booleans for expire. */
export function pipelineResults(ops: readonly CacheOp[], reply: unknown): unknown[] {
  const list = Array.isArray(reply) ? reply : [];
  return ops.map((o, i) => {
    const r = list[i];
    switch (o.op) {
      case "get":
        return r === null || r === undefined || r === false ? null : String(r);
      case "set":
        return true;
      case "expire":
        return Number(r) === 1;
      default:
        return Number(r);
    }
  });
}

/** The CAS_SCRIPT arguments; validates the TTL before anything is sent. */
export function casArgs(expected: string | null, next: string, ttlSeconds?: number): string[] {
  const ms = ttlSeconds === undefined ? 0 : toMs(ttlSeconds);
  return [expected === null ? "1" : "0", expected ?? "", next, String(ms)];
}

/** Rejects what Redis would reject (`SET ... PX 0`); fractional seconds are kept as whole ms. */
export function positiveMs(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`cache TTL must be positive, got ${ms} ms`);
  return Math.ceil(ms);
}

export const toMs = (ttlSeconds: number) => positiveMs(ttlSeconds * 1000);

/** Makes a key prefix literal inside a SCAN MATCH pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** `INFO` text (`# Section` headers, `field:value` lines) as one flat record. */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (line.startsWith("#") || colon <= 0) continue;
    fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}
