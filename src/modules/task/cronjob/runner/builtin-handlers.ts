import { validationError } from "@/core/http/errors";

/*
 * Upstream stored a Python code block in `func` and exec'd it: remote code execution for anyone
 * holding node:create, and impossible on workerd (no eval). Here `func` names one of these
 * built-in handlers instead. Each is pure (no network, no storage) and bounded in time; they take
 * the node's comma-split positional args and its JSON keyword args and return JSON-able data.
 */

export type TaskHandler = (args: string[], kwargs: Record<string, unknown>) => unknown;

/** Longest `sleep_ms` may wait: a scheduled run or a workflow request must end reasonably soon. */
export const MAX_SLEEP_MS = 10_000;

const numbersOf = (value: unknown): number[] | null => {
  if (!Array.isArray(value)) return null;
  const list = value.map((v) => (typeof v === "number" ? v : Number(String(v).trim())));
  return list.every((n) => Number.isFinite(n)) ? list : null;
};

const OPERATIONS: Record<string, (data: number[]) => number> = {
  sum: (d) => d.reduce((a, b) => a + b, 0),
  avg: (d) => d.reduce((a, b) => a + b, 0) / d.length,
  max: (d) => Math.max(...d),
  min: (d) => Math.min(...d),
  count: (d) => d.length,
};

export const HANDLERS: Readonly<Record<string, { description: string; run: TaskHandler }>> = {
  demo_handler: {
    description: "返回问候语、收到的参数与当前时间",
    run: (args, kwargs) => ({
      message: "Hello from demo_handler!",
      args,
      kwargs,
      time: new Date().toISOString(),
    }),
  },
  process_data: {
    description: "对 kwargs.data (或位置参数) 做 sum/avg/max/min/count (kwargs.operation，默认 sum)",
    run: (args, kwargs) => {
      const operation = typeof kwargs.operation === "string" ? kwargs.operation : "sum";
      const data = kwargs.data !== undefined ? numbersOf(kwargs.data) : numbersOf(args);
      if (data === null) throw new Error("data 必须为数字列表");
      if (data.length === 0) return { error: "数据为空" };
      const op = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
      if (!op) return { error: `不支持的操作: ${operation}` };
      return { operation, result: op(data) };
    },
  },
  echo: {
    description: "原样返回参数 (工作流中可查看上游结果)",
    run: (args, kwargs) => ({ args, kwargs }),
  },
  sleep_ms: {
    description: `等待 kwargs.ms (或第一个位置参数) 毫秒，最多 ${MAX_SLEEP_MS}`,
    run: async (args, kwargs) => {
      const raw = Number(kwargs.ms ?? args[0] ?? 0);
      const ms = Number.isFinite(raw) ? Math.min(Math.max(Math.trunc(raw), 0), MAX_SLEEP_MS) : 0;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { slept_ms: ms };
    },
  },
  raise_error: {
    description: "总是失败 (kwargs.message 或 第一个位置参数 为错误信息)，用于验证失败记录",
    run: (args, kwargs) => {
      throw new Error(String(kwargs.message ?? args[0] ?? "任务执行失败"));
    },
  },
};

export const handlerNames = () => Object.keys(HANDLERS).sort();

/** The handler `func` names; unknown names are refused (422) with the list of available ones. */
export function requireHandler(func: string): TaskHandler {
  const name = func.trim();
  const entry = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!entry) throw validationError(`未注册的任务处理函数: ${name}，可用: ${handlerNames().join(", ")}`);
  return entry.run;
}

/** Comma-separated positional args: trimmed, empties dropped (upstream's split). */
export const splitArgs = (text: string | null | undefined): string[] =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** JSON-able form of a handler's result for the `result` column. */
export function resultText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  try {
    return typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}
