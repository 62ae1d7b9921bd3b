import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 30_000);
afterAll(() => t.close());

const PAGES = ["/api/v1/docs", "/api/v1/redoc"];

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

test("both docs pages send a Content-Security-Policy that allows only this server's scripts", async () => {
  for (const page of PAGES) {
    const res = await t.request(page);
    expect({ page, status: res.status }).toEqual({ page, status: 200 });
    const csp = res.headers.get("content-security-policy");
    expect({ page, csp: typeof csp }).toEqual({ page, csp: "string" });
    const d = directives(csp!);
    expect({ page, default: d.get("default-src") }).toEqual({ page, default: ["'none'"] });
    expect({ page, script: d.get("script-src") }).toEqual({ page, script: ["'self'"] });
    for (const [name, values] of d) {
      // nothing from elsewhere: no wildcard, scheme-wide or host sources
      for (const v of values)
        expect({ page, name, v, foreign: v === "*" || /^(https?:|wss?:)/.test(v) || /\./.test(v) }).toEqual({
          page,
          name,
          v,
          foreign: false,
        });
    }
    expect(d.get("connect-src")).toEqual(["'self'"]);
    expect(d.get("style-src")).toContain("'self'");
    expect(d.get("base-uri")).toEqual(["'none'"]);
  }
});

test("the pages have no inline script and reference only same-origin assets, which are served", async () => {
  for (const page of PAGES) {
    const html = await (await t.request(page)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inner] of scripts) {
      expect({ page, src: /\bsrc="/.test(attrs ?? ""), inline: (inner ?? "").trim() }).toEqual({
        page,
        src: true,
        inline: "",
      });
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no inline event handlers either
    const urls = [...html.matchAll(/(?:src|href|spec-url|data-spec-url)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(1);
    for (const url of urls) {
      expect({ page, url, sameOrigin: url.startsWith("/") && !url.startsWith("//") }).toEqual({
        page,
        url,
        sameOrigin: true,
      });
      const asset = await t.request(url);
      expect({ page, url, status: asset.status }).toEqual({ page, url, status: 200 });
      expect(asset.headers.get("content-type")).toMatch(/javascript|css|json/);
    }
  }
});

test("Swagger UI is started by our own script file, which reads the spec URL from the page", async () => {
  const html = await (await t.request("/api/v1/docs")).text();
  expect(html).toContain('data-spec-url="/api/v1/openapi.json"');
  const init = await (await t.request("/api/v1/docs/assets/swagger-init.js")).text();
  expect(init).toContain("SwaggerUIBundle");
  expect(init).toContain("data-spec-url");
});
