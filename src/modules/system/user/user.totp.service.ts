import { assertAuthorityOverUsers } from "@/core/auth/authority";
import { authServices } from "@/core/auth/guard";
import type { Principal } from "@/core/auth/principal";
import { type GatedSession, type SecondFactorDue, secondFactorDueOf } from "@/core/auth/second-factor";
import {
  decryptTotpSecret,
  encryptTotpSecret,
  hashRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
  parseSecondFactorCode,
  qrSvgDataUrl,
  type SecondFactorCode,
} from "@/core/auth/totp";
import type { AppDeps, AuthContext } from "@/core/context";
import { badRequest, conflict, notFound } from "@/core/http/errors";
import { hit, rateLimited } from "@/core/http/rate-limit";
import { verifyPasswordUnderLockout } from "@/modules/system/auth/auth.lockout";
import * as users from "./user.repo";
import { getUser } from "./user.service";
import * as repo from "./user.totp.repo";
import type { TotpSetupOut, TotpStatusOut } from "./user.totp.schema";

/*
 * A user's TOTP second factor: enrolment (set-up, then a first code confirms it and hands out
 * recovery codes once), the one-time check of a code at login, disabling (password and a code),
 * and the administrator's reset. The secret never leaves the server after the set-up answer.
 */

/** What login needs to know about a user's second factor. */
export interface LoginFactor {
  enrolled: boolean;
  required: boolean;
}

export async function loginFactorOf(deps: AppDeps, userId: number): Promise<LoginFactor> {
  const [row, required] = await Promise.all([
    repo.findTotp(deps.db, userId),
    repo.totpRequiredFor(deps.db, userId),
  ]);
  return { enrolled: !!row?.enabled, required };
}

/** What a new session of the user still owes, when it has not verified a code (third-party login). */
export async function secondFactorDueFor(
  deps: AppDeps,
  userId: number,
): Promise<SecondFactorDue | undefined> {
  const factor = await loginFactorOf(deps, userId);
  if (factor.enrolled) return "verify";
  return factor.required ? "enrol" : undefined;
}

/**
 * The stored secret in clear, or null (logged) when it does not decrypt: TOTP_ENCRYPTION_KEY or
 * SECRET_KEY changed since enrolment. Such a factor refuses every code until an administrator
 * resets it.
 */
async function secretOf(deps: AppDeps, userId: number, row: repo.TotpRow): Promise<string | null> {
  try {
    return await decryptTotpSecret(deps.settings, userId, row.secret);
  } catch {
    deps.logger.error("second factor secret does not decrypt (was the key changed?)", { user_id: userId });
    return null;
  }
}

/**
 * Checks and spends a code of an enabled second factor: a TOTP code of the current step ±1 that
 * is newer than every step used before, or an unused recovery code. Answers whether it was one.
 */
export async function useSecondFactorCode(
  deps: AppDeps,
  userId: number,
  code: SecondFactorCode,
  now = Date.now(),
): Promise<boolean> {
  if (code.kind === "recovery")
    return repo.useRecoveryCode(deps.db, userId, await hashRecoveryCode(deps.settings, code.code));
  const row = await repo.findTotp(deps.db, userId);
  if (!row?.enabled) return false;
  const secret = await secretOf(deps, userId, row);
  const step = secret === null ? null : matchTotp(secret, code.code, now);
  return step !== null && repo.useTimeStep(deps.db, userId, step);
}

async function limit(deps: AppDeps, userId: number) {
  const result = await hit(deps.cache, `totp:${userId}`, deps.settings.LOGIN_IP_LIMIT_PER_MINUTE, 60);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

async function ownUser(deps: AppDeps, userId: number) {
  const user = await users.findUser(deps.db, userId);
  if (!user) throw notFound("用户不存在");
  return user;
}

/** The caller's password again, counted by the login lockout; `also` runs only when it is right. */
async function reauthenticate(
  deps: AppDeps,
  user: { id: number; password: string },
  password: string,
  also: () => Promise<boolean> = async () => true,
) {
  const right = await verifyPasswordUnderLockout(
    deps,
    user,
    async () => (await deps.hasher.verify(user.password, password)) && (await also()),
  );
  if (!right) throw badRequest("密码或验证码错误");
}

export async function totpStatus(deps: AppDeps, auth: AuthContext): Promise<TotpStatusOut> {
  const userId = auth.principal.id;
  const [factor, row] = await Promise.all([loginFactorOf(deps, userId), repo.findTotp(deps.db, userId)]);
  return {
    enabled: factor.enrolled,
    pending: !!row && !row.enabled,
    required: factor.required,
    enabled_time: row?.enabled_time ?? null,
    recovery_codes_left: factor.enrolled ? await repo.unusedRecoveryCodes(deps.db, userId) : 0,
    session_restricted: secondFactorDueOf(auth.session) ?? null,
  };
}

/**
 * Starts (or restarts) an enrolment: a new secret, shown this once as an `otpauth://` URI and a QR
 * code. Needs the password, so a stolen session cannot bind the attacker's device to the account.
 */
export async function setupTotp(deps: AppDeps, auth: AuthContext, password: string): Promise<TotpSetupOut> {
  const user = await ownUser(deps, auth.principal.id);
  await limit(deps, user.id);
  await reauthenticate(deps, user, password);
  const secret = newTotpSecret();
  const saved = await repo.savePendingTotp(
    deps.db,
    user.id,
    await encryptTotpSecret(deps.settings, user.id, secret),
  );
  if (!saved) throw conflict("已启用两步验证，如需更换请先停用");
  const uri = otpauthUri(deps.settings.TOTP_ISSUER, user.username, secret);
  return { secret, otpauth_uri: uri, qr_svg: qrSvgDataUrl(uri) };
}

/**
 * Confirms a pending enrolment with a first valid code: the factor is on, and the recovery codes
 * are answered once (only their hashes are kept). A session that was restricted until enrolment
 * is lifted: it has now shown the password (at login) and a code.
 */
export async function confirmTotp(deps: AppDeps, auth: AuthContext, otp: string) {
  const userId = auth.principal.id;
  await limit(deps, userId);
  const row = await repo.findTotp(deps.db, userId);
  if (!row || row.enabled) throw badRequest(row ? "两步验证已启用" : "请先获取绑定密钥 (setup)");
  const code = parseSecondFactorCode(otp);
  const secret = await secretOf(deps, userId, row);
  const step = secret !== null && code?.kind === "totp" ? matchTotp(secret, code.code, Date.now()) : null;
  if (step === null) throw badRequest("验证码错误");
  const codes = newRecoveryCodes();
  const hashes = await Promise.all(codes.map((c) => hashRecoveryCode(deps.settings, c)));
  if (!(await repo.enableTotp(deps.db, userId, step, hashes))) throw conflict("两步验证已启用");
  if (secondFactorDueOf(auth.session)) {
    const { second_factor: _, ...lifted } = auth.session as GatedSession;
    await authServices(deps).sessions.save(lifted);
  }
  deps.logger.info("second factor enabled", { user_id: userId });
  return { recovery_codes: codes };
}

/** Turns the caller's second factor off: the password and a code (or a recovery code). */
export async function disableTotp(
  deps: AppDeps,
  auth: AuthContext,
  input: { password: string; otp: string },
) {
  const user = await ownUser(deps, auth.principal.id);
  await limit(deps, user.id);
  const row = await repo.findTotp(deps.db, user.id);
  if (!row?.enabled) throw badRequest("未启用两步验证");
  const code = parseSecondFactorCode(input.otp);
  await reauthenticate(deps, user, input.password, async () =>
    code ? useSecondFactorCode(deps, user.id, code) : false,
  );
  await repo.deleteTotp(deps.db, user.id);
  deps.logger.info("second factor disabled", { user_id: user.id });
}

/**
 * An administrator removes a user's second factor (a lost device): within the caller's data
 * scope and authority (a user who can do more than the caller is refused), never the caller's own
 * (that is `disable`). The user's sessions end; the next login enrols again where a role requires.
 */
export async function resetTotp(deps: AppDeps, caller: Principal, userId: number) {
  if (userId === caller.id) throw badRequest("不能重置自己的两步验证，请使用停用接口");
  await getUser(deps, caller, userId); // 404 outside the caller's data scope
  await assertAuthorityOverUsers(deps.db, caller, [userId]);
  const removed = await repo.deleteTotp(deps.db, userId);
  if (removed) await authServices(deps).sessions.endAllOf(userId);
  deps.logger.info("second factor reset by administrator", { user_id: userId, by: caller.id, removed });
  return { reset: removed };
}
