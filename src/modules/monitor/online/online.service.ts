import { PLATFORM_TENANT_ID, tenantOf } from "@/core/auth/data-scope";
import { authServices } from "@/core/auth/guard";
import type { Principal } from "@/core/auth/principal";
import type { Session } from "@/core/auth/sessions";
import type { AppDeps } from "@/core/context";
import { offsetOf, type PageQuery, pageOf } from "@/core/http/pagination";

const publicView = (s: Session) => ({
  name: s.name,
  session_id: s.session_id,
  user_id: s.user_id,
  user_name: s.user_name,
  ipaddr: s.ipaddr,
  login_location: s.login_location,
  os: s.os,
  browser: s.browser,
  login_time: s.login_time,
  login_type: s.login_type,
});

/** The sessions of the caller's tenant (a session from before tenants existed is the platform's). */
async function tenantSessions(deps: AppDeps, p: Principal): Promise<Session[]> {
  const tenant = tenantOf(p);
  return (await authServices(deps).sessions.list()).filter(
    (s) => (s.tenant_id ?? PLATFORM_TENANT_ID) === tenant,
  );
}

const includes = (value: string | null, needle: string | undefined) =>
  !needle || (value ?? "").toLowerCase().includes(needle.toLowerCase());

/** Live sessions of the caller's tenant, filtered by substring, newest login first, paged in memory. */
export async function listSessions(
  deps: AppDeps,
  p: Principal,
  q: PageQuery & { name?: string; ipaddr?: string; login_location?: string },
) {
  const all = (await tenantSessions(deps, p))
    .filter(
      (s) =>
        includes(s.name, q.name) &&
        includes(s.ipaddr, q.ipaddr) &&
        includes(s.login_location, q.login_location),
    )
    .sort((a, b) => (b.login_time ?? "").localeCompare(a.login_time ?? "") || b.created_at - a.created_at);
  const items = all.slice(offsetOf(q), offsetOf(q) + q.page_size).map(publicView);
  return pageOf(items, all.length, q);
}

/** Kicks one session of the caller's tenant out (its next request answers 401/10401). Unknown ids are a no-op. */
export async function endSession(deps: AppDeps, p: Principal, sessionId: string): Promise<void> {
  const { sessions } = authServices(deps);
  const target = (await tenantSessions(deps, p)).find((s) => s.session_id === sessionId);
  if (target) await sessions.end(target.user_id, target.session_id);
}

/** Ends every session of the caller's tenant but the caller's own (upstream also logged the administrator out). */
export async function endAllSessions(deps: AppDeps, p: Principal, own: Session): Promise<void> {
  const { sessions } = authServices(deps);
  const others = (await tenantSessions(deps, p)).filter((s) => s.session_id !== own.session_id);
  await Promise.all(others.map((s) => sessions.end(s.user_id, s.session_id)));
}
