import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { sanitizeHtml } from "@/core/http/sanitize-html";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser, type ScopedUser } from "../../support/auth";

const ALL = [
  "module_system:notice:query",
  "module_system:notice:detail",
  "module_system:notice:create",
  "module_system:notice:update",
  "module_system:notice:delete",
  "module_system:notice:patch",
  "module_system:notice:export",
];

describe("sanitizeHtml", () => {
  const cases: [string, string, string][] = [
    ["script dropped with its text", "<p>hi<script>alert(1)</script></p>", "<p>hi</p>"],
    ["uppercase script", "<SCRIPT SRC=//evil.js></SCRIPT>ok", "ok"],
    ["unclosed script eats the rest", "<p>a</p><script>alert(1)", "<p>a</p>"],
    ["script end tag with spaces", "<script>x</script >after", "after"],
    ["img onerror", "<img src=x onerror=alert(1)>", ""],
    [
      "img keeps safe src, drops handler",
      '<img src="https://cdn.example.com/a.png" onerror="alert(1)" alt="a">',
      // void elements are serialised self-closed by sanitize-html
      '<img src="https://cdn.example.com/a.png" alt="a" />',
    ],
    ["img data: url", '<img src="data:image/svg+xml;base64,PHN2Zz4=">', ""],
    [
      "img from our static files",
      '<img src="/api/v1/static/upload/a.png">',
      '<img src="/api/v1/static/upload/a.png" />',
    ],
    ["img static path traversal", '<img src="/api/v1/static/../../etc/passwd">', ""],
    ["img encoded path traversal", '<img src="/api/v1/static/%2E%2e/system/user/list">', ""],
    [
      "javascript: href",
      '<a href="javascript:alert(1)">x</a>',
      '<a rel="noopener noreferrer nofollow">x</a>',
    ],
    [
      "uppercase JAVASCRIPT href",
      '<A HREF="JaVaScRiPt:alert(1)">x</A>',
      '<a rel="noopener noreferrer nofollow">x</a>',
    ],
    [
      "entity-encoded javascript:",
      '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
      '<a rel="noopener noreferrer nofollow">x</a>',
    ],
    [
      "hex entities and &colon;",
      '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
      '<a rel="noopener noreferrer nofollow">x</a>',
    ],
    [
      "tab inside the scheme",
      '<a href="java&#x09;script:alert(1)">x</a>',
      '<a rel="noopener noreferrer nofollow">x</a>',
    ],
    [
      "leading spaces",
      '<a href="  javascript:alert(1)">x</a>',
      '<a rel="noopener noreferrer nofollow">x</a>',
    ],
    ["vbscript", '<a href="vbscript:msgbox(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'],
    [
      "https link kept, & escaped, rel added",
      '<a href="https://example.com/?a=1&b=2" target="_blank" onclick="x()">ok</a>',
      '<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">ok</a>',
    ],
    [
      "mailto kept",
      '<a href="mailto:a@b.c">m</a>',
      '<a href="mailto:a@b.c" rel="noopener noreferrer nofollow">m</a>',
    ],
    ["svg onload", "<svg onload=alert(1)><circle r=1 /></svg>", ""],
    // Foreign content (SVG, MathML) parses differently from HTML: dropped whole, text included.
    ["svg with nested script", "<svg><script>alert(1)</script><desc>d</desc></svg>", ""],
    ["math + xlink", '<math><mi xlink:href="javascript:alert(1)">m</mi></math>', ""],
    [
      "iframe/object/embed",
      '<iframe src="https://evil"></iframe><object data="x.swf"></object><embed src="x">',
      "",
    ],
    ["style element", "<style>body{display:none}</style><p>x</p>", "<p>x</p>"],
    ["comments, also unclosed", "<!-- a --><p>x</p><!--[if IE]><script>1</script>", "<p>x</p>"],
    // In HTML content CDATA is a bogus comment that ends at the first `>`, as in a browser.
    ["doctype and CDATA", "<!DOCTYPE html><![CDATA[<script>1</script>]]>t", "1]]&gt;t"],
    ["unclosed tags are closed", "<b>bold <i>both", "<b>bold <i>both</i></b>"],
    ["unfinished tag at the end dropped", '<p>a</p><img src="x" onerror="alert(1)"', "<p>a</p>"],
    ["stray end tags dropped", "</div>text</b>", "text"],
    [
      "attribute breaking out of quotes",
      '<p title="a&quot; onmouseover=&quot;alert(1)">x</p>',
      '<p title="a&quot; onmouseover=&quot;alert(1)">x</p>',
    ],
    [
      "style url() and expression()",
      '<p style="background:url(javascript:alert(1));width:expression(alert(1))">x</p>',
      "<p>x</p>",
    ],
    [
      "safe style kept",
      '<p style="color:red; TEXT-ALIGN: center">x</p>',
      '<p style="color: red; text-align: center">x</p>',
    ],
    ["css escape", '<p style="color: \\72 ed">x</p>', "<p>x</p>"],
    [
      "text escapes and entities",
      "1 < 2 && 3 > 2 &nbsp;&mdash;",
      // references are decoded by the parser; what needs escaping is escaped again
      "1 &lt; 2 &amp;&amp; 3 &gt; 2 \u00a0—",
    ],
    ["nested script trick", "<<script>script>alert(1)<</script>/script>", "&lt;/script&gt;"],
    ["NUL in tag name", "<scr\u0000ipt>alert(1)</script>", "alert(1)"],
    ["textarea content", "<textarea><img src=x onerror=alert(1)></textarea>", ""],
    [
      "id and data attributes dropped",
      '<div id="x" data-x="1" class="note big">d</div>',
      '<div class="note big">d</div>',
    ],
    [
      "form controls unwrapped",
      '<form action="https://evil"><input value="x"><button>b</button></form>',
      "b",
    ],
    [
      "table kept",
      "<table><tr><td colspan=2>c</td></tr></table>",
      '<table><tr><td colspan="2">c</td></tr></table>',
    ],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      expect(sanitizeHtml(input)).toBe(expected);
    });
  }

  test("output is stable when sanitised again", () => {
    for (const [, input] of cases) {
      const once = sanitizeHtml(input);
      expect(sanitizeHtml(once)).toBe(once);
    }
  });

  test("nothing dangerous survives any payload", () => {
    for (const [, input] of cases) {
      const out = sanitizeHtml(input).toLowerCase();
      expect(out).not.toContain("<script");
      expect(out).not.toMatch(/\son\w+="/); // an event-handler attribute (escaped text may mention one)
      expect(out).not.toContain("javascript:");
      expect(out).not.toContain("<svg");
      expect(out).not.toContain("<iframe");
    }
  });
});

describe("/system/notice", () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let anon: ReturnType<typeof client>;
  let self: ScopedUser; // data scope 1: own rows only
  let otherDept: ScopedUser; // data scope 2 in a department without notices
  let noPerm: ScopedUser;
  let adminNoticeId: number;

  const newNotice = (title: string, extra: Record<string, unknown> = {}) => ({
    notice_title: title,
    notice_type: "1",
    notice_content: "<p>内容</p>",
    status: "0",
    description: "说明",
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp();
    admin = client(t, await authHeaders(t, "admin"));
    anon = client(t);
    self = await createScopedUser(t, { permissions: ALL, dataScope: 1 });
    const { sys_dept } = t.deps.db.t;
    const dept = t.deps.db.insertId(
      await t.deps.db.orm.insert(sys_dept).values({ name: "分公司", code: "BRANCH", parent_id: 1 }),
    );
    otherDept = await createScopedUser(t, { permissions: ALL, dataScope: 2, deptId: dept });
    noPerm = await createScopedUser(t, { permissions: [] });
    const res = await admin.post("/system/notice/create", newNotice("管理员公告"));
    adminNoticeId = (await body(res)).data.id;
  });
  afterAll(() => t.close());

  describe("create", () => {
    test("sanitises HTML, fills audit fields and returns the notice", async () => {
      const res = await admin.post(
        "/system/notice/create",
        newNotice("XSS公告", {
          notice_content:
            '<p style="color:red" onclick="x()">hello <b>world</b><script>alert(1)</script></p><img src=x onerror=alert(1)>',
          notice_type: 2, // a number, as the SPA's select may send
          id: 999, // extra fields are ignored
        }),
      );
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b).toMatchObject({ code: 0, msg: "创建公告成功", success: true, status_code: 200 });
      expect(b.data).toMatchObject({
        notice_title: "XSS公告",
        notice_type: "2",
        notice_content: '<p style="color: red">hello <b>world</b></p>',
        status: "0",
        description: "说明",
        is_deleted: false,
        deleted_time: null,
        created_id: 2,
        created_by: { id: 2, name: "管理员" },
        updated_id: 2,
        updated_by: { id: 2, name: "管理员" },
        deleted_id: null,
        deleted_by: null,
      });
      expect(b.data.id).not.toBe(999);
      expect(b.data.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(b.data.created_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const { sys_notice } = t.deps.db.t;
      const [row] = await t.deps.db.orm.select().from(sys_notice).where(eq(sys_notice.id, b.data.id));
      expect(row.notice_content).not.toContain("script");
    });

    test("validation: blank title, bad type, empty content after sanitising, missing field, bad status", async () => {
      const cases: [Record<string, unknown>, string][] = [
        [newNotice("   "), "公告标题不能为空"],
        [newNotice("x".repeat(51)), "公告标题长度不能超过50个字符"],
        [newNotice("类型错", { notice_type: "3" }), "公告类型仅支持 '1'(通知) 或 '2'(公告)"],
        [newNotice("内容空", { notice_content: "<script>alert(1)</script>  " }), "公告内容不能为空"],
        [newNotice("状态错", { status: "2" }), "状态只能是 0 或 1"],
        [{ notice_title: "缺内容", notice_type: "1" }, "请求失败，缺少必填项！"],
      ];
      for (const [payload, msg] of cases) {
        const res = await admin.post("/system/notice/create", payload);
        expect(res.status).toBe(422);
        expect(await body(res)).toMatchObject({ code: 1, msg, success: false });
      }
    });

    test("a title in use is a conflict (409)", async () => {
      const res = await admin.post("/system/notice/create", newNotice("管理员公告"));
      expect(res.status).toBe(409);
      expect(await body(res)).toMatchObject({ code: -1, msg: "创建失败，该公告通知已存在" });
    });

    test("security: no token 401, no permission 403", async () => {
      const res = await anon.post("/system/notice/create", newNotice("匿名"));
      expect(res.status).toBe(401);
      expect((await body(res)).code).toBe(10401);
      const denied = await client(t, noPerm.headers).post("/system/notice/create", newNotice("无权"));
      expect(denied.status).toBe(403);
      expect(await body(denied)).toMatchObject({ code: 10403, msg: "无权限操作" });
    });
  });

  describe("list and detail", () => {
    test("page object, filters and default order", async () => {
      await admin.post("/system/notice/create", newNotice("筛选_公告A", { notice_type: "2", status: "1" }));
      await admin.post("/system/notice/create", newNotice("筛选_公告B"));
      const res = await admin.get("/system/notice/list?page_no=1&page_size=2");
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("查询公告列表成功");
      expect(Object.keys(b.data).sort()).toEqual(["has_next", "items", "page_no", "page_size", "total"]);
      expect(b.data).toMatchObject({ page_no: 1, page_size: 2, has_next: true });
      expect(b.data.items).toHaveLength(2);
      const times = b.data.items.map((n: { updated_time: string }) => n.updated_time);
      expect([...times].sort().reverse()).toEqual(times);

      const filtered = await body(
        await admin.get("/system/notice/list?notice_title=筛选_&notice_type=2&status=1"),
      );
      expect(filtered.data.total).toBe(1);
      expect(filtered.data.items[0]).toMatchObject({ notice_title: "筛选_公告A", created_by: { id: 2 } });

      // `%` is literal in the LIKE filter, not a wildcard
      const literal = await body(await admin.get("/system/notice/list?notice_title=筛选%25"));
      expect(literal.data.total).toBe(0);

      const byCreator = await body(await admin.get("/system/notice/list?created_id=2&page_size=100"));
      expect(byCreator.data.items.every((n: { created_id: number }) => n.created_id === 2)).toBe(true);

      const asc = await body(await admin.get('/system/notice/list?order_by=[{"id":"asc"}]&page_size=100'));
      const ids = asc.data.items.map((n: { id: number }) => n.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });

    test("time range filter and bad input", async () => {
      const inRange = await body(
        await admin.get(
          "/system/notice/list?created_time=2000-01-01 00:00:00&created_time=2999-12-31 23:59:59",
        ),
      );
      expect(inRange.data.total).toBeGreaterThan(0);
      const outOfRange = await body(
        await admin.get(
          "/system/notice/list?created_time=2000-01-01 00:00:00&created_time=2000-01-02 00:00:00",
        ),
      );
      expect(outOfRange.data.total).toBe(0);
      expect((await admin.get("/system/notice/list?created_time=nope&created_time=2000-01-01")).status).toBe(
        422,
      );
      expect((await admin.get("/system/notice/list?page_size=101")).status).toBe(422);
      const unknown = await admin.get('/system/notice/list?order_by=[{"password":"asc"}]');
      expect(unknown.status).toBe(400);
    });

    test("detail: found, not found", async () => {
      const res = await admin.get(`/system/notice/detail/${adminNoticeId}`);
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({
        code: 0,
        msg: "获取公告详情成功",
        data: { id: adminNoticeId, notice_title: "管理员公告", notice_content: "<p>内容</p>" },
      });
      const missing = await admin.get("/system/notice/detail/999999");
      expect(missing.status).toBe(404);
      expect(await body(missing)).toMatchObject({ code: -1, msg: "该公告通知不存在" });
      expect((await admin.get("/system/notice/detail/abc")).status).toBe(422);
    });

    test("security: 401 / 403 on list and detail", async () => {
      expect((await body(await anon.get("/system/notice/list"))).code).toBe(10401);
      expect((await body(await anon.get(`/system/notice/detail/${adminNoticeId}`))).code).toBe(10401);
      const denied = client(t, noPerm.headers);
      expect((await denied.get("/system/notice/list")).status).toBe(403);
      expect((await denied.get(`/system/notice/detail/${adminNoticeId}`)).status).toBe(403);
    });
  });

  describe("data scope (creator's department)", () => {
    let ownId: number;
    beforeAll(async () => {
      const res = await client(t, self.headers).post("/system/notice/create", newNotice("本人公告"));
      expect(res.status).toBe(200);
      ownId = (await body(res)).data.id;
    });

    test("scope 1 sees only own notices in list, detail and export", async () => {
      const me = client(t, self.headers);
      const list = await body(await me.get("/system/notice/list?page_size=100"));
      expect(list.data.total).toBe(1);
      expect(list.data.items[0]).toMatchObject({ id: ownId, created_id: self.id });
      expect((await me.get(`/system/notice/detail/${ownId}`)).status).toBe(200);
      expect((await me.get(`/system/notice/detail/${adminNoticeId}`)).status).toBe(404);
      const file = await me.post("/system/notice/export");
      expect(await sheetRows(file)).toHaveLength(2); // header + own notice
    });

    test("out-of-scope rows cannot be updated, deleted or toggled", async () => {
      const me = client(t, self.headers);
      expect((await me.put(`/system/notice/update/${adminNoticeId}`, newNotice("篡改"))).status).toBe(404);
      expect((await me.delete("/system/notice/delete", [adminNoticeId])).status).toBe(404);
      expect(
        (await me.patch("/system/notice/available/setting", { ids: [adminNoticeId], status: "1" })).status,
      ).toBe(404);
      const still = await body(await admin.get(`/system/notice/detail/${adminNoticeId}`));
      expect(still.data).toMatchObject({ notice_title: "管理员公告", status: "0", is_deleted: false });
    });

    test("scope 2 in another department sees nothing of dept 1's creators", async () => {
      const other = await body(await client(t, otherDept.headers).get("/system/notice/list"));
      expect(other.data.total).toBe(0);
    });

    test("title uniqueness is checked beyond the caller's scope", async () => {
      const res = await client(t, self.headers).post("/system/notice/create", newNotice("管理员公告"));
      expect(res.status).toBe(409);
    });
  });

  describe("update", () => {
    test("writes all fields, sanitises, keeps creator, sets updater", async () => {
      const me = client(t, self.headers);
      const created = (await body(await me.post("/system/notice/create", newNotice("待修改")))).data;
      const res = await admin.put(
        `/system/notice/update/${created.id}`,
        newNotice("已修改", {
          notice_type: "2",
          notice_content: '<a href="javascript:alert(1)">链接</a>',
          description: null,
          id: 12345,
        }),
      );
      expect(res.status).toBe(200);
      const b = await body(res);
      expect(b.msg).toBe("修改公告成功");
      expect(b.data).toMatchObject({
        id: created.id,
        notice_title: "已修改",
        notice_type: "2",
        notice_content: '<a rel="noopener noreferrer nofollow">链接</a>',
        description: null,
        created_id: self.id,
        updated_id: 2,
        updated_by: { id: 2, name: "管理员" },
      });
    });

    test("keeping its own title is fine; another notice's title is a conflict", async () => {
      const same = await admin.put(`/system/notice/update/${adminNoticeId}`, newNotice("管理员公告"));
      expect(same.status).toBe(200);
      const dup = await admin.put(`/system/notice/update/${adminNoticeId}`, newNotice("已修改"));
      expect(dup.status).toBe(409);
      expect((await body(dup)).msg).toBe("更新失败，公告通知标题重复");
    });

    test("not found, validation, security", async () => {
      const missing = await admin.put("/system/notice/update/999999", newNotice("无"));
      expect(missing.status).toBe(404);
      expect((await body(missing)).msg).toBe("更新失败，该公告通知不存在");
      const bad = await admin.put(`/system/notice/update/${adminNoticeId}`, { notice_title: "x" });
      expect(bad.status).toBe(422);
      expect((await anon.put(`/system/notice/update/${adminNoticeId}`, newNotice("x"))).status).toBe(401);
      expect(
        (await client(t, noPerm.headers).put(`/system/notice/update/${adminNoticeId}`, newNotice("x")))
          .status,
      ).toBe(403);
    });
  });

  describe("status and available", () => {
    test("batch status toggles and /available lists only enabled notices", async () => {
      const a = (await body(await admin.post("/system/notice/create", newNotice("启用测试A")))).data.id;
      const b = (await body(await admin.post("/system/notice/create", newNotice("启用测试B")))).data.id;
      const res = await admin.patch("/system/notice/available/setting", { ids: [a, b], status: 1 });
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ code: 0, msg: "批量修改公告状态成功", data: null });
      const row = (await body(await admin.get(`/system/notice/detail/${a}`))).data;
      expect(row).toMatchObject({ status: "1", updated_id: 2 });

      // any signed-in user, even one without roles or permissions
      const plain = client(t, await authHeaders(t, "user"));
      const avail = await plain.get("/system/notice/available?page_size=100");
      expect(avail.status).toBe(200);
      const page = await body(avail);
      expect(page.msg).toBe("查询已启用公告列表成功");
      expect(Object.keys(page.data).sort()).toEqual(["has_next", "items", "page_no", "page_size", "total"]);
      const ids = page.data.items.map((n: { id: number }) => n.id);
      expect(ids).not.toContain(a);
      expect(ids).not.toContain(b);
      expect(page.data.items.every((n: { status: string }) => n.status === "0")).toBe(true);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids); // oldest first
      // not limited by the caller's data scope
      expect(ids).toContain(adminNoticeId);

      await admin.patch("/system/notice/available/setting", { ids: [a], status: "0" });
      const again = await body(await plain.get("/system/notice/available?page_size=100"));
      expect(again.data.items.map((n: { id: number }) => n.id)).toContain(a);
    });

    test("status validation, empty ids, unknown ids", async () => {
      const bad = await admin.patch("/system/notice/available/setting", {
        ids: [adminNoticeId],
        status: "9",
      });
      expect(bad.status).toBe(422);
      expect((await body(bad)).msg).toBe("状态只能是 0 或 1");
      const empty = await admin.patch("/system/notice/available/setting", { ids: [], status: "1" });
      expect(empty.status).toBe(400);
      const unknown = await admin.patch("/system/notice/available/setting", {
        ids: [adminNoticeId, 999999],
        status: "1",
      });
      expect(unknown.status).toBe(404);
      // nothing was changed by the refused batch
      expect((await body(await admin.get(`/system/notice/detail/${adminNoticeId}`))).data.status).toBe("0");
    });

    test("security", async () => {
      expect((await body(await anon.get("/system/notice/available"))).code).toBe(10401);
      expect((await anon.patch("/system/notice/available/setting", { ids: [1], status: "1" })).status).toBe(
        401,
      );
      expect(
        (await client(t, noPerm.headers).patch("/system/notice/available/setting", { ids: [1], status: "1" }))
          .status,
      ).toBe(403);
    });
  });

  describe("export", () => {
    test("xlsx with the contract's columns; filters from the query or the JSON body", async () => {
      const res = await admin.post("/system/notice/export");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      );
      expect(res.headers.get("content-disposition")).toBe("attachment; filename=notice.xlsx");
      expect(res.headers.get("access-control-expose-headers")).toContain("Content-Disposition");
      const rows = await sheetRows(res);
      expect(rows[0]).toEqual([
        "编号",
        "公告标题",
        "公告类型（1通知 2公告）",
        "公告内容",
        "状态",
        "备注",
        "创建时间",
        "更新时间",
        "创建者ID",
        "更新者ID",
      ]);
      const total = (await body(await admin.get("/system/notice/list"))).data.total;
      expect(rows).toHaveLength(total + 1);
      const adminRow = rows.find((r) => r[0] === adminNoticeId);
      expect(adminRow?.slice(1, 5)).toEqual(["管理员公告", "通知", "<p>内容</p>", "启用"]);

      const byQuery = await sheetRows(await admin.post("/system/notice/export?notice_title=筛选_公告A"));
      expect(byQuery).toHaveLength(2);
      const byBody = await sheetRows(
        await admin.post("/system/notice/export", {
          notice_title: "筛选_公告",
          notice_type: "1",
          page_no: 1,
        }),
      );
      expect(byBody).toHaveLength(2);
      expect(byBody[1][1]).toBe("筛选_公告B");
    });

    test("errors stay JSON; security", async () => {
      const bad = await admin.post("/system/notice/export", { created_time: ["x", "y"] });
      expect(bad.status).toBe(422);
      expect(bad.headers.get("content-type")).toContain("application/json");
      expect((await body(await anon.post("/system/notice/export"))).code).toBe(10401);
      expect((await body(await client(t, noPerm.headers).post("/system/notice/export"))).code).toBe(10403);
    });
  });

  describe("delete", () => {
    test("soft delete: gone from reads, row kept with deleter; title reusable", async () => {
      const id = (await body(await admin.post("/system/notice/create", newNotice("将删除")))).data.id;
      const res = await admin.delete("/system/notice/delete", [id]);
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ code: 0, msg: "删除公告成功", data: null });
      expect((await admin.get(`/system/notice/detail/${id}`)).status).toBe(404);
      const { sys_notice } = t.deps.db.t;
      const [row] = await t.deps.db.orm.select().from(sys_notice).where(eq(sys_notice.id, id));
      expect(row).toMatchObject({ is_deleted: true, deleted_id: 2 });
      expect(row.deleted_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const again = await admin.delete("/system/notice/delete", [id]);
      expect(again.status).toBe(404);
      expect((await body(again)).msg).toBe("删除失败，该公告通知不存在");
      expect((await admin.post("/system/notice/create", newNotice("将删除"))).status).toBe(200);
    });

    test("batch is all or nothing; empty and non-array bodies refused", async () => {
      const id = (await body(await admin.post("/system/notice/create", newNotice("批量删")))).data.id;
      expect((await admin.delete("/system/notice/delete", [id, 999999])).status).toBe(404);
      expect((await admin.get(`/system/notice/detail/${id}`)).status).toBe(200);
      const empty = await admin.delete("/system/notice/delete", []);
      expect(empty.status).toBe(400);
      expect((await body(empty)).msg).toBe("删除失败，删除对象不能为空");
      const notList = await admin.delete("/system/notice/delete", { ids: [id] });
      expect(notList.status).toBe(422);
      expect((await body(notList)).msg).toBe("类型错误，输入应该是一个有效的列表！");
    });

    test("security", async () => {
      expect((await anon.delete("/system/notice/delete", [adminNoticeId])).status).toBe(401);
      expect((await client(t, noPerm.headers).delete("/system/notice/delete", [adminNoticeId])).status).toBe(
        403,
      );
    });
  });
});

/** Cell values of the first sheet of an xlsx response, row by row. */
async function sheetRows(res: Response): Promise<unknown[][]> {
  expect(res.status).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const rows: unknown[][] = [];
  book.worksheets[0].eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}
