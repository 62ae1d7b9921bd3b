import { afterAll, beforeAll, expect, test } from "bun:test";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function upload(t: TestApp, headers: Record<string, string>) {
  const form = new FormData();
  form.set("file", new File([PNG], "a.png", { type: "image/png" }));
  const res = await t.request("/api/v1/system/user/current/avatar/upload", {
    method: "POST",
    headers: { ...(await authHeaders(t, "admin")), ...headers },
    body: form,
  });
  return (await body(res)).data.file_url as string;
}

let trusting: TestApp;
let plain: TestApp;
beforeAll(async () => {
  trusting = await createTestApp({ TRUST_PROXY: "true" });
  plain = await createTestApp();
});
afterAll(async () => {
  await trusting.close();
  await plain.close();
});

const forwarded = { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "admin.example.com" };

test("behind a trusted proxy, handed-out URLs use the forwarded scheme and host", async () => {
  expect(await upload(trusting, forwarded)).toStartWith("https://admin.example.com/api/v1/static/upload/");
});

test("without TRUST_PROXY the forwarded headers are ignored", async () => {
  expect(await upload(plain, forwarded)).toStartWith("http://localhost/api/v1/static/upload/");
});

test("a malformed forwarded host is ignored", async () => {
  const url = await upload(trusting, { "X-Forwarded-Host": "evil.example/path?x" });
  expect(url).toStartWith("http://localhost/");
});
