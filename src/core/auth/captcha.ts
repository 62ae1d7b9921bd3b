/**
 * An arithmetic captcha drawn as SVG paths (no text nodes, so the answer is not in the markup as
 * characters). Returned as a data URL the SPA shows in <img>.
 *
 * The path text must not name the glyphs either (a fixed path per character was read back by a
 * short script): each glyph is one of a few hand-drawn constructions, jittered, rotated and
 * scaled into absolute coordinates, then cut into a random number of pieces (the same range for
 * every character) that are each written as a lone `M…Q` or `M…C` curve (straight pieces too),
 * in either direction, with decoy pieces retracing its own strokes until every character has
 * about as much ink. Pieces of all glyphs and of a noise curve drawn in the same style are
 * shuffled together into a few paths by colour. What remains readable is the drawing itself
 * (e.g. a glyph's rough size), as it must be for people.
 */

type Random = () => number;
type Point = readonly [number, number];
/** A straight (`c` absent) or quadratic piece of a stroke, from `a` to `b`. */
interface Segment {
  a: Point;
  c?: Point;
  b: Point;
}

/**
 * Each character's constructions in a 10×16 cell, written with absolute M, L and Q only.
 * Several per character so that no one drawing is the character's.
 */
const FONT: Record<string, readonly string[]> = {
  "0": [
    "M5 1Q9 1 9 8Q9 15 5 15Q1 15 1 8Q1 1 5 1",
    "M3.5 1L6.5 1Q9 1 9 4L9 12Q9 15 6.5 15L3.5 15Q1 15 1 12L1 4Q1 1 3.5 1",
  ],
  "1": ["M5 1L5 15M2.5 3.5L5 1", "M5.5 1L5.5 15M2.5 4L5.5 1M3 15L8 15"],
  "2": ["M1.5 4Q2 1 5 1Q8.5 1 8.5 4.5Q8.5 7 1.5 15L8.5 15", "M1.5 3.5Q5 -0.5 8 3Q9.5 6 6 9L1.5 15L9 15"],
  "3": [
    "M1.5 3Q4 0 7 1.5Q9.5 4 5 7.5Q9.5 8.5 8.5 12Q7 16 1.5 13.5",
    "M1.5 1L8.5 1L4.5 6.5Q9 6.5 9 11Q8 16 1.5 14",
  ],
  "4": ["M6.5 15L6.5 1L1 10.5L9 10.5", "M2 1L1 10L9 10M6.5 5L6.5 15"],
  "5": [
    "M8.5 1L2 1L1.5 7Q8.5 5 8.5 10.5Q8 15.5 1.5 14",
    "M8.5 1L2.5 1L2 7.5Q9 6 9 11Q8.5 15.5 4 15Q2 15 1 13.5",
  ],
  "6": [
    "M8 2Q5 0 3 3Q1 6 1 10Q1 15 5 15Q9 15 9 11Q9 7 5 7Q2 7 1 10",
    "M7.5 1L2 9Q1 15 5 15Q9 15 9 11Q9 7.5 5 7.5Q3 7.5 2 9",
  ],
  "7": ["M1 1L9 1L4 15", "M1 1L9 1L4.5 15M3 8L8 8"],
  "8": [
    "M5 7.5Q1.5 7 1.5 4Q2 1 5 1Q8 1 8.5 4Q8.5 7 5 7.5Q1 8 1 11.5Q1.5 15 5 15Q8.5 15 9 11.5Q9 8 5 7.5",
    "M5 7Q2 6.5 2 4Q2 1 5 1Q8 1 8 4Q8 6.5 5 7M5 7Q1 7.5 1 11Q1 15 5 15Q9 15 9 11Q9 7.5 5 7",
  ],
  "9": [
    "M9 5Q9 1 5 1Q1 1 1 5Q1 9 5 9Q9 9 9 5L8.5 10Q7.5 15 2 14",
    "M9 5Q9 1 5 1Q1 1 1 5Q1 9 5 9Q8 9 9 5M9 5L4 15",
  ],
  "+": ["M1 8L9 8M5 4L5 12", "M1.5 8.5L8.5 8.5M5 4.5L5 12.5"],
  "-": ["M1 8L9 8", "M1.5 8.5L8.5 8"],
  "*": ["M2 4L8 12M8 4L2 12", "M2.5 4.5L7.5 11.5M7.5 4.5L2.5 11.5"],
  "=": ["M1 6L9 6M1 10L9 10", "M1.5 5.5L8.5 5.5M1.5 10L8.5 10"],
  "?": [
    "M2 4Q2 1 5 1Q8.5 1 8.5 4Q8.5 6.5 5 8L5 11M5 14L5 15",
    "M1.5 4.5Q2 1 5 1Q9 1 8.5 4.5Q8 6.5 5 8Q5 9.5 5 11M5 14.2L5 15",
  ],
};

/** Every glyph ends up as this many pieces (drawn ones plus decoys), whatever its character. */
const PIECES = { min: 22, max: 30 } as const;
/**
 * Decoys retrace a glyph's own strokes until it has this much ink (in cell units, before
 * scaling), whatever its character: a "-" is drawn over and over, an "8" hardly at all.
 * The longest construction ("8") has about 46.
 */
const INK = { min: 48, max: 64 } as const;
const WIDTH = 160;
const HEIGHT = 60;
const COLORS = ["#1f4e99", "#7a2e8e", "#b5451b", "#1d7a4c", "#333"];

export interface Captcha {
  answer: string;
  image: string;
}

const between = (rnd: Random, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const uniform = (rnd: Random, lo: number, hi: number) => lo + rnd() * (hi - lo);

function question(rnd: Random): { text: string; answer: number } {
  const op = ["+", "-", "*"][between(rnd, 0, 2)];
  if (op === "+") {
    const a = between(rnd, 1, 15);
    const b = between(rnd, 1, 15);
    return { text: `${a}+${b}=?`, answer: a + b };
  }
  if (op === "-") {
    const a = between(rnd, 6, 15);
    const b = between(rnd, 1, a - 1);
    return { text: `${a}-${b}=?`, answer: a - b };
  }
  const a = between(rnd, 1, 10);
  const b = between(rnd, 1, 10);
  return { text: `${a}*${b}=?`, answer: a * b };
}

export function createCaptcha(rnd: Random = cryptoRandom): Captcha {
  const { text, answer } = question(rnd);
  return { answer: String(answer), image: `data:image/svg+xml;base64,${toBase64(drawCaptcha(text, rnd))}` };
}

/** The horizontal cell of each of `count` characters: where a glyph is drawn (and a reader looks). */
export function glyphCells(count: number): { left: number; right: number }[] {
  const step = Math.min(22, (WIDTH - 10) / count);
  const start = (WIDTH - count * step) / 2;
  return Array.from({ length: count }, (_, i) => ({ left: start + i * step, right: start + (i + 1) * step }));
}

/** The SVG for `text` (characters of FONT). Exported for the tests that read it as an attacker would. */
export function drawCaptcha(text: string, rnd: Random = cryptoRandom): string {
  const cells = glyphCells(text.length);
  const byColor = new Map<string, string[]>();
  const add = (color: string, pieces: string[]) =>
    byColor.set(color, [...(byColor.get(color) ?? []), ...pieces]);
  [...text].forEach((ch, i) => {
    const color = COLORS[between(rnd, 0, COLORS.length - 1)];
    add(color, glyphPieces(ch, cells[i], rnd));
  });
  // A noise stroke in the glyphs' own style, cut the same way: no attribute tells it apart.
  add(COLORS[between(rnd, 0, COLORS.length - 1)], noisePieces(rnd));

  const paths: string[] = [];
  for (const [color, pieces] of byColor) {
    shuffle(pieces, rnd);
    const cut = pieces.length > 8 && rnd() < 0.5 ? between(rnd, 3, pieces.length - 3) : pieces.length;
    for (const part of [pieces.slice(0, cut), pieces.slice(cut)]) {
      if (part.length)
        paths.push(
          `<path d="${part.join("")}" fill="none" stroke="${color}" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>`,
        );
    }
  }
  shuffle(paths, rnd);
  const faint = Array.from({ length: 3 }, () => {
    const c = COLORS[between(rnd, 0, COLORS.length - 1)];
    return `<path d="M${between(rnd, 0, 40)} ${between(rnd, 5, 55)}Q${between(rnd, 40, 120)} ${between(rnd, 0, 60)} ${between(rnd, 120, 160)} ${between(rnd, 5, 55)}" stroke="${c}" stroke-width="1" fill="none" opacity=".5"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}"><rect width="${WIDTH}" height="${HEIGHT}" fill="#f3f6fb"/>${faint.join("")}${paths.join("")}</svg>`;
}

/** One character: a construction, jittered and placed in its cell, cut into pieces, plus decoys. */
function glyphPieces(ch: string, cell: { left: number; right: number }, rnd: Random): string[] {
  const variants = FONT[ch];
  if (!variants) throw new Error(`no glyph for ${JSON.stringify(ch)}`);
  const scale = uniform(rnd, 1.55, 1.85);
  const angle = (uniform(rnd, -14, 14) * Math.PI) / 180;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const cx = (cell.left + cell.right) / 2 + uniform(rnd, -1.5, 1.5);
  const cy = HEIGHT / 2 + uniform(rnd, -3, 3);
  // Joints move together, so strokes that met still meet.
  const moved = new Map<string, Point>();
  const place = (p: Point): Point => {
    const key = `${p[0]},${p[1]}`;
    let q = moved.get(key);
    if (!q) {
      const x = (p[0] + uniform(rnd, -0.35, 0.35) - 5) * scale;
      const y = (p[1] + uniform(rnd, -0.35, 0.35) - 8) * scale;
      q = [cx + x * cos - y * sin, cy + x * sin + y * cos];
      moved.set(key, q);
    }
    return q;
  };
  const segments = parseStrokes(variants[between(rnd, 0, variants.length - 1)]).map((s) => ({
    a: place(s.a),
    c: s.c && place(s.c),
    b: place(s.b),
  }));
  const decoys: Segment[] = [];
  const target = uniform(rnd, INK.min, INK.max) * scale;
  let ink = segments.reduce((sum, s) => sum + length(s), 0);
  while (ink < target || decoys.length === 0) {
    const s = segments[between(rnd, 0, segments.length - 1)];
    const decoy = part(s, uniform(rnd, 0, 0.3), uniform(rnd, 0.7, 1));
    decoys.push(decoy);
    ink += length(decoy);
  }
  const total = between(rnd, PIECES.min, PIECES.max);
  const pieces = cutInto(segments, total - decoys.length, rnd);
  return [...pieces, ...decoys].map((s) => writePiece(s, rnd));
}

/**
 * A long curve across the picture, in the glyphs' style, cut into glyph-sized pieces. It runs
 * from a top corner to the opposite bottom one, so it does not pass for a minus or equals bar.
 */
function noisePieces(rnd: Random): string[] {
  const [top, bottom] = [uniform(rnd, 3, 16), uniform(rnd, HEIGHT - 16, HEIGHT - 3)];
  const [left, right] = rnd() < 0.5 ? [top, bottom] : [bottom, top];
  const curve: Segment = {
    a: [uniform(rnd, 0, 15), left],
    c: [uniform(rnd, 50, 110), uniform(rnd, 10, HEIGHT - 10)],
    b: [uniform(rnd, 145, 160), right],
  };
  return cutInto([curve], between(rnd, 30, 45), rnd).map((s) => writePiece(s, rnd));
}

/** Splits the longest pieces until there are `count` (at least as many as there are segments). */
function cutInto(segments: Segment[], count: number, rnd: Random): Segment[] {
  const pieces = [...segments];
  while (pieces.length < count) {
    let longest = 0;
    for (let i = 1; i < pieces.length; i++) if (chord(pieces[i]) > chord(pieces[longest])) longest = i;
    const t = uniform(rnd, 0.35, 0.65);
    pieces.splice(longest, 1, part(pieces[longest], 0, t), part(pieces[longest], t, 1));
  }
  return pieces;
}

const chord = (s: Segment) => Math.hypot(s.b[0] - s.a[0], s.b[1] - s.a[1]);
/** Near enough a piece's drawn length: a quadratic's lies between its chord and control polygon. */
const length = (s: Segment) =>
  s.c
    ? (chord(s) +
        Math.hypot(s.c[0] - s.a[0], s.c[1] - s.a[1]) +
        Math.hypot(s.b[0] - s.c[0], s.b[1] - s.c[1])) /
      2
    : chord(s);
const lerp = (p: Point, q: Point, t: number): Point => [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];

/** The stretch of `s` between parameters t0 < t1, as a segment of the same kind. */
function part(s: Segment, t0: number, t1: number): Segment {
  if (!s.c) return { a: lerp(s.a, s.b, t0), b: lerp(s.a, s.b, t1) };
  const c = s.c;
  const at = (t: number) => lerp(lerp(s.a, c, t), lerp(c, s.b, t), t);
  // The sub-curve's control point is the quadratic's blossom at (t0, t1).
  return { a: at(t0), c: lerp(lerp(s.a, c, t0), lerp(c, s.b, t0), t1), b: at(t1) };
}

/**
 * One piece as its own subpath, `M…Q` or `M…C` at random, in either direction. A straight piece
 * gets control points on its own line, a quadratic its exact cubic form, so every piece reads
 * the same whatever it draws.
 */
function writePiece(s: Segment, rnd: Random): string {
  const [a, b] = rnd() < 0.5 ? [s.a, s.b] : [s.b, s.a];
  const n = (p: Point) => `${p[0].toFixed(1)} ${p[1].toFixed(1)}`;
  const cubic = rnd() < 0.5;
  if (!s.c) {
    if (!cubic) return `M${n(a)}Q${n(lerp(a, b, uniform(rnd, 0.2, 0.8)))} ${n(b)}`;
    const u = uniform(rnd, 0.1, 0.5);
    return `M${n(a)}C${n(lerp(a, b, u))} ${n(lerp(a, b, uniform(rnd, u + 0.1, 0.9)))} ${n(b)}`;
  }
  if (!cubic) return `M${n(a)}Q${n(s.c)} ${n(b)}`;
  return `M${n(a)}C${n(lerp(a, s.c, 2 / 3))} ${n(lerp(b, s.c, 2 / 3))} ${n(b)}`;
}

/** The segments of a FONT path (absolute M, L, Q). */
function parseStrokes(d: string): Segment[] {
  const tokens = d.match(/[MLQ]|-?\d+(?:\.\d+)?/g) ?? [];
  const out: Segment[] = [];
  let at: Point = [0, 0];
  let i = 0;
  const point = (): Point => [Number(tokens[i++]), Number(tokens[i++])];
  while (i < tokens.length) {
    const cmd = tokens[i++];
    if (cmd === "M") at = point();
    else if (cmd === "L") {
      const b = point();
      out.push({ a: at, b });
      at = b;
    } else if (cmd === "Q") {
      const c = point();
      const b = point();
      out.push({ a: at, c, b });
      at = b;
    } else throw new Error(`bad glyph path ${d}`);
  }
  return out;
}

function shuffle<T>(items: T[], rnd: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = between(rnd, 0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function cryptoRandom(): number {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return buf[0] / 2 ** 32;
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
