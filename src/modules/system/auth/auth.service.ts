import { and, asc, eq } from "drizzle-orm";
import { assertMayUnlock } from "@/core/auth/authority";
import { createCaptcha } from "@/core/auth/captcha";
import { authServices } from "@/core/auth/guard";
import type { Principal } from "@/core/auth/principal";
import type { GatedSession, SecondFactorDue } from "@/core/auth/second-factor";
import type { Session } from "@/core/auth/sessions";
import type { TokenPair } from "@/core/auth/tokens";
import { parseSecondFactorCode, type SecondFactorCode, splitPasswordAndCode } from "@/core/auth/totp";
import { loginLocation, parseUserAgent } from "@/core/auth/user-agent";
import type { AppDeps } from "@/core/context";
import { nowString } from "@/core/http/datetime";
import { AppError, badRequest, notFound, unauthenticated } from "@/core/http/errors";
import { hit, rateLimited } from "@/core/http/rate-limit";
import { type ClientInfo, LOG_TYPE, writeLog } from "@/core/log/operation-log";
import {
  loginFactorOf,
  secondFactorDueFor,
  useSecondFactorCode,
} from "@/modules/system/user/user.totp.service";
import { createLockout, type LockoutAccount } from "./auth.lockout";
import type { LoginForm } from "./auth.schema";

const LOGIN_PATH = "/api/v1/system/auth/login";
const BAD_CREDENTIALS = "账号或密码错误";
const captchaKey = (key: string) => `captcha_codes:${key}`;

/** Per-IP limit on unauthenticated auth endpoints (login, captcha): LOGIN_IP_LIMIT_PER_MINUTE. */
async function limitIp(deps: AppDeps, bucket: string, ip: string) {
  const result = await hit(deps.cache, `${bucket}:${ip}`, deps.settings.LOGIN_IP_LIMIT_PER_MINUTE, 60);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

export async function getCaptcha(deps: AppDeps, client: ClientInfo) {
  if (!deps.settings.CAPTCHA_ENABLE) return { enable: false, key: "", img_base: "" };
  await limitIp(deps, "captcha", client.ip);
  const captcha = createCaptcha();
  const key = crypto.randomUUID().replaceAll("-", "");
  await deps.cache.set(captchaKey(key), captcha.answer, deps.settings.CAPTCHA_EXPIRE_SECONDS);
  return { enable: true, key, img_base: captcha.image };
}

/** One-time: the stored answer is deleted by any attempt, right or wrong. */
async function checkCaptcha(deps: AppDeps, key: string, answer: string) {
  if (!key || !answer) throw badRequest("验证码不能为空");
  const stored = await deps.cache.get(captchaKey(key));
  if (stored === null) throw badRequest("验证码已过期");
  await deps.cache.del(captchaKey(key));
  if (stored.trim().toLowerCase() !== answer.trim().toLowerCase()) throw badRequest("验证码错误");
}

export type LoginInput = Pick<
  LoginForm,
  "username" | "password" | "captcha_key" | "captcha" | "login_type" | "otp"
>;

/** A login's token pair; `second_factor: "enrol"` when the session may only enrol a second factor. */
export type LoginResult = TokenPair & { second_factor?: SecondFactorDue };

/**
 * The password and the second-factor code of an enrolled user's login: the `otp` field when sent,
 * else the code typed after the password (`<password><code>`). No code: a code that never matches.
 */
function credentialsOf(
  input: LoginInput,
  enrolled: boolean,
): { password: string; code: SecondFactorCode | null } {
  if (!enrolled) return { password: input.password, code: null };
  if (input.otp) return { password: input.password, code: parseSecondFactorCode(input.otp) };
  return splitPasswordAndCode(input.password);
}

/** argon2id of a random, forgotten password: verified against when the user does not exist. */
const UNKNOWN_USER_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$/3chkzzhcE5U2bGg4ZnETw$sXZblCqxc+Tu6y7qZ1cJEa2cLeJf3Tz93dR1n9bEjCo";

/**
 * Password login. Unknown user and wrong password answer the same message after the same work;
 * failures count towards the account lockout; every attempt lands in the login log.
 *
 * Second factor: an enrolled user's code comes after the password (`<password><code>`) or in
 * `otp`; the split is fixed by the code's shape, so the password is verified once. A wrong or
 * missing code is a failed attempt with the same message. A user whose role requires a second
 * factor and who has not enrolled gets a session restricted to the enrolment routes.
 */
export async function login(deps: AppDeps, client: ClientInfo, input: LoginInput): Promise<LoginResult> {
  const started = performance.now();
  const lockout = createLockout(deps);
  let userId: number | null = null;
  let tenantId: number | null = null;
  const record = (status: number, outcome: "0" | "1", msg: string) =>
    writeLog(deps, client, {
      type: LOG_TYPE.LOGIN,
      path: LOGIN_PATH,
      method: "POST",
      payload: { body: { username: input.username, login_type: input.login_type ?? "PC端" } },
      status,
      response: JSON.stringify({ msg }),
      ms: performance.now() - started,
      description: "登录",
      outcome,
      userId,
      tenantId,
    });

  try {
    await limitIp(deps, "login", client.ip);
    if (deps.settings.CAPTCHA_ENABLE) await checkCaptcha(deps, input.captcha_key, input.captcha);

    const { sys_user } = deps.db.t;
    const [user] = await deps.db.orm
      .select()
      .from(sys_user)
      .where(and(eq(sys_user.username, input.username), eq(sys_user.is_deleted, false)))
      .limit(1);
    // Keyed by the row the database found (its collation may match other spellings of the name),
    // and counted before the password is checked, so parallel guesses cannot outrun the count.
    const attempt = await lockout.begin(user ? { userId: user.id } : { username: input.username }, client.ip);
    // Looked up for an unknown name too (id 0 has no rows), so the work does not tell them apart.
    const factor = await loginFactorOf(deps, user?.id ?? 0);
    const { password, code } = credentialsOf(input, factor.enrolled);
    // An unknown user costs one argon2 verification too, so timing does not tell them apart.
    const valid = await deps.hasher.verify(user?.password ?? UNKNOWN_USER_HASH, password);
    // The code is checked (and spent) only behind the right password.
    const secondFactorOk =
      !factor.enrolled || (valid && !!user && !!code && (await useSecondFactorCode(deps, user.id, code)));
    if (!user || !valid || !secondFactorOk) {
      const locked = await attempt.failed();
      if (locked) {
        deps.logger.warn("account locked after repeated login failures", {
          username: input.username,
          ip: client.ip,
          seconds: locked,
        });
        throw rateLimited(locked, `登录失败次数过多，账号已锁定 ${locked} 秒`);
      }
      throw badRequest(BAD_CREDENTIALS);
    }
    userId = user.id;
    tenantId = user.tenant_id;
    await attempt.succeeded(); // the password was right, whatever follows
    if (user.status !== "0") throw badRequest("用户已被停用");

    const loginTime = nowString();
    const update: { last_login: string; password?: string } = { last_login: loginTime };
    if (deps.hasher.needsRehash(user.password)) update.password = await deps.hasher.hash(password);
    await deps.db.orm.update(sys_user).set(update).where(eq(sys_user.id, user.id));

    const due = !factor.enrolled && factor.required ? "enrol" : null;
    const pair = await startSession(deps, client, user, input.login_type || "PC端", loginTime, due);
    await record(200, "0", due ? "登录成功 (须先绑定两步验证)" : "登录成功");
    return due ? { ...pair, second_factor: due } : pair;
  } catch (err) {
    const status = err instanceof AppError ? err.status : 500;
    await record(status, "1", err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/**
 * The user's tenant; a disabled or deleted tenant, or one outside its start/end time, signs
 * nobody in (issue 14).
 */
async function enabledTenantOf(deps: AppDeps, userId: number): Promise<number> {
  const { sys_user, sys_tenant } = deps.db.t;
  const [row] = await deps.db.orm
    .select({
      tenant_id: sys_user.tenant_id,
      status: sys_tenant.status,
      is_deleted: sys_tenant.is_deleted,
      start_time: sys_tenant.start_time,
      end_time: sys_tenant.end_time,
    })
    .from(sys_user)
    .innerJoin(sys_tenant, eq(sys_tenant.id, sys_user.tenant_id))
    .where(eq(sys_user.id, userId))
    .limit(1);
  if (row?.status !== "0" || row.is_deleted) throw badRequest("租户已被停用");
  const now = nowString(); // the same wire format as the stored times, so text order is time order
  if ((row.start_time && now < row.start_time) || (row.end_time && now > row.end_time))
    throw badRequest("租户不在有效期内");
  return row.tenant_id;
}

/**
 * Creates the server-side session and its token pair. `secondFactor`: what the session still owes
 * (null: nothing, the login verified it); left out (third-party and demo logins, which carry no
 * code), it is worked out from the user's enrolment and roles.
 */
export async function startSession(
  deps: AppDeps,
  client: ClientInfo,
  user: { id: number; username: string; name: string },
  loginType: string,
  loginTime: string,
  secondFactor?: SecondFactorDue | null,
): Promise<TokenPair> {
  const { tokens, sessions } = authServices(deps);
  const tenantId = await enabledTenantOf(deps, user.id);
  const ua = parseUserAgent(client.userAgent);
  const due = secondFactor === undefined ? await secondFactorDueFor(deps, user.id) : secondFactor;
  const session: GatedSession = {
    session_id: crypto.randomUUID(),
    user_id: user.id,
    user_name: user.username,
    name: user.name,
    ipaddr: client.ip,
    login_location: loginLocation(client.ip),
    os: ua.os,
    browser: ua.browser,
    login_time: loginTime,
    login_type: loginType,
    created_at: Date.now(),
    last_seen: Date.now(),
    refresh_id: crypto.randomUUID(),
    tenant_id: tenantId,
    ...(due ? { second_factor: due } : {}),
  };
  await sessions.create(session);
  return tokens.issue(user.id, session.session_id, session.refresh_id);
}

/**
 * Rotates the pair with the refresh token alone (the SPA sends it after the access token has
 * expired). The rotation is a compare-and-set on the session, so of concurrent refreshes with one
 * token exactly one rotates; the others, within REFRESH_REUSE_GRACE_SECONDS, get the very same
 * new pair (two tabs). A rotated-away token presented later means theft: the session ends.
 */
export async function refresh(deps: AppDeps, refreshToken: string): Promise<TokenPair> {
  const { tokens, sessions } = authServices(deps);
  const claims = await tokens.verifyRefresh(refreshToken);
  const userId = Number(claims.sub);
  const session = await sessions.get(userId, claims.sid);
  if (!session) throw unauthenticated("认证已失效");
  const { sys_user } = deps.db.t;
  const [user] = await deps.db.orm
    .select({ status: sys_user.status })
    .from(sys_user)
    .where(and(eq(sys_user.id, userId), eq(sys_user.is_deleted, false)))
    .limit(1);
  if (user?.status !== "0") {
    await sessions.endAllOf(userId);
    throw unauthenticated(user ? "用户已被停用" : "用户不存在");
  }
  const rotation = await sessions.rotate(userId, claims.sid, claims.jti ?? "");
  if (rotation.kind === "reused") {
    deps.logger.warn("refresh token reused; session ended", { user_id: userId, session_id: claims.sid });
    throw unauthenticated("刷新令牌已失效，请重新登录");
  }
  if (rotation.kind === "missing") throw unauthenticated("认证已过期,请重新登录");
  const { session_id, refresh_id, rotated_at } = rotation.session;
  return tokens.issue(userId, session_id, refresh_id, rotated_at);
}

/** Ends the caller's own session (the token in the body may only name that session). */
export async function logout(deps: AppDeps, session: Session): Promise<void> {
  await authServices(deps).sessions.end(session.user_id, session.session_id);
}

/**
 * Lifts a login lockout (admin action); answers whether there was anything to lift. The account
 * must be within the caller's data scope and authority, as for a password reset.
 */
export async function unlockAccount(deps: AppDeps, caller: Principal, username: string): Promise<boolean> {
  await assertMayUnlock(deps.db, caller, username);
  const unlocked = await createLockout(deps).unlock(...(await lockoutAccountsOf(deps, username)));
  deps.logger.info("account unlocked", { username, had_lock: unlocked });
  return unlocked;
}

/** The lockout accounts a username stands for: its user's id (when it has one) and the name itself. */
export async function lockoutAccountsOf(
  deps: Pick<AppDeps, "db">,
  username: string,
): Promise<LockoutAccount[]> {
  const { sys_user } = deps.db.t;
  const [user] = await deps.db.orm
    .select({ id: sys_user.id })
    .from(sys_user)
    .where(eq(sys_user.username, username))
    .limit(1);
  return user ? [{ userId: user.id }, { username }] : [{ username }];
}

function assertAutoLogin(deps: AppDeps) {
  if (!deps.settings.AUTO_LOGIN_ENABLE) throw notFound("免登录功能未开启");
}

const autoLoginKey = (token: string) => `auto_login:${token}`;

/** Demo "免登录" users: enabled, not deleted, never superusers; only with AUTO_LOGIN_ENABLE. */
export async function autoLoginUsers(deps: AppDeps) {
  assertAutoLogin(deps);
  const { sys_user } = deps.db.t;
  return deps.db.orm
    .select({ id: sys_user.id, username: sys_user.username, name: sys_user.name, avatar: sys_user.avatar })
    .from(sys_user)
    .where(and(eq(sys_user.status, "0"), eq(sys_user.is_deleted, false), eq(sys_user.is_superuser, false)))
    .orderBy(asc(sys_user.id));
}

export async function autoLoginToken(deps: AppDeps, userId: number) {
  assertAutoLogin(deps);
  const user = (await autoLoginUsers(deps)).find((u) => u.id === userId);
  if (!user) throw badRequest("用户不存在");
  const token = crypto.randomUUID();
  await deps.cache.set(
    autoLoginKey(token),
    JSON.stringify({ user_id: user.id, created_at: nowString() }),
    300,
  );
  return { token, user };
}

export async function autoLogin(deps: AppDeps, client: ClientInfo, token: string): Promise<TokenPair> {
  assertAutoLogin(deps);
  const raw = await deps.cache.get(autoLoginKey(token));
  await deps.cache.del(autoLoginKey(token));
  if (!raw) throw badRequest("免登录Token已过期或无效");
  const { user_id } = JSON.parse(raw) as { user_id: number };
  const user = (await autoLoginUsers(deps)).find((u) => u.id === user_id);
  if (!user) throw badRequest("用户不存在或已被停用");
  return startSession(deps, client, user, "PC端", nowString());
}
