import type { Settings } from "../../config";
import { type Cache, getJson, setJson } from "../cache/cache";

/** What the online-user list shows (contract §4.3), plus what the server needs to police it. */
export interface Session {
  session_id: string;
  user_id: number;
  user_name: string;
  name: string;
  ipaddr: string | null;
  login_location: string | null;
  os: string | null;
  browser: string | null;
  login_time: string | null;
  login_type: string | null;
  /** epoch ms: the absolute lifetime counts from here */
  created_at: number;
  /** epoch ms of the last sliding refresh of the TTL */
  last_seen: number;
  /** the refresh token id that may be used next; any other means reuse */
  refresh_id: string;
}

const key = (userId: number, sessionId: string) => `session:${userId}:${sessionId}`;

/**
 * Server-side sessions in the cache, one key per session under its user, so that "end every
 * session of user N" is a prefix scan. The TTL is the idle timeout, never past the absolute
 * lifetime.
 */
export function createSessionStore(
  cache: Cache,
  settings: Pick<Settings, "SESSION_IDLE_SECONDS" | "SESSION_MAX_SECONDS">,
  now: () => number = Date.now,
) {
  const ttlFor = (s: Session) => {
    const remaining = Math.floor((s.created_at + settings.SESSION_MAX_SECONDS * 1000 - now()) / 1000);
    return Math.min(settings.SESSION_IDLE_SECONDS, remaining);
  };

  async function save(s: Session): Promise<boolean> {
    const ttl = ttlFor(s);
    if (ttl <= 0) {
      await cache.del(key(s.user_id, s.session_id));
      return false;
    }
    await setJson(cache, key(s.user_id, s.session_id), s, ttl);
    return true;
  }

  return {
    create: (s: Session) => save(s),
    get: (userId: number, sessionId: string) => getJson<Session>(cache, key(userId, sessionId)),
    save,
    /** Slides the idle timeout at most once a minute, so most requests only read. */
    async touch(s: Session): Promise<boolean> {
      if (now() - s.last_seen < 60_000) return true;
      return save({ ...s, last_seen: now() });
    },
    async end(userId: number, sessionId: string): Promise<boolean> {
      return (await cache.del(key(userId, sessionId))) > 0;
    },
    /** Ends every session of a user (password change, disable, delete, kick); answers how many. */
    async endAllOf(userId: number): Promise<number> {
      const keys = await cache.keys(`session:${userId}:`);
      return keys.length ? cache.del(...keys) : 0;
    },
    async list(): Promise<Session[]> {
      const keys = await cache.keys("session:");
      const sessions = await Promise.all(keys.map((k) => getJson<Session>(cache, k)));
      return sessions.filter((s): s is Session => s !== null);
    },
    async endAll(): Promise<number> {
      const keys = await cache.keys("session:");
      return keys.length ? cache.del(...keys) : 0;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
