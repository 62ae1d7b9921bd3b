import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, desc, eq } from "drizzle-orm";
import { parseUserAgent } from "@/core/auth/user-agent";
import { body, createTestApp, type TestApp } from "../support/app";

const CHROME_WIN =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

describe("parseUserAgent (ua-parser-js)", () => {
  const cases: [string, string, string][] = [
    [CHROME_WIN, "Windows 10", "Chrome 120"],
    [`${CHROME_WIN} Edg/120.0.2210.91`, "Windows 10", "Edge 120"],
    [`${CHROME_WIN} OPR/106.0.0.0`, "Windows 10", "Opera 106"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
      "iOS 17.2",
      "Mobile Safari 17",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
      "Mac OS 10.15.7",
      "Safari 17",
    ],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Linux", "Firefox 121"],
    [
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
      "Android 14",
      "Chrome 120",
    ],
    // the hand-written parser called this Chrome: WeChat's built-in browser is named now
    [
      "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 MicroMessenger/8.0.33.2320(0x28002151) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
      "Android 13",
      "WeChat 8",
    ],
    [
      "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "Chromium OS 14541.0.0",
      "Chrome 120",
    ],
    ["curl/8.5.0", "Other", "curl 8.5.0"],
    ["PostmanRuntime/7.36.0", "Other", "PostmanRuntime 7.36.0"],
    ["Mozilla/5.0 (compatible; unknown)", "Other", "Other"],
    ["", "Other", "Other"],
  ];
  for (const [ua, os, browser] of cases) {
    test(`${os} / ${browser}`, () => {
      expect(parseUserAgent(ua)).toEqual({ os, browser });
    });
  }

  test("missing, huge or hostile values stay within the 64-character columns", () => {
    expect(parseUserAgent(undefined)).toEqual({ os: "Other", browser: "Other" });
    expect(parseUserAgent(null)).toEqual({ os: "Other", browser: "Other" });
    const started = performance.now();
    for (const ua of [
      `${"a".repeat(40)}/${"9".repeat(40)}`,
      "Mozilla/5.0 ".repeat(10_000),
      "(".repeat(50_000),
    ]) {
      const { os, browser } = parseUserAgent(ua);
      expect(os.length).toBeLessThanOrEqual(64);
      expect(browser.length).toBeLessThanOrEqual(64);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("the log's OS and browser columns", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(() => t.close(), 60_000);

  test("a login is logged with the client's OS and browser, and the online list shows them", async () => {
    const res = await t.request("/api/v1/system/auth/login", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": `${CHROME_WIN} Edg/120.0.2210.91`,
      },
      body: new URLSearchParams({ username: "admin", password: "123456" }).toString(),
    });
    expect(res.status).toBe(200);
    const token = (await body(res)).data.access_token;
    const { sys_log } = t.deps.db.t;
    const [row] = await t.deps.db.orm
      .select()
      .from(sys_log)
      .where(and(eq(sys_log.type, 1), eq(sys_log.request_path, "/api/v1/system/auth/login")))
      .orderBy(desc(sys_log.id))
      .limit(1);
    expect({ os: row.request_os, browser: row.request_browser }).toEqual({
      os: "Windows 10",
      browser: "Edge 120",
    });
    const online = await body(
      await t.request("/api/v1/monitor/online/list?page_size=100", {
        headers: { Authorization: `Bearer ${token}` },
      }),
    );
    expect(online.data.items).toContainEqual(
      expect.objectContaining({ user_name: "admin", os: "Windows 10", browser: "Edge 120" }),
    );
  });
});
