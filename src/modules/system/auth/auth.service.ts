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
import { op } from "@/core/cache/cache";
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

/**
 * Takes the stored answer of a captcha: read and deleted in one step, so of concurrent attempts
 * with one key at most one finds it. Nothing is taken when the key or the answer is missing.
 */
async function takeCaptcha(deps: AppDeps, key: string, answer: string): Promise<string | null> {
  if (!key || !answer) return null;
  const [stored] = await deps.cache.pipeline([op.get(captchaKey(key)), op.del(captchaKey(key))]);
  return stored;
}

/** One-time: the stored answer (taken by `takeCaptcha`) is gone after any attempt, right or wrong. */
function checkCaptcha(stored: string | null, key: string, answer: string) {
  if (!key || !answer) throw badRequest("验证码不能为空");
  if (stored === null) throw badRequest("验证码已过期");
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

/** Work that may finish after the answer (the Worker entry keeps it alive with `waitUntil`). */
export type Defer = (work: Promise<unknown>) => void;

/** Without an execution context the work just runs on (Bun keeps the process alive). */
const runOn: Defer = () => {};

export interface LoginOptions {
  /** Keeps work that finishes after the answer alive (the session trim). */
  defer?: Defer;
  /**
   * A check made elsewhere (the demo-mode guard's), awaited beside the login's first round trip:
   * when it rejects, the login rejects with it, unrecorded.
   */
  gate?: Promise<unknown>;
}

/**
 * The account a login names, with its tenant's state: one read, made beside the IP limit (it
 * changes nothing, and nothing is verified before the limit has passed).
 */
async function loginAccountOf(deps: AppDeps, username: string) {
  const { sys_user, sys_tenant } = deps.db.t;
  const [row] = await deps.db.orm
    .select({
      user: sys_user,
      tenant: {
        status: sys_tenant.status,
        is_deleted: sys_tenant.is_deleted,
        start_time: sys_tenant.start_time,
        end_time: sys_tenant.end_time,
      },
    })
    .from(sys_user)
    .leftJoin(sys_tenant, eq(sys_tenant.id, sys_user.tenant_id))
    .where(and(eq(sys_user.username, username), eq(sys_user.is_deleted, false)))
    .limit(1);
  return row;
}

/**
 * Password login. Unknown user and wrong password answer the same message after the same work;
 * failures count towards the account lockout; every attempt lands in the login log.
 *
 * Second factor: an enrolled user's code comes after the password (`<password><code>`) or in
 * `otp`; the split is fixed by the code's shape, so the password is verified once. A wrong or
 * missing code is a failed attempt with the same message. A user whose role requires a second
 * factor and who has not enrolled gets a session restricted to the enrolment routes.
 *
 * Round trips (at the edge each is a network hop): the IP limit beside the account's row (and the
 * `gate`); the lockout's count beside the second-factor enrolment; the account's count; after the
 * password, one cache pipeline (lockout clean-up, the session) beside the database writes
 * (`last_login`, the log row). Trimming the user's sessions to MAX_SESSIONS_PER_USER (a scan) is
 * `defer`red.
 */
export async function login(
  deps: AppDeps,
  client: ClientInfo,
  input: LoginInput,
  options: LoginOptions = {},
): Promise<LoginResult> {
  const defer = options.defer ?? runOn;
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

  const captchaOn = deps.settings.CAPTCHA_ENABLE;
  const limited = limitIp(deps, "login", client.ip);
  const captcha = captchaOn ? takeCaptcha(deps, input.captcha_key, input.captcha) : null;
  const account = loginAccountOf(deps, input.username);
  // All settle before any is acted on, in this order: the caller's gate, the IP limit, the
  // captcha, the account.
  await Promise.allSettled([options.gate, limited, captcha, account]);
  await options.gate; // refused there: nothing is recorded, as when a guard answers in front
  try {
    await limited;
    if (captchaOn) checkCaptcha(await captcha, input.captcha_key, input.captcha);
    const found = await account;
    const user = found?.user;

    // Keyed by the row the database found (its collation may match other spellings of the name),
    // and counted before the password is checked, so parallel guesses cannot outrun the count.
    // The enrolment is looked up for an unknown name too (id 0 has no rows), so the work does not
    // tell them apart.
    const begun = lockout.begin(user ? { userId: user.id } : { username: input.username }, client.ip);
    const enrolment = loginFactorOf(deps, user?.id ?? 0);
    await Promise.allSettled([begun, enrolment]);
    const attempt = await begun;
    const factor = await enrolment;
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
    // The password was right, whatever follows: the clean-up goes with the session when there is
    // one, else on its own.
    let cleanedUp = false;
    try {
      if (user.status !== "0") throw badRequest("用户已被停用");
      assertTenantEnabled(found.tenant);

      const loginTime = nowString();
      const update: { last_login: string; password?: string } = { last_login: loginTime };
      if (deps.hasher.needsRehash(user.password)) update.password = await deps.hasher.hash(password);
      const due = !factor.enrolled && factor.required ? "enrol" : null;
      const session = sessionOf(client, user, input.login_type || "PC端", loginTime, user.tenant_id, due);
      const { tokens, sessions } = authServices(deps);
      const pair = await tokens.issue(user.id, session.session_id, session.refresh_id);
      const { sys_user } = deps.db.t;
      const { totals } = deps.db;
      cleanedUp = true;
      // One round trip for the three. Should a write fail, the session (if stored) ends and the
      // failure's row follows the success's in the log.
      // The list totals' change tokens of the two writes are replaced after the answer.
      const [stored, updated] = await Promise.allSettled([
        deps.cache.pipeline([...attempt.successOps, ...sessions.createOps(session)]),
        totals.deferTokens(defer, async () =>
          deps.db.orm.update(sys_user).set(update).where(eq(sys_user.id, user.id)),
        ),
        totals.deferTokens(defer, () => record(200, "0", due ? "登录成功 (须先绑定两步验证)" : "登录成功")),
      ]);
      if (updated.status === "rejected") {
        if (stored.status === "fulfilled") await sessions.end(user.id, session.session_id);
        throw updated.reason;
      }
      if (stored.status === "rejected") throw stored.reason;
      defer(
        sessions.trim(user.id, session.session_id).catch((err) => {
          deps.logger.error("trimming the sessions over MAX_SESSIONS_PER_USER failed", {
            err,
            user_id: user.id,
          });
        }),
      );
      return due ? { ...pair, second_factor: due } : pair;
    } finally {
      if (!cleanedUp) await attempt.succeeded();
    }
  } catch (err) {
    const status = err instanceof AppError ? err.status : 500;
    await record(status, "1", err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** A tenant's state as a login reads it; null fields: no such tenant. */
interface TenantState {
  status: string | null;
  is_deleted: boolean | null;
  start_time: string | null;
  end_time: string | null;
}

/**
 * A disabled or deleted tenant (or none), or one outside its start/end time, signs nobody in
 * (issue 14).
 */
function assertTenantEnabled<T extends TenantState>(row: T | null | undefined): asserts row is T {
  if (row?.status !== "0" || row.is_deleted) throw badRequest("租户已被停用");
  const now = nowString(); // the same wire format as the stored times, so text order is time order
  if ((row.start_time && now < row.start_time) || (row.end_time && now > row.end_time))
    throw badRequest("租户不在有效期内");
}

/** The user's tenant, when it signs its users in (see `assertTenantEnabled`). */
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
  assertTenantEnabled(row);
  return row.tenant_id;
}

/** A new session of `user`; `due`: what it still owes (see `startSession`). */
function sessionOf(
  client: ClientInfo,
  user: { id: number; username: string; name: string },
  loginType: string,
  loginTime: string,
  tenantId: number,
  due: SecondFactorDue | null | undefined,
): GatedSession {
  const ua = parseUserAgent(client.userAgent);
  return {
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
  const due = secondFactor === undefined ? await secondFactorDueFor(deps, user.id) : secondFactor;
  const session = sessionOf(client, user, loginType, loginTime, tenantId, due);
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
