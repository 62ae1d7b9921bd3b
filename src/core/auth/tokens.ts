import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Settings } from "@/config";
import { unauthenticated } from "@/core/http/errors";
import { Lru } from "@/core/lru";

export type TokenType = "access" | "refresh";

export interface TokenClaims {
  /** user id */
  sub: string;
  /** session id */
  sid: string;
  typ: TokenType;
  /** refresh tokens only: the rotation id the session must still hold */
  jti?: string;
  exp: number;
  iat: number;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  expires_in: number;
}

/**
 * HS256 tokens with `iss`, `aud` and `typ` checked and only HS256 accepted. Access and refresh
 * tokens are verified by separate functions so one can never stand in for the other.
 */
export function createTokenService(
  settings: Pick<
    Settings,
    | "SECRET_KEY"
    | "JWT_ISSUER"
    | "JWT_AUDIENCE"
    | "ACCESS_TOKEN_EXPIRE_SECONDS"
    | "REFRESH_TOKEN_EXPIRE_SECONDS"
  >,
) {
  // Imported once: jose would import raw key bytes again for every token it signs or verifies.
  const keyBytes = new TextEncoder().encode(settings.SECRET_KEY);
  let hmacKey: Promise<CryptoKey> | undefined;
  const key = () =>
    (hmacKey ??= crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]));
  // A token without `exp` would never expire and one without `iat` cannot be dated: both refused.
  const options = {
    algorithms: ["HS256"],
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    requiredClaims: ["exp", "iat", "sub"],
  };

  /** `issuedAt` (epoch seconds) fixes `iat`/`exp`: the same claims sign to the same token. */
  const sign = async (claims: Omit<TokenClaims, "exp" | "iat">, ttl: number, issuedAt: number) =>
    new SignJWT({ sid: claims.sid, typ: claims.typ, ...(claims.jti ? { jti: claims.jti } : {}) })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.sub)
      .setIssuer(settings.JWT_ISSUER)
      .setAudience(settings.JWT_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttl)
      .sign(await key());

  /**
   * Tokens whose signature and claims were checked, by their exact text: a token sent again is
   * not verified again (the HMAC was ~10% of a list request's CPU) until its `exp` passes — then
   * it is verified again, and refused as expired. A different text is verified in full.
   */
  const verified = new Lru<string, JWTPayload & { exp: number }>(VERIFIED_TOKENS);

  async function payloadOf(token: string): Promise<JWTPayload> {
    const kept = verified.get(token);
    if (kept) {
      if (kept.exp > Date.now() / 1000) return { ...kept };
      verified.delete(token);
    }
    const { payload } = await jwtVerify(token, await key(), options);
    verified.set(token, payload as JWTPayload & { exp: number }); // `exp` is a required claim
    return payload;
  }

  async function verify(token: string, typ: TokenType): Promise<TokenClaims> {
    try {
      const payload = await payloadOf(token);
      if (
        payload.typ !== typ ||
        typeof payload.sid !== "string" ||
        typeof payload.sub !== "string" ||
        (typ === "refresh" && typeof payload.jti !== "string")
      ) {
        throw unauthenticated("非法凭证");
      }
      return payload as unknown as TokenClaims;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthenticated("认证已过期,请重新登录");
      if (err instanceof errors.JOSEError) throw unauthenticated("无效认证,请重新登录");
      throw err;
    }
  }

  return {
    /**
     * The pair of a session's current refresh id. Given the same `issuedAt` (epoch seconds) it is
     * the same pair, which is how a refresh replayed within the grace window gets the pair its
     * twin got.
     */
    async issue(
      userId: number,
      sessionId: string,
      refreshId: string,
      issuedAt = Math.floor(Date.now() / 1000),
    ): Promise<TokenPair> {
      const sub = String(userId);
      const [access_token, refresh_token] = await Promise.all([
        sign({ sub, sid: sessionId, typ: "access" }, settings.ACCESS_TOKEN_EXPIRE_SECONDS, issuedAt),
        sign(
          { sub, sid: sessionId, typ: "refresh", jti: refreshId },
          settings.REFRESH_TOKEN_EXPIRE_SECONDS,
          issuedAt,
        ),
      ]);
      return {
        access_token,
        refresh_token,
        token_type: "bearer",
        expires_in: settings.ACCESS_TOKEN_EXPIRE_SECONDS,
      };
    },
    verifyAccess: (token: string) => verify(token, "access"),
    verifyRefresh: (token: string) => verify(token, "refresh"),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

/** How many verified tokens a process remembers (least recently used dropped first). */
const VERIFIED_TOKENS = 2000;
