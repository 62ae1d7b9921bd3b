import { authServices } from "@/core/auth/guard";
import { createOneTimeCodes } from "@/core/auth/one-time-code";
import { assertAcceptablePassword } from "@/core/auth/password-policy";
import { forgetPrincipals } from "@/core/auth/principal";
import { type RecoverySender, recoverySenderFor } from "@/core/auth/recovery-sender";
import type { AppDeps } from "@/core/context";
import { badRequest, notFound } from "@/core/http/errors";
import { hit, rateLimited } from "@/core/http/rate-limit";
import * as repo from "./user.repo";

/*
 * Forgotten passwords, in two steps (upstream reset any account from its username alone, §16 #4;
 * knowing the username and the mobile is not enough either, a mobile being public knowledge):
 *   1. username + mobile → if they match an enabled, non-superuser account, a one-time code goes
 *      to that mobile through the configured RecoverySender. The answer never says whether.
 *   2. username + code + new password → the password is set and every session of the user ends.
 */

export const CODE_TTL_SECONDS = 600;
const CODE_DIGITS = 8;
const CODE_ATTEMPTS = 5;
/** Codes sent per account (by the username asked for, known or not) per hour. */
const REQUESTS_PER_ACCOUNT_HOUR = 5;

export const CODE_SENT_MSG = "如果账号与手机号匹配，验证码已发送至该手机号";
export const CODE_REFUSED_MSG = "验证码错误或已过期";

const codes = (deps: AppDeps) =>
  createOneTimeCodes(deps.cache, {
    purpose: "password-recovery",
    secret: deps.settings.SECRET_KEY,
    digits: CODE_DIGITS,
    ttlSeconds: CODE_TTL_SECONDS,
    maxAttempts: CODE_ATTEMPTS,
  });

/** The sender, or 404 as when the feature is off: recovery never works without an out-of-band channel. */
function senderOrOff(deps: AppDeps): RecoverySender {
  const sender = deps.settings.FORGET_PASSWORD_ENABLE ? recoverySenderFor(deps.settings, deps.logger) : null;
  if (!sender) throw notFound("找回密码功能未开启");
  return sender;
}

async function limit(deps: AppDeps, key: string, max: number, windowSeconds: number) {
  const result = await hit(deps.cache, key, max, windowSeconds);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

const accountKey = (username: string) => username.trim().toLowerCase();

/**
 * Step 1. Answers the same whatever the input; the code is delivered in the background (`defer`
 * keeps the Worker alive for it), so a slow relay neither delays nor reveals anything.
 */
export async function requestRecoveryCode(
  deps: AppDeps,
  ip: string,
  input: { username: string; mobile: string },
  defer: (work: Promise<unknown>) => void,
): Promise<{ expires_in: number }> {
  const sender = senderOrOff(deps);
  await limit(deps, `forget-password:${ip}`, deps.settings.LOGIN_IP_LIMIT_PER_MINUTE, 60);
  await limit(deps, `recovery-request:${accountKey(input.username)}`, REQUESTS_PER_ACCOUNT_HOUR, 3600);
  const user = await repo.findUserByUsername(deps.db, input.username);
  if (user?.mobile && user.mobile === input.mobile && user.status === "0" && !user.is_superuser) {
    const code = await codes(deps).issue(String(user.id));
    const message = {
      channel: "sms" as const,
      to: user.mobile,
      username: user.username,
      code,
      expires_in: CODE_TTL_SECONDS,
    };
    defer(
      sender.send(message).catch((err) => {
        deps.logger.error("password recovery code not delivered", {
          sender: sender.kind,
          user_id: user.id,
          err,
        });
      }),
    );
  }
  return { expires_in: CODE_TTL_SECONDS };
}

/** Step 2. A wrong, used, expired or unknown code and an unknown account all get one answer. */
export async function resetWithCode(
  deps: AppDeps,
  ip: string,
  input: { username: string; captcha: string; new_password: string },
): Promise<null> {
  senderOrOff(deps);
  await limit(deps, `forget-password-reset:${ip}`, deps.settings.LOGIN_IP_LIMIT_PER_MINUTE, 60);
  // checked before the account is looked up, so the answer tells nothing about the account
  assertAcceptablePassword(input.new_password, { username: input.username });
  const user = await repo.findUserByUsername(deps.db, input.username);
  if (!user || !(await codes(deps).consume(String(user.id), input.captcha.trim())))
    throw badRequest(CODE_REFUSED_MSG);
  if (user.status !== "0" || user.is_superuser) throw badRequest(CODE_REFUSED_MSG);
  const password = await deps.hasher.hash(input.new_password);
  await repo.updateUser(deps.db.orm, deps.db, user.id, { password });
  await authServices(deps).sessions.endAllOf(user.id);
  await forgetPrincipals(deps.cache, user.id);
  deps.logger.info("password reset with a recovery code", { user_id: user.id });
  return null;
}
