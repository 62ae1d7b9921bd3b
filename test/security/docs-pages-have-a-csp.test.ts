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
    // 'self' plus, at most, hashes of the page's own inline scripts (checked below)
    const script = d.get("script-src") ?? [];
    expect({
      page,
      self: script[0],
      rest: script.slice(1).every((v) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(v)),
    }).toEqual({ page, self: "'self'", rest: true });
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

const sha256 = async (text: string) =>
  `'sha256-${Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).toString("base64")}'`;

test("an inline script runs only when the CSP pins its exact hash; assets are same-origin and served", async () => {
  for (const page of PAGES) {
    const res = await t.request(page);
    const allowed = directives(res.headers.get("content-security-policy")!).get("script-src") ?? [];
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    const inlineHashes: string[] = [];
    for (const [, attrs, inner] of scripts) {
      if (/\bsrc="/.test(attrs ?? "")) expect((inner ?? "").trim()).toBe("");
      else inlineHashes.push(await sha256(inner ?? ""));
    }
    // every inline script is pinned, and nothing else is allowed inline
    expect(allowed.slice(1).sort()).toEqual(inlineHashes.sort());
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

test("Swagger UI (rendered by @hono/swagger-ui) loads this server's spec, and a changed script would be blocked", async () => {
  const res = await t.request("/api/v1/docs");
  const html = await res.text();
  expect(html).toContain("SwaggerUIBundle");
  expect(html).toContain("url: '/api/v1/openapi.json'");
  const [, inline] = /<script>([\s\S]*?)<\/script>/.exec(html)!;
  const allowed = directives(res.headers.get("content-security-policy")!).get("script-src")!;
  expect(allowed).toContain(await sha256(inline!));
  expect(allowed).not.toContain(await sha256(`${inline}alert(1)`));
});
