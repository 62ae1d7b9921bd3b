/**
 * Does an upload's content match its extension? Known types are checked by their magic bytes;
 * SVG must be an SVG document; any other extension (an admin may allow more in
 * ALLOWED_EXTENSIONS) is refused only when it looks like HTML, which a browser could sniff and run.
 */

const bytesOf = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP = bytesOf("PK\x03\x04");
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(data: Uint8Array, sig: number[], at = 0): boolean {
  if (data.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (data[at + i] !== sig[i]) return false;
  return true;
}

/** The checks by extension: each answers whether the bytes are that type. */
const MAGIC: Record<string, (d: Uint8Array) => boolean> = {
  ".png": (d) => startsWith(d, PNG),
  ".jpg": (d) => startsWith(d, JPEG),
  ".jpeg": (d) => startsWith(d, JPEG),
  ".gif": (d) => startsWith(d, bytesOf("GIF87a")) || startsWith(d, bytesOf("GIF89a")),
  ".ico": (d) => startsWith(d, [0, 0, 1, 0]) || startsWith(d, [0, 0, 2, 0]),
  ".webp": (d) => startsWith(d, bytesOf("RIFF")) && startsWith(d, bytesOf("WEBP"), 8),
  ".bmp": (d) => startsWith(d, bytesOf("BM")),
  ".pdf": (d) => startsWith(d, bytesOf("%PDF-")),
  ".xlsx": (d) => startsWith(d, ZIP),
  ".docx": (d) => startsWith(d, ZIP),
  ".pptx": (d) => startsWith(d, ZIP),
  ".zip": (d) => startsWith(d, ZIP),
  ".xls": (d) => startsWith(d, OLE),
  ".doc": (d) => startsWith(d, OLE),
  ".ppt": (d) => startsWith(d, OLE),
  ".svg": isSvgDocument,
};

/** A start a browser's type sniffing would take for a page (after a BOM and white space). */
const HTML_LIKE =
  /^\uFEFF?\s*<\s*(?:!--|\?xml|(?:!doctype\s+html|html|head|body|script|iframe|object|embed|meta|a|img|svg|style|title|div|form|base|link|p|br|table|h1)\b)/i;

function leadingText(data: Uint8Array, max = 1024): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(data.subarray(0, max));
}

/**
 * An SVG document: (after a BOM, the XML declaration, comments and a doctype) its root element is
 * `<svg`. Scripts inside do not matter here: SVG is only ever served as an attachment in a
 * sandbox (see the static route), never as a page in our origin.
 */
function isSvgDocument(data: Uint8Array): boolean {
  let text = leadingText(data, 4096).replace(/^\uFEFF/, "");
  for (;;) {
    const before = text;
    text = text
      .replace(/^\s+/, "")
      .replace(/^<\?xml[^>]*\?>/i, "")
      .replace(/^<!--[\s\S]*?-->/, "")
      .replace(/^<!DOCTYPE\s+svg[^>[]*(\[[\s\S]*?\])?\s*>/i, "");
    if (text === before) break;
  }
  return /^<svg[\s/>]/.test(text);
}

/** True when the bytes fit the extension (lower case, with its dot). */
export function contentMatchesExtension(ext: string, data: Uint8Array): boolean {
  const check = MAGIC[ext];
  if (check) return check(data);
  return !HTML_LIKE.test(leadingText(data));
}
