/*
 * Just enough of Biome's layout (line width 110, two-space indent, its import order) for the
 * generated files to pass `biome check` as written: templates pick the one-line or the broken
 * form of a construct with `fits`, the way the formatter would.
 */

export const LINE_WIDTH = 110;

export const q = (s: string) => JSON.stringify(s);

/** Columns a text takes: CJK and full-width characters count twice, as in the formatter. */
export const widthOf = (text: string) =>
  [...text].reduce(
    (w, ch) =>
      w +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
        ch,
      )
        ? 2
        : 1),
    0,
  );

/** Whether `text` (one line, at `indent` spaces) fits the line width. */
export const fits = (text: string, indent = 0) => indent + widthOf(text) <= LINE_WIDTH;

/**
 * A member chain (`z.string().max(5)`): on one line when it fits, else one call per line under
 * its head (the head stays on the first line).
 */
export function chain(head: string, calls: string[], indent: number, prefixWidth = 0): string {
  const one = `${head}${calls.join("")}`;
  if (fits(one, indent + prefixWidth)) return one;
  const pad = " ".repeat(indent + 2);
  return `${head}${calls.map((c) => `\n${pad}${c}`).join("")}`;
}

/** Letters compared without case, an upper-case letter before its lower-case twin (`Demo` < `demo`). */
export function naturalCompare(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const [la, lb] = [a[i].toLowerCase(), b[i].toLowerCase()];
    if (la === lb) return a[i] < b[i] ? -1 : 1;
    return la < lb ? -1 : 1;
  }
  return a.length - b.length;
}

function importLine(what: string, from: string): string {
  const m = /^\{ (.*) \}$/.exec(what);
  if (!m) return `import ${what} from ${q(from)};`;
  const names = m[1]
    .split(", ")
    .sort((x, y) => naturalCompare(x.replace(/^type /, ""), y.replace(/^type /, "")));
  const one = `import { ${names.join(", ")} } from ${q(from)};`;
  return fits(one) ? one : `import {\n${names.map((n) => `  ${n},`).join("\n")}\n} from ${q(from)};`;
}

/** Import lines in Biome's order: packages, then `@/…` aliases, then relative paths. */
export function importBlock(lines: [string, string][]): string {
  const rank = (from: string) => (from.startsWith("@/") ? 1 : from.startsWith(".") ? 2 : 0);
  return [...lines]
    .sort(([, a], [, b]) => rank(a) - rank(b) || naturalCompare(a, b))
    .map(([what, from]) => importLine(what, from))
    .join("\n");
}

/** `head(a, b): tail` on one line when it fits, else one parameter per line. */
export function signature(head: string, params: string[], tail: string, indent = 0): string {
  const one = `${head}(${params.join(", ")})${tail}`;
  if (fits(one, indent)) return one;
  const pad = " ".repeat(indent + 2);
  return `${head}(\n${params.map((p) => `${pad}${p},`).join("\n")}\n${" ".repeat(indent)})${tail}`;
}

/** A call argument: plain text, or a nested call that may break on its own. */
export type Arg = string | { head: string; args: Arg[] };

const flat = (a: Arg): string => (typeof a === "string" ? a : `${a.head}(${a.args.map(flat).join(", ")})`);

/**
 * `head(a, b)` at `indent` with `suffix` after it on the same line: on one line when it fits,
 * else one argument per line (nested calls break the same way).
 */
export function callExpr(head: string, args: Arg[], indent: number, suffix = ""): string {
  const one = `${head}(${args.map(flat).join(", ")})`;
  if (fits(one + suffix, indent)) return one;
  const pad = " ".repeat(indent + 2);
  const lines = args.map((a) =>
    typeof a === "string" ? `${pad}${a},` : `${pad}${callExpr(a.head, a.args, indent + 2, ",")},`,
  );
  return `${head}(\n${lines.join("\n")}\n${" ".repeat(indent)})`;
}
