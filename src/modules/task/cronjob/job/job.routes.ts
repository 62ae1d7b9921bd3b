import { z } from "@hono/zod-openapi";
import { guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList, idParam } from "@/core/http/schemas";
import { taskScheduler } from "@/modules/task/cronjob/runner/node-scheduler";
import { jobIdParam, jobLogOut, jobLogQuery, schedulerJob, schedulerStatus } from "./job.schema";
import * as logs from "./job.service";

const tags = ["任务管理 · 调度器与执行日志"];
const P = "module_task:cronjob:job";

const simple = (
  perm: string | string[],
  method: "get" | "post" | "delete",
  path: string,
  summary: string,
  data: z.ZodType,
  msg: string,
) => guardedRoute(perm, { method, path, tags, summary, responses: jsonOk(data, msg) });

const statusRoute = simple(
  `${P}:query`,
  "get",
  "/scheduler/status",
  "获取调度器状态",
  schedulerStatus,
  "获取调度器状态成功",
);
const jobsRoute = simple(
  `${P}:query`,
  "get",
  "/scheduler/jobs",
  "获取调度器任务列表",
  z.array(schedulerJob),
  "获取调度器任务列表成功",
);
const startRoute = simple(
  `${P}:scheduler`,
  "post",
  "/scheduler/start",
  "启动调度器",
  z.null(),
  "调度器已启动",
);
const pauseRoute = simple(
  `${P}:scheduler`,
  "post",
  "/scheduler/pause",
  "暂停调度器",
  z.null(),
  "调度器已暂停",
);
const resumeRoute = simple(
  `${P}:scheduler`,
  "post",
  "/scheduler/resume",
  "恢复调度器",
  z.null(),
  "调度器已恢复",
);
const shutdownRoute = simple(
  `${P}:scheduler`,
  "post",
  "/scheduler/shutdown",
  "关闭调度器",
  z.null(),
  "调度器已关闭",
);
const clearRoute = simple(
  `${P}:task`,
  "delete",
  "/scheduler/jobs/clear",
  "清空所有任务",
  z.null(),
  "已清空所有任务",
);
const consoleRoute = simple(
  `${P}:query`,
  "get",
  "/scheduler/console",
  "获取控制台信息",
  z.string(),
  "获取控制台信息成功",
);
// `:update` is not seeded (§14 #5): holders of `:scheduler` may sync too
const syncRoute = simple(
  [`${P}:update`, `${P}:scheduler`],
  "post",
  "/scheduler/sync",
  "同步任务日志",
  z.number().int(),
  "同步完成",
);

const taskRoute = (perm: string, method: "post" | "delete", path: string, summary: string, msg: string) =>
  guardedRoute(perm, {
    method,
    path,
    tags,
    summary,
    request: { params: jobIdParam },
    responses: jsonOk(z.null(), msg),
  });

const taskPauseRoute = taskRoute(`${P}:task`, "post", "/task/pause/{job_id}", "暂停任务", "暂停任务成功");
const taskResumeRoute = taskRoute(`${P}:task`, "post", "/task/resume/{job_id}", "恢复任务", "恢复任务成功");
const taskRunRoute = taskRoute(`${P}:task`, "post", "/task/run/{job_id}", "立即执行任务", "立即执行任务成功");
const taskRemoveRoute = taskRoute(
  `${P}:delete`,
  "delete",
  "/task/remove/{job_id}",
  "移除任务",
  "移除任务成功",
);

const logListRoute = guardedRoute(`${P}:query`, {
  method: "get",
  path: "/log/list",
  tags,
  summary: "查询执行日志列表",
  request: { query: jobLogQuery },
  responses: jsonOk(pageSchema(jobLogOut), "查询执行日志列表成功"),
});

const logDetailRoute = guardedRoute(`${P}:detail`, {
  method: "get",
  path: "/log/detail/{id}",
  tags,
  summary: "获取执行日志详情",
  request: { params: idParam },
  responses: jsonOk(jobLogOut, "获取执行日志详情成功"),
});

const logDeleteRoute = guardedRoute(`${P}:delete`, {
  method: "delete",
  path: "/log/delete",
  tags,
  summary: "删除执行日志",
  description: "请求体为日志 ID 数组；物理删除。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除执行日志成功"),
});

export function jobRouter(deps: AppDeps) {
  const s = () => taskScheduler(deps);
  return createRouter()
    .openapi(statusRoute, async (c) => ok(c, await s().status()))
    .openapi(jobsRoute, async (c) => ok(c, await s().list()))
    .openapi(startRoute, async (c) => {
      await s().start();
      return ok(c, null);
    })
    .openapi(pauseRoute, async (c) => {
      await s().pause();
      return ok(c, null);
    })
    .openapi(resumeRoute, async (c) => {
      await s().resume();
      return ok(c, null);
    })
    .openapi(shutdownRoute, async (c) => {
      await s().shutdown();
      return ok(c, null);
    })
    .openapi(clearRoute, async (c) => {
      await s().clear();
      return ok(c, null);
    })
    .openapi(consoleRoute, async (c) => ok(c, await s().console()))
    .openapi(syncRoute, async (c) => {
      const n = await s().sync();
      return ok(c, n, `同步完成，共同步 ${n} 个任务`);
    })
    .openapi(taskPauseRoute, async (c) => {
      await s().pauseJob(c.req.valid("param").job_id);
      return ok(c, null);
    })
    .openapi(taskResumeRoute, async (c) => {
      await s().resumeJob(c.req.valid("param").job_id);
      return ok(c, null);
    })
    .openapi(taskRunRoute, async (c) => {
      await s().runJobNow(c.req.valid("param").job_id);
      return ok(c, null);
    })
    .openapi(taskRemoveRoute, async (c) => {
      await s().removeJob(c.req.valid("param").job_id);
      return ok(c, null);
    })
    .openapi(logListRoute, async (c) => ok(c, await logs.listJobLogs(deps, c.req.valid("query"))))
    .openapi(logDetailRoute, async (c) => ok(c, await logs.jobLogDetail(deps, c.req.valid("param").id)))
    .openapi(logDeleteRoute, async (c) => {
      await logs.deleteJobLogs(deps, c.req.valid("json"));
      return ok(c, null);
    });
}
