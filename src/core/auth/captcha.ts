/**
 * An arithmetic captcha drawn as SVG paths (no text nodes, so the answer is not in the markup as
 * characters), with jittered glyphs and noise lines. Returned as a data URL the SPA shows in <img>.
 */
const GLYPHS: Record<string, string> = {
  "0": "M2 1h6v14H2z",
  "1": "M5 1v14M3 3l2-2",
  "2": "M2 1h6v7H2v7h6",
  "3": "M2 1h6v14H2M2 8h6",
  "4": "M2 1v7h6M8 1v14",
  "5": "M8 1H2v7h6v7H2",
  "6": "M8 1H2v14h6V8H2",
  "7": "M2 1h6l-3 14",
  "8": "M2 1h6v14H2zM2 8h6",
  "9": "M8 8H2V1h6v14H2",
  "+": "M1 8h8M5 4v8",
  "-": "M1 8h8",
  "*": "M2 4l6 8M8 4l-6 8",
  "=": "M1 6h8M1 10h8",
  "?": "M2 3q3-4 6 0t-3 5v2M5 13v2",
};

export interface Captcha {
  answer: string;
  image: string;
}

type Random = () => number;

const between = (rnd: Random, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

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
  const colors = ["#1f4e99", "#7a2e8e", "#b5451b", "#1d7a4c", "#333"];
  const glyphs = [...text].map((ch, i) => {
    const x = 12 + i * 22 + between(rnd, -2, 2);
    const y = 18 + between(rnd, -4, 4);
    const angle = between(rnd, -15, 15);
    const scale = (1.6 + rnd() * 0.3).toFixed(2);
    const color = colors[between(rnd, 0, colors.length - 1)];
    return `<path d="${jitter(GLYPHS[ch], rnd)}" transform="translate(${x} ${y}) rotate(${angle} 5 8) scale(${scale})" fill="none" stroke="${color}" stroke-width="1.4" stroke-linecap="round"/>`;
  });
  const noise = Array.from({ length: 5 }, () => {
    const c = colors[between(rnd, 0, colors.length - 1)];
    return `<path d="M${between(rnd, 0, 40)} ${between(rnd, 5, 55)}Q${between(rnd, 40, 120)} ${between(rnd, 0, 60)} ${between(rnd, 120, 160)} ${between(rnd, 5, 55)}" stroke="${c}" stroke-width="1" fill="none" opacity=".6"/>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="60" viewBox="0 0 160 60"><rect width="160" height="60" fill="#f3f6fb"/>${noise.join("")}${glyphs.join("")}</svg>`;
  return { answer: String(answer), image: `data:image/svg+xml;base64,${toBase64(svg)}` };
}

/** Moves every coordinate a little, so no two drawings of a character share their path text. */
function jitter(path: string, rnd: Random): string {
  return path.replace(/-?\d+(\.\d+)?/g, (n) => (Number(n) + (rnd() - 0.5) * 0.8).toFixed(2));
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
