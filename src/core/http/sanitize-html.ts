/**
 * Allow-list HTML sanitiser for rich text that the SPA renders with `v-html` (notices).
 *
 * The input is tokenised roughly the way a browser does it and the output is re-serialised from
 * the tokens only: lower-case tag names, double-quoted and escaped attribute values, balanced
 * tags. Because nothing of the input passes through verbatim except text (with `<`/`>` escaped),
 * a browser reading the output builds exactly the tree that was checked here. Runs anywhere
 * (Bun, Workers): no DOM, no dependency.
 */

const VOID = new Set(["br", "hr", "img", "col", "wbr"]);

/** Elements kept (their disallowed attributes dropped). Anything else is unwrapped: tag gone, content kept. */
const ALLOWED_TAGS = new Set([
  "p",
  "br",
  "hr",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "s",
  "strike",
  "del",
  "ins",
  "sub",
  "sup",
  "small",
  "mark",
  "abbr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "blockquote",
  "pre",
  "code",
  "span",
  "div",
  "a",
  "img",
  "table",
  "caption",
  "colgroup",
  "col",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
]);

/**
 * Elements whose content a browser does not parse as markup (or that only hold script/style):
 * dropped together with everything up to their end tag.
 */
const DROP_WITH_CONTENT = new Set([
  "script",
  "style",
  "iframe",
  "noscript",
  "noembed",
  "noframes",
  "xmp",
  "textarea",
  "title",
]);

const GLOBAL_ATTRS = new Set(["title", "class", "style"]);
const TAG_ATTRS: Record<string, Set<string>> = {
  a: new Set(["href", "target"]),
  img: new Set(["src", "alt", "width", "height"]),
  ol: new Set(["start"]),
  td: new Set(["colspan", "rowspan", "width", "height", "align", "valign"]),
  th: new Set(["colspan", "rowspan", "width", "height", "align", "valign", "scope"]),
  col: new Set(["span", "width"]),
  colgroup: new Set(["span", "width"]),
  table: new Set(["width", "border", "cellpadding", "cellspacing"]),
  p: new Set(["align"]),
  div: new Set(["align"]),
};

const NUMERIC_ATTRS = new Set([
  "width",
  "height",
  "colspan",
  "rowspan",
  "span",
  "start",
  "border",
  "cellpadding",
  "cellspacing",
]);
const ENUM_ATTRS: Record<string, Set<string>> = {
  target: new Set(["_blank", "_self"]),
  align: new Set(["left", "right", "center", "justify"]),
  valign: new Set(["top", "middle", "bottom"]),
  scope: new Set(["row", "col", "rowgroup", "colgroup"]),
};

/** CSS properties a notice may carry inline; values are further limited by `SAFE_CSS_VALUE`. */
const CSS_PROPERTIES = new Set([
  "color",
  "background-color",
  "text-align",
  "text-decoration",
  "text-indent",
  "font-size",
  "font-weight",
  "font-style",
  "font-family",
  "line-height",
  "letter-spacing",
  "vertical-align",
  "margin",
  "margin-left",
  "margin-right",
  "margin-top",
  "margin-bottom",
  "padding",
  "padding-left",
  "padding-right",
  "padding-top",
  "padding-bottom",
  "width",
  "height",
  "max-width",
  "border",
  "border-collapse",
  "white-space",
]);
// No quotes, backslashes, colons, slashes or semicolons: nothing that can open a URL, escape or comment.
const SAFE_CSS_VALUE = /^[#a-z0-9\s,.%()+-]+$/i;
// The only CSS functions allowed; `url(`, `expression(`, `var(`, `image-set(` … are not.
const CSS_FUNCTION = /([a-z-]*)\s*\(/gi;
const CSS_FUNCTIONS_OK = new Set(["rgb", "rgba", "hsl", "hsla"]);

/** Named references decoded inside attribute values (others stay literal, which is harmless). */
const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  colon: ":",
  sol: "/",
  tab: "\t",
  newline: "\n",
  lpar: "(",
  rpar: ")",
  period: ".",
  comma: ",",
  excl: "!",
  num: "#",
  percnt: "%",
  equals: "=",
  semi: ";",
  quest: "?",
  commat: "@",
  lsqb: "[",
  rsqb: "]",
  bsol: "\\",
  copy: "©",
  reg: "®",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  middot: "·",
};

/** Decodes character references the way an attribute value is decoded (semicolon optional for numeric ones). */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);?/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code =
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return "\ufffd";
      }
      return String.fromCodePoint(code);
    }
    const named = NAMED[ref.toLowerCase()];
    return named !== undefined && whole.endsWith(";") ? named : whole;
  });
}

const escapeAttr = (v: string) =>
  v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Text keeps well-formed character references (editors emit `&nbsp;`, `&mdash;` …); a stray `&` is escaped. */
const escapeText = (v: string) =>
  v
    .replace(/&(?!(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);)/gi, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");

/** Browsers drop tabs and newlines anywhere in a URL and controls/spaces at its ends. */
const cleanUrl = (v: string) =>
  v
    .replace(/[\t\n\r]/g, "")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping C0 controls is the point
    .replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");

function safeHref(raw: string): string | null {
  const url = cleanUrl(raw);
  return /^(https?:\/\/|mailto:)/i.test(url) ? url : null;
}

function safeImgSrc(raw: string): string | null {
  const url = cleanUrl(raw);
  if (/^https?:\/\//i.test(url)) return url;
  // Our own uploaded files, with no way out of the static folder (browsers also read `%2e` as a dot).
  if (url.startsWith("/api/v1/static/") && !/\.\.|%2e|\\/i.test(url)) return url;
  return null;
}

function safeStyle(raw: string): string | null {
  const kept: string[] = [];
  for (const declaration of raw.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    if (!CSS_PROPERTIES.has(property) || !value || !SAFE_CSS_VALUE.test(value)) continue;
    const functions = [...value.matchAll(CSS_FUNCTION)].map((m) => m[1].toLowerCase());
    if (functions.some((f) => !CSS_FUNCTIONS_OK.has(f))) continue;
    kept.push(`${property}: ${value.replace(/\s+/g, " ")}`);
  }
  return kept.length ? kept.join("; ") : null;
}

function safeAttribute(tag: string, name: string, rawValue: string): string | null {
  if (!GLOBAL_ATTRS.has(name) && !TAG_ATTRS[tag]?.has(name)) return null;
  const value = decodeEntities(rawValue);
  if (name === "href") return safeHref(value);
  if (name === "src") return safeImgSrc(value);
  if (name === "style") return safeStyle(value);
  if (NUMERIC_ATTRS.has(name)) return /^\s*\d{1,5}%?\s*$/.test(value) ? value.trim() : null;
  const choices = ENUM_ATTRS[name];
  if (choices) return choices.has(value.trim().toLowerCase()) ? value.trim().toLowerCase() : null;
  if (name === "class") return /^[\w\s-]*$/.test(value) ? value.trim().replace(/\s+/g, " ") : null;
  return value;
}

interface Tag {
  name: string;
  end: boolean;
  attrs: [string, string][];
  /** index just past the closing `>` */
  next: number;
}

const isSpace = (ch: string) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f";

/** Reads a tag starting at `<` (position `start`); null when the input ends inside it (a browser drops such a tag). */
function readTag(html: string, start: number): Tag | null {
  let i = start + 1;
  const end = html[i] === "/";
  if (end) i++;
  let name = "";
  while (i < html.length && !isSpace(html[i]) && html[i] !== "/" && html[i] !== ">") name += html[i++];
  const attrs: [string, string][] = [];
  for (;;) {
    while (i < html.length && (isSpace(html[i]) || html[i] === "/")) i++;
    if (i >= html.length) return null;
    if (html[i] === ">") return { name: name.toLowerCase(), end, attrs, next: i + 1 };
    let attr = html[i++]; // the first character may be `=`
    while (i < html.length && !isSpace(html[i]) && !"/>=".includes(html[i])) attr += html[i++];
    while (i < html.length && isSpace(html[i])) i++;
    let value = "";
    if (html[i] === "=") {
      i++;
      while (i < html.length && isSpace(html[i])) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close < 0) return null;
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        while (i < html.length && !isSpace(html[i]) && html[i] !== ">") value += html[i++];
      }
    }
    attrs.push([attr.toLowerCase(), value]);
  }
}

/** Index just past the end tag `</name …>` of a raw-text element, or the input's end when it has none. */
function skipRawText(html: string, from: number, name: string): number {
  // Case-insensitive search without lower-casing the input (that can change its length).
  const endTag = new RegExp(`</${name}(?=[\\s/>]|$)`, "gi");
  endTag.lastIndex = from;
  const found = endTag.exec(html);
  if (!found) return html.length;
  const close = html.indexOf(">", found.index);
  return close < 0 ? html.length : close + 1;
}

/** Removes every tag, attribute and URL not on the allow-list; see the module comment. */
export function sanitizeHtml(input: string): string {
  // As a browser does: a NUL never survives as itself.
  const html = input.replaceAll("\u0000", "\ufffd");
  let out = "";
  const open: string[] = [];
  let i = 0;
  let textStart = 0;
  const flushText = (to: number) => {
    if (to > textStart) out += escapeText(html.slice(textStart, to));
  };

  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    const next = html[lt + 1] ?? "";
    if (next === "!" || next === "?" || (next === "/" && !/[a-z]/i.test(html[lt + 2] ?? ""))) {
      // Comment, doctype, CDATA, processing instruction or bogus end tag: dropped entirely.
      flushText(lt);
      let stop: number;
      if (html.startsWith("<!--", lt)) {
        const close = html.indexOf("-->", lt + 4);
        stop = close < 0 ? html.length : close + 3;
      } else {
        const close = html.indexOf(">", lt + 2);
        stop = close < 0 ? html.length : close + 1;
      }
      i = textStart = stop;
      continue;
    }
    if (!/[a-z]/i.test(next) && next !== "/") {
      i = lt + 1; // a lone `<` is text; escapeText turns it into &lt;
      continue;
    }
    flushText(lt);
    const tag = readTag(html, lt);
    if (!tag) {
      i = textStart = html.length;
      break;
    }
    i = textStart = tag.next;
    if (tag.name === "plaintext") {
      i = textStart = html.length;
      break;
    }
    if (!tag.end && DROP_WITH_CONTENT.has(tag.name)) {
      i = textStart = skipRawText(html, tag.next, tag.name);
      continue;
    }
    if (!ALLOWED_TAGS.has(tag.name)) continue;

    if (tag.end) {
      const at = open.lastIndexOf(tag.name);
      if (at < 0) continue; // nothing to close: an unmatched end tag is dropped
      while (open.length > at) out += `</${open.pop()}>`;
      continue;
    }

    let serialised = `<${tag.name}`;
    const seen = new Set<string>();
    const kept = new Set<string>();
    for (const [name, value] of tag.attrs) {
      if (seen.has(name)) continue; // browsers keep the first of duplicated attributes
      seen.add(name);
      const safe = safeAttribute(tag.name, name, value);
      if (safe === null) continue;
      kept.add(name);
      serialised += ` ${name}="${escapeAttr(safe)}"`;
    }
    if (tag.name === "img" && !kept.has("src")) continue; // no safe source: no image
    if (tag.name === "a") serialised += ' rel="noopener noreferrer nofollow"';
    out += `${serialised}>`;
    if (!VOID.has(tag.name)) open.push(tag.name);
  }
  flushText(html.length);
  while (open.length) out += `</${open.pop()}>`;
  return out;
}
