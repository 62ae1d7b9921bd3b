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
