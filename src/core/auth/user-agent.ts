/** OS and browser families from a User-Agent, for the login log and the online list. */
export function parseUserAgent(ua: string | undefined | null): { os: string; browser: string } {
  const s = ua ?? "";
  const os =
    (/Windows NT/.test(s) && "Windows") ||
    (/iPhone|iPad|iPod/.test(s) && "iOS") ||
    (/Android/.test(s) && "Android") ||
    (/Mac OS X|Macintosh/.test(s) && "Mac OS X") ||
    (/CrOS/.test(s) && "Chrome OS") ||
    (/Linux/.test(s) && "Linux") ||
    "Other";
  const browser =
    (/Edg\//.test(s) && "Edge") ||
    (/OPR\/|Opera/.test(s) && "Opera") ||
    (/Firefox\//.test(s) && "Firefox") ||
    (/Chrome\//.test(s) && "Chrome") ||
    (/Safari\//.test(s) && "Safari") ||
    (/curl\//.test(s) && "curl") ||
    "Other";
  return { os, browser };
}

/** The contract's location text: private and loopback addresses are `内网IP`; no lookup service. */
export function loginLocation(ip: string): string {
  if (
    ip === "127.0.0.1" ||
    ip === "::1" ||
    ip === "localhost" ||
    /^10\./.test(ip) ||
    /^192\.168\./.test(ip) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(ip) ||
    /^(fc|fd|fe80)/i.test(ip)
  ) {
    return "内网IP";
  }
  return "未知";
}
