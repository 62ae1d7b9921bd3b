/**
 * Does an upload's content match its extension? Known binary types are checked by their magic
 * bytes; SVG must be an SVG document; text types (.txt .csv .md) must be text that does not look
 * like HTML; RTF must start as RTF; any other extension (an admin may allow more in
 * ALLOWED_EXTENSIONS) is refused only when it looks like HTML, which a browser could sniff and run.
 */

const bytesOf = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP = bytesOf("PK\x03\x04");
/** Empty ZIP archives start with their end-of-central-directory record instead. */
const ZIP_EMPTY = bytesOf("PK\x05\x06");
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const SEVEN_ZIP = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const GZIP = [0x1f, 0x8b];
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

const isZip = (d: Uint8Array) => startsWith(d, ZIP) || startsWith(d, ZIP_EMPTY);
/** ISO base media (MP4): a box size, then `ftyp`. */
const isMp4 = (d: Uint8Array) => startsWith(d, bytesOf("ftyp"), 4);
/** An ID3 tag, or an MPEG audio frame sync (11 set bits). */
const isMp3 = (d: Uint8Array) =>
  startsWith(d, bytesOf("ID3")) || (d.length > 1 && d[0] === 0xff && (d[1] & 0xe0) === 0xe0);
/** POSIX (ustar) or GNU tar: the magic at offset 257 of the first header. */
const isTar = (d: Uint8Array) => startsWith(d, bytesOf("ustar"), 257);

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
  ".xlsx": isZip,
  ".docx": isZip,
  ".pptx": isZip,
  ".odt": isZip,
  ".ods": isZip,
  ".zip": isZip,
  ".xls": (d) => startsWith(d, OLE),
  ".doc": (d) => startsWith(d, OLE),
  ".ppt": (d) => startsWith(d, OLE),
  ".7z": (d) => startsWith(d, SEVEN_ZIP),
  ".gz": (d) => startsWith(d, GZIP),
  ".tar": isTar,
  ".rtf": (d) => startsWith(d, bytesOf("{\\rtf")),
  ".mp3": isMp3,
  ".mp4": isMp4,
  ".wav": (d) => startsWith(d, bytesOf("RIFF")) && startsWith(d, bytesOf("WAVE"), 8),
  ".webm": (d) => startsWith(d, EBML),
  ".svg": isSvgDocument,
  ".txt": isPlainText,
  ".csv": isPlainText,
  ".md": isPlainText,
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

/**
 * Text a browser would not take for a page: no NUL bytes (unless UTF-16 with its BOM), and not
 * starting like HTML. Any 8-bit encoding passes (CSV from Excel is often GBK).
 */
function isPlainText(data: Uint8Array): boolean {
  if (startsWith(data, [0xff, 0xfe]) || startsWith(data, [0xfe, 0xff])) {
    const text = new TextDecoder(data[0] === 0xff ? "utf-16le" : "utf-16be").decode(data.subarray(0, 2048));
    return !HTML_LIKE.test(text);
  }
  if (data.includes(0)) return false;
  return !HTML_LIKE.test(leadingText(data));
}

/** True when the bytes fit the extension (lower case, with its dot). */
export function contentMatchesExtension(ext: string, data: Uint8Array): boolean {
  const check = MAGIC[ext];
  if (check) return check(data);
  return !HTML_LIKE.test(leadingText(data));
}
