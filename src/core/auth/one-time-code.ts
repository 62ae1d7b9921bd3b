import type { Cache } from "@/core/cache/cache";
import { getJson, setJson } from "@/core/cache/cache";

/**
 * Short-lived single-use codes (password recovery), one live code per subject. Only an HMAC of
 * the code is stored; a wrong guess counts, and after `maxAttempts` the code is gone.
 */
export interface OneTimeCodeOptions {
  /** what the codes are for; part of the cache key and of the MAC */
  purpose: string;
  /** key of the MAC (the app's SECRET_KEY) */
  secret: string;
  digits: number;
  ttlSeconds: number;
  maxAttempts: number;
  now?: () => number;
}

interface Stored {
  mac: string;
  expires_at: number;
}

const encoder = new TextEncoder();

/** A uniformly random string of `digits` decimal digits. */
export function randomDigits(digits: number): string {
  let out = "";
  while (out.length < digits) {
    for (const byte of crypto.getRandomValues(new Uint8Array(digits * 2))) {
      // 250 = 25 × 10: rejecting 250..255 keeps every digit equally likely
      if (byte < 250 && out.length < digits) out += String(byte % 10);
    }
  }
  return out;
}

function equalText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function createOneTimeCodes(cache: Cache, opts: OneTimeCodeOptions) {
  const now = opts.now ?? Date.now;
  const codeKey = (subject: string) => `otc:${opts.purpose}:${subject}`;
  const attemptsKey = (subject: string) => `otc:${opts.purpose}:${subject}:attempts`;

  let key: Promise<CryptoKey> | null = null;
  async function mac(subject: string, code: string): Promise<string> {
    key ??= crypto.subtle.importKey(
      "raw",
      encoder.encode(opts.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const sig = await crypto.subtle.sign(
      "HMAC",
      await key,
      encoder.encode(`${opts.purpose}\n${subject}\n${code}`),
    );
    return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  return {
    ttlSeconds: opts.ttlSeconds,
    /** Issues a fresh code for `subject` (any earlier one stops working) and answers it. */
    async issue(subject: string): Promise<string> {
      const code = randomDigits(opts.digits);
      const stored: Stored = { mac: await mac(subject, code), expires_at: now() + opts.ttlSeconds * 1000 };
      await cache.del(attemptsKey(subject));
      await setJson(cache, codeKey(subject), stored, opts.ttlSeconds);
      return code;
    },
    /**
     * True once for the right code within its lifetime: a match consumes it. Every call counts
     * as an attempt; the code is dropped when the attempts run out or it has expired.
     */
    async consume(subject: string, code: string): Promise<boolean> {
      const stored = await getJson<Stored>(cache, codeKey(subject));
      if (!stored) return false;
      if (stored.expires_at <= now()) {
        await cache.del(codeKey(subject), attemptsKey(subject));
        return false;
      }
      const attempts = await cache.incr(attemptsKey(subject), opts.ttlSeconds);
      if (attempts > opts.maxAttempts) {
        await cache.del(codeKey(subject), attemptsKey(subject));
        return false;
      }
      if (!equalText(stored.mac, await mac(subject, code))) return false;
      // Two requests racing with the right code: only the one that deletes it wins.
      const won = (await cache.del(codeKey(subject))) > 0;
      await cache.del(attemptsKey(subject));
      return won;
    },
  };
}
