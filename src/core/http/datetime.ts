// Defined beside the tables (db/ is the bottom layer and fills created/updated times with it).
export { formatDateTime, nowString } from "@db/kit/datetime";

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Parses the wire format (or an ISO date) back to a Date; null when it is not one. */
export function parseDateTime(value: string): Date | null {
  const m = DATETIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  const date = new Date(+y, +mo - 1, +d, +h, +mi, +s);
  return Number.isNaN(date.getTime()) || date.getMonth() !== +mo - 1 ? null : date;
}
