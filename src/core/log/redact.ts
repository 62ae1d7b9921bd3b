/*
 * One set of rules for every place a secret could be written down: operation-log rows (requests
 * and responses), JSON log lines, the 422 echo, and rows already stored by FastapiAdmin (read
 * back or scrubbed). A value is masked when its field name names a secret, or when the text
 * itself looks like a credential (a JWT, a bearer header, `password=…` in a URL or a form body).
 */

export const MASK = "******";

/** Field names whose values are secrets: passwords, tokens, captcha answers, keys, cookies. */
const SECRET_NAME =
  /pass(?:word|wd|phrase)?|pwd|token|secret|captcha|authori[sz]ation|credential|cookie|api[-_]?key|private[-_]?key|signature|refresh[-_]?id|otpauth|qr[-_]?svg|(?:^|[-_])(?:otp|recovery[-_]?codes?|reset[-_]?code|verif\w*[-_]?code)$/i;

/** Field names that carry an issued credential: a response holding one keeps no body at all. */
const TOKEN_NAME = /token/i;

export const isSecretName = (name: string) => SECRET_NAME.test(name);

const MAX_DEPTH = 8;

/** A JWT (whole, or the start of one cut short by clipping). */
const JWT = /eyJ[\w-]{8,}(?:\.[\w-]*){0,2}/g;
/** A bearer credential in free text (a whole `Authorization` field is masked by its name). */
const AUTH_SCHEME = /\b(Bearer)\s+[\w\-.~+/]{8,}=*/gi;
/** `name=value` in a URL query or a form-encoded body. */
const PAIR = /(^|[?&;\s])([\w.[\]-]+)=([^&#;\s"'<>]*)/g;
/** `name: value` lines (FastapiAdmin stored form bodies that way, the login password included). */
const LINE = /^([ \t]*)([\w.[\]-]+)([ \t]*:[ \t]*)(.*)$/gm;
/** `"name": "value"` (or a bare value) inside JSON text that could not be parsed, e.g. clipped. */
const JSON_PAIR = /("((?:[^"\\]|\\.)*)"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^,{}[\]\s]+)/g;

/** Masks what looks like a credential inside free text: JWTs, auth headers, secret `name=value`s. */
export function scrubText(text: string): string {
  if (!text) return text;
  return text
    .replace(JWT, MASK)
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${MASK}`)
    .replace(JSON_PAIR, (m, head: string, name: string, value: string) => {
      if (!isSecretName(name) || ['""', "null", "true", "false"].includes(value)) return m;
      return `${head}${value.startsWith('"') ? `"${MASK}"` : MASK}`;
    })
    .replace(PAIR, (m, pre: string, name: string, value: string) =>
      isSecretName(name) && value && value !== MASK ? `${pre}${name}=${MASK}` : m,
    )
    .replace(LINE, (m, indent: string, name: string, sep: string, value: string) =>
      isSecretName(name) && value.trim() && value.trim() !== MASK ? `${indent}${name}${sep}${MASK}` : m,
    );
}

const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** Header lists, maps and query strings become plain objects so their fields are judged by name. */
function entriesOf(value: object): Record<string, unknown> | null {
  if (value instanceof Headers || value instanceof URLSearchParams || value instanceof Map)
    return Object.fromEntries(value as Iterable<[string, unknown]>);
  return null;
}

export interface RedactOptions {
  /** How an Error met on the way is written (the logger keeps its name, code, message, cause). */
  error?: (err: Error, depth: number) => unknown;
}

/**
 * A copy of `value` with every secret masked, however deep it sits: fields whose name names a
 * secret (unless empty or a mere flag), and credential-looking text in any string.
 */
export function redact(value: unknown, depth = 0, opts: RedactOptions = {}): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "…";
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, opts));
  if (value instanceof Error) return opts.error ? opts.error(value, depth) : scrubText(String(value));
  if (value instanceof URL) return scrubText(value.toString());
  const source = entriesOf(value) ?? (isPlainObject(value) ? (value as Record<string, unknown>) : null);
  if (!source) return value; // Dates and the like serialise themselves
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) {
    const secret = isSecretName(k) && v !== null && v !== undefined && v !== "" && typeof v !== "boolean";
    out[k] = secret ? MASK : redact(v, depth + 1, opts);
  }
  return out;
}

/** Whether a parsed JSON value holds an issued credential (access/refresh/one-time token) anywhere. */
export function carriesToken(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.some((v) => carriesToken(v, depth + 1));
  return Object.entries(value).some(
    ([k, v]) =>
      (TOKEN_NAME.test(k) && typeof v === "string" && v !== "" && v !== MASK) || carriesToken(v, depth + 1),
  );
}

/**
 * What of a response body may be stored in a log: nothing when it carries a token (login,
 * refresh, auto-login, any future route that hands one out), otherwise the body with the same
 * masking as requests. Text that is not JSON is scrubbed as free text.
 */
export function loggableResponse(text: string | null): string | null {
  if (text === null || text === "") return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return scrubText(text);
  }
  return carriesToken(parsed) ? null : JSON.stringify(redact(parsed));
}

/** Code points: what MySQL's VARCHAR(n) counts in utf8mb4 (JS `length` counts UTF-16 units). */
const codePoints = (text: string) => Array.from(text);

/**
 * Cuts text to at most `max` characters (code points, never half a surrogate pair), the marker
 * saying how much was cut counted in; short limits are cut without a marker.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 units ≥ code points
  const chars = codePoints(text);
  if (chars.length <= max) return text;
  if (max < 32) return chars.slice(0, max).join("");
  let keep = max;
  for (;;) {
    const marker = `…(${chars.length - keep} more)`;
    if (keep + marker.length <= max) return `${chars.slice(0, keep).join("")}${marker}`;
    keep = max - marker.length;
  }
}

const utf8 = new TextEncoder();

/** Cuts text to at most `maxBytes` bytes of UTF-8 (MySQL TEXT counts bytes), on a character boundary. */
export function clipBytes(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || utf8.encode(text).length <= maxBytes) return text;
  const chars = codePoints(text);
  const total = chars.length;
  let bytes = 0;
  let keep = 0;
  const budget = maxBytes - 32; // room for the marker, ASCII apart from "…"
  for (const ch of chars) {
    const size = utf8.encode(ch).length;
    if (bytes + size > budget) break;
    bytes += size;
    keep++;
  }
  return `${chars.slice(0, keep).join("")}…(${total - keep} more)`;
}

/**
 * Redacts text already stored in a log row (rows written by FastapiAdmin, or before a rule
 * existed): JSON has its secret-named fields masked (a stored token included); other text —
 * FastapiAdmin's `name: value` form lines, clipped JSON, raw bodies — is scrubbed as free text.
 * Used on read (log list/detail/export) and by `scrub-logs`.
 */
export function redactLoggedText(text: string | null): string | null {
  if (text === null || text === "") return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return scrubText(text);
  }
  const redacted = JSON.stringify(redact(parsed));
  // Unchanged rows keep their exact text (spacing, big numbers); only secrets are rewritten.
  return redacted === JSON.stringify(parsed) ? text : redacted;
}
