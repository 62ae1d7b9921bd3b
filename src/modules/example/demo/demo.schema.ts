import { z } from "@hono/zod-openapi";
import { timeRangeQuery } from "@/core/db/query";
import { formatDateTime, parseDateTime } from "@/core/http/datetime";
import { pageQuerySchema } from "@/core/http/pagination";
import {
  baseOutFields,
  numberAsText,
  optionalIntFilter,
  optionalText,
  userByOutFields,
} from "@/core/http/schemas";

/*
 * DTOs of the example plugin (contract §8.1). demo and demo01 share the common fields; demo adds
 * one field of each column kind (a–i). Both routers are built from the same schemas.
 */

/** Filters of the list and the export. */
export const exampleFilter = z.object({
  name: z.string().nullish().openapi({ description: "名称 (模糊)" }),
  description: z.string().nullish().openapi({ description: "描述 (模糊)" }),
  status: z.string().nullish().openapi({ description: '状态 "0"/"1"' }),
  created_time: timeRangeQuery,
  updated_time: timeRangeQuery,
  created_id: optionalIntFilter("创建人ID"),
  updated_id: optionalIntFilter("更新人ID"),
});

export type ExampleFilter = z.infer<typeof exampleFilter>;

export const exampleQuery = pageQuerySchema.extend(exampleFilter.shape);

/**
 * The name rule. Upstream demo checked "all alphanumeric OR only `-`/`_`", which refused `abc_1`
 * (§14 #42); here both kinds of character may mix. demo keeps accepting any script's letters
 * and digits (upstream accepted CJK names), demo01 keeps its ASCII-only rule.
 */
export const NAME_RULES = {
  demo: /^[\p{L}\p{N}_-]+$/u,
  demo01: /^[A-Za-z0-9_-]+$/,
} as const;

function nameField(rule: RegExp) {
  return z
    .string()
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, "名称不能为空")
        .refine((s) => {
          const length = [...s].length;
          return length >= 2 && length <= 50;
        }, "名称长度必须在2-50个字符之间")
        .regex(rule, "名称只能包含字母、数字、下划线和中划线"),
    )
    .openapi({ type: "string", example: "demo_1" });
}

const status = z
  .preprocess(numberAsText, z.enum(["0", "1"], { error: "是否启用必须为0或1" }))
  .openapi({ type: "string", enum: ["0", "1"], description: '"0" 启用, "1" 停用' });

/* ---------- demo's typed fields: an empty form field ("") means null ---------- */

const blankAsNull = (v: unknown) => (v === "" ? null : v);
const numeric = (v: unknown) => {
  const b = blankAsNull(v);
  return typeof b === "string" && b.trim() !== "" && Number.isFinite(Number(b)) ? Number(b) : b;
};

const INT32 = { min: -2147483648, max: 2147483647 };

const a = z
  .preprocess(numeric, z.number().int().min(INT32.min).max(INT32.max).nullable().optional())
  .openapi({ type: ["integer", "null"], description: "INTEGER" });

/** BIGINT, but only as far as a JSON number stays exact (±2^53−1). */
const b = z
  .preprocess(numeric, z.number().int().nullable().optional())
  .openapi({ type: ["integer", "null"], description: "BIGINT" });

const c = z
  .preprocess(numeric, z.number().nullable().optional())
  .openapi({ type: ["number", "null"], description: "FLOAT" });

const d = z
  .preprocess(
    (v) => (v === "true" || v === 1 || v === "1" ? true : v === "false" || v === 0 || v === "0" ? false : v),
    z.boolean().optional(),
  )
  .openapi({ type: "boolean", description: "BOOLEAN, 默认 true" });

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

const e = z
  .preprocess(
    blankAsNull,
    z
      .string()
      .trim()
      .refine((s) => DATE.test(s) && parseDateTime(s) !== null, "e 必须为日期 (YYYY-MM-DD)")
      .nullable()
      .optional(),
  )
  .openapi({ type: ["string", "null"], format: "date", example: "2025-01-31" });

const f = z
  .preprocess(
    blankAsNull,
    z
      .string()
      .trim()
      .transform((s, ctx) => {
        const m = TIME.exec(s);
        const [h, mi, sec = "00"] = m ? m.slice(1) : [];
        if (!m || +h > 23 || +mi > 59 || +sec > 59) {
          ctx.addIssue({ code: "custom", message: "f 必须为时间 (HH:MM:SS)" });
          return z.NEVER;
        }
        return `${h}:${mi}:${sec}`;
      })
      .nullable()
      .optional(),
  )
  .openapi({ type: ["string", "null"], example: "12:30:00" });

/** `YYYY-MM-DD HH:MM:SS` or ISO without a zone (fractions of a second dropped); stored in wire form. */
const g = z
  .preprocess(
    blankAsNull,
    z
      .string()
      .trim()
      .transform((s, ctx) => {
        const parsed = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?$/.test(s)
          ? parseDateTime(s.replace(/\.\d+$/, ""))
          : null;
        if (!parsed) {
          ctx.addIssue({ code: "custom", message: "g 必须为日期时间 (YYYY-MM-DD HH:MM:SS)" });
          return z.NEVER;
        }
        return formatDateTime(parsed);
      })
      .nullable()
      .optional(),
  )
  .openapi({ type: ["string", "null"], example: "2025-01-31 12:30:00" });

/** TEXT on MySQL holds 65535 bytes. */
const h = z
  .string()
  .refine((s) => new TextEncoder().encode(s).length <= 65535, "h 长度不能超过65535字节")
  .nullable()
  .optional()
  .openapi({ type: ["string", "null"] });

/** A JSON object; its text form (from a form's textarea) is accepted too. */
const i = z
  .preprocess(
    (v) => {
      const b = blankAsNull(v);
      if (typeof b !== "string") return b;
      try {
        return JSON.parse(b);
      } catch {
        return b;
      }
    },
    z
      .custom<Record<string, unknown>>(
        (v) => typeof v === "object" && v !== null && !Array.isArray(v),
        "i 必须为 JSON 对象",
      )
      .nullable()
      .optional(),
  )
  .openapi({ type: ["object", "null"], additionalProperties: true, example: { k: "v" } });

/**
 * Create and update bodies. Optional fields carry no defaults here: an update writes only what
 * was sent, create fills in the defaults (status "0", d true, the rest null).
 */
function inputOf(rule: RegExp) {
  return {
    name: nameField(rule),
    status: status.optional(),
    description: optionalText(255, "描述"),
  };
}

export const demoInput = z
  .object({ ...inputOf(NAME_RULES.demo), a, b, c, d, e, f, g, h, i })
  .openapi("DemoInput");

export const demo01Input = z.object(inputOf(NAME_RULES.demo01)).openapi("Demo01Input");

/** What a service receives from either body (demo01's lacks a–i). */
export type ExampleInput = z.infer<typeof demoInput>;

const commonOut = {
  ...baseOutFields,
  name: z.string(),
  ...userByOutFields,
};

export const demoOut = z
  .object({
    ...commonOut,
    a: z.number().int().nullable(),
    b: z.number().int().nullable(),
    c: z.number().nullable(),
    d: z.boolean(),
    e: z.string().nullable(),
    f: z.string().nullable(),
    g: z.string().nullable(),
    h: z.string().nullable(),
    i: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("Demo");

export const demo01Out = z.object(commonOut).openapi("Demo01");

export type Demo01Out = z.infer<typeof demo01Out>;
export type DemoOut = z.infer<typeof demoOut>;
/** Either object: demo's a–i are present only on demo rows. */
export type ExampleOut = Demo01Out & Partial<Omit<DemoOut, keyof Demo01Out>>;

export const uploadForm = z.object({
  file: z.any().optional().openapi({ type: "string", format: "binary" }),
});
