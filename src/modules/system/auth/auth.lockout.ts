import { op } from "@/core/cache/cache";
import type { AppDeps } from "@/core/context";
import { rateLimited } from "@/core/http/rate-limit";

/**
 * Brute-force defence that is not a denial of service.
 *
 * Failures are counted per account *and* source (client IP). A source gets LOGIN_MAX_FAILURES
 * password checks per lock window; after that many failures that source is locked out of that
 * account for LOGIN_LOCK_SECONDS, doubling with each further lock (up to LOGIN_LOCK_MAX_SECONDS),
 * until it gets the password right or an administrator unlocks the account. Other sources are
 * not affected, so nobody can lock the owner out from elsewhere. Across all sources an account
 * gets at most LOGIN_MAX_FAILURES × ACCOUNT_FACTOR checks per LOGIN_LOCK_MAX_SECONDS window.
 *
 * Every attempt is counted atomically (`incr`) *before* the password is verified, so a burst of
 * parallel guesses cannot slip past the count: an attempt beyond the budget is refused unchecked.
 */

/** The whole-account budget is this many sources' worth of attempts. */
export const ACCOUNT_FACTOR = 20;

/** An account under attack: the user's id once the row is found, else the name as typed. */
export type LockoutAccount = { userId: number } | { username: string };

/**
 * The name a database collation would consider equal: compatibility forms folded (full-width
 * letters), accents stripped, case folded, outer spaces trimmed. `ｌóckUser ` → `lockuser`.
 */
export function normaliseLoginName(username: string): string {
  return username
    .normalize("NFKC")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toUpperCase()
    .toLowerCase()
    .normalize("NFC")
    .trim();
}

const accountId = (account: LockoutAccount) =>
  "userId" in account ? `u${account.userId}` : `n${encodeURIComponent(normaliseLoginName(account.username))}`;

/** A reserved password check: report how it went. */
export interface LoginAttempt {
  /** Counts the failure; answers the lock in seconds when this failure locked the source out. */
  failed(): Promise<number | null>;
  /** The right password: the source's failures and back-off are forgotten. */
  succeeded(): Promise<void>;
}

export function createLockout(deps: Pick<AppDeps, "cache" | "settings">) {
  const { cache, settings } = deps;
  const max = settings.LOGIN_MAX_FAILURES;
  const window = settings.LOGIN_LOCK_MAX_SECONDS;
  const accountCap = max * ACCOUNT_FACTOR;

  // Every key of an account starts with `login:<account>:`, so an unlock is one prefix scan.
  const keys = (account: LockoutAccount, source: string) => {
    const base = `login:${accountId(account)}:`;
    const src = `${base}src:${source}:`;
    return {
      accountTries: `${base}tries`,
      level: `${src}level`,
      lock: `${src}lock`,
      // Per back-off level, so a new level starts with a fresh budget while attempts that read the
      // old level keep counting past it and are refused.
      tries: (level: number) => `${src}tries:${level}`,
    };
  };

  const lockSeconds = (level: number) =>
    Math.min(settings.LOGIN_LOCK_SECONDS * 2 ** Math.max(0, level - 1), settings.LOGIN_LOCK_MAX_SECONDS);

  const locked = (seconds: number) => rateLimited(seconds, `账号已锁定，请 ${seconds} 秒后重试`);

  /**
   * The source's back-off level; throws 429 while the source is locked out of the account. Level
   * and lock are read in one round trip, as one snapshot.
   */
  async function levelUnlessLocked(k: ReturnType<typeof keys>): Promise<number> {
    const [stored, ttl] = await cache.pipeline([op.get(k.level), op.ttl(k.lock)]);
    const level = Number(stored ?? 0) || 0;
    if (ttl > 0 || ttl === -1) throw locked(ttl > 0 ? ttl : lockSeconds(level + 1));
    return level;
  }

  /** Locks the source out: the lock and the next level together (see `tries`). */
  async function lockSource(k: ReturnType<typeof keys>, level: number): Promise<number> {
    const seconds = lockSeconds(level + 1);
    await cache.pipeline([op.set(k.lock, "1", seconds), op.set(k.level, String(level + 1), 24 * 3600)]);
    return seconds;
  }

  /** Counts one attempt of `source` on `account`; throws 429 when it is over either budget. */
  async function reserve(k: ReturnType<typeof keys>, level: number): Promise<number> {
    const tries = await cache.incr(k.tries(level), window);
    if (tries > max) {
      // Over budget while the failure that locks is still being verified: refused all the same.
      const ttl = await cache.ttl(k.lock);
      throw locked(ttl > 0 ? ttl : lockSeconds(level + 1));
    }
    const total = await cache.incr(k.accountTries, window);
    if (total > accountCap) {
      const ttl = await cache.ttl(k.accountTries);
      throw locked(ttl > 0 ? ttl : window);
    }
    return tries;
  }

  return {
    /**
     * Reserves one password check for `source` (the client IP) on `account`, before the password
     * is verified. Throws 429 (without anything to verify) while the source is locked out or when
     * the source or the account has used up its budget.
     */
    async begin(account: LockoutAccount, source: string): Promise<LoginAttempt> {
      const k = keys(account, source);
      const level = await levelUnlessLocked(k);
      const tries = await reserve(k, level);
      return {
        async failed() {
          return tries >= max ? lockSource(k, level) : null;
        },
        async succeeded() {
          await cache.del(k.tries(level), k.level, k.lock);
        },
      };
    },

    /**
     * An administrator lifts every lock and forgets every count of the accounts (all sources).
     * Answers whether there was anything to forget.
     */
    async unlock(...accounts: LockoutAccount[]): Promise<boolean> {
      let removed = 0;
      for (const account of accounts) {
        const found = await cache.keys(`login:${accountId(account)}:`);
        for (let i = 0; i < found.length; i += 500) removed += await cache.del(...found.slice(i, i + 500));
      }
      return removed > 0;
    },
  };
}

/** The source of a re-authentication that names none (one budget per user for all its sessions). */
const REAUTH_SOURCE = "reauth";

/**
 * For the password re-checks of a logged-in user (the old password on a password change): the
 * login lockout of the user's account. Counts the check first, then runs `verify` (e.g.
 * `() => deps.hasher.verify(hash, plain)`) only within the budget. Answers whether it was right;
 * throws 429 while `source` is locked out, or when this failure locked it out. Pass the client IP
 * (`clientIp(c)`) as `source` to share that IP's login budget; without one, every session of the
 * user shares one re-authentication budget.
 */
export async function verifyPasswordUnderLockout(
  deps: Pick<AppDeps, "cache" | "settings">,
  user: { id: number },
  verify: () => Promise<boolean>,
  source: string = REAUTH_SOURCE,
): Promise<boolean> {
  const attempt = await createLockout(deps).begin({ userId: user.id }, source);
  if (await verify()) {
    await attempt.succeeded();
    return true;
  }
  const seconds = await attempt.failed();
  if (seconds) throw rateLimited(seconds, `密码错误次数过多，账号已锁定 ${seconds} 秒`);
  return false;
}
