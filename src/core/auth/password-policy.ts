import { validationError } from "@/core/http/errors";

/** Length bounds of the security baseline (no composition rules). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export const COMMON_PASSWORD_MSG = "密码过于常见，容易被猜中，请换一个";
export const CONTEXT_PASSWORD_MSG = "密码不能由账号、系统名称等容易猜到的词加上少量字符组成，请换一个";

/**
 * Words an attacker tries first against this product: its names, the seeded accounts and roles.
 * A user's own username and name are added per check.
 */
const CONTEXT_WORDS = [
  "hono-admin",
  "hono_admin",
  "honoadmin",
  "fastapi-admin",
  "fastapi_admin",
  "fastapiadmin",
  "fastapi",
  "hono",
  "administrator",
  "admin",
  "superuser",
  "super",
  "user",
  "root",
  "超级管理员",
  "管理员角色",
  "管理员",
  "普通用户",
];

let common: Set<string> | null = null;

/**
 * The bundled list (lower-case, 8+ characters; see common-passwords.LICENSE.txt). Read on the
 * first password set, not at start (its 18,000 strings cost a server ~2 MB of memory); `require`
 * keeps the check synchronous, and the Worker's bundler resolves it at build time like an import.
 */
function commonSet(): Set<string> {
  if (!common) {
    // Bun answers the module namespace when the file was already imported as a module (tests do).
    const loaded = require("./common-passwords.json") as string[] | { default: string[] };
    common = new Set(Array.isArray(loaded) ? loaded : loaded.default);
  }
  return common;
}

/** One character repeated, a short unit repeated, or a straight run such as 12345678 / abcdefgh. */
function isTrivial(text: string): boolean {
  const chars = [...text];
  if (chars.length < 2) return true;
  for (let unit = 1; unit <= 3; unit++) {
    if (chars.length > unit && chars.every((ch, i) => ch === chars[i % unit])) return true;
  }
  const codes = chars.map((ch) => ch.codePointAt(0) ?? 0);
  const step = codes[1] - codes[0];
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - codes[i - 1] === step);
}

const isWeak = (lower: string) => commonSet().has(lower) || isTrivial(lower);

export interface PasswordContext {
  /** The account's username and display name: a password built on them is refused. */
  username?: string | null;
  name?: string | null;
}

/**
 * Why a new password is refused, or null when it is acceptable. Checked case-insensitively
 * against the bundled list of common passwords and simple patterns; then the context words
 * (product, seeded accounts and roles, the user's own names) are taken out, and what remains
 * must still be a password of full length that is not common either.
 */
export function weakPasswordReason(password: string, context: PasswordContext = {}): string | null {
  const lower = password.toLowerCase();
  if (isWeak(lower)) return COMMON_PASSWORD_MSG;
  const words = [...CONTEXT_WORDS, context.username, context.name]
    .map((w) => (w ?? "").trim().toLowerCase())
    .filter((w) => [...w].length >= 3)
    .sort((a, b) => b.length - a.length);
  let rest = lower;
  for (const word of words) rest = rest.split(word).join("");
  if (rest === lower) return null;
  if ([...rest].length < PASSWORD_MIN_LENGTH || isWeak(rest)) return CONTEXT_PASSWORD_MSG;
  return null;
}

/** Throws a 422 (code 1) with the reason when `password` may not be used as a new password. */
export function assertAcceptablePassword(password: string, context: PasswordContext = {}): void {
  const reason = weakPasswordReason(password, context);
  if (reason) throw validationError(reason);
}
