import type { AppDeps } from "@/core/context";
import { batchIds } from "@/core/http/batch";
import { badRequest, conflict, notFound } from "@/core/http/errors";
import { pageOf } from "@/core/http/pagination";
import { storeUpload, type UploadResult } from "@/core/storage/upload";
import { cachedParam, cachedParams, forgetParams } from "./param.cache";
import * as repo from "./param.repo";
import type { ParamFilters, ParamIn, ParamRow } from "./param.schema";

/*
 * Parameter rules (contract §12.8). Every write drops the affected `system_config:*` entries
 * after it commits, so the public read and demo mode never see an old value (§16.4 #28 fixed).
 */

type Page = { page_no: number; page_size: number; order_by?: string };

export async function getParam(deps: AppDeps, id: number): Promise<ParamRow> {
  const row = await repo.paramById(deps.db, id);
  if (!row) throw notFound("该参数不存在");
  return row;
}

export async function getParamByKey(deps: AppDeps, configKey: string): Promise<ParamRow> {
  const row = await repo.paramByKey(deps.db.orm, deps.db, configKey);
  if (!row) throw notFound(`配置键 ${configKey} 不存在`);
  return row;
}

export async function pageParams(deps: AppDeps, filters: ParamFilters, page: Page) {
  const { rows, total } = await repo.pageParams(deps.db, filters, page);
  return pageOf(rows, total, page);
}

export function exportParams(deps: AppDeps, filters: ParamFilters): Promise<ParamRow[]> {
  return repo.listParams(deps.db, filters);
}

const values = (input: ParamIn): repo.ParamValues => ({
  config_name: input.config_name,
  config_key: input.config_key,
  config_value: input.config_value ?? null,
  config_type: input.config_type ?? false,
  status: input.status,
  description: input.description ?? null,
});

export async function createParam(deps: AppDeps, input: ParamIn): Promise<ParamRow> {
  // config_key has no unique index (as upstream): checked inside the write transaction, which a
  // local database serialises.
  const id = await deps.db.transaction(async (tx) => {
    if (await repo.paramByKey(tx, deps.db, input.config_key)) throw conflict("创建失败，该配置key已存在");
    return repo.insertParam(tx, deps.db, values(input));
  });
  await forgetParams(deps, [input.config_key]);
  return getParam(deps, id);
}

export async function updateParam(deps: AppDeps, id: number, input: ParamIn): Promise<ParamRow> {
  const current = await repo.paramById(deps.db, id);
  if (!current) throw notFound("更新失败，该系统配置不存在");
  if (current.config_key !== input.config_key) throw badRequest("更新失败，系统配置key不允许修改");
  await repo.updateParam(deps.db, id, values(input));
  await forgetParams(deps, [current.config_key]);
  return getParam(deps, id);
}

export async function deleteParams(deps: AppDeps, ids: number[]): Promise<void> {
  const wanted = batchIds(ids, "删除失败，删除对象不能为空");
  const rows = await repo.paramsByIds(deps.db, wanted);
  const found = new Map(rows.map((r) => [r.id, r]));
  for (const id of wanted) {
    const row = found.get(id);
    if (!row) throw notFound("删除失败，该系统配置不存在");
    if (row.config_type) throw badRequest(`${row.config_name} 删除失败，系统初始化配置不可以删除`);
  }
  await repo.deleteParams(deps.db, wanted);
  await forgetParams(
    deps,
    rows.map((r) => r.config_key),
  );
}

export function uploadParamFile(
  deps: AppDeps,
  file: File | null | undefined,
  origin: string,
): Promise<UploadResult> {
  return storeUpload(deps.storage, deps.settings, file, origin);
}

/** The public read: every parameter, from the cache. */
export function publicParams(deps: AppDeps): Promise<ParamRow[]> {
  return cachedParams(deps);
}

/** A parameter's `config_value` by key (cached); null when the key does not exist. */
export async function getParamValue(deps: AppDeps, configKey: string): Promise<string | null> {
  return (await cachedParam(deps, configKey))?.config_value ?? null;
}
