import type { AppDeps } from "@/core/context";
import type { Router } from "@/core/http/router";
import { chatRouter } from "./ai/chat/chat.routes";
import { portalRouter } from "./application/portal/portal.routes";
import { fileRouter } from "./common/file/file.routes";
import { healthRouter } from "./common/health/health.routes";
import { staticRouter } from "./common/static/static.routes";
import { demo01Router, demoRouter } from "./example/demo/demo.routes";
import { generatedModules } from "./generated";
import { gencodeRouter } from "./generator/gencode/gencode.routes";
import { cacheRouter } from "./monitor/cache/cache.routes";
import { onlineRouter } from "./monitor/online/online.routes";
import { resourceRouter } from "./monitor/resource/resource.routes";
import { serverRouter } from "./monitor/server/server.routes";
import { authRouter } from "./system/auth/auth.routes";
import { deptRouter } from "./system/dept/dept.routes";
import { dictRouter } from "./system/dict/dict.routes";
import { logRouter } from "./system/log/log.routes";
import { menuRouter } from "./system/menu/menu.routes";
import { noticeRouter } from "./system/notice/notice.routes";
import { paramRouter } from "./system/param/param.routes";
import { positionRouter } from "./system/position/position.routes";
import { roleRouter } from "./system/role/role.routes";
import { tenantRouter } from "./system/tenant/tenant.routes";
import { userRouter } from "./system/user/user.routes";
import { secondFactorGateRouter, userTotpRouter } from "./system/user/user.totp.routes";
import { jobRouter } from "./task/cronjob/job/job.routes";
import { nodeRouter } from "./task/cronjob/node/node.routes";
import { stopTaskScheduler, taskScheduler } from "./task/cronjob/runner/node-scheduler";
import { definitionRouter } from "./task/workflow/definition/definition.routes";
import { nodeTypeRouter } from "./task/workflow/node-type/node-type.routes";

/** Every module's router and where it is mounted under /api/v1. */
export const modules: { path: string; router: (deps: AppDeps) => Router }[] = [
  // first: restricted sessions (a second factor still owed) are refused before any route's guard
  { path: "", router: secondFactorGateRouter },
  { path: "/common", router: healthRouter },
  { path: "/static", router: staticRouter },
  { path: "/system/auth", router: authRouter },
  { path: "/system/user", router: userRouter },
  { path: "/system/user", router: userTotpRouter }, // /current/totp/* and /totp/reset
  { path: "/system/dict", router: dictRouter },
  { path: "/system/param", router: paramRouter },
  { path: "/system/notice", router: noticeRouter },
  { path: "/system/log", router: logRouter },
  { path: "/system/tenant", router: tenantRouter },
  { path: "/system/menu", router: menuRouter },
  { path: "/system/role", router: roleRouter },
  { path: "/system/dept", router: deptRouter },
  { path: "/system/position", router: positionRouter },
  { path: "/monitor/online", router: onlineRouter },
  { path: "/monitor/cache", router: cacheRouter },
  { path: "/monitor/server", router: serverRouter },
  { path: "/monitor/resource", router: resourceRouter },
  { path: "/common/file", router: fileRouter },
  // `/plugins` lists the optional areas of this mount table
  { path: "/application/portal", router: (deps) => portalRouter(deps, modules) },
  { path: "/example/demo", router: demoRouter },
  { path: "/example/demo01", router: demo01Router },
  { path: "/task/cronjob/job", router: jobRouter },
  { path: "/task/cronjob/node", router: nodeRouter },
  { path: "/task/workflow/node-type", router: nodeTypeRouter },
  { path: "/task/workflow/definition", router: definitionRouter },
  { path: "/ai/chat", router: chatRouter },
  {
    path: "/generator/gencode",
    router: (deps) =>
      gencodeRouter(
        deps,
        modules.filter((m) => !generatedModules.includes(m)),
      ),
  },
  // modules written by the code generator (POST /generator/gencode/output)
  ...generatedModules,
];

/** Work a module runs in the background of a long-lived server (see `startBackground` in app.ts). */
export interface BackgroundService {
  name: string;
  start(deps: AppDeps): Promise<void>;
  stop(deps: AppDeps): Promise<void>;
}

export const backgroundServices: BackgroundService[] = [
  // Scheduled task nodes (任务管理) saved in the database resume at boot, not at the first API call.
  { name: "task scheduler", start: (deps) => taskScheduler(deps).ready(), stop: stopTaskScheduler },
];
