import { describe, expect, test } from "bun:test";
import { createTokenService } from "@/core/auth/tokens";

/*
 * The token service remembers tokens it verified (by their exact text) so a token sent again is
 * not verified again. Remembering must change nothing a caller can see: the type is still
 * checked, an expired token is still refused, another text is still verified in full.
 */

const settings = {
  SECRET_KEY: "tokens-test-secret-0123456789-abcdefghijkl",
  JWT_ISSUER: "hono-admin",
  JWT_AUDIENCE: "hono-admin-api",
  ACCESS_TOKEN_EXPIRE_SECONDS: 1,
  REFRESH_TOKEN_EXPIRE_SECONDS: 60,
};

describe("verified tokens remembered", () => {
  test("a token verified again answers the same claims, and a changed copy of it is refused", async () => {
    const tokens = createTokenService(settings);
    const pair = await tokens.issue(7, "s1", "r1");
    const first = await tokens.verifyAccess(pair.access_token);
    const again = await tokens.verifyAccess(pair.access_token);
    expect(again).toEqual(first);
    expect(again).not.toBe(first); // a copy: a caller changing it changes nothing remembered
    expect(first).toMatchObject({ sub: "7", sid: "s1", typ: "access" });
    const [h, p, sig] = pair.access_token.split(".");
    const flipped = `${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`;
    await expect(tokens.verifyAccess(`${h}.${p}.${flipped}`)).rejects.toThrow("无效认证,请重新登录");
    const forged = Buffer.from(JSON.stringify({ ...first, sub: "1" })).toString("base64url");
    await expect(tokens.verifyAccess(`${h}.${forged}.${sig}`)).rejects.toThrow("无效认证,请重新登录");
  });

  test("the type is checked on every call: a remembered access token is no refresh token", async () => {
    const tokens = createTokenService(settings);
    const pair = await tokens.issue(7, "s1", "r1");
    await tokens.verifyAccess(pair.access_token);
    await expect(tokens.verifyRefresh(pair.access_token)).rejects.toThrow("非法凭证");
    await tokens.verifyRefresh(pair.refresh_token);
    await expect(tokens.verifyAccess(pair.refresh_token)).rejects.toThrow("非法凭证");
  });

  test("a remembered token is refused as expired once its exp has passed", async () => {
    const tokens = createTokenService(settings);
    const pair = await tokens.issue(7, "s1", "r1");
    await tokens.verifyAccess(pair.access_token);
    await Bun.sleep(2100);
    await expect(tokens.verifyAccess(pair.access_token)).rejects.toThrow("认证已过期,请重新登录");
  });

  test("a token signed with another key is refused even when its text was seen by another service", async () => {
    const other = createTokenService({
      ...settings,
      SECRET_KEY: "another-secret-0123456789-abcdefghijklmnop",
    });
    const pair = await other.issue(7, "s1", "r1");
    await other.verifyAccess(pair.access_token);
    await expect(createTokenService(settings).verifyAccess(pair.access_token)).rejects.toThrow(
      "无效认证,请重新登录",
    );
  });
});
