import type { Settings } from "@/config";
import { type Cache, type CacheOp, op, setJson } from "@/core/cache/cache";

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
  /** the user's tenant (issue 14): the online list shows each tenant its own; absent: the platform's */
  tenant_id?: number;
  /** epoch ms: the absolute lifetime counts from here */
  created_at: number;
  /** epoch ms of the last sliding refresh of the TTL */
  last_seen: number;
  /** the refresh token id that may be used next; any other means reuse */
  refresh_id: string;
  /** SHA-256 (hex) of the refresh id rotated away last: replayed within the grace window it gets the current pair */
  prev_refresh_hash?: string;
  /** epoch seconds of the last rotation: the `iat` of the current pair */
  rotated_at?: number;
}

/** What presenting a refresh token's id did to its session. */
export type Rotation =
  /** the id was current: the session now holds a new one, issued at `rotated_at` */
  | { kind: "rotated"; session: Session }
  /** the id was rotated away within the grace window: the pair of `session` is the one its twin got */
  | { kind: "replayed"; session: Session }
  /** the id was rotated away before the grace window (or never belonged here): theft, session ended */
  | { kind: "reused" }
  | { kind: "missing" };

const key = (userId: number, sessionId: string) => `session:${userId}:${sessionId}`;
const userPrefix = (userId: number) => `session:${userId}:`;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const newestFirst = (a: Session, b: Session) =>
  b.created_at - a.created_at || b.session_id.localeCompare(a.session_id);

/** Keys read per pipeline when listing sessions (one script must not hold Redis for long). */
const READ_CHUNK = 500;

// A rotation retries when another writer (a twin refresh, a sliding touch) got in between.
const MAX_ROTATION_ATTEMPTS = 8;

/**
 * Server-side sessions in the cache, one key per session under its user, so that "end every
 * session of user N" is a prefix scan. The TTL is the idle timeout, never past the absolute
 * lifetime. Every update of an existing session is a compare-and-set on the stored JSON, so a
 * refresh rotation is never lost to a concurrent write.
 */
export function createSessionStore(
  cache: Cache,
  settings: Pick<Settings, "SESSION_IDLE_SECONDS" | "SESSION_MAX_SECONDS"> &
    Partial<Pick<Settings, "MAX_SESSIONS_PER_USER" | "REFRESH_REUSE_GRACE_SECONDS">>,
  now: () => number = Date.now,
) {
  const ttlFor = (s: Session) => {
    const remaining = Math.floor((s.created_at + settings.SESSION_MAX_SECONDS * 1000 - now()) / 1000);
    return Math.min(settings.SESSION_IDLE_SECONDS, remaining);
  };

  /** The stored JSON a session was read from: what a compare-and-set must find unchanged. */
  const readFrom = new WeakMap<Session, string>();

  /** A stored session from its JSON (remembered for a later compare-and-set). */
  function parse(raw: string | null): Session | null {
    if (raw === null || raw === "") return null;
    try {
      const s = JSON.parse(raw) as Session;
      readFrom.set(s, raw);
      return s;
    } catch {
      return null;
    }
  }

  async function read(k: string): Promise<Session | null> {
    return parse(await cache.get(k));
  }

  /** Many sessions, a pipeline (one round trip) per READ_CHUNK keys. */
  async function readMany(keys: string[]): Promise<(Session | null)[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < keys.length; i += READ_CHUNK) chunks.push(keys.slice(i, i + READ_CHUNK));
    const read = await Promise.all(chunks.map((chunk) => cache.pipeline(chunk.map((k) => op.get(k)))));
    return read.flat().map(parse);
  }

  async function save(s: Session): Promise<boolean> {
    const ttl = ttlFor(s);
    if (ttl <= 0) {
      await cache.del(key(s.user_id, s.session_id));
      return false;
    }
    await setJson(cache, key(s.user_id, s.session_id), s, ttl);
    return true;
  }

  /**
   * Writes `next` only if the session is still stored exactly as `current` was read. Answers
   * "written", "changed" (someone else wrote first) or "over" (the lifetime is used up).
   */
  async function replace(current: Session, next: Session): Promise<"written" | "changed" | "over"> {
    const k = key(next.user_id, next.session_id);
    const expected = readFrom.get(current) ?? JSON.stringify(current);
    const ttl = ttlFor(next);
    if (ttl <= 0) {
      await cache.del(k);
      return "over";
    }
    return (await cache.compareAndSet(k, expected, JSON.stringify(next), ttl)) ? "written" : "changed";
  }

  async function listOf(userId: number): Promise<Session[]> {
    return sessionsAt(userId, await cache.keys(userPrefix(userId)));
  }

  /** The live sessions of `userId` stored under `keys`, newest first. */
  async function sessionsAt(userId: number, keys: string[]): Promise<Session[]> {
    const sessions = await readMany(keys);
    return sessions.filter((s): s is Session => s !== null && s.user_id === userId).sort(newestFirst);
  }

  async function trimBeyondCap(userId: number, keepSessionId: string): Promise<string[]> {
    const max = settings.MAX_SESSIONS_PER_USER;
    if (!max) return [];
    // Trimmed after writing, so concurrent logins each see the others and the newest `max` stay.
    // Within the cap (the usual case) there is nothing to trim and the sessions are not read.
    const keys = await cache.keys(userPrefix(userId));
    if (keys.length <= max) return [];
    const extra = (await sessionsAt(userId, keys)).slice(max).filter((o) => o.session_id !== keepSessionId);
    if (extra.length) await cache.del(...extra.map((o) => key(o.user_id, o.session_id)));
    return extra.map((o) => o.session_id);
  }

  return {
    /**
     * Stores a new session; then, beyond MAX_SESSIONS_PER_USER, the user's oldest sessions end.
     * Answers the ids of the sessions it ended.
     */
    async create(s: Session): Promise<string[]> {
      if (!(await save(s))) return [];
      return trimBeyondCap(s.user_id, s.session_id);
    },
    /**
     * The commands that store a new session, for a caller that sends them in its own pipeline
     * (a login, with the lockout's clean-up); none when its lifetime is already over. Then call
     * `trim`, as `create` does.
     */
    createOps(s: Session): CacheOp[] {
      const ttl = ttlFor(s);
      return ttl > 0 ? [op.set(key(s.user_id, s.session_id), JSON.stringify(s), ttl)] : [];
    },
    /**
     * After a new session `keepSessionId` is stored: beyond MAX_SESSIONS_PER_USER, the user's oldest
     * sessions end (never that one). Answers the ids of the sessions it ended.
     */
    trim: trimBeyondCap,
    get: (userId: number, sessionId: string) => read(key(userId, sessionId)),
    /** The cache key of a session (for callers that read it in a pipeline with other keys). */
    keyOf: key,
    /** A session from the JSON a pipeline read under `keyOf(...)`. */
    parse,
    save,
    /** Slides the idle timeout at most once a minute, so most requests only read. */
    async touch(s: Session): Promise<boolean> {
      if (now() - s.last_seen < 60_000) return true;
      // "changed": a concurrent write (a rotation, another touch) has already renewed it.
      return (await replace(s, { ...s, last_seen: now() })) !== "over";
    },
    /**
     * Presents refresh id `jti` of session `sessionId`: rotates it when current, answers the
     * current pair's session when `jti` was rotated away less than REFRESH_REUSE_GRACE_SECONDS
     * ago, and ends the session for any other id (a stolen, replayed refresh token).
     */
    async rotate(userId: number, sessionId: string, jti: string): Promise<Rotation> {
      const graceMs = (settings.REFRESH_REUSE_GRACE_SECONDS ?? 0) * 1000;
      const jtiHash = await sha256Hex(jti);
      for (let attempt = 0; attempt < MAX_ROTATION_ATTEMPTS; attempt++) {
        const current = await read(key(userId, sessionId));
        if (!current) return { kind: "missing" };
        if (current.refresh_id === jti) {
          const at = now();
          const next: Session = {
            ...current,
            refresh_id: crypto.randomUUID(),
            prev_refresh_hash: jtiHash,
            rotated_at: Math.floor(at / 1000),
            last_seen: at,
          };
          const outcome = await replace(current, next);
          if (outcome === "written") return { kind: "rotated", session: next };
          if (outcome === "over") return { kind: "missing" };
          continue; // someone wrote first: read again (a twin's rotation lands in the grace branch)
        }
        if (
          current.prev_refresh_hash === jtiHash &&
          current.rotated_at !== undefined &&
          now() - current.rotated_at * 1000 <= graceMs
        ) {
          return { kind: "replayed", session: current };
        }
        await cache.del(key(userId, sessionId));
        return { kind: "reused" };
      }
      return { kind: "missing" };
    },
    async end(userId: number, sessionId: string): Promise<boolean> {
      return (await cache.del(key(userId, sessionId))) > 0;
    },
    /** Ends every session of a user (disable, delete, kick, admin reset); answers how many. */
    async endAllOf(userId: number): Promise<number> {
      const keys = await cache.keys(userPrefix(userId));
      return keys.length ? cache.del(...keys) : 0;
    },
    /** One user's live sessions, newest first (for "my sessions"). */
    listOf,
    /** Ends every session of a user but `keepSessionId` (own password change); answers how many. */
    async endOthersOf(userId: number, keepSessionId: string): Promise<number> {
      const keys = (await cache.keys(userPrefix(userId))).filter((k) => k !== key(userId, keepSessionId));
      return keys.length ? cache.del(...keys) : 0;
    },
    async list(): Promise<Session[]> {
      const sessions = await readMany(await cache.keys("session:"));
      return sessions.filter((s): s is Session => s !== null);
    },
    async endAll(): Promise<number> {
      const keys = await cache.keys("session:");
      return keys.length ? cache.del(...keys) : 0;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
