import { describe, expect, test } from "bun:test";
import { createR2Storage, type R2BucketLike } from "@/core/storage/r2";

/** A stand-in bucket with R2's semantics for the calls the driver makes (the e2e suite uses the real one). */
function fakeBucket() {
  const objects = new Map<string, { bytes: Uint8Array; contentType?: string }>();
  const bucket: R2BucketLike = {
    async put(key, value, options) {
      const bytes =
        typeof value === "string"
          ? new TextEncoder().encode(value)
          : value instanceof Uint8Array
            ? value.slice()
            : new Uint8Array(value);
      objects.set(key, { bytes, contentType: options?.httpMetadata?.contentType });
      return {};
    },
    async get(key) {
      const o = objects.get(key);
      if (!o) return null;
      return {
        arrayBuffer: async () => o.bytes.slice().buffer,
        httpMetadata: { contentType: o.contentType },
      };
    },
    async head(key) {
      return objects.has(key) ? { key } : null;
    },
    async delete(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) objects.delete(k);
    },
  };
  return { bucket, objects };
}

describe("R2 storage", () => {
  test("put/get/exists/delete round trip under the prefix", async () => {
    const { bucket, objects } = fakeBucket();
    const storage = createR2Storage(bucket, { prefix: "site-a/" });
    const body = new Uint8Array([1, 2, 3]);
    await storage.put("upload/2026/01/01/a.png", body, "text/html");
    expect([...objects.keys()]).toEqual(["site-a/upload/2026/01/01/a.png"]);
    expect(await storage.exists("upload/2026/01/01/a.png")).toBe(true);
    // Served by extension like the local driver, not by what the uploader claimed.
    expect(await storage.get("upload/2026/01/01/a.png")).toEqual({ body, contentType: "image/png" });
    expect(await storage.delete("upload/2026/01/01/a.png")).toBe(true);
    expect(await storage.delete("upload/2026/01/01/a.png")).toBe(false);
    expect(await storage.get("upload/2026/01/01/a.png")).toBeNull();
    expect(await storage.exists("upload/2026/01/01/a.png")).toBe(false);
  });

  test("keys that could escape are refused before reaching the bucket", async () => {
    const { bucket, objects } = fakeBucket();
    const storage = createR2Storage(bucket);
    for (const key of ["../x.png", "/abs.png", "a//b.png", "a/./b.png", "a\\b.png"]) {
      await expect(storage.put(key, new Uint8Array([1]))).rejects.toThrow(/unsafe storage key/);
    }
    expect(objects.size).toBe(0);
  });

  test("an unknown extension keeps the stored content type", async () => {
    const { bucket } = fakeBucket();
    const storage = createR2Storage(bucket);
    await storage.put("upload/data.bin", new Uint8Array([9]), "application/x-thing");
    expect((await storage.get("upload/data.bin"))?.contentType).toBe("application/x-thing");
  });
});
