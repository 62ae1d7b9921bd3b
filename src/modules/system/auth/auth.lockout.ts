import { type CacheOp, op } from "@/core/cache/cache";
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
  /**
   * What `succeeded` sends, for a caller that runs it in its own pipeline with other commands
   * (a login stores the new session in the same round trip).
   */
  readonly successOps: CacheOp[];
}

/**
 * A source's attempt counter while the source is locked out: beyond any budget, so every attempt
 * counted during the lock is refused, and expiring with the lock, so the next window starts at 0.
 */
const LOCKED = 1_000_000_000;

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
      // The source's attempts in its window; while it is locked out, the lock itself (LOCKED).
      tries: `${src}tries`,
    };
  };

  const lockSeconds = (level: number) =>
    Math.min(settings.LOGIN_LOCK_SECONDS * 2 ** Math.max(0, level - 1), settings.LOGIN_LOCK_MAX_SECONDS);

  const locked = (seconds: number) => rateLimited(seconds, `账号已锁定，请 ${seconds} 秒后重试`);

  /**
   * Locks the source out: the counter becomes the lock (see LOCKED) and the next level is stored,
   * in one round trip.
   */
  async function lockSource(k: ReturnType<typeof keys>, level: number): Promise<number> {
    const seconds = lockSeconds(level + 1);
    await cache.pipeline([
      op.set(k.tries, String(LOCKED), seconds),
      op.set(k.level, String(level + 1), 24 * 3600),
    ]);
    return seconds;
  }

  /**
   * Counts one attempt of `source` on `account`, in one round trip with the back-off level and the
   * lock, so the count and what it is compared with are one snapshot; throws 429 while the source
   * is locked out or over its budget. Only an attempt within the source's budget counts towards
   * the account's (a second round trip): one source's burst must not use up the account's budget.
   */
  async function reserve(k: ReturnType<typeof keys>): Promise<{ level: number; tries: number }> {
    const [storedLevel, tries, triesTtl] = await cache.pipeline([
      op.get(k.level),
      op.incr(k.tries, window),
      op.ttl(k.tries),
    ]);
    const level = Number(storedLevel ?? 0) || 0;
    // Locked: the lock's level is the stored one (the lock stored it).
    if (tries >= LOCKED) throw locked(triesTtl > 0 ? triesTtl : lockSeconds(level));
    // Over budget while the failure that locks is still being verified: refused all the same.
    if (tries > max) throw locked(lockSeconds(level + 1));
    const [total, totalTtl] = await cache.pipeline([op.incr(k.accountTries, window), op.ttl(k.accountTries)]);
    if (total > accountCap) throw locked(totalTtl > 0 ? totalTtl : window);
    return { level, tries };
  }

  return {
    /**
     * Reserves one password check for `source` (the client IP) on `account`, before the password
     * is verified. Throws 429 (without anything to verify) while the source is locked out or when
     * the source or the account has used up its budget.
     */
    async begin(account: LockoutAccount, source: string): Promise<LoginAttempt> {
      const k = keys(account, source);
      const { level, tries } = await reserve(k);
      const successOps = [op.del(k.tries), op.del(k.level)];
      return {
        async failed() {
          return tries >= max ? lockSource(k, level) : null;
        },
        async succeeded() {
          await cache.pipeline(successOps);
        },
        successOps,
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
