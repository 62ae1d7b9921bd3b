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
