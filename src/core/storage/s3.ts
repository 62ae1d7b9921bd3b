import { AwsClient } from "aws4fetch";
import type { Settings } from "@/config";
import { assertSafeKey, contentTypeOf, entriesUnder, type Storage } from "./storage";

/**
 * Files in any S3-compatible bucket (AWS S3, MinIO, Ceph, Backblaze B2, R2's S3 API …), signed
 * with SigV4 by aws4fetch over plain `fetch`: the same code runs on Bun and on workerd.
 *
 * Same contract as the local and R2 drivers: keys pass assertSafeKey before any request is made
 * (so nothing can address another prefix or bucket), the content type is taken from the key's
 * extension and never from what is stored, and the uploader's name travels as object metadata
 * only for Content-Disposition.
 */
export interface S3Options {
  /** `https://s3.<region>.amazonaws.com` when empty; for others their endpoint URL */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint host>/<key>` (MinIO, most self-hosted) */
  forcePathStyle?: boolean;
  /** Keys are stored under this prefix (default none), so one bucket can serve several deployments. */
  prefix?: string;
  /** For tests: the fetch to sign through. */
  fetch?: typeof fetch;
}

/** `x-amz-meta-*` values must be ASCII: the uploader's name is kept percent-encoded. */
const ORIGIN_HEADER = "x-amz-meta-origin-name";

const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, ref: string) => {
    if (ref[0] !== "#") return XML_ENTITIES[ref.toLowerCase()];
    const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return String.fromCodePoint(code);
  });
}

/** The text of every `<tag>` directly in `xml` (S3's listing XML has no attributes or CDATA there). */
function tagTexts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => xmlText(m[1]));
}

/** The uploader's name as put() kept it; null when missing or not valid percent-encoding. */
function originOf(res: Response): string | null {
  const origin = res.headers.get(ORIGIN_HEADER);
  try {
    return origin ? decodeURIComponent(origin) : null;
  } catch {
    return null;
  }
}

export class S3Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "S3Error";
  }
}

export function createS3Storage(opts: S3Options): Storage {
  const prefix = opts.prefix ?? "";
  const client = new AwsClient({
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    service: "s3",
    region: opts.region,
    retries: 2,
  });
  const doFetch = opts.fetch ?? fetch;
  const endpoint = new URL(opts.endpoint || `https://s3.${opts.region}.amazonaws.com`);
  const basePath = endpoint.pathname.replace(/\/+$/, "");
  const bucketUrl = opts.forcePathStyle
    ? `${endpoint.origin}${basePath}/${encodeURIComponent(opts.bucket)}`
    : `${endpoint.protocol}//${opts.bucket}.${endpoint.host}${basePath}`;
  const keyOf = (key: string) => prefix + assertSafeKey(key);
  const objectUrl = (key: string) => `${bucketUrl}/${encodeKey(keyOf(key))}`;

  const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const signed = await client.sign(url, init);
    return doFetch(signed);
  };
  /** Fails on anything but the expected answers; the body names S3's error code, never the keys. */
  const check = async (res: Response, what: string, ok: (status: number) => boolean = (s) => s < 300) => {
    if (ok(res.status)) return res;
    const text = await res.text().catch(() => "");
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? "";
    throw new S3Error(res.status, `S3 ${what} failed: HTTP ${res.status}${code ? ` ${code}` : ""}`);
  };
  const head = async (key: string) =>
    check(await send(objectUrl(key), { method: "HEAD" }), "HEAD", (s) => s < 300 || s === 404);

  return {
    driver: "s3",
    async put(key, body, contentType, originName) {
      const headers: Record<string, string> = {
        "content-type": contentTypeOf(key) ?? contentType ?? "application/octet-stream",
      };
      if (originName) headers[ORIGIN_HEADER] = encodeURIComponent(originName);
      const res = await send(objectUrl(key), {
        method: "PUT",
        body: body as Uint8Array<ArrayBuffer>,
        headers,
      });
      await check(res, "PUT");
      await res.body?.cancel();
    },
    async get(key) {
      const res = await check(await send(objectUrl(key)), "GET", (s) => s < 300 || s === 404);
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      return {
        body: new Uint8Array(await res.arrayBuffer()),
        // Like the other drivers: served by extension, whatever was stored with it.
        contentType: contentTypeOf(key),
        originName: originOf(res),
      };
    },
    async open(key) {
      const res = await check(await send(objectUrl(key)), "GET", (s) => s < 300 || s === 404);
      if (res.status === 404 || !res.body) {
        await res.body?.cancel();
        return null;
      }
      const length = Number(res.headers.get("content-length") ?? Number.NaN);
      return {
        body: res.body,
        size: Number.isFinite(length) ? length : null,
        contentType: contentTypeOf(key),
        originName: originOf(res),
      };
    },
    async delete(key) {
      const existed = (await head(key)).status !== 404;
      if (existed) await check(await send(objectUrl(key), { method: "DELETE" }), "DELETE");
      return existed;
    },
    async exists(key) {
      return (await head(key)).status !== 404;
    },
    async copy(from, to) {
      const source = `/${opts.bucket}/${encodeKey(keyOf(from))}`;
      const res = await send(objectUrl(to), {
        method: "PUT",
        headers: { "x-amz-copy-source": source, "x-amz-metadata-directive": "COPY" },
      });
      // S3 may answer 200 with an <Error> body when a copy fails late.
      const text = await (await check(res, "COPY")).text();
      if (/<Error>/.test(text)) throw new S3Error(500, "S3 COPY failed");
    },
    async list(folder, listOpts) {
      const recursive = listOpts?.recursive ?? false;
      const files: { key: string; size: number; modified: Date | null }[] = [];
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ "list-type": "2", prefix: `${keyOf(folder)}/` });
        if (!recursive) query.set("delimiter", "/");
        if (token) query.set("continuation-token", token);
        const xml = await (await check(await send(`${bucketUrl}?${query}`), "LIST")).text();
        for (const item of tagTexts(xml, "Contents")) {
          const [key] = tagTexts(item, "Key");
          const [size] = tagTexts(item, "Size");
          const [modified] = tagTexts(item, "LastModified");
          if (key === undefined || !key.startsWith(prefix)) continue;
          const when = modified ? new Date(modified) : null;
          files.push({
            key: key.slice(prefix.length),
            size: Number(size ?? 0),
            modified: when && !Number.isNaN(when.getTime()) ? when : null,
          });
        }
        // One <Prefix> per <CommonPrefixes> in AWS's answer; some servers group them all in one.
        for (const p of tagTexts(xml, "CommonPrefixes").flatMap((c) => tagTexts(c, "Prefix"))) {
          // A folder stands in as a key inside it, so entriesUnder reports it as a folder.
          if (p.startsWith(prefix))
            files.push({ key: `${p.slice(prefix.length, -1)}/.`, size: 0, modified: null });
        }
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
          ? tagTexts(xml, "NextContinuationToken")[0]
          : undefined;
      } while (token);
      // Keys no driver could have written (traversal segments stored by another tool) are skipped.
      const safe = files.filter(({ key }) => {
        try {
          assertSafeKey(key.endsWith("/.") ? key.slice(0, -2) : key);
          return true;
        } catch {
          return false;
        }
      });
      return entriesUnder(folder, safe, recursive);
    },
  };
}

/** The S3 driver as the settings describe it (STORAGE_DRIVER=s3; config checks the required ones). */
export function s3StorageFromSettings(
  settings: Pick<
    Settings,
    | "S3_ENDPOINT"
    | "S3_REGION"
    | "S3_BUCKET"
    | "S3_ACCESS_KEY_ID"
    | "S3_SECRET_ACCESS_KEY"
    | "S3_FORCE_PATH_STYLE"
  >,
): Storage {
  return createS3Storage({
    endpoint: settings.S3_ENDPOINT,
    region: settings.S3_REGION,
    bucket: settings.S3_BUCKET,
    accessKeyId: settings.S3_ACCESS_KEY_ID,
    secretAccessKey: settings.S3_SECRET_ACCESS_KEY,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
  });
}
