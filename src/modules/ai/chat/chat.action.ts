/*
 * `POST /ai-chat`'s `action` (contract §9.2): a JSON object the answer carries (the whole answer,
 * or a fenced json block), else a navigation hint when the answer suggests opening a page.
 */

export type ChatAction = Record<string, unknown>;

const PAGES: { name: string; keyword: string; path: string }[] = [
  { name: "用户管理", keyword: "用户", path: "/system/user" },
  { name: "角色管理", keyword: "角色", path: "/system/role" },
  { name: "菜单管理", keyword: "菜单", path: "/system/menu" },
  { name: "部门管理", keyword: "部门", path: "/system/dept" },
  { name: "字典管理", keyword: "字典", path: "/system/dict" },
  { name: "系统日志", keyword: "日志", path: "/system/log" },
];

const NAVIGATION_WORDS = ["跳转", "打开", "进入", "前往", "去", "浏览", "查看"];

const FENCED_JSON = /```json\s*([\s\S]*?)```/i;

function parseObject(text: string): ChatAction | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as ChatAction)
      : null;
  } catch {
    return null;
  }
}

/** Where the first page name (else keyword) mentioned in `text` leads. */
function pageIn(text: string) {
  const first = (key: "name" | "keyword") =>
    PAGES.map((p) => ({ page: p, at: text.indexOf(p[key]) }))
      .filter((m) => m.at >= 0)
      .sort((a, b) => a.at - b.at)[0]?.page;
  return first("name") ?? first("keyword");
}

export function extractAction(reply: string): ChatAction | null {
  const whole = parseObject(reply.trim());
  if (whole) return whole;
  const fenced = FENCED_JSON.exec(reply);
  if (fenced) {
    const block = parseObject(fenced[1].trim());
    if (block) return block;
  }
  if (!NAVIGATION_WORDS.some((w) => reply.includes(w))) return null;
  const page = pageIn(reply);
  return page ? { type: "navigate", path: page.path, name: page.name } : null;
}
