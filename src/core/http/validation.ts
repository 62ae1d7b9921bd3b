import type { ZodError } from "zod";

type Issue = ZodError["issues"][number];

/**
 * The contract's 422 message for a zod issue: the same Chinese texts FastapiAdmin sends for the
 * common cases, otherwise the schema's own message (custom messages are written in Chinese).
 */
export function issueMessage(issue: Issue): string {
  if (issue.code === "invalid_type") {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return "请求失败，缺少必填项！";
    switch (issue.expected) {
      case "array":
        return "类型错误，输入应该是一个有效的列表！";
      case "int":
      case "number":
        return "类型错误，提交参数应该为整数！";
      case "boolean":
        return "类型错误，提交参数应该为布尔值！";
      case "string":
        return "类型错误，提交参数应该为字符串！";
    }
  }
  // Our own messages are written for users (in Chinese); zod's English defaults get the field name.
  const field = issue.path.length ? `${issue.path.join(".")}: ` : "";
  if (issue.code === "custom" || !field || /[\u4e00-\u9fa5]/.test(issue.message)) return issue.message;
  return `${field}${issue.message}`;
}

export function firstIssueMessage(error: ZodError): string {
  const issue = error.issues[0];
  return issue ? issueMessage(issue) : "请求参数错误";
}
