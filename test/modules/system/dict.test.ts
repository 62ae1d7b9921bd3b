import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import type { Cache } from "@/core/cache/cache";
import { cachedDictItems, dictCacheKey } from "@/modules/system/dict/dict.cache";
import { body, createTestApp, type TestApp } from "../../support/app";
import {
  authHeaders,
  client,
  expectExactPermissions,
  expectUnauthenticated,
  type GuardedCall,
} from "../../support/auth";

let t: TestApp;
let admin: ReturnType<typeof client>;
let anon: ReturnType<typeof client>;

const TYPE_KEYS = [
  "id",
  "uuid",
  "status",
  "description",
  "created_time",
  "updated_time",
  "is_deleted",
  "deleted_time",
  "dict_name",
  "dict_type",
].sort();

const DATA_KEYS = [
  "id",
  "uuid",
  "status",
  "description",
  "created_time",
  "updated_time",
  "is_deleted",
  "deleted_time",
  "dict_sort",
  "dict_label",
  "dict_value",
  "dict_type",
  "dict_type_id",
  "css_class",
  "list_class",
  "is_default",
].sort();

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t, await authHeaders(t, "admin"));
  anon = client(t);
});

afterAll(async () => {
  await t?.close();
});

/** A new type with items (label/value/sort), through the API. */
async function makeType(code: string, items: { label: string; value: string; sort: number }[] = []) {
  const res = await admin.post("/system/dict/type/create", {
    dict_name: `名称${code}`,
    dict_type: code,
    description: "test",
  });
  expect(res.status).toBe(200);
  const type = (await body(res)).data;
  const ids: number[] = [];
  for (const item of items) {
    const r = await admin.post("/system/dict/data/create", {
      dict_sort: item.sort,
      dict_label: item.label,
      dict_value: item.value,
      dict_type: code,
      dict_type_id: type.id,
    });
    expect(r.status).toBe(200);
    ids.push((await body(r)).data.id);
  }
  return { id: type.id as number, code, ids };
}

async function publicRead(code: string) {
  const res = await anon.get(`/system/dict/data/info/${code}`);
  return { status: res.status, env: await body(res) };
}

async function readSheet(res: Response) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const sheet = book.worksheets[0];
  const rows: unknown[][] = [];
  sheet.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

describe("dict types", () => {
  test("list: page shape, default order updated_time desc then id desc, seeded rows", async () => {
    const res = await admin.get("/system/dict/type/list?page_no=1&page_size=3");
    expect(res.status).toBe(200);
    const env = await body(res);
    expect(env).toMatchObject({ code: 0, msg: "查询字典类型列表成功", status_code: 200, success: true });
    expect(Object.keys(env.data).sort()).toEqual(["has_next", "items", "page_no", "page_size", "total"]);
    expect(env.data).toMatchObject({ total: 10, page_no: 1, page_size: 3, has_next: true });
    expect(env.data.items.map((r: any) => r.id)).toEqual([10, 9, 8]);
    const first = env.data.items[0];
    expect(Object.keys(first).sort()).toEqual(TYPE_KEYS);
    expect(first).toMatchObject({
      dict_type: "sys_list_class",
      status: "0",
      is_deleted: false,
      deleted_time: null,
    });
    expect(first.created_time).toMatch(DATETIME);
  });

  test("list: filters (name like, type eq, status) and order_by", async () => {
    let env = await body(await admin.get(`/system/dict/type/list?dict_name=${encodeURIComponent("任务")}`));
    expect(env.data.total).toBe(4);
    env = await body(await admin.get("/system/dict/type/list?dict_type=sys_user"));
    expect(env.data.total).toBe(0); // eq, not like
    env = await body(await admin.get("/system/dict/type/list?dict_type=sys_user_sex"));
    expect(env.data.items.map((r: any) => r.id)).toEqual([1]);
    env = await body(await admin.get("/system/dict/type/list?status=1"));
    expect(env.data.total).toBe(0);
    env = await body(await admin.get(`/system/dict/type/list?dict_name=${encodeURIComponent("%")}`));
    expect(env.data.total).toBe(0); // LIKE wildcards are literal
    env = await body(
      await admin.get(`/system/dict/type/list?page_size=2&order_by=${encodeURIComponent('[{"id":"asc"}]')}`),
    );
    expect(env.data.items.map((r: any) => r.id)).toEqual([1, 2]);
    env = await body(
      await admin.get(
        "/system/dict/type/list?created_time=2000-01-01 00:00:00&created_time=2000-01-02 00:00:00".replace(
          / /g,
          "%20",
        ),
      ),
    );
    expect(env.data.total).toBe(0);
  });

  test("list: bad paging, bad order field and bad time range are refused", async () => {
    let res = await admin.get("/system/dict/type/list?page_size=101");
    expect(res.status).toBe(422);
    expect((await body(res)).code).toBe(1);
    res = await admin.get(`/system/dict/type/list?order_by=${encodeURIComponent('[{"nope":"asc"}]')}`);
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("排序字段不存在: nope");
    res = await admin.get("/system/dict/type/list?created_time=x&created_time=y");
    expect(res.status).toBe(422);
  });

  test("detail: found, missing (404), id 0 (422)", async () => {
    let res = await admin.get("/system/dict/type/detail/1");
    let env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("获取字典类型详情成功");
    expect(Object.keys(env.data).sort()).toEqual(TYPE_KEYS);
    expect(env.data).toMatchObject({ id: 1, dict_name: "用户性别", dict_type: "sys_user_sex" });
    res = await admin.get("/system/dict/type/detail/999999");
    env = await body(res);
    expect(res.status).toBe(404);
    expect(env).toMatchObject({ code: -1, msg: "该字典类型不存在", success: false, data: null });
    res = await admin.get("/system/dict/type/detail/0");
    expect(res.status).toBe(422);
    expect((await body(res)).code).toBe(1);
  });

  test("optionselect: every type as an array in id order (upstream always failed)", async () => {
    const res = await admin.get("/system/dict/type/optionselect");
    const env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("获取字典类型列表成功");
    expect(Array.isArray(env.data)).toBe(true);
    expect(env.data.map((r: any) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test("create: stored as sent (trimmed), extra fields ignored", async () => {
    const res = await admin.post("/system/dict/type/create", {
      dict_name: "  测试类型A ",
      dict_type: "t_create_a",
      status: "1",
      description: "d",
      id: 5,
      uuid: "ignored",
      whatever: true,
    });
    const env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("创建字典类型成功");
    expect(Object.keys(env.data).sort()).toEqual(TYPE_KEYS);
    expect(env.data).toMatchObject({
      dict_name: "测试类型A",
      dict_type: "t_create_a",
      status: "1",
      description: "d",
    });
    expect(env.data.id).toBeGreaterThan(10);
    expect(env.data.uuid).not.toBe("ignored");
    const detail = await body(await admin.get(`/system/dict/type/detail/${env.data.id}`));
    expect(detail.data.dict_name).toBe("测试类型A");
  });

  test("create: validation messages", async () => {
    const cases: [unknown, string][] = [
      [{ dict_name: "   ", dict_type: "abc" }, "字典名称不能为空"],
      [{ dict_name: "x", dict_type: "" }, "字典类型不能为空"],
      [{ dict_name: "x", dict_type: "1abc" }, "字典类型必须以字母开头，且只能为（小写字母，数字，下滑线）"],
      [{ dict_name: "x", dict_type: "Abc" }, "字典类型必须以字母开头，且只能为（小写字母，数字，下滑线）"],
      [{ dict_type: "abc" }, "请求失败，缺少必填项！"],
      [{ dict_name: "x".repeat(65), dict_type: "abc" }, "字典名称长度不能超过64个字符"],
      [{ dict_name: "x", dict_type: "abc", status: "2" }, "状态只能为 0 (启用) 或 1 (停用)"],
    ];
    for (const [payload, msg] of cases) {
      const res = await admin.post("/system/dict/type/create", payload);
      expect(res.status).toBe(422);
      expect(await body(res)).toMatchObject({ code: 1, msg, data: payload });
    }
    const list = await body(await admin.get("/system/dict/type/list?dict_type=abc"));
    expect(list.data.total).toBe(0);
  });

  test("create: duplicate name or code → 409 with a readable message", async () => {
    let res = await admin.post("/system/dict/type/create", { dict_name: "用户性别", dict_type: "brand_new" });
    expect(res.status).toBe(409);
    expect(await body(res)).toMatchObject({ code: -1, msg: "创建失败，该数据字典类型已存在" });
    res = await admin.post("/system/dict/type/create", { dict_name: "全新名称", dict_type: "sys_user_sex" });
    expect(res.status).toBe(409);
    expect(await body(res)).toMatchObject({ code: -1, msg: "创建失败，字典类型 sys_user_sex 已存在" });
  });

  test("update: description/status change; name is fixed; missing → 404; code collision → 409", async () => {
    const { id, code } = await makeType("t_upd_a");
    let res = await admin.put(`/system/dict/type/update/${id}`, {
      dict_name: `名称${code}`,
      dict_type: code,
      status: "1",
      description: "changed",
      id: 1, // the path id wins
    });
    let env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("修改字典类型成功");
    expect(env.data).toMatchObject({ id, status: "1", description: "changed" });
    expect((await body(await admin.get("/system/dict/type/detail/1"))).data.status).toBe("0");

    res = await admin.put(`/system/dict/type/update/${id}`, { dict_name: "另一个名字", dict_type: code });
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("更新失败，数据字典类型名称不可以修改");

    res = await admin.put("/system/dict/type/update/999999", { dict_name: "x", dict_type: "xyz" });
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("更新失败，该数据字典类型不存在");

    res = await admin.put(`/system/dict/type/update/${id}`, {
      dict_name: `名称${code}`,
      dict_type: "sys_yes_no",
    });
    env = await body(res);
    expect(res.status).toBe(409);
    expect(env.msg).toBe("更新失败，字典类型 sys_yes_no 已存在");
    expect((await body(await admin.get(`/system/dict/type/detail/${id}`))).data.dict_type).toBe(code);

    res = await admin.put(`/system/dict/type/update/${id}`, {
      dict_name: `名称${code}`,
      dict_type: "Bad-Code",
    });
    expect(res.status).toBe(422);
  });

  test("update: renaming the code moves its items' dict_type in the same write", async () => {
    const { id, ids } = await makeType("t_ren_a", [
      { label: "一", value: "1", sort: 1 },
      { label: "二", value: "2", sort: 2 },
    ]);
    const res = await admin.put(`/system/dict/type/update/${id}`, {
      dict_name: "名称t_ren_a",
      dict_type: "t_ren_b",
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data.dict_type).toBe("t_ren_b");
    for (const itemId of ids) {
      const item = (await body(await admin.get(`/system/dict/data/detail/${itemId}`))).data;
      expect(item).toMatchObject({ dict_type: "t_ren_b", dict_type_id: id });
    }
    const byOld = await body(await admin.get("/system/dict/data/list?dict_type=t_ren_a"));
    expect(byOld.data.total).toBe(0);
  });

  test("delete: cascades to its items; empty, missing, non-list refused", async () => {
    const { id, ids } = await makeType("t_del_a", [{ label: "一", value: "1", sort: 1 }]);
    let res = await admin.delete("/system/dict/type/delete", []);
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("删除失败，删除对象不能为空");
    res = await admin.delete("/system/dict/type/delete", [id, 999999]);
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("删除失败，该数据字典类型不存在");
    expect((await admin.get(`/system/dict/type/detail/${id}`)).status).toBe(200); // nothing deleted
    res = await admin.delete("/system/dict/type/delete", { ids: [id] });
    expect(res.status).toBe(422);
    res = await admin.delete("/system/dict/type/delete", [id]);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除字典类型成功", data: null });
    expect((await admin.get(`/system/dict/type/detail/${id}`)).status).toBe(404);
    expect((await admin.get(`/system/dict/data/detail/${ids[0]}`)).status).toBe(404);
  });

  test("status: batch set; bad status 422; unknown id 404", async () => {
    const a = await makeType("t_st_a");
    const b = await makeType("t_st_b");
    let res = await admin.patch("/system/dict/type/available/setting", { ids: [a.id, b.id], status: "1" });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "批量修改字典类型状态成功", data: null });
    for (const id of [a.id, b.id]) {
      expect((await body(await admin.get(`/system/dict/type/detail/${id}`))).data.status).toBe("1");
    }
    res = await admin.patch("/system/dict/type/available/setting", { ids: [a.id], status: 0 });
    expect(res.status).toBe(200);
    expect((await body(await admin.get(`/system/dict/type/detail/${a.id}`))).data.status).toBe("0");
    res = await admin.patch("/system/dict/type/available/setting", { ids: [a.id], status: "x" });
    expect(res.status).toBe(422);
    res = await admin.patch("/system/dict/type/available/setting", { ids: [a.id, 999999], status: "1" });
    expect(res.status).toBe(404);
    expect((await body(await admin.get(`/system/dict/type/detail/${a.id}`))).data.status).toBe("0");
    res = await admin.patch("/system/dict/type/available/setting", { ids: [], status: "1" });
    expect(res.status).toBe(400);
  });

  test("export: xlsx with headers, filters from the body or the query", async () => {
    let res = await admin.post("/system/dict/type/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toBe("attachment; filename=dict_type.xlsx");
    expect(res.headers.get("access-control-expose-headers")).toContain("Content-Disposition");
    let rows = await readSheet(res);
    expect(rows[0]).toEqual(["编号", "字典名称", "字典类型", "状态", "备注", "创建时间", "更新时间"]);
    expect(rows[1].slice(0, 4)).toEqual([1, "用户性别", "sys_user_sex", "启用"]);
    const all = rows.length - 1;
    expect(all).toBeGreaterThanOrEqual(10);

    res = await admin.post("/system/dict/type/export", { dict_type: "sys_yes_no", page_no: 1 });
    rows = await readSheet(res);
    expect(rows.length).toBe(2);
    expect(rows[1][2]).toBe("sys_yes_no");

    res = await admin.post(`/system/dict/type/export?dict_name=${encodeURIComponent("任务")}`);
    rows = await readSheet(res);
    expect(rows.length).toBe(5);

    res = await admin.post("/system/dict/type/export", { created_time: ["bad", "worse"] });
    expect(res.status).toBe(422);
    expect((await body(res)).code).toBe(1);
  });
});

describe("dict data", () => {
  test("list: default order, filters by type code, type id, label, status", async () => {
    let env = await body(await admin.get("/system/dict/data/list"));
    expect(env.msg).toBe("查询字典数据列表成功");
    expect(env.data.page_size).toBe(10);
    expect(Object.keys(env.data.items[0]).sort()).toEqual(DATA_KEYS);
    env = await body(await admin.get("/system/dict/data/list?dict_type=sys_user_sex"));
    expect(env.data.total).toBe(3);
    expect(env.data.items.map((r: any) => r.id)).toEqual([3, 2, 1]);
    env = await body(
      await admin.get("/system/dict/data/list?dict_type_id=1&dict_label=" + encodeURIComponent("男")),
    );
    expect(env.data.items.map((r: any) => r.dict_label)).toEqual(["男"]);
    env = await body(await admin.get("/system/dict/data/list?dict_type_id=0&page_size=1"));
    expect(env.data.total).toBeGreaterThanOrEqual(34); // 0 = no filter
    env = await body(await admin.get("/system/dict/data/list?dict_type_id=abc"));
    expect(env.code).toBe(1);
    env = await body(await admin.get("/system/dict/data/list?dict_type=sys_user_sex&status=1"));
    expect(env.data.total).toBe(0);
  });

  test("detail: found / missing", async () => {
    let res = await admin.get("/system/dict/data/detail/1");
    const env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("获取字典数据详情成功");
    expect(env.data).toMatchObject({
      id: 1,
      dict_sort: 1,
      dict_label: "男",
      dict_value: "0",
      dict_type: "sys_user_sex",
      dict_type_id: 1,
      css_class: "blue",
      list_class: null,
      is_default: true,
    });
    res = await admin.get("/system/dict/data/detail/999999");
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("该字典数据不存在");
  });

  test("create: happy path and every refusal", async () => {
    const { id, code } = await makeType("t_dc_a");
    const good = {
      dict_sort: 1,
      dict_label: " 是 ",
      dict_value: "1",
      dict_type: code,
      dict_type_id: id,
      css_class: "",
      list_class: "primary",
      is_default: false,
      status: "0",
      description: "reference",
    };
    let res = await admin.post("/system/dict/data/create", good);
    let env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("创建字典数据成功");
    expect(Object.keys(env.data).sort()).toEqual(DATA_KEYS);
    expect(env.data).toMatchObject({ ...good, dict_label: "是" });

    const refusals: [unknown, number, string][] = [
      [{ ...good, dict_label: "是", dict_value: "2" }, 409, `创建失败，该字典类型下的字典标签"是"已存在`],
      [{ ...good, dict_label: "否", dict_value: "1" }, 409, `创建失败，该字典类型下的字典键值"1"已存在`],
      [{ ...good, dict_label: "x", dict_value: "x", dict_sort: 0 }, 422, "字典排序必须在 1 到 999 之间"],
      [{ ...good, dict_label: "x", dict_value: "x", dict_sort: 1000 }, 422, "字典排序必须在 1 到 999 之间"],
      [{ ...good, dict_label: "x", dict_value: "x", dict_type_id: 0 }, 422, "字典类型ID不能为空且必须大于0"],
      [{ ...good, dict_label: "  ", dict_value: "x" }, 422, "字典标签不能为空"],
      [{ ...good, dict_label: "x", dict_value: "" }, 422, "字典键值不能为空"],
      [{ ...good, dict_label: "x", dict_value: "x", dict_type: " " }, 422, "字典类型不能为空"],
      [
        { ...good, dict_label: "x", dict_value: "x", is_default: "maybe" },
        422,
        "类型错误，提交参数应该为布尔值！",
      ],
      [
        { ...good, dict_label: "x", dict_value: "x", dict_type_id: 999999 },
        400,
        "创建失败，字典类型ID 999999 不存在",
      ],
      [
        { ...good, dict_label: "x", dict_value: "x", dict_type: "sys_user_sex" },
        400,
        `创建失败，字典类型 sys_user_sex 与字典类型ID ${id} 不匹配`,
      ],
    ];
    for (const [payload, status, msg] of refusals) {
      res = await admin.post("/system/dict/data/create", payload);
      env = await body(res);
      expect({ status: res.status, msg: env.msg }).toEqual({ status, msg });
    }
    // the same label in another type is fine
    res = await admin.post("/system/dict/data/create", {
      ...good,
      dict_type: "sys_yes_no",
      dict_type_id: 2,
      dict_label: "测试项",
      dict_value: "t",
    });
    expect(res.status).toBe(200);
    const list = await body(await admin.get(`/system/dict/data/list?dict_type=${code}`));
    expect(list.data.total).toBe(1);
  });

  test("update: happy, own label kept, collisions, missing", async () => {
    const { id, code, ids } = await makeType("t_du_a", [
      { label: "一", value: "1", sort: 1 },
      { label: "二", value: "2", sort: 2 },
    ]);
    const base = { dict_type: code, dict_type_id: id };
    let res = await admin.put(`/system/dict/data/update/${ids[0]}`, {
      ...base,
      dict_sort: 5,
      dict_label: "一",
      dict_value: "1",
      list_class: "success",
      description: "updated",
    });
    let env = await body(res);
    expect(res.status).toBe(200);
    expect(env.msg).toBe("修改字典数据成功");
    expect(env.data).toMatchObject({
      id: ids[0],
      dict_sort: 5,
      list_class: "success",
      description: "updated",
    });

    res = await admin.put(`/system/dict/data/update/${ids[0]}`, {
      ...base,
      dict_sort: 1,
      dict_label: "二",
      dict_value: "9",
    });
    expect(res.status).toBe(409);
    expect((await body(res)).msg).toBe(`更新失败，该字典类型下的字典标签"二"已存在`);
    res = await admin.put(`/system/dict/data/update/${ids[0]}`, {
      ...base,
      dict_sort: 1,
      dict_label: "九",
      dict_value: "2",
    });
    expect(res.status).toBe(409);
    expect((await body(res)).msg).toBe(`更新失败，该字典类型下的字典键值"2"已存在`);
    env = await body(await admin.get(`/system/dict/data/detail/${ids[0]}`));
    expect(env.data).toMatchObject({ dict_label: "一", dict_value: "1", dict_sort: 5 });

    res = await admin.put("/system/dict/data/update/999999", {
      ...base,
      dict_sort: 1,
      dict_label: "a",
      dict_value: "a",
    });
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("更新失败，该字典数据不存在");
    res = await admin.put(`/system/dict/data/update/${ids[0]}`, {
      ...base,
      dict_label: "a",
      dict_value: "a",
    });
    expect(res.status).toBe(422);
    expect((await body(res)).msg).toBe("请求失败，缺少必填项！");
  });

  test("delete: default items protected; missing refused; happy path physical", async () => {
    const { ids } = await makeType("t_dd_a", [
      { label: "一", value: "1", sort: 1 },
      { label: "二", value: "2", sort: 2 },
    ]);
    let res = await admin.delete("/system/dict/data/delete", [ids[0], 1]);
    expect(res.status).toBe(400);
    expect((await body(res)).msg).toBe("删除失败，ID为1的系统默认字典数据不允许删除");
    expect((await admin.get(`/system/dict/data/detail/${ids[0]}`)).status).toBe(200);
    res = await admin.delete("/system/dict/data/delete", [999999]);
    expect(res.status).toBe(404);
    expect((await body(res)).msg).toBe("999999 删除失败，该字典数据不存在");
    res = await admin.delete("/system/dict/data/delete", []);
    expect(res.status).toBe(400);
    res = await admin.delete("/system/dict/data/delete", ids);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ code: 0, msg: "删除字典数据成功", data: null });
    for (const id of ids) expect((await admin.get(`/system/dict/data/detail/${id}`)).status).toBe(404);
  });

  test("status: batch set; refusals", async () => {
    const { ids } = await makeType("t_ds_a", [{ label: "一", value: "1", sort: 1 }]);
    let res = await admin.patch("/system/dict/data/available/setting", { ids, status: "1" });
    expect(res.status).toBe(200);
    expect((await body(res)).msg).toBe("批量修改字典数据状态成功");
    expect((await body(await admin.get(`/system/dict/data/detail/${ids[0]}`))).data.status).toBe("1");
    res = await admin.patch("/system/dict/data/available/setting", { ids: [999999], status: "1" });
    expect(res.status).toBe(404);
    res = await admin.patch("/system/dict/data/available/setting", { ids, status: "3" });
    expect(res.status).toBe(422);
    res = await admin.patch("/system/dict/data/available/setting", { ids: "1", status: "1" });
    expect(res.status).toBe(422);
  });

  test("export: columns, 是/否, filters from body, order_by", async () => {
    let res = await admin.post("/system/dict/data/export", {
      dict_type: "sys_user_sex",
      order_by: '[{"dict_sort":"asc"}]',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe("attachment; filename=dict_data.xlsx");
    const rows = await readSheet(res);
    expect(rows[0]).toEqual([
      "编号",
      "字典排序",
      "字典标签",
      "字典键值",
      "字典类型",
      "样式属性",
      "表格回显样式",
      "是否默认",
      "状态",
      "备注",
      "创建时间",
      "更新时间",
    ]);
    expect(rows.slice(1).map((r) => r[2])).toEqual(["男", "女", "未知"]);
    expect(rows[1][7]).toBe("是");
    expect(rows[2][7]).toBe("否");
    res = await admin.post(
      `/system/dict/data/export?dict_type_id=2&order_by=${encodeURIComponent('[{"id":"asc"}]')}`,
    );
    expect((await readSheet(res)).length).toBeGreaterThanOrEqual(3);
    res = await admin.post("/system/dict/data/export", { order_by: '[{"bogus":"asc"}]' });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});

describe("public dictionary read (GET /system/dict/data/info/{dict_type})", () => {
  test("no token needed; enabled items in dict_sort order; envelope and shape", async () => {
    const { status, env } = await publicRead("sys_user_sex");
    expect(status).toBe(200);
    expect(env).toMatchObject({ code: 0, msg: "获取初始化字典数据成功", success: true });
    expect(env.data.map((r: any) => [r.dict_label, r.dict_value])).toEqual([
      ["男", "0"],
      ["女", "1"],
      ["未知", "2"],
    ]);
    expect(Object.keys(env.data[0]).sort()).toEqual(DATA_KEYS);
    // a stale or broken token does not matter on a public route
    const res = await t.request("/api/v1/system/dict/data/info/sys_user_sex", {
      headers: { Authorization: "Bearer nonsense" },
    });
    expect(res.status).toBe(200);
  });

  test("unknown type → 404 数据字典不存在, and no cache key is created for it", async () => {
    const { status, env } = await publicRead("no_such_type_ref");
    expect(status).toBe(404);
    expect(env).toMatchObject({ code: -1, msg: "数据字典不存在" });
    expect(await t.deps.cache.get(dictCacheKey("no_such_type_ref"))).toBeNull();
    const long = await anon.get(`/system/dict/data/info/${"a".repeat(300)}`);
    expect(long.status).toBe(422);
  });

  test("a type without items answers []", async () => {
    await makeType("t_empty_a");
    const { status, env } = await publicRead("t_empty_a");
    expect(status).toBe(200);
    expect(env.data).toEqual([]);
  });

  test("served from system_dict:{type} (JSON array), built on a miss", async () => {
    const { code } = await makeType("t_cache_a", [{ label: "一", value: "1", sort: 1 }]);
    expect(await t.deps.cache.get(dictCacheKey(code))).toBeNull();
    const first = await publicRead(code);
    const raw = await t.deps.cache.get(dictCacheKey(code));
    expect(JSON.parse(raw!)).toEqual(first.env.data);
    // the read really comes from the cache entry
    await t.deps.cache.set(dictCacheKey(code), JSON.stringify([{ dict_label: "from-cache" }]));
    expect((await publicRead(code)).env.data).toEqual([{ dict_label: "from-cache" }]);
    // an unreadable entry is rebuilt, not served
    await t.deps.cache.set(dictCacheKey(code), "{not json");
    expect((await publicRead(code)).env.data.map((r: any) => r.dict_label)).toEqual(["一"]);
  });
});

describe("no stale public reads after writes", () => {
  const labels = async (code: string) => (await publicRead(code)).env.data.map((r: any) => r.dict_label);

  test("item create / update (label, sort) / status / delete show at once", async () => {
    const { id, code, ids } = await makeType("t_fresh_a", [
      { label: "乙", value: "b", sort: 2 },
      { label: "甲", value: "a", sort: 1 },
    ]);
    expect(await labels(code)).toEqual(["甲", "乙"]);

    const created = await body(
      await admin.post("/system/dict/data/create", {
        dict_sort: 3,
        dict_label: "丙",
        dict_value: "c",
        dict_type: code,
        dict_type_id: id,
      }),
    );
    expect(await labels(code)).toEqual(["甲", "乙", "丙"]);

    await admin.put(`/system/dict/data/update/${created.data.id}`, {
      dict_sort: 0 + 1,
      dict_label: "丁",
      dict_value: "c",
      dict_type: code,
      dict_type_id: id,
    });
    await admin.put(`/system/dict/data/update/${ids[1]}`, {
      dict_sort: 9,
      dict_label: "甲",
      dict_value: "a",
      dict_type: code,
      dict_type_id: id,
    });
    expect(await labels(code)).toEqual(["丁", "乙", "甲"]);

    await admin.patch("/system/dict/data/available/setting", { ids: [ids[0]], status: "1" });
    expect(await labels(code)).toEqual(["丁", "甲"]);
    await admin.patch("/system/dict/data/available/setting", { ids: [ids[0]], status: "0" });
    expect(await labels(code)).toEqual(["丁", "乙", "甲"]);

    await admin.put(`/system/dict/data/update/${ids[1]}`, {
      dict_sort: 9,
      dict_label: "甲",
      dict_value: "a",
      dict_type: code,
      dict_type_id: id,
      status: "1",
    });
    expect(await labels(code)).toEqual(["丁", "乙"]);

    await admin.delete("/system/dict/data/delete", [created.data.id]);
    expect(await labels(code)).toEqual(["乙"]);
  });

  test("moving an item to another type refreshes both types", async () => {
    const a = await makeType("t_move_a", [{ label: "甲", value: "a", sort: 1 }]);
    const b = await makeType("t_move_b", [{ label: "乙", value: "b", sort: 1 }]);
    expect(await labels(a.code)).toEqual(["甲"]);
    expect(await labels(b.code)).toEqual(["乙"]);
    const res = await admin.put(`/system/dict/data/update/${a.ids[0]}`, {
      dict_sort: 2,
      dict_label: "甲",
      dict_value: "a",
      dict_type: b.code,
      dict_type_id: b.id,
    });
    expect(res.status).toBe(200);
    expect(await labels(a.code)).toEqual([]);
    expect(await labels(b.code)).toEqual(["乙", "甲"]);
  });

  test("type rename: old code gone, new code serves the items, both keys dropped", async () => {
    const { id, code } = await makeType("t_rn_old", [{ label: "甲", value: "a", sort: 1 }]);
    expect(await labels(code)).toEqual(["甲"]);
    await publicRead("t_rn_new"); // a miss for the future code caches nothing
    const res = await admin.put(`/system/dict/type/update/${id}`, {
      dict_name: `名称${code}`,
      dict_type: "t_rn_new",
    });
    expect(res.status).toBe(200);
    expect(await t.deps.cache.get(dictCacheKey(code))).toBeNull();
    expect((await publicRead(code)).status).toBe(404);
    const fresh = await publicRead("t_rn_new");
    expect(fresh.env.data.map((r: any) => [r.dict_label, r.dict_type])).toEqual([["甲", "t_rn_new"]]);
  });

  test("type status (update and batch) hides and restores its items; item statuses are kept", async () => {
    const { id, code, ids } = await makeType("t_ts_a", [
      { label: "甲", value: "a", sort: 1 },
      { label: "乙", value: "b", sort: 2 },
    ]);
    await admin.patch("/system/dict/data/available/setting", { ids: [ids[1]], status: "1" });
    expect(await labels(code)).toEqual(["甲"]);

    await admin.patch("/system/dict/type/available/setting", { ids: [id], status: "1" });
    expect((await publicRead(code)).env.data).toEqual([]);
    await admin.patch("/system/dict/type/available/setting", { ids: [id], status: "0" });
    expect(await labels(code)).toEqual(["甲"]);

    await admin.put(`/system/dict/type/update/${id}`, {
      dict_name: `名称${code}`,
      dict_type: code,
      status: "1",
    });
    expect((await publicRead(code)).env.data).toEqual([]);
    await admin.put(`/system/dict/type/update/${id}`, {
      dict_name: `名称${code}`,
      dict_type: code,
      status: "0",
    });
    expect(await labels(code)).toEqual(["甲"]);
    expect((await body(await admin.get(`/system/dict/data/detail/${ids[1]}`))).data.status).toBe("1");
  });

  test("a read that raced a write does not leave the old items cached", async () => {
    const { code, ids } = await makeType("t_race_a", [{ label: "甲", value: "a", sort: 1 }]);
    // The write commits (and drops the key) after this read loaded the rows but before it stored them.
    let raced = false;
    const racing: Cache = Object.create(t.deps.cache);
    racing.set = async (key, value, ttl) => {
      if (!raced && key === dictCacheKey(code)) {
        raced = true;
        expect((await admin.patch("/system/dict/data/available/setting", { ids, status: "1" })).status).toBe(
          200,
        );
      }
      return t.deps.cache.set(key, value, ttl);
    };
    const seen = await cachedDictItems({ ...t.deps, cache: racing }, code);
    expect(raced).toBe(true);
    expect(seen!.map((r) => r.dict_label)).toEqual(["甲"]); // its own answer predates the write
    expect(await t.deps.cache.get(dictCacheKey(code))).toBeNull();
    expect(await labels(code)).toEqual([]);
  });

  test("type delete: public read 404 at once, key dropped; re-created code starts clean", async () => {
    const { id, code } = await makeType("t_td_a", [{ label: "甲", value: "a", sort: 1 }]);
    expect(await labels(code)).toEqual(["甲"]);
    await admin.delete("/system/dict/type/delete", [id]);
    expect(await t.deps.cache.get(dictCacheKey(code))).toBeNull();
    expect((await publicRead(code)).status).toBe(404);
    await makeType(code);
    expect((await publicRead(code)).env.data).toEqual([]);
  });
});

describe("security", () => {
  const routes: GuardedCall[] = [
    { method: "get", path: "/system/dict/type/detail/1", perm: "module_system:dict_type:detail" },
    { method: "get", path: "/system/dict/type/list", perm: "module_system:dict_type:query" },
    { method: "get", path: "/system/dict/type/optionselect", perm: "module_system:dict_type:query" },
    { method: "post", path: "/system/dict/type/create", perm: "module_system:dict_type:create", body: {} },
    {
      method: "put",
      path: "/system/dict/type/update/999999",
      perm: "module_system:dict_type:update",
      body: {},
    },
    {
      method: "delete",
      path: "/system/dict/type/delete",
      perm: "module_system:dict_type:delete",
      body: [999999],
    },
    {
      method: "patch",
      path: "/system/dict/type/available/setting",
      perm: "module_system:dict_type:patch",
      body: { ids: [999999], status: "1" },
    },
    { method: "post", path: "/system/dict/type/export", perm: "module_system:dict_type:export" },
    { method: "get", path: "/system/dict/data/detail/1", perm: "module_system:dict_data:detail" },
    { method: "get", path: "/system/dict/data/list", perm: "module_system:dict_data:query" },
    { method: "post", path: "/system/dict/data/create", perm: "module_system:dict_data:create", body: {} },
    {
      method: "put",
      path: "/system/dict/data/update/999999",
      perm: "module_system:dict_data:update",
      body: {},
    },
    {
      method: "delete",
      path: "/system/dict/data/delete",
      perm: "module_system:dict_data:delete",
      body: [999999],
    },
    {
      method: "patch",
      path: "/system/dict/data/available/setting",
      perm: "module_system:dict_data:patch",
      body: { ids: [999999], status: "1" },
    },
    { method: "post", path: "/system/dict/data/export", perm: "module_system:dict_data:export" },
  ];

  test("no token → 401 / 10401 on every guarded route", async () => {
    await expectUnauthenticated(t, routes);
  });

  test("each route needs exactly its permission: holders of any other one get 403 / 10403", async () => {
    await expectExactPermissions(t, routes);
  });

  test("a plain user without roles is refused; the public read stays public", async () => {
    const plain = client(t, await authHeaders(t, "user"));
    const res = await plain.get("/system/dict/type/list");
    expect(res.status).toBe(403);
    expect((await body(res)).msg).toBe("无权限操作");
    expect((await plain.get("/system/dict/data/info/sys_yes_no")).status).toBe(200);
  });
});
