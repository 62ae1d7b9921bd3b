import { afterAll, beforeAll, expect, test } from "bun:test";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client } from "../support/auth";

/**
 * Many writes at once through the real app, as a busy SPA would send them: none may fail with a
 * lock error (SQLITE_BUSY on a `file:` database) and none may be lost.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  t = await createTestApp();
  api = client(t, await authHeaders(t, "admin"));
});
afterAll(() => t.close());

test("100 concurrent creates, multi-row transactions and reads: all succeed, none lost", async () => {
  const creates = Array.from({ length: 100 }, (_, i) =>
    api.post("/system/position/create", { name: `并发岗位${i}`, order: i + 1, status: "0" }),
  );
  // Role permission setting rewrites link rows in a transaction; run some beside the inserts.
  const role = await body(
    await api.post("/system/role/create", { name: "并发角色", code: "CONC", order: 1 }),
  );
  const grants = Array.from({ length: 10 }, (_, i) =>
    api.patch("/system/role/permission/setting", {
      role_ids: [role.data.id],
      menu_ids: [1, 2, 3 + i],
      data_scope: 4,
      dept_ids: [],
    }),
  );
  const reads = Array.from({ length: 50 }, () => api.get("/system/position/list?page_size=5"));
  const results = await Promise.all([...creates, ...grants, ...reads]);
  const failures = [];
  for (const res of results) {
    const b = await body(res);
    if (res.status !== 200 || b.code !== 0) failures.push(`${res.status} ${b.msg}`);
  }
  expect(failures).toEqual([]);
  const list = await body(await api.get("/system/position/list?page_size=1"));
  expect(list.data.total).toBe(100);
  const detail = await body(await api.get(`/system/role/detail/${role.data.id}`));
  expect(detail.data.menus).toHaveLength(3);
}, 60_000);

test("racing creates of the same name: one wins, the others get 409, never a 500", async () => {
  const attempts = await Promise.all(
    Array.from({ length: 20 }, () =>
      api.post("/system/user/create", {
        username: "race_user",
        password: "Race-password-1",
        name: "竞争",
        dept_id: 1,
      }),
    ),
  );
  const statuses = attempts.map((r) => r.status).sort();
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
  const depts = await Promise.all(
    Array.from({ length: 20 }, () =>
      api.post("/system/dept/create", { name: "竞争部门", code: "RACE", parent_id: 1 }),
    ),
  );
  const deptStatuses = depts.map((r) => r.status);
  expect(deptStatuses.filter((s) => s === 200)).toHaveLength(1);
  expect(deptStatuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
}, 60_000);
