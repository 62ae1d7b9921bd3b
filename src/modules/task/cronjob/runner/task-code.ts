import type { Settings } from "@/config";
import type { AppDeps } from "@/core/context";
import { validationError } from "@/core/http/errors";
import { handlerNames, requireHandler, type TaskHandler } from "./builtin-handlers";
import { compileError, runInSandbox, type SandboxLimits } from "./sandbox";
import { runInSandboxThread } from "./sandbox-thread";

/*
 * What a node's (or workflow node type's) `func` holds: the name of a built-in handler
 * (builtin-handlers.ts), or JavaScript run in the QuickJS sandbox (sandbox.ts) —
 * `function handler(args, kwargs, ctx) { … }` or `export default function (args, kwargs, ctx) { … }`.
 * Upstream ran the Python typed into the SPA's editor on the server; Python is refused with a
 * message that says what to write instead.
 */

export type TaskCodeKind = "handler" | "javascript";

/** A bare (dotted) name is a handler name; code always has more than that. */
const HANDLER_NAME = /^[A-Za-z_$][\w.$]*$/;

export const taskCodeKind = (func: string | null | undefined): TaskCodeKind =>
  HANDLER_NAME.test((func ?? "").trim()) ? "handler" : "javascript";

/** Python as the SPA's template and upstream's nodes have it. */
export function looksLikePython(code: string): boolean {
  const text = code.trim();
  return (
    /^#(?!!)/.test(text) ||
    /^\s*(async\s+)?def\s+\w+\s*\(/m.test(text) ||
    /^\s*from\s+[\w.]+\s+import\s+[\w*]/m.test(text) ||
    /^\s*import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+(\s+as\s+\w+)?)*\s*$/m.test(text)
  );
}

export const JS_TEMPLATE_HINT =
  "请改用 JavaScript：function handler(args, kwargs, ctx) { ctx.log('开始'); return { ok: true }; }" +
  "（或 export default function (args, kwargs, ctx) { … }）；args 为位置参数数组，kwargs 为关键字参数对象，" +
  "ctx.log(...) 的输出写入执行日志";

export function sandboxLimits(settings: Settings): SandboxLimits {
  return {
    timeoutMs: settings.TASK_SANDBOX_TIMEOUT_MS,
    memoryBytes: settings.TASK_SANDBOX_MEMORY_MB * 1024 * 1024,
    outputBytes: settings.TASK_SANDBOX_OUTPUT_KB * 1024,
  };
}

/**
 * Refuses (422) what cannot run: an unknown handler name (with the list), Python (with what to
 * write instead), JavaScript that does not compile or defines no handler.
 */
export async function checkTaskCode(settings: Settings, func: string): Promise<TaskCodeKind> {
  const code = func.trim();
  const kind = taskCodeKind(code);
  if (kind === "handler") {
    requireHandler(code);
    return kind;
  }
  if (looksLikePython(code)) {
    throw validationError(
      `不支持 Python 代码。${JS_TEMPLATE_HINT}；或填写已注册的处理函数名: ${handlerNames().join(", ")}`,
    );
  }
  const syntax = await compileError(code, sandboxLimits(settings));
  if (syntax) throw validationError(`JavaScript 代码无法编译: ${syntax}`);
  if (!/\bfunction\s+handler\s*\(|\b(const|let|var)\s+handler\s*=|(^|[;\s])export\s+default\b/.test(code)) {
    throw validationError(`代码必须定义 handler。${JS_TEMPLATE_HINT}`);
  }
  return kind;
}

/** The outcome of one run of a node's code, as the job log records it. */
export interface TaskCodeRun {
  kind: TaskCodeKind;
  ok: boolean;
  value: unknown;
  error?: string;
  /** `ctx.log` lines (JavaScript only). */
  logs: string[];
  ms: number;
}

/**
 * Runs `func` once with these arguments; a failure of the code is an outcome, not a throw. A
 * long-lived server runs JavaScript in its sandbox thread (its event loop stays free); a Worker
 * isolate, which has no threads and serves one invocation at a time, runs it in place.
 */
export async function runTaskCode(
  deps: Pick<AppDeps, "settings" | "runtime">,
  func: string,
  args: string[],
  kwargs: Record<string, unknown>,
): Promise<TaskCodeRun> {
  const code = func.trim();
  const kind = taskCodeKind(code);
  const started = Date.now();
  if (kind === "handler") {
    try {
      const value = await requireHandler(code)(args, kwargs);
      return { kind, ok: true, value, logs: [], ms: Date.now() - started };
    } catch (err) {
      const error = err instanceof Error ? err.message : "未知错误";
      return { kind, ok: false, value: null, error, logs: [], ms: Date.now() - started };
    }
  }
  if (looksLikePython(code)) {
    return {
      kind,
      ok: false,
      value: null,
      error: `不支持 Python 代码。${JS_TEMPLATE_HINT}`,
      logs: [],
      ms: 0,
    };
  }
  const run = deps.runtime === "bun" ? runInSandboxThread : runInSandbox;
  const outcome = await run(code, { args, kwargs }, sandboxLimits(deps.settings));
  return { kind, ...outcome };
}

/** `func` as a workflow node's handler: JavaScript failures throw, as a handler's would. */
export function taskHandlerOf(deps: Pick<AppDeps, "settings" | "runtime">, func: string): TaskHandler {
  if (taskCodeKind(func) === "handler") return requireHandler(func.trim());
  return async (args, kwargs) => {
    const run = await runTaskCode(deps, func, args, kwargs);
    if (!run.ok) throw new Error(run.error);
    return run.value;
  };
}
