import { afterAll, beforeAll, describe, test } from "bun:test";
import { createContext, type E2EContext, steps } from "./steps";
import type { E2ERuntime } from "./support/runtimes";

// Generous: on 2 loaded cores wrangler alone can take ~15 s to bundle and boot.
const START_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 30_000;

/**
 * Registers the walk in `steps` against one runtime. When a prerequisite is missing (no Redis,
 * no Node 24 for wrangler…) the suite is skipped with the reason locally, and fails with it in CI
 * (CI=true), where everything must run.
 */
export async function defineE2ESuite(
  label: string,
  prerequisites: () => Promise<string | null>,
  start: () => Promise<E2ERuntime>,
) {
  const problem = await prerequisites();
  if (problem) {
    if (process.env.CI && process.env.CI !== "false") {
      test(`${label}: prerequisites`, () => {
        throw new Error(`${label} cannot run on this machine: ${problem}`);
      });
    } else {
      console.warn(`skipping ${label}: ${problem}`);
      describe.skip(label, () => {
        for (const step of steps) test(step.name, () => {});
      });
    }
    return;
  }

  describe(label, () => {
    let ctx: E2EContext | undefined;
    let startError: unknown;
    beforeAll(async () => {
      try {
        ctx = createContext(await start());
      } catch (err) {
        startError = err;
      }
    }, START_TIMEOUT_MS);
    afterAll(async () => {
      await ctx?.rt.stop();
    }, 30_000);

    for (const step of steps) {
      test(
        step.name,
        async () => {
          if (!ctx)
            throw new Error(`${label} did not start: ${(startError as Error)?.message ?? startError}`);
          await step.run(ctx);
        },
        STEP_TIMEOUT_MS,
      );
    }
  });
}
