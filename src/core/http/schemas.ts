import { z } from "@hono/zod-openapi";
import { CONTROL_CHARACTER, CONTROL_CHARACTER_MSG } from "./query-text";

/*
 * DTO pieces the contract shares between modules (§3, §12 "BaseSchema", "UserBySchema",
 * "CommonSchema", "BatchSetAvailable"). Modules build their request and response objects from
 * these; a module whose rule differs on purpose keeps its own field and says why.
 */

/** The SPA sends code fields as numbers once a select was touched (contract §16.5 #52). */
export const numberAsText = (v: unknown) => (typeof v === "number" ? String(v) : v);

/** A `status` to write: "0" enabled / "1" disabled; 0/1 as numbers are accepted too. */
export const statusCode = z
  .preprocess(numberAsText, z.enum(["0", "1"], { error: "状态只能是 0 或 1" }))
  .openapi({ type: "string", enum: ["0", "1"], description: '"0" 启用, "1" 停用' });

/** Optional text of at most `max` characters (`{label}长度不能超过{max}个字符`); empty text is stored as null. */
export const optionalText = (max: number, label: string) =>
  z
    .string()
    .max(max, `${label}长度不能超过${max}个字符`)
    .nullable()
    .optional()
    .transform((v) => (v === "" ? null : v));

/**
 * Text a list or export filters by, where it arrives in a JSON body (query strings are checked
 * for every route by query-text.ts): control characters are refused (422) the same way.
 */
export const filterText = z.string().refine((v) => !CONTROL_CHARACTER.test(v), CONTROL_CHARACTER_MSG);

/** An integer filter of a list or export; empty text or null (a cleared field) means "no filter". */
export const optionalIntFilter = (description?: string) =>
  z
    .preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      z.coerce
        .number({ error: "类型错误，提交参数应该为整数！" })
        .int("类型错误，提交参数应该为整数！")
        .optional(),
    )
    .openapi({ type: "integer", ...(description ? { description } : {}) });

/** The `{id}` path parameter: a positive integer. */
export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

/**
 * A list of row ids in a request. Bounded: an admin UI never sends more than a few pages' worth,
 * and an unbounded list would only let a caller make one statement too large for the database.
 */
export const idArray = (max = 1000) => z.array(z.number().int()).max(max, `一次最多提交 ${max} 个编号`);

/**
 * A batch delete's body: a bare JSON array of ids, not an object. Anything else is a 422 with the
 * contract's `类型错误，输入应该是一个有效的列表！` (see validation.ts).
 */
export const idList = idArray().openapi("IdList", { example: [1, 2] });

/** BatchSetAvailable: the ids and the status to give them all (contract §3). */
export const batchSetAvailable = z
  .object({
    ids: idArray().default([]),
    status: statusCode,
  })
  .openapi("BatchSetAvailable");

/** CommonSchema: a reference to another row by id and name. */
export const commonRef = z.object({ id: z.number().int(), name: z.string() });

/** BaseSchema: the fields every output object starts with. */
export const baseOutFields = {
  id: z.number().int(),
  uuid: z.string(),
  status: z.string(),
  description: z.string().nullable(),
  created_time: z.string().nullable(),
  updated_time: z.string().nullable(),
  is_deleted: z.boolean(),
  deleted_time: z.string().nullable(),
};

/** UserBySchema: who created, last updated and deleted a row (notice, position, log, user). */
export const userByOutFields = {
  created_id: z.number().int().nullable(),
  created_by: commonRef.nullable(),
  updated_id: z.number().int().nullable(),
  updated_by: commonRef.nullable(),
  deleted_id: z.number().int().nullable(),
  deleted_by: commonRef.nullable(),
};

interface BaseRow {
  id: number;
  uuid: string;
  status: string;
  description: string | null;
  created_time: string | null;
  updated_time: string | null;
  is_deleted: boolean | number | null;
  deleted_time: string | null;
}

/** The BaseSchema fields of a table row, in the wire's order. */
export function toBaseOut(row: BaseRow) {
  return {
    id: row.id,
    uuid: row.uuid,
    status: row.status,
    description: row.description,
    created_time: row.created_time,
    updated_time: row.updated_time,
    is_deleted: Boolean(row.is_deleted),
    deleted_time: row.deleted_time,
  };
}
