/**
 * A small, bounded reader of zip archives (what an .xlsx is): the central directory is read by
 * hand and each entry inflated with the platform's DecompressionStream (Bun and workerd alike),
 * counting what comes out, so a crafted archive is refused long before it is fully expanded.
 * Sizes declared in the directory are checked first but not trusted: the byte limits are also
 * enforced on the actual inflated output.
 */

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  declaredSize: number;
  localHeaderOffset: number;
}

/** Why an archive was refused; `limit` names what was exceeded (or "format"). */
export class ZipLimitError extends Error {
  constructor(
    readonly limit: "format" | "entries" | "entryBytes" | "totalBytes",
    message: string,
  ) {
    super(message);
    this.name = "ZipLimitError";
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

function malformed(what: string): ZipLimitError {
  return new ZipLimitError("format", `not a readable zip archive: ${what}`);
}

/** The central directory's entries; refuses zip64, encryption and more than `maxEntries`. */
export function readCentralDirectory(data: Uint8Array, maxEntries: number): ZipEntry[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // The end record sits in the last 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw malformed("no end of central directory");
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    throw malformed("zip64 is not supported");
  if (count > maxEntries) throw new ZipLimitError("entries", `archive has ${count} entries`);
  if (offset + size > eocd) throw malformed("central directory out of bounds");

  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  let at = offset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE)
      throw malformed("bad directory entry");
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const declaredSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localHeaderOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLength > eocd) throw malformed("bad directory entry");
    const name = decoder.decode(data.subarray(at + 46, at + 46 + nameLength));
    if (flags & 1) throw malformed("encrypted entries are not supported");
    if (method !== 0 && method !== 8) throw malformed(`compression method ${method} is not supported`);
    if (compressedSize === 0xffffffff || declaredSize === 0xffffffff || localHeaderOffset === 0xffffffff)
      throw malformed("zip64 is not supported");
    entries.push({ name, method, flags, compressedSize, declaredSize, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The compressed bytes of an entry, located through its local header. */
function compressedBytes(data: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > data.length || view.getUint32(at, true) !== LOCAL_SIGNATURE)
    throw malformed("bad local header");
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > data.length) throw malformed("entry out of bounds");
  return data.subarray(start, end);
}

/**
 * Inflates one entry chunk by chunk, handing each chunk to `onChunk`, and stops as soon as the
 * output passes `maxBytes` (whatever the directory declared).
 */
export async function inflateEntry(
  data: Uint8Array,
  entry: ZipEntry,
  maxBytes: number,
  onChunk: (chunk: Uint8Array) => void,
): Promise<number> {
  const input = compressedBytes(data, entry);
  if (entry.method === 0) {
    if (input.length > maxBytes) throw new ZipLimitError("entryBytes", `${entry.name} is too large`);
    onChunk(input);
    return input.length;
  }
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  let total = 0;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw malformed(`${entry.name} does not inflate`);
      }
      if (chunk.done) break;
      total += chunk.value.length;
      if (total > maxBytes) throw new ZipLimitError("entryBytes", `${entry.name} expands too far`);
      onChunk(chunk.value);
    }
  } catch (err) {
    // Stop inflating whatever is left (a limit passed, or the caller refused a chunk).
    reader.cancel().catch(() => {});
    throw err;
  }
  return total;
}
