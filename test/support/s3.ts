import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { createS3Storage, type S3Options } from "@/core/storage/s3";

/** s3rver's fixed credentials: it checks SigV4 signatures made with them. */
export const S3RVER_KEY = "S3RVER";

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** A driver on a fresh bucket of this server (path-style, as self-hosted stores are addressed). */
  storage(opts?: Partial<S3Options>): ReturnType<typeof createS3Storage>;
  /** Settings that select it (STORAGE_DRIVER=s3 and the S3_* values). */
  settings(): Record<string, string>;
  close(): Promise<void>;
}

/** A local S3-compatible server (s3rver, files in a temp folder) on a free port, with bucket `test`. */
export async function startLocalS3(bucket = "test"): Promise<LocalS3> {
  const dir = mkdtempSync(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    storage: (opts = {}) =>
      createS3Storage({
        endpoint,
        region: "us-east-1",
        bucket,
        accessKeyId: S3RVER_KEY,
        secretAccessKey: S3RVER_KEY,
        forcePathStyle: true,
        ...opts,
      }),
    settings: () => ({
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: S3RVER_KEY,
      S3_SECRET_ACCESS_KEY: S3RVER_KEY,
      S3_FORCE_PATH_STYLE: "true",
    }),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
