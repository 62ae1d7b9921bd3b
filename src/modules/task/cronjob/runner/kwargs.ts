import { badRequest } from "@/core/http/errors";

/** A node's keyword args: a JSON object (upstream: invalid JSON → "关键字参数JSON格式无效"). */
export function parseKwargs(text: string | null | undefined): Record<string, unknown> {
  if (!text?.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(`关键字参数JSON格式无效: ${text}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest(`关键字参数必须为JSON对象: ${text}`);
  }
  return value as Record<string, unknown>;
}
