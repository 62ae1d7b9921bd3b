import { authServices } from "@/core/auth/guard";
import type { Session } from "@/core/auth/sessions";
import type { AppDeps, AuthContext } from "@/core/context";
import { formatDateTime } from "@/core/http/datetime";
import { notFound } from "@/core/http/errors";

/* The caller's own sessions (devices): list them, end one. Only the caller's, by construction. */

export interface OwnSessionOut {
  session_id: string;
  ipaddr: string | null;
  login_location: string | null;
  os: string | null;
  browser: string | null;
  login_type: string | null;
  login_time: string | null;
  last_seen: string;
  /** the session this request came with */
  current: boolean;
}

const present = (s: Session, currentId: string): OwnSessionOut => ({
  session_id: s.session_id,
  ipaddr: s.ipaddr,
  login_location: s.login_location,
  os: s.os,
  browser: s.browser,
  login_type: s.login_type,
  login_time: s.login_time,
  last_seen: formatDateTime(new Date(s.last_seen)),
  current: s.session_id === currentId,
});

/** The caller's live sessions, the current one first, then the most recently used. */
export async function listOwnSessions(deps: AppDeps, auth: AuthContext): Promise<OwnSessionOut[]> {
  const sessions = await authServices(deps).sessions.listOf(auth.principal.id);
  return sessions
    .map((s) => present(s, auth.session.session_id))
    .sort((a, b) => Number(b.current) - Number(a.current) || b.last_seen.localeCompare(a.last_seen));
}

/** Ends one of the caller's sessions (the current one too: that is a logout). */
export async function endOwnSession(deps: AppDeps, auth: AuthContext, sessionId: string): Promise<void> {
  const ended = await authServices(deps).sessions.end(auth.principal.id, sessionId);
  if (!ended) throw notFound("会话不存在或已结束");
}
