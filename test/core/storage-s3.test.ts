import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createS3Storage } from "@/core/storage/s3";
import { type LocalS3, S3RVER_KEY, startLocalS3 } from "../support/s3";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());

const bytes = (text: string) => new TextEncoder().encode(text);

describe("S3 storage (against a local S3 server)", () => {
  test("put/get/exists/delete; typed by extension, the uploader's name kept as metadata", async () => {
    const storage = s3.storage({ prefix: "site-a/" });
    await storage.put("upload/2026/01/01/a.pdf", bytes("%PDF-1.4"), "text/html", '报告 "final".pdf');
    expect(await storage.exists("upload/2026/01/01/a.pdf")).toBe(true);
    const file = await storage.get("upload/2026/01/01/a.pdf");
    expect(new TextDecoder().decode(file?.body)).toBe("%PDF-1.4");
    // never what the uploader claimed
    expect(file?.contentType).toBe("application/pdf");
    expect(file?.originName).toBe('报告 "final".pdf');
    expect(await storage.delete("upload/2026/01/01/a.pdf")).toBe(true);
    expect(await storage.delete("upload/2026/01/01/a.pdf")).toBe(false);
    expect(await storage.get("upload/2026/01/01/a.pdf")).toBeNull();
    expect(await storage.exists("upload/2026/01/01/a.pdf")).toBe(false);
  });

  test("open streams the object with its length, type and name", async () => {
    const storage = s3.storage({ prefix: "open/" });
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    await storage.put("upload/big.mp4", big, undefined, "电影.mp4");
    const opened = await storage.open?.("upload/big.mp4");
    expect(opened?.body).toBeInstanceOf(ReadableStream);
    expect(opened?.size).toBe(big.byteLength);
    expect(opened?.contentType).toBe("video/mp4");
    expect(opened?.originName).toBe("电影.mp4");
    expect(new Uint8Array(await new Response(opened?.body).arrayBuffer())).toEqual(big);
    expect(await storage.open?.("upload/none.mp4")).toBeNull();
  });

  test("a prefix keeps deployments apart", async () => {
    const a = s3.storage({ prefix: "one/" });
    const b = s3.storage({ prefix: "two/" });
    await a.put("upload/x.txt", bytes("A"));
    expect(await b.get("upload/x.txt")).toBeNull();
    expect(await b.list("upload")).toEqual([]);
    expect((await a.list("upload")).map((e) => e.key)).toEqual(["upload/x.txt"]);
  });

  test("list: files and folders of one level, or every file below", async () => {
    const storage = s3.storage({ prefix: "list/" });
    for (const key of ["up/a.txt", "up/d/b.txt", "up/d/e/c.txt", "up/only/deeper/f.txt", "other/z.txt"]) {
      await storage.put(key, bytes(key));
    }
    const level = await storage.list("up");
    expect(level.map((e) => [e.key, e.is_dir]).sort()).toEqual([
      ["up/a.txt", false],
      ["up/d", true],
      ["up/only", true],
    ]);
    const file = level.find((e) => e.key === "up/a.txt");
    expect(file?.size).toBe("up/a.txt".length);
    expect(file?.modified).toBeInstanceOf(Date);
    expect((await storage.list("up", { recursive: true })).map((e) => e.key).sort()).toEqual([
      "up/a.txt",
      "up/d/b.txt",
      "up/d/e/c.txt",
      "up/only/deeper/f.txt",
    ]);
    expect(await storage.list("missing")).toEqual([]);
  });

  test("copy is server-side and keeps the uploader's name", async () => {
    const storage = s3.storage({ prefix: "copy/" });
    await storage.put("a/x.png", bytes("PNG"), undefined, "图.png");
    await storage.copy?.("a/x.png", "b/y.png");
    const copied = await storage.get("b/y.png");
    expect(new TextDecoder().decode(copied?.body)).toBe("PNG");
    expect(copied?.originName).toBe("图.png");
    expect(await storage.exists("a/x.png")).toBe(true);
  });

  test("unsafe keys are refused before any request is made", async () => {
    let requests = 0;
    const storage = createS3Storage({
      endpoint: s3.endpoint,
      region: "us-east-1",
      bucket: s3.bucket,
      accessKeyId: S3RVER_KEY,
      secretAccessKey: S3RVER_KEY,
      forcePathStyle: true,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
        requests++;
        return fetch(input, init);
      }) as typeof fetch,
    });
    for (const key of ["../x.txt", "a/../../x.txt", "/etc/passwd", "a//b.txt", "a\\b.txt", "a/./b", "a\0b"]) {
      await expect(storage.get(key)).rejects.toThrow("unsafe storage key");
      await expect(storage.put(key, bytes("x"))).rejects.toThrow("unsafe storage key");
      await expect(storage.list(key)).rejects.toThrow("unsafe storage key");
      await expect(storage.delete(key)).rejects.toThrow("unsafe storage key");
    }
    expect(requests).toBe(0);
    // and a real request goes through the given fetch, signed
    await storage.put("ok.txt", bytes("x"));
    expect(requests).toBe(1);
  });

  test("wrong credentials are an error, not a missing file", async () => {
    const storage = s3.storage({ accessKeyId: "NOT-A-KEY", secretAccessKey: "not-the-key" });
    await expect(storage.get("upload/x.txt")).rejects.toThrow(/S3 GET failed: HTTP 403/);
  });
});
