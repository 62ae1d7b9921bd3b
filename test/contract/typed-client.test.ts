import { afterAll, beforeAll, expect, test } from "bun:test";
import createClient from "openapi-fetch";
import type { paths } from "../e2e/support/api-types";
import { createTestApp, type TestApp } from "../support/app";
import { tokenFor } from "../support/auth";

/**
 * The typed client generated from the OpenAPI document (test/e2e/support/api-types.d.ts, kept in
 * step by `scripts/gen-api-types.ts --check` in CI): it talks to the real app, and a wrong path,
 * parameter or body does not compile (`tsc --noEmit` fails on an unused @ts-expect-error).
 */
let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = await tokenFor(t, "admin");
}, 30_000);
afterAll(() => t.close());

const clientOf = (bearer?: string) =>
  createClient<paths>({
    baseUrl: "http://localhost",
    headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
    fetch: (request) => Promise.resolve(t.app.request(request, undefined, { clientIp: "127.0.0.1" })),
  });

test("the typed client reads and writes through the real routes", async () => {
  const api = clientOf(token);
  const list = await api.GET("/api/v1/system/user/list", { params: { query: { page_size: 5 } } });
  expect(list.response.status).toBe(200);
  expect(list.data?.data.items.map((u) => u.username)).toContain("admin");

  const created = await api.POST("/api/v1/system/position/create", { body: { name: "类型化岗位" } });
  expect(created.data).toMatchObject({ code: 0, data: { name: "类型化岗位" } });
  const id = created.data!.data.id;
  const detail = await api.GET("/api/v1/system/position/detail/{id}", { params: { path: { id } } });
  expect(detail.data?.data.name).toBe("类型化岗位");

  const anonymous = await clientOf().GET("/api/v1/system/user/list");
  expect(anonymous.response.status).toBe(401);
  expect(anonymous.error?.code).toBe(10401);
});

/** Never called: the compiler is the test. Each line below must stay a type error. */
export function wrongCallsDoNotCompile() {
  const api = clientOf(token);
  // @ts-expect-error: no such path
  api.GET("/api/v1/system/user/lists");
  // @ts-expect-error: the route is POST, not GET
  api.GET("/api/v1/system/position/create");
  // @ts-expect-error: the body lacks the required `name`
  api.POST("/api/v1/system/position/create", { body: { description: "x" } });
  // @ts-expect-error: `name` is a string
  api.POST("/api/v1/system/position/create", { body: { name: 1 } });
  // @ts-expect-error: the path parameter is missing
  api.GET("/api/v1/system/position/detail/{id}");
  // @ts-expect-error: the answer has no such field
  api.GET("/api/v1/system/position/list").then((r) => r.data?.data.rows);
}
