import type { AppDeps } from "@/core/context";
import { allOf, contains, equals, orderByOf } from "@/core/db/query";
import { batchIds, requireAll } from "@/core/http/batch";
import { notFound } from "@/core/http/errors";
import { type Page, pageOf } from "@/core/http/pagination";
import { toBaseOut } from "@/core/http/schemas";
import * as repo from "./job.repo";
import type { JobLogOut, JobLogQuery } from "./job.schema";

type JobRow = repo.JobRow;

/* Run logs have no creator: no data scope applies (contract §1.7). */

const toOut = (r: JobRow): JobLogOut => ({
  ...toBaseOut(r),
  job_id: r.job_id,
  job_name: r.job_name,
  trigger_type: r.trigger_type,
  next_run_time: r.next_run_time,
  job_state: r.job_state,
  result: r.result,
  error: r.error,
});

export async function listJobLogs(deps: AppDeps, q: JobLogQuery): Promise<Page<JobLogOut>> {
  const { task_job: t } = deps.db.t;
  const where = allOf(
    equals(t.job_id, q.job_id),
    contains(t.job_name, q.job_name),
    equals(t.status, q.status),
    equals(t.trigger_type, q.trigger_type),
  );
  const { rows, total } = await repo.pageJobLogs(deps.db, where, orderByOf(t, q.order_by), q);
  return pageOf(rows.map(toOut), total, q);
}

export async function jobLogDetail(deps: AppDeps, id: number): Promise<JobLogOut> {
  const row = await repo.findJobLog(deps.db, id);
  if (!row) throw notFound("执行日志不存在");
  return toOut(row);
}

/** Physical delete: the table has no `deleted_id` (contract §1.6). */
export async function deleteJobLogs(deps: AppDeps, ids: number[]) {
  const unique = batchIds(ids, "删除失败，删除对象不能为空");
  await requireAll(unique, (list) => repo.jobLogIds(deps.db, list), "删除失败，执行日志不存在");
  await repo.deleteJobLogRows(deps.db, unique);
}
