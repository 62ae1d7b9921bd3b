import { describe, expect, test } from "bun:test";
import { createCaptcha, drawCaptcha, glyphCells } from "@/core/auth/captcha";

/**
 * The captcha's SVG path text must not tell which character a glyph is. The old captcha drew
 * every character with the same command letters, so reading the path text solved 1,000 of 1,000.
 *
 * The attacker here reads the SVG as text, knowing the layout: it gives each subpath (`M…`) to
 * the character cell its centre falls in (a `translate` on the path element is honoured), and
 * learns, on a training half of the captchas, the most common character for each signature of a
 * cell. On the other half its accuracy must stay at chance: the accuracy of always answering the
 * training half's most common character (about 0.2 here: "1" is frequent among a+b, a-b, a*b
 * with operands up to 15). The fixed "=?" ending is left out; it says nothing about the answer.
 *
 * Not claimed: the drawing itself shows each character's rough size (that is what a reader sees),
 * so a classifier on bounding-box size alone does better than chance per glyph; see the last test
 * for what that is worth against whole captchas.
 */

const CAPTCHAS = 2000;
/** How far above chance a signature may score before it counts as identifying glyphs. */
const MARGIN = 0.03;

/** A seeded generator, so the test draws the same captchas on every run. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Questions of the captcha's grammar: a+b, a-b (a > b), a*b, then "=?". */
function questions(rnd: () => number, count: number): string[] {
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  return Array.from({ length: count }, () => {
    const op = ["+", "-", "*"][int(0, 2)];
    if (op === "+") return `${int(1, 15)}+${int(1, 15)}=?`;
    if (op === "-") {
      const a = int(6, 15);
      return `${a}-${int(1, a - 1)}=?`;
    }
    return `${int(1, 10)}*${int(1, 10)}=?`;
  });
}

interface Cell {
  label: string;
  /** command letters of its subpaths, in document order */
  letters: string;
  subpaths: number;
  box: [number, number, number, number];
  /** summed start-to-end distance of its subpaths: roughly how much ink it has */
  ink: number;
}

/** What a script reading the SVG text learns about each character cell. */
function readCells(svg: string, text: string): Cell[] {
  const cells = glyphCells(text.length);
  const out: Cell[] = cells.map((_, i) => ({
    label: text[i],
    letters: "",
    subpaths: 0,
    box: [Infinity, Infinity, -Infinity, -Infinity],
    ink: 0,
  }));
  for (const [, attrs] of svg.matchAll(/<path\b([^>]*)>/g)) {
    if (/opacity=/.test(attrs)) continue; // the faint background lines are told apart by their style
    const d = /\bd="([^"]*)"/.exec(attrs)?.[1] ?? "";
    const shift = /translate\(\s*(-?[\d.]+)[\s,]+(-?[\d.]+)/.exec(attrs);
    const [dx, dy] = shift ? [Number(shift[1]), Number(shift[2])] : [0, 0];
    for (const sub of d.split(/(?=M)/)) {
      const nums = (sub.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
      const xs = nums.filter((_, i) => i % 2 === 0).map((x) => x + dx);
      const ys = nums.filter((_, i) => i % 2 === 1).map((y) => y + dy);
      if (!xs.length) continue;
      const centre = (Math.min(...xs) + Math.max(...xs)) / 2;
      const at = cells.findIndex((c) => centre >= c.left && centre < c.right);
      if (at < 0) continue;
      const cell = out[at];
      cell.letters += sub.replace(/[^A-Za-z]/g, "");
      cell.subpaths++;
      cell.ink += Math.hypot(xs[xs.length - 1] - xs[0], ys[ys.length - 1] - ys[0]);
      cell.box = [
        Math.min(cell.box[0], ...xs),
        Math.min(cell.box[1], ...ys),
        Math.max(cell.box[2], ...xs),
        Math.max(cell.box[3], ...ys),
      ];
    }
  }
  return out.slice(0, -2); // "=?"
}

type Signature = (cell: Cell) => string;

const fullSignature: Signature = (c) =>
  `${c.letters}|${c.subpaths}|${c.box.map((v) => Math.round(v / 2)).join(",")}`;
const countSignature: Signature = (c) => String(c.subpaths);
const letterCounts: Signature = (c) =>
  [...new Set(c.letters)]
    .sort()
    .map((l) => `${l}${c.letters.split(l).length - 1}`)
    .join("");
const inkLength: Signature = (c) => String(Math.round(c.ink / 10));
const boxSize: Signature = (c) =>
  `${Math.round((c.box[2] - c.box[0]) / 4)},${Math.round((c.box[3] - c.box[1]) / 4)}`;

/** Learns signature → most common character on `train`; scores per glyph and per captcha on `test`. */
function attack(train: Cell[][], test: Cell[][], signature: Signature) {
  const seen = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  for (const cell of train.flat()) {
    const key = signature(cell);
    const counts = seen.get(key) ?? new Map<string, number>();
    counts.set(cell.label, (counts.get(cell.label) ?? 0) + 1);
    seen.set(key, counts);
    overall.set(cell.label, (overall.get(cell.label) ?? 0) + 1);
  }
  const commonest = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const fallback = commonest(overall);
  const guess = (cell: Cell) => {
    const counts = seen.get(signature(cell));
    return counts ? commonest(counts) : fallback;
  };
  const cells = test.flat();
  return {
    accuracy: cells.filter((c) => guess(c) === c.label).length / cells.length,
    chance: cells.filter((c) => c.label === fallback).length / cells.length,
    solved: test.filter((captcha) => captcha.every((c) => guess(c) === c.label)).length / test.length,
  };
}

function corpus(draw: (text: string, rnd: () => number) => string, seed: number) {
  const rnd = seeded(seed);
  const read = questions(rnd, CAPTCHAS).map((text) => readCells(draw(text, rnd), text));
  return { train: read.slice(0, CAPTCHAS / 2), test: read.slice(CAPTCHAS / 2) };
}

describe("captcha paths do not identify glyphs", () => {
  const { train, test: held } = corpus(drawCaptcha, 2026);

  test("the reader finds every glyph's pieces (so the attack below is not blind)", () => {
    for (const cell of held.flat()) expect(cell.subpaths).toBeGreaterThanOrEqual(12);
  });

  test("the reader and classifier do identify glyphs when each character keeps its path", () => {
    // A drawing with the old flaw: one path per character, its text fixed by the character.
    const leaky = (text: string, rnd: () => number) => {
      const cells = glyphCells(text.length);
      const paths = [...text].map((ch, i) => {
        const strokes = "L1 2".repeat(1 + "0123456789+-*=?".indexOf(ch));
        const x = cells[i].left + 2 + rnd() * 4;
        return `<path d="M0 0${strokes}" transform="translate(${x.toFixed(1)} 20)"/>`;
      });
      return `<svg>${paths.join("")}</svg>`;
    };
    const old = corpus(leaky, 7);
    const result = attack(old.train, old.test, fullSignature);
    expect(result.accuracy).toBeGreaterThan(0.95);
    expect(result.solved).toBeGreaterThan(0.9);
  });

  const signatures: [string, Signature][] = [
    ["command letters, subpath count and bounding box (2px)", fullSignature],
    ["subpath count alone", countSignature],
    ["how many of each command letter", letterCounts],
    ["ink length (10px)", inkLength],
  ];
  for (const [name, signature] of signatures) {
    test(`${name}: no better than chance`, () => {
      const { accuracy, chance } = attack(train, held, signature);
      expect(chance).toBeGreaterThan(0.12);
      expect(chance).toBeLessThan(0.3);
      expect(accuracy).toBeLessThanOrEqual(chance + MARGIN);
    });
  }

  test("whole captchas: the signature solves none; glyph size alone solves almost none", () => {
    expect(attack(train, held, fullSignature).solved).toBeLessThanOrEqual(0.005);
    expect(attack(train, held, boxSize).solved).toBeLessThanOrEqual(0.02);
  });

  test("the arithmetic contract the SPA uses is kept", () => {
    for (let i = 0; i < 50; i++) {
      const { answer, image } = createCaptcha();
      expect(answer).toMatch(/^\d+$/);
      expect(image).toStartWith("data:image/svg+xml;base64,");
      const svg = atob(image.split(",")[1]);
      expect(svg).toStartWith("<svg");
      expect(svg).not.toMatch(/<text|<tspan|font/i);
    }
  });
});
