/*
 * The key families the app keeps in its cache (`<name>:<suffix>`), which are all the cache
 * monitor shows or touches. Keys outside them (the dictionary/parameter version counters, the
 * parameter index) are internal bookkeeping and stay out of reach.
 */

export interface CacheFamily {
  name: string;
  remark: string;
  /**
   * How a value is shown: as stored, or with its secret removed: a session without its refresh
   * token id, a captcha answer not at all.
   */
  value: "plain" | "session" | "masked";
  /** The key suffixes are credentials themselves (one-time login tokens, OAuth states): listed masked. */
  secretKeys?: boolean;
  /** Derived from the database and rebuilt on the next read, so "clear all" may drop it. */
  rebuildable?: boolean;
}

/** In the order the monitor lists them; upstream's names first where we keep them. */
export const CACHE_FAMILIES: readonly CacheFamily[] = [
  { name: "session", remark: "登录会话信息", value: "session" },
  { name: "captcha_codes", remark: "图片验证码", value: "masked" },
  { name: "system_config", remark: "系统配置", value: "plain", rebuildable: true },
  { name: "system_dict", remark: "数据字典", value: "plain", rebuildable: true },
  { name: "principal", remark: "用户权限信息", value: "plain", rebuildable: true },
  { name: "login", remark: "登录失败与锁定", value: "plain" },
  { name: "rate", remark: "接口限流计数", value: "plain" },
  { name: "oauth_state", remark: "第三方登录状态", value: "plain", secretKeys: true },
  { name: "auto_login", remark: "免登录令牌", value: "plain", secretKeys: true },
  { name: "job", remark: "定时任务执行锁", value: "plain" },
];

export const familyNamed = (name: string) => CACHE_FAMILIES.find((f) => f.name === name);
