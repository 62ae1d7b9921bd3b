import { Cron, type CronOptions } from "croner";
import { parseDateTime } from "@/core/http/datetime";
import { badRequest } from "@/core/http/errors";

/*
 * Trigger expressions of `POST /node/execute` (contract §6.2). Cron text is Quartz-ordered
 * (`second minute hour day month day_of_week [year]`); the validator is upstream's, and the
 * schedule is croner's Quartz mode (day_of_week 1 = Sunday, `L`, `W`, `#`, `a/b` steps), so an
 * expression that validates also runs — upstream validated Quartz but ran APScheduler's dialect
 * (§14 #22).
 */

export const EVERY_SECOND_MESSAGE =
  "Cron表达式不允许每秒执行，请至少指定秒数（如：0 * * * * ? * 表示每分钟执行）";

const INT = /^\d+$/;
const num = (s: string) => (INT.test(s) ? Number(s) : Number.NaN);

interface FieldRule {
  min: number;
  max: number;
  /** Bounds of `a/b`: a ∈ [stepStartMin, stepStartMax], b ∈ [1, stepMax], a + b ≤ stepSumMax. */
  step: { startMin: number; startMax: number; stepMax: number; sumMax: number };
  listMin?: number;
  listMax?: number;
  extra?: (part: string) => boolean;
}

function fieldOk(part: string, rule: FieldRule): boolean {
  if (part === "*") return true;
  if (rule.extra?.(part)) return true;
  if (part.includes("-")) {
    const [a, b, ...rest] = part.split("-").map(num);
    return rest.length === 0 && a >= rule.min && b <= rule.max && a < b;
  }
  if (part.includes("/")) {
    const [a, b, ...rest] = part.split("/").map(num);
    const s = rule.step;
    return (
      rest.length === 0 && a >= s.startMin && a <= s.startMax && b >= 1 && b <= s.stepMax && a + b <= s.sumMax
    );
  }
  const lo = rule.listMin ?? rule.min;
  const hi = rule.listMax ?? rule.max;
  return part.split(",").every((p) => {
    const n = num(p);
    return n >= lo && n <= hi;
  });
}

const SECOND_MINUTE: FieldRule = {
  min: 0,
  max: 59,
  step: { startMin: 0, startMax: 58, stepMax: 59, sumMax: 59 },
};
const HOUR: FieldRule = { min: 0, max: 23, step: { startMin: 0, startMax: 22, stepMax: 23, sumMax: 23 } };
const DAY: FieldRule = {
  min: 1,
  max: 31,
  step: { startMin: 1, startMax: 30, stepMax: 30, sumMax: 31 },
  extra: (p) =>
    p === "?" || p === "L" || (/^\d+W$/.test(p) && num(p.slice(0, -1)) >= 1 && num(p.slice(0, -1)) <= 31),
};
const MONTH: FieldRule = { min: 1, max: 12, step: { startMin: 1, startMax: 11, stepMax: 11, sumMax: 12 } };
const DOW: FieldRule = {
  min: 1,
  max: 7,
  step: { startMin: 1, startMax: 6, stepMax: 6, sumMax: 7 },
  extra: (p) => {
    if (p === "?") return true;
    const hash = /^([1-7])#([1-4])$/.exec(p);
    return hash !== null || /^[1-7]L$/.test(p);
  },
};

function yearOk(part: string, now: number): boolean {
  if (part === "*") return true;
  if (part.includes("-")) {
    const [a, b, ...rest] = part.split("-").map(num);
    return rest.length === 0 && a >= now && a < b && b <= 2099;
  }
  if (part.includes("/")) {
    const [a, b, ...rest] = part.split("/").map(num);
    return rest.length === 0 && a >= now && a <= 2099 && b >= 1;
  }
  return part.split(",").every((p) => /^\d{4}$/.test(p) && num(p) >= now && num(p) <= now + 9);
}

const RULES = [SECOND_MINUTE, SECOND_MINUTE, HOUR, DAY, MONTH, DOW];

const CRON_OPTIONS: CronOptions = { mode: "6-or-7-parts", sloppyRanges: true, alternativeWeekdays: true };

/**
 * The croner pattern of a valid expression (`?` → `*`); a bad one is refused with upstream's
 * messages (400, where upstream answered 500).
 */
export function cronPattern(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  const invalid = () => badRequest(`Cron表达式不正确: ${expression}`);
  if (fields.length !== 6 && fields.length !== 7) throw invalid();
  if (fields.slice(0, 6).every((f) => f === "*" || f === "?")) throw badRequest(EVERY_SECOND_MESSAGE);
  if (!RULES.every((rule, i) => fieldOk(fields[i], rule))) throw invalid();
  if (fields.length === 7 && !yearOk(fields[6], new Date().getFullYear())) throw invalid();
  const pattern = fields.map((f) => (f === "?" ? "*" : f)).join(" ");
  try {
    new Cron(pattern, { ...CRON_OPTIONS, paused: true }).stop();
  } catch {
    throw invalid();
  }
  return pattern;
}

/** A paused croner job of a validated pattern, for next-run computations. */
export const cronOptions = (): CronOptions => ({ ...CRON_OPTIONS });

const FIELD_NAMES = ["second", "minute", "hour", "day", "month", "day_of_week", "year"];

/** APScheduler-like description of a cron trigger, as the SPA's job list shows it. */
export function describeCron(expression: string): string {
  const fields = expression
    .trim()
    .split(/\s+/)
    .map((f) => (f === "?" ? "*" : f));
  const fieldValue = new Map(FIELD_NAMES.map((name, i) => [name, fields[i] ?? "*"]));
  const order = ["year", "month", "day", "day_of_week", "hour", "minute", "second"];
  const parts = order
    .map((name) => [name, fieldValue.get(name) ?? "*"] as const)
    .filter(([name, value]) => name !== "year" || value !== "*")
    .map(([name, value]) => `${name}='${value}'`);
  return `cron[${parts.join(", ")}]`;
}

/** Seconds of an interval `seconds minutes hours days weeks` (`*` = 0); at least one second. */
export function intervalSeconds(text: string): number {
  const fields = text.trim().split(/\s+/);
  const invalid = () => badRequest(`间隔触发器参数不正确: ${text}（格式: 秒 分 时 天 周）`);
  if (fields.length !== 5) throw invalid();
  const values = fields.map((f) => (f === "*" ? 0 : num(f)));
  if (values.some((v) => !Number.isFinite(v))) throw invalid();
  const [s, m, h, d, w] = values;
  const total = s + m * 60 + h * 3600 + d * 86_400 + w * 604_800;
  if (total < 1) throw badRequest("间隔时间必须大于0秒");
  return total;
}

/** Python's `timedelta` text (`1:00:00`, `2 days, 0:00:30`), as APScheduler printed intervals. */
export function describeInterval(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  const clock = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, "0")}:${String(rest % 60).padStart(2, "0")}`;
  return `interval[${days ? `${days} day${days === 1 ? "" : "s"}, ` : ""}${clock}]`;
}

/** A `date` trigger's moment: `YYYY-MM-DD HH:MM:SS` local time, not in the past. */
export function runDate(text: string): Date {
  const at = parseDateTime(text);
  if (!at) throw badRequest("时间格式必须为 YYYY-MM-DD HH:MM:SS");
  if (at.getTime() < Date.now() - 1000) throw badRequest("执行时间不能早于当前时间");
  return at;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD HH:MM:SS+08:00` in server local time (upstream's `str(datetime)` with offset). */
export function withOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const abs = Math.abs(off);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
