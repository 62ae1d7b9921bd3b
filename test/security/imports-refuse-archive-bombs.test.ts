import { afterAll, beforeAll, expect, test } from "bun:test";
import { crc32, createDeflateRaw } from "node:zlib";
import ExcelJS from "exceljs";
import { assertWorkbookWithinLimits, WORKBOOK_LIMITS } from "@/core/xlsx";
import { inflateEntry, readCentralDirectory } from "@/core/zip-reader";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders } from "../support/auth";

/*
 * Crafted .xlsx files that are small on the wire and enormous once inflated. Every import
 * endpoint must refuse them with a 4xx naming the limit, before exceljs expands anything.
 */

let t: TestApp;
let admin: Record<string, string>;
let importPaths: string[] = [];

interface Part {
  name: string;
  /** deflated bytes */
  deflated: Uint8Array;
  crc: number;
  size: number;
  /** what the directory claims the inflated size is (a lie when it differs from size) */
  declared?: number;
}

const encoder = new TextEncoder();

/** Deflated at level 9, fed chunk by chunk (the inflated whole is never in memory). */
async function deflate(chunks: Iterable<Uint8Array>): Promise<Uint8Array> {
  const out: Buffer[] = [];
  const z = createDeflateRaw({ level: 9, memLevel: 9 });
  z.on("data", (b: Buffer) => out.push(b));
  const done = new Promise((resolve, reject) => {
    z.on("end", resolve);
    z.on("error", reject);
  });
  for (const c of chunks) if (!z.write(c)) await new Promise((r) => z.once("drain", r));
  z.end();
  await done;
  return new Uint8Array(Buffer.concat(out));
}

/** A part made of `head`, `repeat` × `unit`, `tail`; never held inflated in memory at once. */
async function part(name: string, head: string, unit: string | Uint8Array, repeat: number, tail: string) {
  const u = typeof unit === "string" ? encoder.encode(unit) : unit;
  const h = encoder.encode(head);
  const tl = encoder.encode(tail);
  let crc = crc32(h);
  for (let i = 0; i < repeat; i++) crc = crc32(u, crc);
  crc = crc32(tl, crc);
  const size = h.length + u.length * repeat + tl.length;
  function* chunks() {
    yield h;
    for (let i = 0; i < repeat; i++) yield u;
    yield tl;
  }
  return { name, deflated: await deflate(chunks()), crc, size } satisfies Part;
}

/** A zip archive (stored directory, deflated entries) of `parts`. */
function zip(parts: Part[]): Uint8Array {
  const local: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = encoder.encode(p.name);
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, 0x04034b50, true);
    lh.setUint16(4, 20, true);
    lh.setUint16(8, 8, true);
    lh.setUint32(14, p.crc >>> 0, true);
    lh.setUint32(18, p.deflated.length, true);
    lh.setUint32(22, p.declared ?? p.size, true);
    lh.setUint16(26, name.length, true);
    local.push(new Uint8Array(lh.buffer), name, p.deflated);
    const ch = new DataView(new ArrayBuffer(46));
    ch.setUint32(0, 0x02014b50, true);
    ch.setUint16(4, 20, true);
    ch.setUint16(6, 20, true);
    ch.setUint16(10, 8, true);
    ch.setUint32(16, p.crc >>> 0, true);
    ch.setUint32(20, p.deflated.length, true);
    ch.setUint32(24, p.declared ?? p.size, true);
    ch.setUint16(28, name.length, true);
    ch.setUint32(42, offset, true);
    central.push(new Uint8Array(ch.buffer), name);
    offset += 30 + name.length + p.deflated.length;
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, parts.length, true);
  end.setUint16(10, parts.length, true);
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);
  const all = [...local, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of all) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** The parts of a real one-sheet workbook, for bombs that are otherwise valid .xlsx files. */
let realParts: Part[] = [];

async function realWorkbook(rows: unknown[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Sheet1");
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function partsOf(data: Uint8Array): Promise<Part[]> {
  const parts: Part[] = [];
  for (const entry of readCentralDirectory(data, 100)) {
    const chunks: Uint8Array[] = [];
    await inflateEntry(data, entry, 1 << 24, (c) => chunks.push(c.slice()));
    const bytes = new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
    parts.push({ name: entry.name, deflated: await deflate([bytes]), crc: crc32(bytes), size: bytes.length });
  }
  return parts;
}

/** The real workbook with its first sheet (or an added part) replaced. */
function withPart(bomb: Part): Uint8Array {
  return zip([...realParts.filter((p) => p.name !== bomb.name), bomb]);
}

const SHEET = "xl/worksheets/sheet1.xml";
const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = "</sheetData></worksheet>";
const ROW_OF_200_CELLS = `<row>${'<c t="inlineStr"><is><t>炸弹</t></is></c>'.repeat(200)}</row>`;

const L = WORKBOOK_LIMITS;
const MB = 1024 * 1024;

let bombs: { label: string; file: Uint8Array; expected: RegExp }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await authHeaders(t, "admin");
  const doc = await (await t.request("/api/v1/openapi.json")).json();
  importPaths = Object.entries(doc.paths as Record<string, Record<string, any>>)
    .filter(([path, ops]) => /import/.test(path) && ops.post?.requestBody?.content?.["multipart/form-data"])
    .map(([path]) => path);

  realParts = await partsOf(await realWorkbook([["名称", "状态"]]));
  // ~256 MB of repeated cells (each row ~8.4 KB), deflated to a few hundred KB.
  const cellBomb = await part(SHEET, SHEET_HEAD, ROW_OF_200_CELLS, 32_000, SHEET_TAIL);
  // 256 MB of zeros as an image the sheet never shows.
  const zeros = await part("xl/media/image1.png", "", new Uint8Array(1 << 20), 256, "");
  const many = await part(SHEET, SHEET_HEAD, "", 0, SHEET_TAIL);
  const bigCell = await part(
    SHEET,
    `${SHEET_HEAD}<row><c t="inlineStr"><is><t>`,
    "x",
    L.cellChars * 5,
    `</t></is></c></row>${SHEET_TAIL}`,
  );
  const farColumn = await part(
    SHEET,
    SHEET_HEAD,
    '<row r="1"><c r="XFD1" t="inlineStr"><is><t>1</t></is></c></row>',
    1,
    SHEET_TAIL,
  );
  const manyRows = await part(SHEET, SHEET_HEAD, "<row/>", 60_000, SHEET_TAIL);
  bombs = [
    {
      label: "cells, sizes declared",
      file: withPart(cellBomb),
      expected: new RegExp(`解压后过大.*${L.entryBytes / MB}MB`),
    },
    {
      label: "cells, sizes lied about",
      file: withPart({ ...cellBomb, declared: 4096 }),
      expected: new RegExp(`单元格数量.*${L.cells}`),
    },
    { label: "zeros, sizes declared", file: withPart(zeros), expected: /解压后过大/ },
    { label: "zeros, sizes lied about", file: withPart({ ...zeros, declared: 100 }), expected: /解压后过大/ },
    {
      label: "too many entries",
      file: zip([
        ...realParts,
        ...Array.from({ length: 300 }, (_, i) => ({ ...many, name: `xl/worksheets/s${i}.xml` })),
      ]),
      expected: new RegExp(`最多 ${L.entries} 个文件`),
    },
    {
      label: "one huge cell",
      file: withPart(bigCell),
      expected: new RegExp(`单元格内容过长.*${L.cellChars}`),
    },
    {
      label: "a cell in column XFD",
      file: withPart(farColumn),
      expected: new RegExp(`列数超过限制.*${L.columns}`),
    },
    { label: "60,000 blank rows", file: withPart(manyRows), expected: /单次最多导入/ },
  ];
}, 60_000);
afterAll(() => t.close());

function upload(path: string, data: Uint8Array, name = "bomb.xlsx") {
  const fd = new FormData();
  fd.append("file", new File([data as Uint8Array<ArrayBuffer>], name));
  return t.request(path, { method: "POST", headers: admin, body: fd });
}

test("the import endpoints are found", () => {
  expect(importPaths.sort()).toEqual(
    expect.arrayContaining([
      "/api/v1/example/demo/import",
      "/api/v1/example/demo01/import",
      "/api/v1/system/user/import/data",
    ]),
  );
});

test("the bombs are small on the wire and huge inflated", () => {
  for (const b of bombs)
    expect({ label: b.label, small: b.file.length < 1024 * 1024 }).toEqual({ label: b.label, small: true });
  const cells = bombs[0]!.file;
  const declared = readCentralDirectory(cells, 1000).reduce((n, e) => n + e.declaredSize, 0);
  expect(declared).toBeGreaterThan(200 * 1024 * 1024);
});

test("every import endpoint refuses every bomb with a 4xx naming the limit, storing nothing", async () => {
  const { sys_user } = t.deps.db.t;
  const usersBefore = (await t.deps.db.orm.select().from(sys_user)).length;
  for (const path of importPaths) {
    for (const b of bombs) {
      const res = await upload(path, b.file);
      const env = await body(res);
      expect({
        path,
        bomb: b.label,
        status: res.status >= 400 && res.status < 500,
        success: env.success,
      }).toEqual({
        path,
        bomb: b.label,
        status: true,
        success: false,
      });
      expect({ path, bomb: b.label, msg: env.msg }).toEqual({
        path,
        bomb: b.label,
        msg: expect.stringMatching(b.expected),
      });
    }
  }
  expect((await t.deps.db.orm.select().from(sys_user)).length).toBe(usersBefore);
}, 120_000);

test("a normal file still imports on every endpoint", async () => {
  const stamp = Date.now() % 1_000_000;
  const userFile = await realWorkbook([
    ["部门编号", "账号", "昵称", "状态"],
    [1, `bombless${stamp}`, "正常用户", "正常"],
  ]);
  for (const path of importPaths) {
    const file = path.includes("/system/user/")
      ? userFile
      : await realWorkbook([
          ["名称", "状态", "描述"],
          [`ok${stamp}`, "正常", "普通文件"],
        ]);
    const res = await upload(path, file, "normal.xlsx");
    const env = await body(res);
    expect({ path, status: res.status, code: env.code }).toEqual({ path, status: 200, code: 0 });
    expect(String(env.data)).toContain("成功导入 1 条数据");
  }
}, 60_000);

test("the downloadable import templates are within the limits", async () => {
  const templates = ["/api/v1/system/user/import/template", "/api/v1/example/demo/download/template"];
  for (const path of templates) {
    let res = await t.request(path, { method: "POST", headers: admin });
    if (res.status === 405) res = await t.request(path, { headers: admin });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    await assertWorkbookWithinLimits(new Uint8Array(await res.arrayBuffer()));
  }
});
