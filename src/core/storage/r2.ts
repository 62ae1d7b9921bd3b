import { assertSafeKey, contentTypeOf, entriesUnder, type Storage } from "./storage";

/**
 * The part of a Workers R2 bucket binding this driver uses. Declared here rather than taken from
 * @cloudflare/workers-types so the code type-checks (and can be tested) under Bun as well.
 */
export interface R2BucketLike {
  put(
    key: string,
    value: Uint8Array | ArrayBuffer | string,
    options?: { httpMetadata?: { contentType?: string }; customMetadata?: Record<string, string> },
  ): Promise<unknown>;
  get(key: string): Promise<{
    arrayBuffer(): Promise<ArrayBuffer>;
    /** Real R2 objects have both; stand-ins may leave them out (then the body is read whole). */
    body?: ReadableStream<Uint8Array>;
    size?: number;
    httpMetadata?: { contentType?: string };
    customMetadata?: Record<string, string>;
  } | null>;
  head(key: string): Promise<unknown | null>;
  delete(keys: string | string[]): Promise<void>;
  /** Optional here only so partial stand-ins still type-check; every real bucket has it. */
  list?(options: { prefix?: string; cursor?: string; delimiter?: string }): Promise<{
    objects: { key: string; size: number; uploaded: Date }[];
    delimitedPrefixes?: string[];
    truncated: boolean;
    cursor?: string;
  }>;
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
    async put(key, body, contentType, originName) {
      const options = {
        ...(contentType ? { httpMetadata: { contentType } } : {}),
        ...(originName ? { customMetadata: { originName } } : {}),
      };
      await bucket.put(keyOf(key), body, Object.keys(options).length ? options : undefined);
    },
    async get(key) {
      const object = await bucket.get(keyOf(key));
      if (!object) return null;
      return {
        body: new Uint8Array(await object.arrayBuffer()),
        // Like the local driver: served by extension, whatever the uploader claimed.
        contentType: contentTypeOf(key) ?? object.httpMetadata?.contentType ?? null,
        ...(object.customMetadata?.originName ? { originName: object.customMetadata.originName } : {}),
      };
    },
    async open(key) {
      const object = await bucket.get(keyOf(key));
      if (!object) return null;
      const contentType = contentTypeOf(key) ?? object.httpMetadata?.contentType ?? null;
      const originName = object.customMetadata?.originName ?? null;
      if (object.body) return { body: object.body, size: object.size ?? null, contentType, originName };
      const bytes = new Uint8Array(await object.arrayBuffer());
      return {
        body: new Response(bytes).body as ReadableStream<Uint8Array>,
        size: bytes.byteLength,
        contentType,
        originName,
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
    async list(folder, opts) {
      if (!bucket.list) throw new Error("this R2 binding cannot list objects");
      const recursive = opts?.recursive ?? false;
      const files: { key: string; size: number; modified: Date }[] = [];
      const folders: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await bucket.list({
          prefix: `${keyOf(folder)}/`,
          cursor,
          ...(recursive ? {} : { delimiter: "/" }),
        });
        for (const o of page.objects) {
          files.push({ key: o.key.slice(prefix.length), size: o.size, modified: o.uploaded });
        }
        for (const p of page.delimitedPrefixes ?? []) folders.push(`${p.slice(prefix.length, -1)}/.`);
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      // A folder stands in as a key inside it, so entriesUnder reports it as a folder.
      return entriesUnder(
        folder,
        [...files, ...folders.map((key) => ({ key, size: 0, modified: null }))],
        recursive,
      );
    },
  };
}
