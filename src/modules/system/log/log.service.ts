import { sql } from "drizzle-orm";
import { dataScopeFilter, withoutTenant } from "@/core/auth/data-scope";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf, withAuditUsers, within } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { notFound } from "@/core/http/errors";
import { type PageQuery, pageOf, parseOrderBy } from "@/core/http/pagination";
import { redactLoggedText, scrubText } from "@/core/log/redact";
import * as repo from "./log.repo";
import type { LogQuery } from "./log.schema";

/**
 * An export holds at most this many rows (the newest): the log grows without bound and a
 * workbook is built in memory (a Worker has 128 MB).
 */
export const MAX_EXPORT_ROWS = 10_000;

/**
 * A row as it may be shown: whatever it holds is redacted again on the way out, so rows stored
 * before a rule existed — FastapiAdmin logged login passwords and issued tokens in clear — never
 * serve a secret (list, detail and export alike).
 */
export function servedLog<T extends repo.LogRow>(row: T): T {
  return {
    ...row,
    request_path: scrubText(row.request_path),
    request_payload: redactLoggedText(row.request_payload),
    response_json: redactLoggedText(row.response_json),
    description: row.description === null ? null : scrubText(row.description),
  };
}

/** Log rows are visible by their author's department; login rows without a user only with "all data". */
function scopeOf(deps: AppDeps, principal: Principal) {
  const { sys_log } = deps.db.t;
  return dataScopeFilter(deps.db, principal, { kind: "creator", creator: sys_log.created_id });
}

/**
 * The list's filters. `inOrder`: a `created_time` range as `+column` on SQLite, which keeps the
 * planner off that column's indexes (for `pageLogs`' try among the newest rows, read in order).
 */
function filterOf(deps: AppDeps, q: LogQuery, inOrder = false) {
  const { sys_log: t } = deps.db.t;
  const created = q.created_time;
  return allOf(
    q.type ? equals(t.type, q.type) : undefined,
    contains(t.request_path, q.request_path),
    equals(t.request_method, q.request_method?.toUpperCase()),
    equals(t.request_ip, q.request_ip),
    q.response_code ? equals(t.response_code, q.response_code) : undefined,
    contains(t.description, q.description),
    equals(t.status, q.status),
    repo.createdByName(deps.db, q.creator_name),
    inOrder && created
      ? sql`+${t.created_time} between ${created[0]} and ${created[1]}`
      : within(t.created_time, created),
    within(t.updated_time, q.updated_time),
    equals(t.created_id, q.created_id),
    equals(t.updated_id, q.updated_id),
  );
}

export async function listLogs(deps: AppDeps, principal: Principal, q: LogQuery & PageQuery) {
  const { sys_log } = deps.db.t;
  const scope = await scopeOf(deps, principal);
  const where = allOf(filterOf(deps, q), scope);
  const order = parseOrderBy(q.order_by);
  // SQLite sorts every match of a created_time range (the SPA's default: the last 7 days); in the
  // default order (newest update first), the newest rows are tried first.
  const newest =
    deps.db.dialect === "sqlite" &&
    q.created_time &&
    order.length === 1 &&
    order[0].field === "updated_time" &&
    order[0].desc
      ? allOf(filterOf(deps, q, true), scope)
      : undefined;
  const { rows, total } = await repo.pageLogs(deps.db, where, orderByOf(sys_log, q.order_by), q, newest);
  const ref = (id: number | null, name: string | null) => (id && name !== null ? { id, name } : null);
  const items = rows.map(({ created_name, updated_name, deleted_name, ...row }) => ({
    ...withoutTenant(servedLog(row)),
    created_by: ref(row.created_id, created_name),
    updated_by: ref(row.updated_id, updated_name),
    deleted_by: ref(row.deleted_id, deleted_name),
  }));
  return pageOf(items, total, q);
}

export async function getLog(deps: AppDeps, principal: Principal, id: number) {
  const row = await repo.findLog(deps.db, id, await scopeOf(deps, principal));
  if (!row) throw notFound("该日志不存在");
  const [out] = await withAuditUsers(deps.db, [withoutTenant(servedLog(row))]);
  return out;
}

/** Soft delete; every id must be a live row the caller can see, otherwise nothing is deleted. */
export async function deleteLogs(deps: AppDeps, principal: Principal, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  const scope = await scopeOf(deps, principal);
  await requireAll(unique, (w) => repo.existingLogIds(deps.db, w, scope), "删除失败，该日志不存在");
  await repo.softDeleteLogs(deps.db, unique, principal.id);
}

export async function exportLogs(deps: AppDeps, principal: Principal, q: LogQuery) {
  const where = allOf(filterOf(deps, q), await scopeOf(deps, principal));
  return (await repo.selectNewestLogs(deps.db, where, MAX_EXPORT_ROWS)).map(servedLog);
}
