import { expect, test } from "bun:test";
import { z } from "zod";
import { firstIssueMessage } from "@/core/http/validation";

const message = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error("expected a failure");
  return firstIssueMessage(r.error);
};

test("FastapiAdmin's texts for the common cases", () => {
  expect(message(z.object({ a: z.string() }), {})).toBe("请求失败，缺少必填项！");
  expect(message(z.array(z.number()), { ids: [] })).toBe("类型错误，输入应该是一个有效的列表！");
  expect(message(z.object({ n: z.number().int() }), { n: "x" })).toBe("类型错误，提交参数应该为整数！");
  expect(message(z.object({ b: z.boolean() }), { b: "x" })).toBe("类型错误，提交参数应该为布尔值！");
});

test("our own Chinese messages pass through unchanged", () => {
  expect(message(z.object({ a: z.string().min(1, "部门名称不能为空") }), { a: "" })).toBe("部门名称不能为空");
  expect(message(z.object({ a: z.string({ error: "名称必填" }) }), {})).toBe("名称必填");
});

test("bounds are explained in Chinese with the field name", () => {
  expect(message(z.object({ page_no: z.number().min(1) }), { page_no: 0 })).toBe("page_no: 不能小于 1");
  expect(message(z.object({ page_size: z.number().max(100) }), { page_size: 500 })).toBe(
    "page_size: 不能大于 100",
  );
  expect(message(z.object({ name: z.string().max(4) }), { name: "toolong" })).toBe(
    "name: 长度不能超过 4 个字符",
  );
  expect(message(z.object({ name: z.string().min(1) }), { name: "" })).toBe("name: 不能为空");
  expect(message(z.object({ p: z.string().min(8) }), { p: "short" })).toBe("p: 长度不能少于 8 个字符");
});
