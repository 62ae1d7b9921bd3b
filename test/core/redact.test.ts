import { describe, expect, test } from "bun:test";
import {
  carriesToken,
  clip,
  clipBytes,
  loggableResponse,
  redact,
  redactLoggedText,
  scrubText,
} from "@/core/log/redact";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.U2lnbmF0dXJlT2ZUaGVUb2tlbg";

describe("redact", () => {
  test("secret-named fields at any depth; empty values and flags kept", () => {
    expect(
      redact({
        username: "admin",
        password: "p1",
        old_password: "p2",
        form: { captcha: 42, captcha_key: "k", client_secret: "s", api_key: "a" },
        list: [{ access_token: "t" }],
        empty: { password: "", token: null },
        remember_token_expired: false,
      }),
    ).toEqual({
      username: "admin",
      password: "******",
      old_password: "******",
      form: { captcha: "******", captcha_key: "******", client_secret: "******", api_key: "******" },
      list: [{ access_token: "******" }],
      empty: { password: "", token: null },
      remember_token_expired: false,
    });
  });

  test("credential-looking text in any string value", () => {
    expect(redact({ note: `use ${JWT}`, url: "/x?token=abc&page=2" })).toEqual({
      note: "use ******",
      url: "/x?token=******&page=2",
    });
  });
});

describe("scrubText", () => {
  test.each([
    [
      "username: admin\npassword: 123456\nlogin_type: PC端",
      "username: admin\npassword: ******\nlogin_type: PC端",
    ],
    ["username=admin&password=hunter2&x=1", "username=admin&password=******&x=1"],
    [`Authorization: Bearer ${JWT}`, "Authorization: ******"],
    ["Bearer abcdefghijklmnop", "Bearer ******"],
    ['{"user":"a","password":"clipped-val…(20 more)', '{"user":"a","password":"******"'],
    ["Basic information, nothing secret", "Basic information, nothing secret"],
    ["请求参数过长", "请求参数过长"],
  ])("%p", (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });
});

describe("responses", () => {
  test("a body carrying a token is not kept at all", () => {
    expect(
      loggableResponse(JSON.stringify({ code: 0, data: { access_token: JWT, refresh_token: JWT } })),
    ).toBeNull();
    expect(
      loggableResponse(JSON.stringify({ code: 0, data: { token: "one-time", user: { id: 1 } } })),
    ).toBeNull();
    expect(loggableResponse(JSON.stringify({ access_token: JWT, token_type: "bearer" }))).toBeNull();
  });

  test("any other body is masked like a request; already masked echoes are kept", () => {
    expect(loggableResponse(JSON.stringify({ code: 0, data: { name: "n", password: "generated" } }))).toBe(
      JSON.stringify({ code: 0, data: { name: "n", password: "******" } }),
    );
    const echo = JSON.stringify({ code: 1, msg: "bad", data: { refresh_token: "******" } });
    expect(carriesToken(JSON.parse(echo))).toBe(false);
    expect(loggableResponse(echo)).toBe(echo);
    expect(loggableResponse(`not json ${JWT}`)).toBe("not json ******");
    expect(loggableResponse(null)).toBeNull();
  });
});

describe("redactLoggedText (rows already stored)", () => {
  test("FastapiAdmin's form lines and token responses are served masked", () => {
    expect(redactLoggedText("username: admin\npassword: 123456\nlogin_type: PC端")).toBe(
      "username: admin\npassword: ******\nlogin_type: PC端",
    );
    const response = JSON.stringify({
      code: 0,
      data: { access_token: JWT, refresh_token: JWT, expires_in: 1800 },
    });
    expect(JSON.parse(redactLoggedText(response)!).data).toEqual({
      access_token: "******",
      refresh_token: "******",
      expires_in: 1800,
    });
    // a JSON body kept as raw text inside JSON
    expect(redactLoggedText(JSON.stringify({ body: '{"password": "raw"}' }))).toBe(
      JSON.stringify({ body: '{"password": "******"}' }),
    );
  });

  test("rows without a secret keep their exact text", () => {
    const text = '{"body": {"ids": [193], "big": 12345678901234567890}}';
    expect(redactLoggedText(text)).toBe(text);
    expect(redactLoggedText(null)).toBeNull();
    expect(redactLoggedText("")).toBe("");
  });
});

describe("clipping to a column", () => {
  test("characters: the marker counts, 4-byte characters are never split", () => {
    const cut = clip(`/api/${"0".repeat(400)}1`, 255);
    expect(cut.length).toBe(255);
    expect(cut).toEndWith("…(162 more)");
    const emoji = clip("😀".repeat(300), 255);
    expect(Array.from(emoji).length).toBeLessThanOrEqual(255);
    expect(emoji).toMatch(/^(😀)+…\(\d+ more\)$/);
    expect(clip("PROPFINDXYZ", 10)).toBe("PROPFINDXY"); // short columns: no room for a marker
    expect(clip("short", 255)).toBe("short");
  });

  test("bytes (MySQL TEXT): UTF-8 size within the limit, on a character boundary", () => {
    const cut = clipBytes("中".repeat(30_000), 65_535);
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(65_535);
    expect(cut).toMatch(/^中+…\(\d+ more\)$/);
    expect(clipBytes("ascii", 10)).toBe("ascii");
  });
});
