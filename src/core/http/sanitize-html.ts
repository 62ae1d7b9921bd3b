import type sanitize from "sanitize-html";

/**
 * Allow-list HTML sanitiser for rich text that the SPA renders with `v-html` (notices), on the
 * `sanitize-html` library: htmlparser2 parses the input as a browser would, and the output is
 * re-serialised from the parsed tree only (lower-case tags, quoted and escaped attribute values,
 * every element closed), so what a browser builds from it is what was checked here. No DOM:
 * runs on Bun and workerd alike.
 *
 * Our policy on top of the library's: the tags and attributes below, `href` only http(s)/mailto,
 * `src` only http(s) or our own static files, inline styles limited to plain typographic
 * properties with plain values, every link `rel="noopener noreferrer nofollow"`.
 */

/** Elements kept (their disallowed attributes dropped). Anything else is unwrapped: tag gone, content kept. */
const ALLOWED_TAGS = [
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
];

/** Dropped together with their content (script, style, and what a browser does not parse as markup). */
const DROP_WITH_CONTENT = [
  "script",
  "style",
  "iframe",
  "noscript",
  "noembed",
  "noframes",
  "xmp",
  "textarea",
  "title",
  "svg",
  "math",
  "template",
  "object",
  "embed",
  "plaintext",
];

const GLOBAL_ATTRS = ["title", "class", "style"];
const TAG_ATTRS: Record<string, string[]> = {
  a: ["href", "target", "rel"],
  img: ["src", "alt", "width", "height"],
  ol: ["start"],
  td: ["colspan", "rowspan", "width", "height", "align", "valign"],
  th: ["colspan", "rowspan", "width", "height", "align", "valign", "scope"],
  col: ["span", "width"],
  colgroup: ["span", "width"],
  table: ["width", "border", "cellpadding", "cellspacing"],
  p: ["align"],
  div: ["align"],
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

/** One attribute's value under our policy (already entity-decoded by the parser), or null to drop it. */
function safeAttribute(name: string, value: string): string | null {
  if (name === "href") return safeHref(value);
  if (name === "src") return safeImgSrc(value);
  if (name === "style") return safeStyle(value);
  if (NUMERIC_ATTRS.has(name)) return /^\s*\d{1,5}%?\s*$/.test(value) ? value.trim() : null;
  const choices = ENUM_ATTRS[name];
  if (choices) return choices.has(value.trim().toLowerCase()) ? value.trim().toLowerCase() : null;
  if (name === "class") return /^[\w\s-]*$/.test(value) ? value.trim().replace(/\s+/g, " ") : null;
  return value;
}

const OPTIONS: sanitize.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: { "*": GLOBAL_ATTRS, ...TAG_ATTRS },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: DROP_WITH_CONTENT,
  // Styles are filtered by safeStyle below; the library's CSS parser is not needed.
  parseStyleAttributes: false,
  allowVulnerableTags: false,
  transformTags: {
    "*": (tagName, attribs) => {
      const kept: sanitize.Attributes = {};
      for (const [name, value] of Object.entries(attribs)) {
        if (name === "rel") continue; // set below for links, never taken from the input
        const safe = safeAttribute(name, value);
        if (safe !== null) kept[name] = safe;
      }
      if (tagName === "a") kept.rel = "noopener noreferrer nofollow";
      return { tagName, attribs: kept };
    },
  },
  // No safe source: no image.
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

/**
 * The library (with htmlparser2 and postcss, several MB of a server's memory) is loaded on the
 * first notice saved, not at start. A synchronous `require` keeps `sanitizeHtml` synchronous for
 * the schema's transform; the Worker's bundler resolves it at build time like an import.
 */
let library: typeof sanitize | undefined;
const sanitizer = (): typeof sanitize => (library ??= require("sanitize-html") as typeof sanitize);

/** Removes every tag, attribute and URL not on the allow-list; see the module comment. */
export function sanitizeHtml(input: string): string {
  return sanitizer()(input.replaceAll("\u0000", "\ufffd"), OPTIONS);
}
