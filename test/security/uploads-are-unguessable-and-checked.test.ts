import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentMatchesExtension } from "@/core/storage/content-check";
import { createLocalStorage } from "@/core/storage/local";
import { createR2Storage, type R2BucketLike } from "@/core/storage/r2";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

/*
 * Uploads are served without a token (avatars are <img> sources), so the stored name must be
 * the secret: 128 random bits, nothing from the original name or the clock. The original name
 * only comes back as Content-Disposition. Content must match the extension.
 */

const UPLOADS = [
  "/api/v1/common/file/upload",
  "/api/v1/system/user/current/avatar/upload",
  "/api/v1/system/param/upload",
];

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const GIF = new TextEncoder().encode("GIF89a\x01\x00\x01\x00");
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
const ICO = new Uint8Array([0, 0, 1, 0, 1, 0, 16, 16]);
const XLSX_BYTES = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
const XLS_BYTES = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
const HTML = "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>";
const SVG =
  '<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';

let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await authHeaders(t, "admin");
}, 30_000);
afterAll(() => t.close());

async function upload(path: string, content: BlobPart, name: string) {
  const form = new FormData();
  form.append("file", new File([content], name, { type: "image/png" }));
  const res = await t.request(path, { method: "POST", headers: admin, body: form });
  return { res, env: await body(res) };
}

describe("stored names", () => {
  test("every upload path stores under 128 random bits, nothing from the name or the time", async () => {
    const seen = new Set<string>();
    for (const path of UPLOADS) {
      for (let i = 0; i < 3; i++) {
        const { res, env } = await upload(path, PNG, "quarterly-report.png");
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(env.data.origin_name).toBe("quarterly-report.png");
        expect(env.data.file_name).toMatch(/^[0-9a-f]{32}\.png$/);
        expect(env.data.file_path).toBe(
          `${env.data.file_path.slice(0, env.data.file_path.lastIndexOf("/"))}/${env.data.file_name}`,
        );
        expect(env.data.file_path).not.toContain("quarterly");
        seen.add(env.data.file_name);
      }
    }
    // Same name, same second: still all different.
    expect(seen.size).toBe(UPLOADS.length * 3);
  });

  test("served under the random name with the original one in Content-Disposition (RFC 5987)", async () => {
    const { env } = await upload(UPLOADS[0]!, PNG, "季度 报告.png");
    const served = await t.request(new URL(env.data.file_url).pathname);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    const disposition = served.headers.get("content-disposition") ?? "";
    expect(disposition).toStartWith("inline;");
    expect(disposition).toContain(`filename*=utf-8''${encodeURIComponent("季度 报告")}.png`);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);

    const download = await t.request("/api/v1/common/file/download", {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify({ file_path: env.data.file_path }),
    });
    expect(download.headers.get("content-disposition")).toContain(
      `filename*=utf-8''${encodeURIComponent("季度 报告")}.png`,
    );
  });

  test("a guessed name built the old way (name, second, counter) finds nothing", async () => {
    const { env } = await upload(UPLOADS[0]!, PNG, "logo.png");
    const dir = env.data.file_path.slice("static/".length, env.data.file_path.lastIndexOf("/"));
    const listed = await t.deps.storage.list(dir);
    expect(listed.every((e) => /\/[0-9a-f]{32}\.[a-z]+$/.test(e.key))).toBe(true);
  });
});

describe("content must match the extension", () => {
  test("an HTML body under an image or office name is refused on every upload path", async () => {
    for (const path of UPLOADS) {
      for (const name of ["innocent.png", "photo.jpg", "anim.gif", "favicon.ico"]) {
        const { res, env } = await upload(path, HTML, name);
        expect({ path, name, status: res.status, msg: env.msg }).toEqual({
          path,
          name,
          status: 400,
          msg: `文件内容与扩展名不符: ${name.slice(name.lastIndexOf("."))}`,
        });
      }
    }
    for (const name of ["sheet.xlsx", "sheet.xls"]) {
      const { res } = await upload(UPLOADS[0]!, HTML, name);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
    }
  });

  test("the resource manager (names kept by design) still refuses an HTML body under an image name", async () => {
    const { res, env } = await upload("/api/v1/monitor/resource/upload", HTML, "banner.png");
    expect({ status: res.status, msg: env.msg }).toEqual({ status: 400, msg: "文件内容与扩展名不符: .png" });
    expect((await upload("/api/v1/monitor/resource/upload", PNG, "banner.png")).res.status).toBe(200);
  });

  test("one image type under another's name is refused; each real type is accepted", async () => {
    expect((await upload(UPLOADS[0]!, GIF, "fake.png")).res.status).toBe(400);
    expect((await upload(UPLOADS[0]!, PNG, "fake.jpg")).res.status).toBe(400);
    expect((await upload(UPLOADS[0]!, PNG, "fake.xlsx")).res.status).toBe(400);
    for (const [bytes, name] of [
      [PNG, "a.png"],
      [GIF, "a.gif"],
      [JPEG, "a.jpg"],
      [JPEG, "a.jpeg"],
      [ICO, "a.ico"],
      [XLSX_BYTES, "a.xlsx"],
      [XLS_BYTES, "a.xls"],
    ] as const) {
      const { res } = await upload(UPLOADS[0]!, bytes, name);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
  });

  test("SVG: an SVG document is stored but served as a sandboxed download; HTML named .svg is refused", async () => {
    const { res, env } = await upload(UPLOADS[0]!, SVG, "logo.svg");
    expect(res.status).toBe(200);
    const served = await t.request(new URL(env.data.file_url).pathname);
    expect(served.headers.get("content-type")).toBe("image/svg+xml");
    expect(served.headers.get("content-disposition")).toBe('attachment; filename="logo.svg"');
    expect(served.headers.get("content-security-policy")).toContain("sandbox");
    expect(served.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect((await upload(UPLOADS[0]!, HTML, "logo.svg")).res.status).toBe(400);
    expect((await upload(UPLOADS[0]!, "<html><svg></svg></html>", "logo.svg")).res.status).toBe(400);
  });

  test("the content check itself", () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(contentMatchesExtension(".png", PNG)).toBe(true);
    expect(contentMatchesExtension(".png", PNG.slice(0, 4))).toBe(false);
    expect(contentMatchesExtension(".png", new Uint8Array())).toBe(false);
    expect(contentMatchesExtension(".svg", text(`\uFEFF  ${SVG}`))).toBe(true);
    expect(
      contentMatchesExtension(".svg", text('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>')),
    ).toBe(true);
    expect(contentMatchesExtension(".svg", text("<svgx/>"))).toBe(false);
    // an extension we know nothing of: refused only when it would sniff as a page
    expect(contentMatchesExtension(".txt", text("plain notes, 1 < 2"))).toBe(true);
    expect(contentMatchesExtension(".txt", text("  <SCRIPT>alert(1)</SCRIPT>"))).toBe(false);
    expect(contentMatchesExtension(".csv", text("<!-- x --><p>hi"))).toBe(false);
  });
});

describe("the original name is kept by every storage driver", () => {
  test("local: beside the file, hidden, removed with it; hidden files are not served", async () => {
    const root = await mkdtemp(join(tmpdir(), "uploads-"));
    try {
      const storage = createLocalStorage(root);
      await storage.put("upload/2026/01/01/abc.png", PNG, "image/png", "原名.png");
      expect(await storage.get("upload/2026/01/01/abc.png")).toEqual({
        body: PNG,
        contentType: "image/png",
        originName: "原名.png",
      });
      expect((await readdir(join(root, "upload/2026/01/01"))).sort()).toEqual([".abc.png.origin", "abc.png"]);
      await storage.delete("upload/2026/01/01/abc.png");
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test("r2: as custom metadata", async () => {
    const objects = new Map<string, { body: Uint8Array; meta?: Record<string, string> }>();
    const bucket: R2BucketLike = {
      async put(key, value, options) {
        objects.set(key, { body: value as Uint8Array, meta: options?.customMetadata });
      },
      async get(key) {
        const o = objects.get(key);
        return o ? { arrayBuffer: async () => o.body.slice().buffer, customMetadata: o.meta } : null;
      },
      async head(key) {
        return objects.get(key) ?? null;
      },
      async delete() {},
    };
    const storage = createR2Storage(bucket);
    await storage.put("upload/a.png", PNG, "image/png", "原名.png");
    expect((await storage.get("upload/a.png"))?.originName).toBe("原名.png");
  });

  test("hidden files next to uploads are never served by the static route", async () => {
    await t.deps.storage.put("upload/2026/01/01/.x.png.origin", new TextEncoder().encode("secret name"));
    const res = await t.request("/api/v1/static/upload/2026/01/01/.x.png.origin");
    expect(res.status).toBe(404);
  });
});
