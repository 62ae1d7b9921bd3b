import quickjsWasm from "@jitl/quickjs-wasmfile-release-sync/wasm";
import argon2 from "@phi-ag/argon2/argon2.wasm";
import type { ExecutionContext } from "hono";
import { type App, createApp } from "@/app";
import { SettingsError } from "@/config";
import type { AppDeps } from "@/core/context";
import { envelope } from "@/core/http/envelope";
import { jobs, runDueJobs } from "@/core/jobs";
import { runDueTaskNodes } from "@/modules/task/cronjob/runner/edge-tick";
import { provideSandboxWasm } from "@/modules/task/cronjob/runner/sandbox";
import { buildWorkerDeps, EdgeConfigError, type WorkerEnv } from "./worker-deps";
import { bundledDocAssets } from "./worker-docs";
import { workerUpgradeWebSocket } from "./worker-websocket";

/*
 * Cloudflare Workers entry: the same app as the Bun server, built from bindings and secrets
 * (worker-deps.ts). Migrations and seeding are not done here: the CLI applies them by URL before
 * a deploy (docs/deploy-cloudflare.md).
 */

/** The part of Workers' ScheduledController this entry uses. */
interface ScheduledControllerLike {
  scheduledTime: number;
  cron: string;
}

// Task code's QuickJS engine: Workers cannot read the variant's .wasm file at run time, so the
// compiled module comes in as a static import (instantiated on first use, not here).
provideSandboxWasm(quickjsWasm);

interface Isolate {
  app: App;
  deps: AppDeps;
}

// Built on the first request or cron event of an isolate and reused by every later one (building
// the app and instantiating WebAssembly per request would cost more than most requests). A failed
// build is forgotten, so the next request tries again (e.g. right after a secret is fixed).
let isolate: Promise<Isolate> | undefined;

function isolateFor(env: WorkerEnv): Promise<Isolate> {
  isolate ??= buildWorkerDeps(env, { argon2, docAssets: bundledDocAssets }).then(
    (built) => {
      const deps: AppDeps = { ...built, upgradeWebSocket: workerUpgradeWebSocket };
      return { app: createApp(deps), deps };
    },
    (err) => {
      isolate = undefined;
      throw err;
    },
  );
  return isolate;
}

function logStartupFailure(err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  console.error(
    JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "startup failed", reason }),
  );
  return reason;
}

/**
 * What a request gets while the Worker cannot start. Our own configuration messages name the
 * setting to fix and never a value, so they are shown; anything else only goes to the log.
 */
function startupFailure(err: unknown): Response {
  const reason = logStartupFailure(err);
  const shown =
    err instanceof EdgeConfigError || err instanceof SettingsError ? reason : "详见日志 (wrangler tail)";
  return Response.json(envelope(-1, `服务未能启动: ${shown}`, null, 503), { status: 503 });
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let built: Isolate;
    try {
      built = await isolateFor(env);
    } catch (err) {
      return startupFailure(err);
    }
    return built.app.fetch(request, env, ctx);
  },

  /**
   * The one `* * * * *` Cron Trigger: every job whose own pattern matches this minute runs, and
   * every scheduled task node due in this minute (task-area edge-tick.ts).
   */
  async scheduled(controller: ScheduledControllerLike, env: WorkerEnv): Promise<void> {
    let built: Isolate;
    try {
      built = await isolateFor(env);
    } catch (err) {
      logStartupFailure(err);
      throw err; // marks the invocation failed in the dashboard's Cron Events
    }
    const tick = new Date(controller.scheduledTime);
    await Promise.all([runDueJobs(built.deps, tick, jobs), runDueTaskNodes(built.deps, tick)]);
  },
};
