import type { ZodError } from "zod";

type Issue = ZodError["issues"][number];

const CJK = /[\u4e00-\u9fa5]/;

/**
 * The contract's 422 message for a zod issue: our own messages (written in Chinese for users)
 * as they are, FastapiAdmin's texts for the common type errors, otherwise zod's English message
 * prefixed with the field name.
 */
export function issueMessage(issue: Issue): string {
  if (CJK.test(issue.message)) return issue.message;
  if (issue.code === "invalid_type") {
    // zod 4 leaves `input` off issues by default; its message names what was received.
    if (/received undefined/.test(issue.message)) return "请求失败，缺少必填项！";
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
      case "object":
        return "类型错误，提交参数应该为对象！";
    }
  }
  const field = issue.path.length ? `${issue.path.join(".")}: ` : "";
  if (issue.code === "too_small" || issue.code === "too_big") {
    const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
    if (issue.origin === "number" || issue.origin === "int") {
      return `${field}${issue.code === "too_small" ? "不能小于" : "不能大于"} ${bound}`;
    }
    if (issue.origin === "string") {
      if (issue.code === "too_small")
        return bound <= 1 ? `${field}不能为空` : `${field}长度不能少于 ${bound} 个字符`;
      return `${field}长度不能超过 ${bound} 个字符`;
    }
    if (issue.origin === "array") {
      return `${field}${issue.code === "too_small" ? "至少需要" : "最多允许"} ${bound} 项`;
    }
  }
  return issue.code === "custom" ? issue.message : `${field}${issue.message}`;
}

export function firstIssueMessage(error: ZodError): string {
  const issue = error.issues[0];
  return issue ? issueMessage(issue) : "请求参数错误";
}
