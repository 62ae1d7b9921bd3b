import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import type { Session } from "@/core/auth/sessions";
import { getJson } from "@/core/cache/cache";
import { startSession } from "@/modules/system/auth/auth.service";
import { body, createTestApp, type TestApp } from "../support/app";

/*
 * A token without `exp` never expires and one without `iat` cannot be dated: both are refused,
 * for access and refresh tokens alike, even when correctly signed for a live session.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 30_000);
afterAll(() => t.close());

/** A live session of `admin` with its id and current refresh id. */
async function liveSession() {
  const { sys_user } = t.deps.db.t;
  const [admin] = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, "admin"));
  const pair = await startSession(t.deps, { ip: "127.0.0.1", userAgent: "bun-test" }, admin, "PC端", "");
  const sid = JSON.parse(Buffer.from(pair.access_token.split(".")[1], "base64url").toString()).sid;
  const session = await getJson<Session>(t.deps.cache, `session:${admin.id}:${sid}`);
  return { userId: admin.id, sid: sid as string, refreshId: session!.refresh_id };
}

/** Signs like the server does (same key, iss, aud, typ), leaving out the claims asked. */
function forge(
  claims: { sub: string; sid: string; typ: "access" | "refresh"; jti?: string },
  omit: { exp?: boolean; iat?: boolean } = {},
) {
  const { SECRET_KEY, JWT_ISSUER, JWT_AUDIENCE } = t.deps.settings;
  const jwt = new SignJWT({ sid: claims.sid, typ: claims.typ, ...(claims.jti ? { jti: claims.jti } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE);
  if (!omit.iat) jwt.setIssuedAt();
  if (!omit.exp) jwt.setExpirationTime("10m");
  return jwt.sign(new TextEncoder().encode(SECRET_KEY));
}

const asAccess = (token: string) =>
  t.request("/api/v1/monitor/online/list", { headers: { Authorization: `Bearer ${token}` } });
const asRefresh = (token: string) =>
  t.request("/api/v1/system/auth/token/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: token }),
  });

describe("access tokens", () => {
  test("with exp and iat a forged-alike token is accepted (the forgery is otherwise sound)", async () => {
    const s = await liveSession();
    const res = await asAccess(await forge({ sub: String(s.userId), sid: s.sid, typ: "access" }));
    expect(res.status).toBe(200);
  });

  for (const missing of ["exp", "iat"] as const) {
    test(`without ${missing}: 401 / 10401`, async () => {
      const s = await liveSession();
      const token = await forge({ sub: String(s.userId), sid: s.sid, typ: "access" }, { [missing]: true });
      const res = await asAccess(token);
      expect(res.status).toBe(401);
      expect((await body(res)).code).toBe(10401);
    });
  }
});

describe("refresh tokens", () => {
  test("with exp and iat a forged-alike refresh token rotates (the forgery is otherwise sound)", async () => {
    const s = await liveSession();
    const token = await forge({ sub: String(s.userId), sid: s.sid, typ: "refresh", jti: s.refreshId });
    expect((await asRefresh(token)).status).toBe(200);
  });

  for (const missing of ["exp", "iat"] as const) {
    test(`without ${missing}: 401 / 10401, and nothing rotates`, async () => {
      const s = await liveSession();
      const token = await forge(
        { sub: String(s.userId), sid: s.sid, typ: "refresh", jti: s.refreshId },
        { [missing]: true },
      );
      const res = await asRefresh(token);
      expect(res.status).toBe(401);
      expect((await body(res)).code).toBe(10401);
      const session = await getJson<Session>(t.deps.cache, `session:${s.userId}:${s.sid}`);
      expect(session?.refresh_id).toBe(s.refreshId);
    });
  }

  test("a refresh token without its rotation id (jti) is refused", async () => {
    const s = await liveSession();
    const res = await asRefresh(await forge({ sub: String(s.userId), sid: s.sid, typ: "refresh" }));
    expect(res.status).toBe(401);
  });
});
