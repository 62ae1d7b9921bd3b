import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_ALLOWED_EXTENSIONS } from "@/config";
import { openStored } from "@/core/storage/storage";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

const UPLOAD = "/api/v1/common/file/upload";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

let t: TestApp;
let headers: Record<string, string>;
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  t = await createTestApp();
  headers = await authHeaders(t, "admin");
  admin = client(t, headers);
  await t.deps.storage.put("secret/keep.png", new Uint8Array([7]));
});
afterAll(() => t.close());

function upload(name: string, content: Uint8Array<ArrayBuffer> | string = PNG, h = headers) {
  const form = new FormData();
  form.append("file", new File([content], name, { type: "image/png" }));
  return t.request(UPLOAD, { method: "POST", headers: h, body: form });
}

const download = (payload: unknown, h = headers) =>
  t.request("/api/v1/common/file/download", {
    method: "POST",
    headers: { ...h, "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });

describe("upload", () => {
  test("stores the file and answers upstream's shape", async () => {
    const res = await upload("ref.png");
    expect(res.status).toBe(200);
    const env = await body(res);
    expect(env.msg).toBe("上传文件成功");
    expect(env.data.origin_name).toBe("ref.png");
    expect(env.data.file_path).toMatch(/^static\/upload\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.png$/);
    expect(env.data.file_name).toBe(env.data.file_path.split("/").pop());
    expect(env.data.file_url).toBe(`http://localhost/api/v1/${env.data.file_path}`);
    const served = await t.request(new URL(env.data.file_url).pathname);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
  });

  test("refusals", async () => {
    for (const [name, msg] of [
      ["evil.php", "不允许上传此类型的文件: .php"],
      ["photo.heic", `文件类型不支持，允许的类型: ${DEFAULT_ALLOWED_EXTENSIONS.replaceAll(",", ", ")}`],
      ["noext", "无法识别文件类型"],
      ["../../x.png", "文件名包含非法字符"],
      ["a\\b.png", "文件名包含非法字符"],
    ]) {
      const res = await upload(name);
      expect([name, res.status]).toEqual([name, 400]);
      expect((await body(res)).msg).toBe(msg);
    }
    const res = await t.request(UPLOAD, { method: "POST", headers, body: new FormData() });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("请选择要上传的文件");
  });

  test("size limit", async () => {
    const small = await createTestApp({ MAX_FILE_SIZE: String(1024 * 1024) });
    try {
      const form = new FormData();
      form.append("file", new File([new Uint8Array(1024 * 1024 + 1)], "big.png"));
      const res = await small.request(UPLOAD, {
        method: "POST",
        headers: await authHeaders(small, "admin"),
        body: form,
      });
      expect(res.status).toBe(400);
      expect((await body(res)).msg).toBe("文件大小超过限制，最大允许 1MB");
    } finally {
      await small.close();
    }
  });
});

describe("download", () => {
  test("the file with a real file name (upstream sent a coroutine's repr), kept by default", async () => {
    const { file_path } = (await body(await upload("logo.png"))).data;
    const res = await download({ file_path });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    // the name it was uploaded under, not the random stored one
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="logo.png"`);
    expect(res.headers.get("access-control-expose-headers")).toContain("Content-Disposition");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(await t.deps.storage.exists(file_path.slice("static/".length))).toBe(true);
  });

  test("delete: true removes the file after reading it", async () => {
    const { file_path } = (await body(await upload("gone.png"))).data;
    const res = await download({ file_path, delete: true });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(await t.deps.storage.exists(file_path.slice("static/".length))).toBe(false);
    const again = await download({ file_path });
    expect(again.status).toBe(404);
    expect((await body(again)).msg).toBe("文件不存在");
  });

  test("downloads are streamed from storage (open, not get), with their length", async () => {
    const { file_path } = (await body(await upload("big.png"))).data;
    const memory = t.deps.storage;
    let opened = 0;
    t.deps.storage = {
      ...memory,
      get: async () => {
        throw new Error("a download must not read the file whole");
      },
      open: async (key) => {
        opened++;
        return openStored(memory, key);
      },
    };
    try {
      for (const res of [await download({ file_path }), await t.request(`/api/v1/${file_path}`)]) {
        expect(res.status).toBe(200);
        expect(res.headers.get("content-length")).toBe(String(PNG.byteLength));
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
      }
      expect(opened).toBe(2);
    } finally {
      t.deps.storage = memory;
    }
  });

  test("a non-ASCII stored name is sent as filename*", async () => {
    await t.deps.storage.put("upload/2026/01/01/报告.png", PNG);
    const res = await download({ file_path: "static/upload/2026/01/01/报告.png" });
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="__.png"; filename*=utf-8''${encodeURIComponent("报告")}.png`,
    );
  });

  test("validation", async () => {
    let res = await download({ file_path: "  " });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("请选择要下载的文件");
    res = await download({});
    expect(res.status).toBe(422);
    expect((await body(res)).msg).toBe("请求失败，缺少必填项！");
    res = await download({ file_path: "static/upload/2026/01/01/none.png" });
    expect(res.status).toBe(404);
  });

  test("traversal and paths outside the upload folder are refused", async () => {
    for (const file_path of [
      "static/upload/../secret/keep.png",
      "static/upload/2026/../../secret/keep.png",
      "static/upload/%2e%2e/secret/keep.png",
      "static/upload/..\\secret\\keep.png",
      "static/upload\\..\\secret\\keep.png",
      "static/upload/x.png\0.txt",
      "static/secret/keep.png",
      "secret/keep.png",
      "/etc/passwd",
      "/static/upload/x.png",
      "static/upload//x.png",
      "static/upload/./x.png",
      "static/upload/.keep",
    ]) {
      const res = await download({ file_path, delete: true });
      expect([file_path, res.status]).toEqual([file_path, 400]);
      expect((await body(res)).msg).toBe("非法的文件路径");
    }
    expect(await t.deps.storage.exists("secret/keep.png")).toBe(true);
  });
});

describe("security", () => {
  test("401 without a token; 403 for a user without the (unseeded) permissions", async () => {
    let res = await upload("a.png", PNG, {});
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe(10401);
    res = await download({ file_path: "static/upload/x.png" }, {});
    expect(res.status).toBe(401);
    const user = await createScopedUser(t, { permissions: ["module_monitor:resource:upload"] });
    res = await upload("a.png", PNG, user.headers);
    expect(res.status).toBe(403);
    expect((await body(res)).code).toBe(10403);
    res = await download({ file_path: "static/upload/x.png" }, user.headers);
    expect(res.status).toBe(403);
    expect((await body(res)).code).toBe(10403);
    // superusers pass (the permissions are not in the seeded menus, contract §14 #5)
    expect((await admin.post("/common/file/download", { file_path: "static/upload/none.png" })).status).toBe(
      404,
    );
  });
});
