import { describe, expect, test } from "bun:test";
import { testSettings } from "@/config";
import {
  buildWorkerDeps,
  EdgeConfigError,
  edgeCache,
  envVars,
  type WorkerPlatform,
} from "@/entry/worker-deps";

const wasmFile = Bun.resolveSync("@phi-ag/argon2/argon2.wasm", import.meta.dir);
const platform: WorkerPlatform = {
  argon2: new WebAssembly.Module(await Bun.file(wasmFile).arrayBuffer()),
  docAssets: async () => null,
};

const edgeEnv = {
  ENVIRONMENT: "test",
  CACHE_DRIVER: "upstash",
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
  UPSTASH_REDIS_REST_TOKEN: "token",
  DATABASE_URL: "http://127.0.0.1:9",
  // no published default key any more: a Worker gets it as a secret
  SECRET_KEY: "test-only-edge-signing-key-0123456789abcdef",
};

describe("Worker dependencies", () => {
  test("the memory cache is refused at the edge, saying why and what to set", () => {
    expect(() => edgeCache(testSettings({ CACHE_DRIVER: "memory" }))).toThrow(EdgeConfigError);
    expect(() => edgeCache(testSettings({ CACHE_DRIVER: "memory" }))).toThrow(
      /CACHE_DRIVER=memory cannot be used on Cloudflare Workers: each isolate would keep its own sessions.*CACHE_DRIVER=upstash/,
    );
    expect(() => edgeCache(testSettings({ CACHE_DRIVER: "redis" }))).toThrow(/TCP.*CACHE_DRIVER=upstash/);
    expect(edgeCache(testSettings(edgeEnv)).driver).toBe("upstash");
  });

  test("settings come from string vars; bindings are left out", () => {
    expect(envVars({ A: "x", B: 3, C: true, STORAGE: { put() {} } as never, D: undefined })).toEqual({
      A: "x",
      B: "3",
      C: "true",
    });
  });

  test("a local database file is refused; a server URL builds the edge deps", async () => {
    await expect(buildWorkerDeps({ ...edgeEnv, DATABASE_URL: "file:./data/x.db" }, platform)).rejects.toThrow(
      /DATABASE_URL must name a libSQL\/Turso server/,
    );
    await expect(buildWorkerDeps({ ...edgeEnv, CACHE_DRIVER: undefined }, platform)).rejects.toThrow(
      /CACHE_DRIVER=memory/,
    );

    const deps = await buildWorkerDeps(edgeEnv, platform);
    expect(deps.runtime).toBe("workerd");
    expect(deps.cache.driver).toBe("upstash");
    expect(deps.db.dialect).toBe("sqlite");
    await expect(deps.db.migrate()).rejects.toThrow(/bun run cli migrate/);
    // No R2 binding: the app runs, uploads explain themselves.
    expect(deps.storage.driver).toBe("r2");
    await expect(deps.storage.put("upload/a.png", new Uint8Array([1]))).rejects.toThrow(
      /bind an R2 bucket as STORAGE/,
    );
    expect(await deps.storage.get("upload/a.png")).toBeNull();
    await deps.db.close();
  });
});
