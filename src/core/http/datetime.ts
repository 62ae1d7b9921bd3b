const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Datetimes are stored and sent as `YYYY-MM-DD HH:MM:SS` in the server's local time (the
 * contract's wire format); storing them in that form keeps SQLite and MySQL rows identical.
 */
export function formatDateTime(d: Date): string {
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

export const nowString = () => formatDateTime(new Date());

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Parses the wire format (or an ISO date) back to a Date; null when it is not one. */
export function parseDateTime(value: string): Date | null {
  const m = DATETIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  const date = new Date(+y, +mo - 1, +d, +h, +mi, +s);
  return Number.isNaN(date.getTime()) || date.getMonth() !== +mo - 1 ? null : date;
}
