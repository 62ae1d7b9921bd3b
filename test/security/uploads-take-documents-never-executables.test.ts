import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DANGEROUS } from "@/core/storage/upload";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

/*
 * The file endpoints and the resource manager take the documents, archives and media an admin
 * keeps (the default ALLOWED_EXTENSIONS); executable, script and HTML-like types are refused even
 * when an admin lists them; every download is an inert attachment (nosniff, sandbox CSP), and the
 * content must be what the extension says.
 */

const enc = (text: string) => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
const cat = (...parts: (Uint8Array | string)[]) => {
  const chunks = parts.map((p) => (typeof p === "string" ? enc(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
const ZIP = cat("PK\x03\x04", new Uint8Array(26));
const OLE = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
const TAR = (() => {
  const block = new Uint8Array(512);
  block.set(enc("readme.txt"), 0);
  block.set(enc("ustar\x0000"), 257);
  return block;
})();

/** A minimal file of each default type, as its real format starts. */
const SAMPLES: Record<string, Uint8Array<ArrayBuffer>> = {
  ".pdf": enc("%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"),
  ".doc": OLE,
  ".docx": ZIP,
  ".xls": OLE,
  ".xlsx": ZIP,
  ".ppt": OLE,
  ".pptx": ZIP,
  ".odt": ZIP,
  ".ods": ZIP,
  ".txt": enc("会议纪要\nline two\n"),
  ".csv": enc("name,amount\n张三,12\n"),
  ".md": enc("# Title\n\nSome *text*.\n"),
  ".rtf": enc("{\\rtf1\\ansi hello}"),
  ".zip": ZIP,
  ".7z": new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]),
  ".tar": TAR,
  ".gz": new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
  ".png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  ".jpg": new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
  ".jpeg": new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0, 16]),
  ".gif": enc("GIF89a\x01\x00\x01\x00"),
  ".webp": enc("RIFF\x10\x00\x00\x00WEBPVP8 "),
  ".bmp": enc("BM\x3a\x00\x00\x00"),
  ".ico": new Uint8Array([0, 0, 1, 0, 1, 0]),
  ".svg": enc('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'),
  ".mp3": enc("ID3\x04\x00\x00"),
  ".mp4": cat(new Uint8Array([0, 0, 0, 0x18]), "ftypmp42"),
  ".wav": enc("RIFF\x24\x00\x00\x00WAVEfmt "),
  ".webm": new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f]),
};

const NEVER = (
  ".html .htm .xhtml .js .mjs .svgz .exe .sh .bat .cmd .php .jsp .asp .aspx .dll .so .msi .jar .com " +
  ".ps1 .vbs .hta .xml .xsl .phtml .py"
).split(" ");

const HTML = enc("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>");

let t: TestApp;
let admin: Record<string, string>;
/** An app whose admin (wrongly) lists every dangerous type as allowed. */
let lax: TestApp;
let laxAdmin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await authHeaders(t, "admin");
  lax = await createTestApp({ ALLOWED_EXTENSIONS: [...NEVER, ".txt"].join(",") });
  laxAdmin = await authHeaders(lax, "admin");
}, 60_000);
afterAll(async () => {
  await t.close();
  await lax.close();
}, 60_000);

function form(name: string, content: Uint8Array) {
  const data = new FormData();
  // the browser's claim is deliberately wrong: it must never matter
  data.append("file", new File([content as Uint8Array<ArrayBuffer>], name, { type: "text/html" }));
  return data;
}

const fileUpload = (app: TestApp, h: Record<string, string>, name: string, content: Uint8Array) =>
  app.request("/api/v1/common/file/upload", { method: "POST", headers: h, body: form(name, content) });

const resourceUpload = (app: TestApp, h: Record<string, string>, name: string, content: Uint8Array) =>
  app.request("/api/v1/monitor/resource/upload", { method: "POST", headers: h, body: form(name, content) });

function expectInertAttachment(res: Response, name: string) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/octet-stream");
  expect(res.headers.get("content-disposition")).toStartWith("attachment;");
  expect(decodeURIComponent(res.headers.get("content-disposition") ?? "")).toContain(name);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("content-security-policy")).toContain("sandbox");
  expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
}

describe("documents, archives and media are taken by default", () => {
  for (const [ext, content] of Object.entries(SAMPLES)) {
    test(`${ext}: file upload and download, resource manager upload and download`, async () => {
      const name = `资料 ${ext.slice(1)}${ext}`;
      const up = await fileUpload(t, admin, name, content);
      expect({ ext, status: up.status, msg: (await body(up.clone())).msg }).toMatchObject({
        ext,
        status: 200,
      });
      const filePath = (await body(up)).data.file_path;
      const down = await t.request("/api/v1/common/file/download", {
        method: "POST",
        headers: { ...admin, "Content-Type": "application/json" },
        body: JSON.stringify({ file_path: filePath, delete: false }),
      });
      expectInertAttachment(down, name);
      expect(new Uint8Array(await down.arrayBuffer())).toEqual(content);
      // served by /static: typed by its extension, never by the claim, never able to run
      const served = await t.request(`/api/v1/${filePath}`);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).not.toContain("html");
      expect(served.headers.get("x-content-type-options")).toBe("nosniff");
      expect(served.headers.get("content-security-policy")).toContain("sandbox");

      const stored = await resourceUpload(t, admin, `doc${ext}`, content);
      expect({ ext, status: stored.status }).toEqual({ ext, status: 200 });
      const rel = (await body(stored)).data.filename;
      const got = await t.request(`/api/v1/monitor/resource/download?${new URLSearchParams({ path: rel })}`, {
        headers: admin,
      });
      expectInertAttachment(got, rel);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(content);
    });
  }
});

describe("executable, script and HTML-like types are refused, even when allowed by the admin", () => {
  test("the denylist covers every one of them", () => {
    for (const ext of NEVER) expect([ext, DANGEROUS.has(ext)]).toEqual([ext, true]);
  });

  for (const ext of NEVER) {
    test(`${ext}`, async () => {
      const bytes = enc("MZ\x90\x00 #!/bin/sh");
      for (const send of [fileUpload, resourceUpload]) {
        const res = await send(lax, laxAdmin, `tool${ext}`, bytes);
        expect({ ext, status: res.status }).toEqual({ ext, status: 400 });
        expect((await body(res)).msg).toBe(`不允许上传此类型的文件: ${ext}`);
      }
    });
  }

  test("a resource renamed or copied to a dangerous name is refused", async () => {
    expect((await resourceUpload(lax, laxAdmin, "plain.txt", enc("hi"))).status).toBe(200);
    for (const [path, payload] of [
      ["rename", { old_path: "plain.txt", new_name: "plain.html" }],
      ["copy", { source_path: "plain.txt", target_path: "plain.js" }],
      ["move", { source_path: "plain.txt", target_path: "plain.php" }],
    ] as const) {
      const res = await lax.request(`/api/v1/monitor/resource/${path}`, {
        method: "POST",
        headers: { ...laxAdmin, "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
  });
});

describe("the content must be what the extension says", () => {
  for (const ext of [
    ".pdf",
    ".docx",
    ".xls",
    ".zip",
    ".7z",
    ".gz",
    ".tar",
    ".mp4",
    ".txt",
    ".csv",
    ".md",
    ".rtf",
  ]) {
    test(`HTML under ${ext} is refused`, async () => {
      for (const send of [fileUpload, resourceUpload]) {
        const res = await send(t, admin, `page${ext}`, HTML);
        expect({ ext, status: res.status }).toEqual({ ext, status: 400 });
        expect((await body(res)).msg).toBe(`文件内容与扩展名不符: ${ext}`);
      }
    });
  }

  test("binary under a text name is refused", async () => {
    const res = await fileUpload(t, admin, "notes.txt", new Uint8Array([0x4d, 0x5a, 0, 0, 3, 0]));
    expect(res.status).toBe(400);
  });
});
