import { quickjs, runInSandbox, type SandboxLimits } from "./sandbox";

/*
 * The thread a long-lived server runs task code in (sandbox-thread.ts starts it): a run that
 * spins keeps this thread busy, not the server's event loop, and can be ended from outside.
 */

interface Job {
  id: number;
  code: string;
  input: { args: unknown[]; kwargs: Record<string, unknown> };
  limits: SandboxLimits;
}

declare const self: {
  onmessage: ((event: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown): void;
};

self.onmessage = async (event) => {
  const { id, code, input, limits } = event.data;
  // the engine compiles once per thread; the run's clock starts after that
  await quickjs(limits.memoryBytes);
  self.postMessage({ id, begin: true });
  self.postMessage({ id, outcome: await runInSandbox(code, input, limits) });
};
