import type { AppDeps } from "../../../core/context";
import { rateLimited } from "../../../core/http/rate-limit";

/**
 * Per-account brute-force defence: after LOGIN_MAX_FAILURES wrong passwords in a row the account
 * is locked for LOGIN_LOCK_SECONDS, doubling with each further lock (up to LOGIN_LOCK_MAX_SECONDS)
 * until a successful login or an admin unlock resets it.
 */
export function createLockout(deps: Pick<AppDeps, "cache" | "settings">) {
  const { cache, settings } = deps;
  const name = (username: string) => username.trim().toLowerCase();
  const failKey = (u: string) => `login:fail:${name(u)}`;
  const lockKey = (u: string) => `login:lock:${name(u)}`;
  const levelKey = (u: string) => `login:lock_level:${name(u)}`;

  return {
    /** Throws 429 with Retry-After while the account is locked. */
    async assertNotLocked(username: string): Promise<void> {
      const ttl = await cache.ttl(lockKey(username));
      if (ttl > 0 || ttl === -1) {
        const wait = ttl > 0 ? ttl : settings.LOGIN_LOCK_SECONDS;
        throw rateLimited(wait, `账号已锁定，请 ${wait} 秒后重试`);
      }
    },
    /** Counts a failure; answers the lock duration in seconds when this failure locked the account. */
    async recordFailure(username: string): Promise<number | null> {
      const failures = await cache.incr(failKey(username), settings.LOGIN_LOCK_MAX_SECONDS);
      if (failures < settings.LOGIN_MAX_FAILURES) return null;
      const level = await cache.incr(levelKey(username), 24 * 3600);
      const seconds = Math.min(
        settings.LOGIN_LOCK_SECONDS * 2 ** (level - 1),
        settings.LOGIN_LOCK_MAX_SECONDS,
      );
      await cache.set(lockKey(username), "1", seconds);
      await cache.del(failKey(username));
      return seconds;
    },
    async recordSuccess(username: string): Promise<void> {
      await cache.del(failKey(username), levelKey(username));
    },
    /** An administrator lifts a lock (and forgets the failures and back-off level). */
    async unlock(username: string): Promise<boolean> {
      return (await cache.del(lockKey(username), failKey(username), levelKey(username))) > 0;
    },
    async isLocked(username: string): Promise<boolean> {
      return (await cache.ttl(lockKey(username))) !== -2;
    },
  };
}
