import { UAParser } from "ua-parser-js";

/** Longest User-Agent read (real ones are a few hundred characters; the parser's regexes stay cheap). */
const MAX_UA = 512;
/** The log columns are 64 characters wide. */
const MAX_FIELD = 64;

const joined = (name: string | undefined, version: string | undefined) =>
  name ? (version ? `${name} ${version}` : name).slice(0, MAX_FIELD) : null;

/**
 * OS and browser, each with its version, for the login log and the online list (`Windows 10`,
 * `Chrome 120`, `iOS 17.2`, `WeChat 8`), by ua-parser-js (MIT 1.x line). A client that is not a
 * browser is named by its product token (`curl 8.5.0`); anything else is `Other`.
 */
export function parseUserAgent(ua: string | undefined | null): { os: string; browser: string } {
  const s = (ua ?? "").slice(0, MAX_UA);
  const { os, browser } = new UAParser(s).getResult();
  const tool = /^(?!Mozilla\/)([A-Za-z][\w.-]{0,30})\/(\d[\w.]{0,15})/.exec(s);
  return {
    os: joined(os.name, os.version) ?? "Other",
    browser: joined(browser.name, browser.major) ?? joined(tool?.[1], tool?.[2]) ?? "Other",
  };
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
