import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalStorage } from "@/core/storage/local";
import { createR2Storage, type R2BucketLike } from "@/core/storage/r2";
import { createMemoryStorage, type Storage } from "@/core/storage/storage";
import { readFirstSheet } from "@/core/xlsx";
import { resolveResourcePath } from "@/modules/monitor/resource/resource.path";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";
import { startLocalS3 } from "../../support/s3";

const BASE = "/api/v1/monitor/resource";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const NOTE = "hello resource manager, 28 B";

/** A local S3-compatible server (s3rver) for the s3 driver's round. */
const s3 = await startLocalS3();
let t: TestApp;
let headers: Record<string, string>;
let admin: ReturnType<typeof client>;
const tempDirs: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ ALLOWED_EXTENSIONS: ".txt,.png,.xlsx", MAX_FILE_SIZE: String(1024 * 1024) });
  headers = await authHeaders(t, "admin");
  admin = client(t, headers);
});
afterAll(async () => {
  await t.close();
  await s3.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** R2's list semantics (prefix, delimiter, paging) over a Map, two objects per page. */
function fakeR2(): R2BucketLike {
  const objects = new Map<string, { bytes: Uint8Array; uploaded: Date }>();
  return {
    async put(key, value) {
      const bytes = value instanceof Uint8Array ? value.slice() : new Uint8Array(value as ArrayBuffer);
      objects.set(key, { bytes, uploaded: new Date() });
      return {};
    },
    async get(key) {
      const o = objects.get(key);
      return o ? { arrayBuffer: async () => o.bytes.slice().buffer } : null;
    },
    async head(key) {
      return objects.has(key) ? {} : null;
    },
    async delete(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) objects.delete(k);
    },
    async list({ prefix = "", cursor, delimiter }) {
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const found: { key: string; size: number; uploaded: Date }[] = [];
      const prefixes = new Set<string>();
      for (const key of keys) {
        const rest = key.slice(prefix.length);
        const cut = delimiter ? rest.indexOf(delimiter) : -1;
        if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + 1));
        else
          found.push({ key, size: objects.get(key)!.bytes.byteLength, uploaded: objects.get(key)!.uploaded });
      }
      const start = Number(cursor ?? 0);
      const page = found.slice(start, start + 2);
      const more = start + 2 < found.length;
      return {
        objects: page,
        delimitedPrefixes: start === 0 ? [...prefixes] : [],
        truncated: more,
        cursor: more ? String(start + 2) : undefined,
      };
    },
  };
}

function upload(name: string, content: string | Uint8Array<ArrayBuffer>, target?: string, h = headers) {
  const form = new FormData();
  form.append("file", new File([content], name, { type: "text/plain" }));
  if (target !== undefined) form.append("target_path", target);
  return t.request(`${BASE}/upload`, { method: "POST", headers: h, body: form });
}

const list = async (params: Record<string, string> = {}) =>
  t.request(`${BASE}/list?${new URLSearchParams({ page_no: "1", page_size: "100", ...params })}`, {
    headers,
  });

const download = (path: string) =>
  t.request(`${BASE}/download?${new URLSearchParams({ path })}`, { headers });

const names = async (path?: string) =>
  (await body(await list(path === undefined ? {} : { path }))).data.items.map((i: any) => i.name);

const drivers: [string, () => Storage][] = [
  ["memory", () => createMemoryStorage()],
  [
    "local",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "resource-"));
      tempDirs.push(dir);
      // a file next to the storage root, which no path may reach
      writeFileSync(join(dir, "outside.txt"), "SECRET");
      return createLocalStorage(join(dir, "static"));
    },
  ],
  ["r2", () => createR2Storage(fakeR2(), { prefix: "site/" })],
  ["s3", () => s3.storage({ prefix: "site/" })],
];

for (const [driver, makeStorage] of drivers) {
  describe(`resource manager on ${driver} storage`, () => {
    beforeAll(async () => {
      // routers read deps at call time, so one app serves each driver in turn
      t.deps.storage = makeStorage();
      await t.deps.storage.put("secret/keep.txt", new TextEncoder().encode("SECRET"));
    });

    test("list: the empty root, then a created folder", async () => {
      let env = await body(await list());
      expect(env.msg).toBe("获取目录列表成功");
      expect(env.data).toEqual({ items: [], total: 0, page_no: 1, page_size: 100, has_next: false });
      env = await body(
        await admin.post("/monitor/resource/create-dir", { parent_path: "", dir_name: "docs" }),
      );
      expect(env).toMatchObject({ code: 0, msg: "创建目录成功", data: null });
      const [item] = (await body(await list({ path: "/" }))).data.items;
      expect(item).toMatchObject({
        name: "docs",
        relative_path: "docs",
        is_dir: true,
        is_file: false,
        size: null,
        is_hidden: false,
      });
      expect(item.file_url).toBe("http://localhost/api/v1/static/upload/docs");
      // an empty folder exists and lists as empty (its marker is hidden)
      expect((await body(await list({ path: "docs" }))).data.items).toEqual([]);
    });

    test("upload: stored under the cleaned name, _1 when taken, served by /static", async () => {
      let res = await upload("note.txt", NOTE, "docs");
      let env = await body(res);
      expect(env.msg).toBe("上传文件成功");
      expect(env.data).toMatchObject({ filename: "note.txt", file_size: 28 });
      expect(env.data.file_url).toBe("http://localhost/api/v1/static/upload/docs/note.txt");
      expect(env.data.upload_time).toMatch(ISO);
      env = await body(await upload("note.txt", NOTE, "docs"));
      expect(env.data.filename).toBe("note_1.txt");
      env = await body(await upload(" we<i>rd|name?.txt. ", "x", "docs"));
      expect(env.data.filename).toBe("weirdname.txt");
      env = await body(await upload("报告 1.txt", "中文", ""));
      expect(env.data.file_url).toBe(
        `http://localhost/api/v1/static/upload/${encodeURIComponent("报告 1.txt")}`,
      );
      res = await t.request(new URL(env.data.file_url).pathname);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("中文");
      // into a folder that does not exist yet: made on the way
      env = await body(await upload("deep.txt", "d", "new/inner"));
      expect(env.data.file_url).toEndWith("/upload/new/inner/deep.txt");
    });

    test("list: one level, sorted by name, filtered, paged, times in ISO 8601", async () => {
      const env = await body(await list({ path: "docs" }));
      expect(env.data.items.map((i: any) => i.name)).toEqual(["note.txt", "note_1.txt", "weirdname.txt"]);
      const note = env.data.items[0];
      expect(note).toMatchObject({ relative_path: "docs/note.txt", is_file: true, is_dir: false, size: 28 });
      expect(note.created_time).toMatch(ISO);
      expect(note.modified_time).toMatch(ISO);
      const filtered = await body(await list({ path: "docs", name: "NOTE_1" }));
      expect(filtered.data.items.map((i: any) => i.name)).toEqual(["note_1.txt"]);
      const paged = await body(await list({ path: "docs", page_size: "2" }));
      expect(paged.data).toMatchObject({ total: 3, has_next: true });
      expect(paged.data.items.length).toBe(2);
      // the SPA may pass an item's file_url, or the /api/v1/static path
      expect(await names("http://localhost/api/v1/static/upload/docs")).toEqual([
        "note.txt",
        "note_1.txt",
        "weirdname.txt",
      ]);
      expect(await names("/api/v1/static/upload/new")).toEqual(["inner"]);
      expect(await names("/")).toEqual(["docs", "new", "报告 1.txt"]);
    });

    test("list errors keep upstream's prefix", async () => {
      let res = await list({ path: "docs/note.txt" });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("搜索资源失败: 路径不是目录");
      res = await list({ path: "nowhere" });
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("搜索资源失败: 目录不存在");
      res = await list({ path: "../secret" });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("搜索资源失败: 非法的路径格式");
    });

    test("download: the bytes as an attachment; errors as envelopes", async () => {
      let res = await download("docs/note.txt");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toBe('attachment; filename="note.txt"');
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await res.text()).toBe(NOTE);
      res = await download("http://localhost/api/v1/static/upload/%E6%8A%A5%E5%91%8A%201.txt");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(
        `attachment; filename="__ 1.txt"; filename*=utf-8''${encodeURIComponent("报告")}%201.txt`,
      );
      res = await download("docs");
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("路径不是文件");
      res = await download("docs/none.txt");
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("文件不存在");
      res = await t.request(`${BASE}/download`, { headers });
      expect(res.status).toBe(422);
    });

    test("rename", async () => {
      const rename = (old_path: string, new_name: string) =>
        admin.post("/monitor/resource/rename", { old_path, new_name });
      let env = await body(
        await rename("http://localhost/api/v1/static/upload/docs/note_1.txt", "renamed.txt"),
      );
      expect(env).toMatchObject({ code: 0, msg: "重命名文件成功", data: null });
      expect(await names("docs")).toEqual(["note.txt", "renamed.txt", "weirdname.txt"]);
      let res = await rename("docs/note.txt", "renamed.txt");
      expect(res.status).toBe(409);
      expect((await body(res)).msg).toBe("目标名称已存在");
      res = await rename("docs/gone.txt", "x.txt");
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("文件或目录不存在");
      res = await rename("docs/note.txt", "../x.txt");
      expect(res.status).toBe(422);
      expect((await body(res)).msg).toBe("新名称包含不安全字符");
      // a rename cannot turn a file into a type uploads refuse
      res = await rename("docs/note.txt", "note.php");
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("不允许上传此类型的文件: .php");
      // folders may be renamed too
      env = await body(await rename("new", "newer"));
      expect(env.code).toBe(0);
      expect(await names("newer/inner")).toEqual(["deep.txt"]);
    });

    test("copy and move", async () => {
      const copy = (b: object) => admin.post("/monitor/resource/copy", b);
      const move = (b: object) => admin.post("/monitor/resource/move", b);
      let env = await body(await copy({ source_path: "docs/renamed.txt", target_path: "docs/copy.txt" }));
      expect(env).toMatchObject({ code: 0, msg: "复制文件成功" });
      let res = await copy({ source_path: "docs/note.txt", target_path: "docs/copy.txt" });
      expect(res.status).toBe(409);
      expect((await body(res)).msg).toBe("目标路径已存在");
      env = await body(
        await copy({ source_path: "docs/note.txt", target_path: "docs/copy.txt", overwrite: true }),
      );
      expect(env.code).toBe(0);
      expect(await (await download("docs/copy.txt")).text()).toBe(NOTE);
      env = await body(await move({ source_path: "docs/copy.txt", target_path: "docs/sub/moved.txt" }));
      expect(env).toMatchObject({ code: 0, msg: "移动文件成功" });
      expect(await names("docs")).toEqual(["note.txt", "renamed.txt", "sub", "weirdname.txt"]);
      expect(await names("docs/sub")).toEqual(["moved.txt"]);
      // folders: recursively, markers included
      env = await body(await copy({ source_path: "docs", target_path: "docs2" }));
      expect(env.code).toBe(0);
      expect(await names("docs2/sub")).toEqual(["moved.txt"]);
      res = await move({ source_path: "docs2", target_path: "docs2/inner" });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("目标路径不能位于源路径之内");
      res = await move({ source_path: "docs/none.txt", target_path: "docs/x.txt" });
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("源路径不存在");
      res = await move({ source_path: "docs/note.txt", target_path: "docs/note.txt/x.txt" });
      expect(res.status).toBe(400);
      res = await move({ source_path: "", target_path: "docs/x.txt" });
      expect(res.status).toBe(422);
      expect((await body(res)).msg).toBe("路径不能为空");
      res = await move({ source_path: "/", target_path: "elsewhere" });
      expect(res.status).toBe(400);
      res = await copy({ source_path: "docs/note.txt", target_path: "docs/note.sh" });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("不允许上传此类型的文件: .sh");
    });

    test("create-dir errors", async () => {
      const mk = (b: object) => admin.post("/monitor/resource/create-dir", b);
      let res = await mk({ parent_path: "", dir_name: "docs" });
      expect(res.status).toBe(409);
      expect((await body(res)).msg).toBe("目录已存在");
      res = await mk({ parent_path: "nowhere", dir_name: "x" });
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("父目录不存在");
      res = await mk({ parent_path: "docs/note.txt", dir_name: "x" });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("父路径不是目录");
      for (const dir_name of ["../x", "a/b", "\\x"]) {
        res = await mk({ parent_path: "", dir_name });
        expect(res.status).toBe(422);
        expect((await body(res)).msg).toBe("参数包含不安全字符");
      }
      res = await mk({ parent_path: "../", dir_name: "x" });
      expect(res.status).toBe(422);
      res = await mk({ parent_path: "" });
      expect(res.status).toBe(422);
      expect((await body(res)).msg).toBe("请求失败，缺少必填项！");
      res = await mk({ parent_path: "docs", dir_name: "..." });
      expect(res.status).toBe(422);
    });

    test("upload refusals", async () => {
      for (const [name, msg] of [
        ["evil.php", "不允许上传此类型的文件: .php"],
        ["page.html", "不允许上传此类型的文件: .html"],
        ["report.pdf", "文件类型不支持，允许的类型: .txt, .png, .xlsx"],
        ["noext", "无法识别文件类型"],
        ["../../evil.txt", "文件名包含非法字符"],
        ["..\\evil.txt", "文件名包含非法字符"],
        ["%2e%2e/evil.txt", "文件名包含非法字符"],
      ]) {
        const res = await upload(name, "x", "docs");
        expect(res.status).toBe(400);
        expect((await body(res)).msg).toBe(msg);
      }
      let res = await upload("big.txt", new Uint8Array(1024 * 1024 + 1), "docs");
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("文件太大，最大支持1MB");
      res = await upload("x.txt", "x", "docs/note.txt");
      expect(res.status).toBe(400);
      res = await upload("x.txt", "x", "../secret");
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("非法的路径格式");
      res = await t.request(`${BASE}/upload`, { method: "POST", headers, body: new FormData() });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("请选择要上传的文件");
      expect(await names("docs")).not.toContain("evil.txt");
    });

    test("traversal attempts never leave the root", async () => {
      const attempts = [
        "../secret/keep.txt",
        "../../outside.txt",
        "%2e%2e/secret/keep.txt",
        "%252e%252e/secret/keep.txt",
        "..%2fsecret%2fkeep.txt",
        "..\\secret\\keep.txt",
        "docs\\..\\..\\secret\\keep.txt",
        "docs/../../secret/keep.txt",
        "docs/./note.txt",
        "docs/note.txt\0.png",
        "/api/v1/static/../secret/keep.txt",
        "http://localhost/api/v1/static/upload/%2e%2e/%2e%2e/secret/keep.txt",
        "docs/.keep",
        "http://evil.example/../../secret/keep.txt",
      ];
      for (const path of attempts) {
        const res = await download(path);
        // a NUL in a query string is refused before the route (text-filters-refuse-control-characters)
        const nul = path.includes("\0");
        expect([res.status, path]).toEqual([nul ? 422 : 400, path]);
        expect((await body(res)).msg).toBe(nul ? "查询条件不能包含控制字符" : "非法的路径格式");
      }
      // absolute paths are read as paths below the root, where nothing of that name exists
      for (const path of ["/etc/passwd", "/secret/keep.txt", "//secret/keep.txt"]) {
        const res = await download(path);
        expect([res.status, path]).toEqual([404, path]);
        expect(await res.text()).not.toContain("SECRET");
      }
      const deep = Array.from({ length: 21 }, () => "d").join("/");
      let res = await download(deep);
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("路径深度超过限制");
      // the same check guards every other path argument
      res = await admin.delete("/monitor/resource/delete", ["../secret"]);
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("删除失败 ../secret: 非法的路径格式");
      res = await admin.post("/monitor/resource/move", {
        source_path: "docs/note.txt",
        target_path: "../stolen.txt",
      });
      expect(res.status).toBe(400);
      res = await admin.post("/monitor/resource/copy", {
        source_path: "../secret/keep.txt",
        target_path: "docs/k.txt",
      });
      expect(res.status).toBe(400);
      res = await admin.post("/monitor/resource/rename", {
        old_path: "../secret/keep.txt",
        new_name: "k.txt",
      });
      expect(res.status).toBe(400);
      expect(await t.deps.storage.exists("secret/keep.txt")).toBe(true);
      expect(await t.deps.storage.exists("stolen.txt")).toBe(false);
    });

    test("delete: checked as a whole first, folders recursively", async () => {
      const del = (paths: unknown) => admin.delete("/monitor/resource/delete", paths);
      let res = await del([]);
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("删除失败，删除路径不能为空");
      res = await del(["docs2", "missing.txt"]);
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("删除失败 missing.txt: 路径不存在: missing.txt");
      expect(await names()).toContain("docs2"); // nothing was deleted
      res = await del(["/"]);
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("删除失败 /: 不能删除根目录");
      res = await del("docs2");
      expect(res.status).toBe(422);
      const env = await body(await del(["docs2", "http://localhost/api/v1/static/upload/docs/renamed.txt"]));
      expect(env).toMatchObject({ code: 0, msg: "删除文件成功", data: null });
      expect(await names()).not.toContain("docs2");
      expect(await names("docs")).not.toContain("renamed.txt");
      expect((await t.deps.storage.list("upload/docs2", { recursive: true })).length).toBe(0);
    });

    test("export: an xlsx of the listing, filters from the query or the JSON body", async () => {
      let res = await t.request(`${BASE}/export?path=docs`, { method: "POST", headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      );
      expect(res.headers.get("content-disposition")).toBe("attachment; filename=resource_list.xlsx");
      let rows = await readFirstSheet(new Uint8Array(await res.arrayBuffer()), 100);
      expect(rows[0].cells).toEqual(["文件名", "文件路径", "文件大小", "创建时间", "修改时间", "父目录"]);
      const note = rows.find((r) => r.cells[0] === "note.txt")!;
      expect(note.cells.slice(0, 3)).toEqual(["note.txt", "docs/note.txt", "28.00B"]);
      expect(note.cells[5]).toBe("docs");
      res = await t.request(`${BASE}/export`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify({ path: "docs", name: "weird" }),
      });
      rows = await readFirstSheet(new Uint8Array(await res.arrayBuffer()), 100);
      expect(rows.map((r) => r.cells[0])).toEqual(["文件名", "weirdname.txt"]);
      res = await t.request(`${BASE}/export?path=nowhere`, { method: "POST", headers });
      expect(res.status).toBe(404);
      expect((await body(res)).msg).toBe("搜索资源失败: 目录不存在");
    });
  });
}

describe("local storage specifics", () => {
  test("symlinks inside the root are not listed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resource-link-"));
    tempDirs.push(dir);
    const storage = createLocalStorage(join(dir, "static"));
    await storage.put("upload/a.txt", new Uint8Array([1]));
    symlinkSync(dir, join(dir, "static", "upload", "escape"));
    expect((await storage.list("upload")).map((e) => e.key)).toEqual(["upload/a.txt"]);
    expect((await storage.list("upload", { recursive: true })).map((e) => e.key)).toEqual(["upload/a.txt"]);
  });

  test("deleting the last file of a folder removes the folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resource-prune-"));
    tempDirs.push(dir);
    const storage = createLocalStorage(join(dir, "static"));
    await storage.put("upload/x/y/z.txt", new Uint8Array([1]));
    await storage.put("upload/keep.txt", new Uint8Array([1]));
    await storage.delete("upload/x/y/z.txt");
    expect((await storage.list("upload")).map((e) => e.key)).toEqual(["upload/keep.txt"]);
  });
});

describe("path resolution", () => {
  test("relative paths, /, URLs and static paths", () => {
    expect(resolveResourcePath(undefined)).toEqual({ rel: "", key: "upload" });
    expect(resolveResourcePath("/")).toEqual({ rel: "", key: "upload" });
    expect(resolveResourcePath("a//b/")).toEqual({ rel: "a/b", key: "upload/a/b" });
    expect(resolveResourcePath("a\\b").rel).toBe("a/b");
    expect(resolveResourcePath("/static/upload/a").rel).toBe("a");
    expect(resolveResourcePath("https://h:8001/api/v1/static/upload/a%20b/c").rel).toBe("a b/c");
    // a folder named upload stays addressable by its relative path (upstream stripped it)
    expect(resolveResourcePath("upload/a").rel).toBe("upload/a");
  });
});

describe("security", () => {
  const endpoints: [string, string, string, unknown?][] = [
    ["GET", "/list", "query"],
    ["POST", "/upload", "upload"],
    ["GET", "/download?path=docs/note.txt", "download"],
    ["DELETE", "/delete", "delete", ["x"]],
    ["POST", "/move", "move", { source_path: "a", target_path: "b" }],
    ["POST", "/copy", "copy", { source_path: "a", target_path: "b" }],
    ["POST", "/rename", "rename", { old_path: "a", new_name: "b" }],
    ["POST", "/create-dir", "create_dir", { parent_path: "", dir_name: "b" }],
    ["POST", "/export", "export"],
  ];

  test("401 without a token, 403 with another resource permission, through with its own", async () => {
    const others = await createScopedUser(t, { permissions: ["module_monitor:server:query"] });
    for (const [method, path, perm, payload] of endpoints) {
      const init = (h: Record<string, string>) => ({
        method,
        headers: payload === undefined ? h : { ...h, "Content-Type": "application/json" },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      let res = await t.request(`${BASE}${path}`, init({}));
      expect([path, res.status, (await body(res)).code]).toEqual([path, 401, 10401]);
      res = await t.request(`${BASE}${path}`, init(others.headers));
      expect([path, res.status, (await body(res)).code]).toEqual([path, 403, 10403]);
      const allowed = await createScopedUser(t, { permissions: [`module_monitor:resource:${perm}`] });
      res = await t.request(`${BASE}${path}`, init(allowed.headers));
      expect([path, res.status === 401 || res.status === 403]).toEqual([path, false]);
    }
  });
});
