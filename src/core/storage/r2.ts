import { assertSafeKey, contentTypeOf, type Storage } from "./storage";

/**
 * The part of a Workers R2 bucket binding this driver uses. Declared here rather than taken from
 * @cloudflare/workers-types so the code type-checks (and can be tested) under Bun as well.
 */
export interface R2BucketLike {
  put(
    key: string,
    value: Uint8Array | ArrayBuffer | string,
    options?: { httpMetadata?: { contentType?: string } },
  ): Promise<unknown>;
  get(key: string): Promise<{
    arrayBuffer(): Promise<ArrayBuffer>;
    httpMetadata?: { contentType?: string };
  } | null>;
  head(key: string): Promise<unknown | null>;
  delete(keys: string | string[]): Promise<void>;
}

/**
 * Files in an R2 bucket (the Worker's storage). Keys are stored under `prefix` (default none), so
 * one bucket can hold several deployments' files.
 */
export function createR2Storage(bucket: R2BucketLike, opts: { prefix?: string } = {}): Storage {
  const prefix = opts.prefix ?? "";
  const keyOf = (key: string) => prefix + assertSafeKey(key);
  return {
    driver: "r2",
    async put(key, body, contentType) {
      await bucket.put(keyOf(key), body, contentType ? { httpMetadata: { contentType } } : undefined);
    },
    async get(key) {
      const object = await bucket.get(keyOf(key));
      if (!object) return null;
      return {
        body: new Uint8Array(await object.arrayBuffer()),
        // Like the local driver: served by extension, whatever the uploader claimed.
        contentType: contentTypeOf(key) ?? object.httpMetadata?.contentType ?? null,
      };
    },
    async delete(key) {
      const full = keyOf(key);
      // R2's delete does not say whether the object existed; a HEAD first keeps the contract.
      const existed = (await bucket.head(full)) !== null;
      if (existed) await bucket.delete(full);
      return existed;
    },
    async exists(key) {
      return (await bucket.head(keyOf(key))) !== null;
    },
  };
}
