/**
 * The e2e storage steps against the Worker under workerd with STORAGE_DRIVER=s3 (aws4fetch's
 * SigV4 over workerd's fetch), its files in a local S3-compatible server (s3rver) started here.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type LocalS3, startLocalS3 } from "../support/s3";
import { createContext, type E2EContext, steps } from "./steps";
import { startWorkerRuntime, workerPrerequisites } from "./support/runtimes";

const problem = await workerPrerequisites();
const storageSteps = steps.filter((s) => s.name.startsWith("storage:"));

describe("e2e · Worker under workerd, S3 storage", () => {
  let s3: LocalS3;
  let ctx: E2EContext;
  beforeAll(async () => {
    if (problem) throw new Error(`the Worker e2e suite cannot run here: ${problem}`);
    s3 = await startLocalS3();
    ctx = createContext(await startWorkerRuntime(s3.settings()));
  }, 180_000);
  afterAll(async () => {
    await ctx?.rt.stop();
    await s3?.close();
  }, 30_000);

  for (const step of storageSteps) test(step.name, () => step.run(ctx), 30_000);

  test("storage: the upload is in the bucket under a 128-bit name", async () => {
    const keys = (await s3.storage().list("upload", { recursive: true })).map((e) => e.key);
    expect(keys.some((k) => /^upload\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.png$/.test(k))).toBe(true);
  });
});
