import releaseSync from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";

/*
 * Task code in a sandbox: JavaScript run by QuickJS compiled to WebAssembly, one fresh runtime
 * per run. The guest sees only the ECMAScript built-ins and what we hand it (`args`, `kwargs`,
 * `ctx.log`): no process, require, fetch, timers, file system or database — those do not exist
 * in QuickJS unless the host adds them, and we add none. Each run is bounded: wall time (an
 * interrupt handler), heap (QuickJS's memory limit), stack, and the size of its result and log.
 *
 * The clock: workerd does not advance `Date.now()` while code runs without I/O, so a loop would
 * never reach a wall-time deadline there. When the clock stands still, the interrupt handler
 * counts its own calls instead (QuickJS calls it every few thousand operations; about four calls
 * per millisecond of a tight loop were measured on this project's 2-core machine).
 */

export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  /** Bytes of the JSON result, and separately of all `ctx.log` lines together. */
  outputBytes: number;
}

export interface SandboxOutcome {
  ok: boolean;
  /** The handler's result (JSON round-tripped); null when it returned nothing. */
  value: unknown;
  /** What went wrong, as the job log shows it. */
  error?: string;
  logs: string[];
  ms: number;
}

const STACK_BYTES = 512 * 1024;
const CHECKS_PER_MS_WITHOUT_CLOCK = 4;
const MAX_ERROR_CHARS = 2000;
const MAX_LOG_LINES = 1000;
const STACK_OVERFLOW = "任务代码栈溢出（递归过深），已中止";

/** The guest's view of the run: calls the handler and answers its result as JSON text (a promise). */
const BOOTSTRAP = `(() => {
  const P = Promise, J = JSON;
  return (fn, input, ctx) => new P((resolve) => {
    const { args, kwargs } = J.parse(input);
    resolve(fn(args, kwargs, ctx));
  }).then((v) => {
    const text = v === undefined ? undefined : J.stringify(v);
    return text === undefined ? "null" : text;
  });
})()`;

let compiledWasm: WebAssembly.Module | undefined;
let engine: Promise<QuickJSWASMModule> | undefined;
let engineHeapCap = 0;

/** Bytes of WebAssembly memory the engine starts with (the build's own default). */
const BASE_HEAP_BYTES = 16 * 1048576;
const WASM_PAGE = 65536;

/**
 * Hands in the compiled `emscripten-module.wasm` where the runtime cannot load files (the Worker:
 * a static `.wasm` import). Elsewhere the variant package loads its own file.
 */
export function provideSandboxWasm(module: WebAssembly.Module) {
  compiledWasm = module;
  engine = undefined;
}

/**
 * The QuickJS engine, compiled once per process, thread or isolate (no state is shared between
 * runs), for runs whose heap limit is `memoryBytes`. QuickJS's own limit does not count the
 * contents of ArrayBuffers (measured: forty 1 MB buffers under a 4 MB limit), so the engine's
 * WebAssembly memory itself is capped: its base plus twice the limit. A guest that reaches the
 * cap gets QuickJS's "out of memory", which ends the run like the heap limit.
 */
export function quickjs(memoryBytes = 32 * 1048576): Promise<QuickJSWASMModule> {
  const cap = BASE_HEAP_BYTES + 2 * memoryBytes;
  if (engine && engineHeapCap !== cap) engine = undefined;
  engineHeapCap = cap;
  engine ??= newQuickJSWASMModuleFromVariant(
    newVariant(releaseSync, {
      ...(compiledWasm ? { wasmModule: compiledWasm } : {}),
      wasmMemory: new WebAssembly.Memory({
        initial: BASE_HEAP_BYTES / WASM_PAGE,
        maximum: Math.ceil(cap / WASM_PAGE),
      }),
    }),
  ).catch((err) => {
    engine = undefined;
    throw err;
  });
  return engine;
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** True when the code is an ES module (`export default function …`), else a script defining `handler`. */
export const isModuleCode = (code: string) => /(^|[;\s])export\s+default\b/.test(code);

class GuestError extends Error {}

/**
 * Compiles without running (a syntax check for the node form). Answers the syntax error's text,
 * or null when the code compiles.
 */
export async function compileError(code: string, limits: SandboxLimits): Promise<string | null> {
  const qjs = await quickjs(limits.memoryBytes);
  const rt = qjs.newRuntime();
  try {
    limit(rt, limits);
    const vm = rt.newContext();
    try {
      const result = vm.evalCode(code, "task.js", {
        type: isModuleCode(code) ? "module" : "global",
        compileOnly: true,
      });
      if (result.error) {
        const text = describe(vm, result.error);
        result.error.dispose();
        return text;
      }
      result.value.dispose();
      return null;
    } finally {
      vm.dispose();
    }
  } finally {
    rt.dispose();
  }
}

function limit(rt: QuickJSRuntime, limits: SandboxLimits) {
  rt.setMemoryLimit(limits.memoryBytes);
  rt.setMaxStackSize(STACK_BYTES);
}

/** `Name: message` of a thrown guest value (never its stack: that can be huge). */
function describe(vm: QuickJSContext, handle: QuickJSHandle): string {
  let text: string;
  if (vm.typeof(handle) === "object") {
    const name = vm.getProp(handle, "name");
    const message = vm.getProp(handle, "message");
    const n = vm.typeof(name) === "string" ? vm.getString(name) : "";
    const m = vm.typeof(message) === "string" ? vm.getString(message) : "";
    name.dispose();
    message.dispose();
    text = n || m ? `${n || "Error"}: ${m}` : String(vm.dump(handle));
  } else {
    text = `Uncaught: ${String(vm.dump(handle))}`;
  }
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/**
 * Runs `code`'s handler with `args` and `kwargs` and a `ctx` whose `log(...)` lines are kept.
 * Never throws for anything the guest does: failures come back as `{ ok: false, error }`.
 */
export async function runInSandbox(
  code: string,
  input: { args: unknown[]; kwargs: Record<string, unknown> },
  limits: SandboxLimits,
): Promise<SandboxOutcome> {
  const qjs = await quickjs(limits.memoryBytes);
  const logs: string[] = [];
  let logBytes = 0;
  let overflow: string | null = null;
  const started = Date.now();
  let checks = 0;
  let timedOut = false;
  const rt = qjs.newRuntime();
  rt.setInterruptHandler(() => {
    checks++;
    const now = Date.now();
    const frozenClock = now === started;
    if (
      now - started > limits.timeoutMs ||
      (frozenClock && checks > limits.timeoutMs * CHECKS_PER_MS_WITHOUT_CLOCK)
    ) {
      timedOut = true;
      return true;
    }
    return false;
  });
  const done = (ok: boolean, value: unknown, error?: string): SandboxOutcome => ({
    ok,
    value,
    error,
    logs,
    ms: Date.now() - started,
  });
  const failure = (vm: QuickJSContext, handle: QuickJSHandle) => {
    if (overflow) return overflow;
    if (timedOut) return `任务代码执行超时（超过 ${limits.timeoutMs} ms），已中止`;
    const text = describe(vm, handle);
    if (/out of memory/i.test(text))
      return `任务代码超出内存上限（${Math.round(limits.memoryBytes / 1048576)} MB），已中止`;
    if (/stack overflow/i.test(text)) return STACK_OVERFLOW;
    return text;
  };
  try {
    limit(rt, limits);
    const vm = rt.newContext();
    const handles: QuickJSHandle[] = [];
    const keep = (h: QuickJSHandle) => {
      handles.push(h);
      return h;
    };
    try {
      const boot = keep(vm.unwrapResult(vm.evalCode(BOOTSTRAP, "bootstrap.js")));

      const log = keep(
        vm.newFunction("log", (...parts) => {
          const line = parts
            .map((p) =>
              vm.typeof(p) === "string" ? vm.getString(p) : (JSON.stringify(vm.dump(p)) ?? "undefined"),
            )
            .join(" ");
          logBytes += utf8Bytes(line) + 1;
          if (logBytes > limits.outputBytes || logs.length >= MAX_LOG_LINES) {
            overflow ??= `ctx.log 输出超过上限（${limits.outputBytes} 字节或 ${MAX_LOG_LINES} 行），已中止`;
            throw new GuestError(overflow);
          }
          logs.push(line);
        }),
      );
      const ctx = keep(vm.newObject());
      vm.setProp(ctx, "log", log);

      // The user's code: a script defining `handler`, or a module whose default export is it.
      const module = isModuleCode(code);
      const evaluated = vm.evalCode(code, "task.js", { type: module ? "module" : "global" });
      if (evaluated.error) {
        const text = failure(vm, evaluated.error);
        evaluated.error.dispose();
        return done(false, null, text);
      }
      let exportsHandle = keep(evaluated.value);
      if (module) {
        // a module with top-level await evaluates to a promise of its exports
        rt.executePendingJobs();
        const state = vm.getPromiseState(exportsHandle);
        if (state.type === "rejected") {
          const text = failure(vm, state.error);
          state.error.dispose();
          return done(false, null, text);
        }
        if (state.type === "pending") return done(false, null, "模块顶层 await 未完成");
        if (!state.notAPromise) exportsHandle = keep(state.value);
      }
      const fn = keep(module ? vm.getProp(exportsHandle, "default") : vm.getProp(vm.global, "handler"));
      if (vm.typeof(fn) !== "function") {
        return done(
          false,
          null,
          "代码必须定义 function handler(args, kwargs, ctx) { … } 或 export default function (args, kwargs, ctx) { … }",
        );
      }

      const inputText = keep(vm.newString(JSON.stringify(input)));
      const called = vm.callFunction(boot, vm.undefined, fn, inputText, ctx);
      if (called.error) {
        const text = failure(vm, called.error);
        called.error.dispose();
        return done(false, null, text);
      }
      const promise = keep(called.value);
      const drained = rt.executePendingJobs();
      if (drained.error) {
        const text = failure(vm, drained.error);
        drained.error.dispose();
        return done(false, null, text);
      }
      const state = vm.getPromiseState(promise);
      if (state.type === "pending") {
        return done(false, null, "handler 返回的 Promise 未完成（沙箱中没有定时器、网络或其他异步来源）");
      }
      if (state.type === "rejected") {
        const text = failure(vm, state.error);
        state.error.dispose();
        return done(false, null, text);
      }
      const textHandle = keep(state.value);
      if (overflow) return done(false, null, overflow);
      const text = vm.getString(textHandle);
      if (utf8Bytes(text) > limits.outputBytes) {
        return done(false, null, `返回值超过输出上限（${limits.outputBytes} 字节），已丢弃`);
      }
      return done(true, JSON.parse(text));
    } finally {
      for (const h of handles.reverse()) if (h.alive) h.dispose();
      vm.dispose();
    }
  } catch (err) {
    // An engine failure (not the guest's): reported like a guest error, the server goes on. The
    // WebAssembly instance may be left mid-call, so the next run gets a freshly loaded engine.
    engine = undefined;
    const message = err instanceof Error ? err.message : String(err);
    // Deep guest recursion can exhaust the host thread's stack (a sandbox thread's is smaller than
    // the main thread's) before QuickJS's own stack limit: the same overflow, said the same way.
    if (err instanceof RangeError && /call stack/i.test(message)) return done(false, null, STACK_OVERFLOW);
    return done(false, null, `沙箱执行失败: ${message}`);
  } finally {
    try {
      rt.dispose();
    } catch {
      // a runtime stopped in the middle of an allocation may not tear down cleanly; it is dropped anyway
    }
  }
}
