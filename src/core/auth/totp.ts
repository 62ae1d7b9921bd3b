import { Secret, TOTP } from "otpauth";
import { renderSVG } from "uqr";
import type { Settings } from "@/config";

/*
 * TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps) through `otpauth` (pure JS, runs on Bun and
 * workerd), plus what storing a second factor needs: the secret encrypted at rest (AES-GCM with
 * a key derived by HKDF from TOTP_ENCRYPTION_KEY, else SECRET_KEY), recovery codes as keyed
 * hashes, and how a code typed after the password is told apart from the password.
 */

export const TOTP_DIGITS = 6;
export const TOTP_PERIOD = 30;
/** Steps of clock drift accepted either side of the current one. */
export const TOTP_DRIFT_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;

type KeySettings = Pick<Settings, "SECRET_KEY"> & { TOTP_ENCRYPTION_KEY?: string };

const encoder = new TextEncoder();

/** A new random 160-bit secret, base32 (what authenticator apps take). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The time step of `timestamp` (ms). */
export const timeStepOf = (timestamp: number) => TOTP.counter({ period: TOTP_PERIOD, timestamp });

/** The code of `secret` at `timestamp` (ms); `digits` other than 6 only for the RFC test vectors. */
export function totpCode(secret: string, timestamp: number, digits = TOTP_DIGITS): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), digits, period: TOTP_PERIOD, timestamp });
}

/**
 * The time step whose code `code` is, within ±TOTP_DRIFT_STEPS of `timestamp`; null when it is
 * none of them. The caller still has to refuse a step already used (see `last_step`).
 */
export function matchTotp(secret: string, code: string, timestamp: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    timestamp,
    window: TOTP_DRIFT_STEPS,
  });
  return delta === null ? null : timeStepOf(timestamp) + delta;
}

/** `otpauth://totp/<issuer>:<account>?secret=…` for authenticator apps. */
export function otpauthUri(issuer: string, account: string, secret: string): string {
  return new TOTP({
    issuer,
    label: account,
    secret: Secret.fromBase32(secret),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
  }).toString();
}

/** `text` as a QR code in an SVG data URL (an `<img src>` shows it). */
export function qrSvgDataUrl(text: string): string {
  const svg = renderSVG(text, { border: 2, ecc: "M" });
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

// ---- keys -----------------------------------------------------------------------------------

const keyCache = new Map<string, Promise<{ aes: CryptoKey; mac: CryptoKey }>>();

/** The AES-GCM key for secrets and the HMAC key for recovery codes, both derived by HKDF. */
function keysOf(settings: KeySettings) {
  const material = settings.TOTP_ENCRYPTION_KEY || settings.SECRET_KEY;
  let keys = keyCache.get(material);
  if (!keys) {
    keys = (async () => {
      const base = await crypto.subtle.importKey("raw", encoder.encode(material), "HKDF", false, [
        "deriveKey",
      ]);
      const hkdf = (info: string) => ({
        name: "HKDF",
        hash: "SHA-256",
        salt: encoder.encode("hono-admin second factor"),
        info: encoder.encode(info),
      });
      const [aes, mac] = await Promise.all([
        crypto.subtle.deriveKey(hkdf("totp secret v1"), base, { name: "AES-GCM", length: 256 }, false, [
          "encrypt",
          "decrypt",
        ]),
        crypto.subtle.deriveKey(
          hkdf("totp recovery code v1"),
          base,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign"],
        ),
      ]);
      return { aes, mac };
    })();
    keyCache.set(material, keys);
  }
  return keys;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
const fromB64url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

/** The user id is the additional data: a secret copied onto another user's row does not decrypt. */
const aadOf = (userId: number) => encoder.encode(`sys_user_totp:${userId}`);

/** `v1.<iv>.<ciphertext>` (base64url) of a user's secret. */
export async function encryptTotpSecret(settings: KeySettings, userId: number, secret: string) {
  const { aes } = await keysOf(settings);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aadOf(userId) },
    aes,
    encoder.encode(secret),
  );
  return `v1.${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
}

/** The secret back; throws when the key changed or the value was tampered with. */
export async function decryptTotpSecret(settings: KeySettings, userId: number, stored: string) {
  const [version, iv, sealed] = stored.split(".");
  if (version !== "v1" || !iv || !sealed) throw new Error("unknown TOTP secret format");
  const { aes } = await keysOf(settings);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromB64url(iv), additionalData: aadOf(userId) },
    aes,
    fromB64url(sealed),
  );
  return new TextDecoder().decode(plain);
}

// ---- recovery codes ---------------------------------------------------------------------------

const RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"; // 32 symbols, no l/o/0/1
/** `xxxxx-xxxxx`: 50 random bits; the dash keeps it apart from a 6-digit code at a password's end. */
const RECOVERY_SHAPE = /^[a-km-np-z2-9]{5}-[a-km-np-z2-9]{5}$/;
const RECOVERY_LENGTH = 11;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = crypto.getRandomValues(new Uint8Array(10));
    const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b & 31]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export const isRecoveryCode = (text: string) => RECOVERY_SHAPE.test(text);

/** HMAC-SHA-256 (hex) of a recovery code: a database dump alone cannot be searched offline. */
export async function hashRecoveryCode(settings: KeySettings, code: string): Promise<string> {
  const { mac } = await keysOf(settings);
  const sig = await crypto.subtle.sign("HMAC", mac, encoder.encode(code.trim().toLowerCase()));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- the password field -----------------------------------------------------------------------

export type SecondFactorCode = { kind: "totp"; code: string } | { kind: "recovery"; code: string };

/**
 * Splits `<password><code>` as the SPA's single password field carries it. The shape of the end
 * decides the one split tried (a recovery code `xxxxx-xxxxx`, else six digits), so the password
 * is verified once. No code at the end: the whole text is the password and `code` is null.
 */
export function splitPasswordAndCode(field: string): { password: string; code: SecondFactorCode | null } {
  const recovery = field.slice(-RECOVERY_LENGTH);
  if (field.length > RECOVERY_LENGTH && isRecoveryCode(recovery))
    return { password: field.slice(0, -RECOVERY_LENGTH), code: { kind: "recovery", code: recovery } };
  const digits = field.slice(-TOTP_DIGITS);
  if (field.length > TOTP_DIGITS && /^\d{6}$/.test(digits))
    return { password: field.slice(0, -TOTP_DIGITS), code: { kind: "totp", code: digits } };
  return { password: field, code: null };
}

/** A code sent on its own (the `otp` form field or an enrolment request): which kind it is. */
export function parseSecondFactorCode(text: string): SecondFactorCode | null {
  const code = text.trim().toLowerCase();
  if (/^\d{6}$/.test(code)) return { kind: "totp", code };
  if (isRecoveryCode(code)) return { kind: "recovery", code };
  return null;
}
