const SECRET_KEY = /pass(word)?|pwd|token|secret|captcha|authorization|credential/i;

/** A copy of `value` with every secret-looking field replaced, however deep it sits. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return "…";
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== "" ? "******" : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** Cuts text to `max` characters, saying so. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more)`;
}

/**
 * Redacts a JSON text already stored in a log row (rows written by FastapiAdmin, or before a
 * redaction rule existed): secret-named fields are masked; text that is not JSON keeps its shape
 * with JWT-looking strings masked. Used on read (log list/detail/export) and by `scrub-logs`.
 */
export function redactLoggedText(text: string | null): string | null {
  if (text === null || text === "") return text;
  try {
    return JSON.stringify(redact(JSON.parse(text)));
  } catch {
    return text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "******");
  }
}
