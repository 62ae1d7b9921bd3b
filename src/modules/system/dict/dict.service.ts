import type { AppDeps } from "@/core/context";
import { batchIds, requireAll } from "@/core/http/batch";
import { badRequest, conflict, notFound } from "@/core/http/errors";
import { pageOf } from "@/core/http/pagination";
import { conflictOnDuplicate } from "@/core/http/unique-conflict";
import { cachedDictItems, forgetDictTypes } from "./dict.cache";
import * as repo from "./dict.repo";
import type {
  DictDataFilters,
  DictDataIn,
  DictDataRow,
  DictTypeFilters,
  DictTypeIn,
  DictTypeRow,
} from "./dict.schema";

/*
 * Dictionary rules (contract §12.7). Every write that can change what the public read serves
 * drops the affected `system_dict:*` keys after it commits (§16.4 #27 fixed).
 */

type Page = { page_no: number; page_size: number; order_by?: string };

// ---- types ----

export async function getType(deps: AppDeps, id: number): Promise<DictTypeRow> {
  const row = await repo.typeById(deps.db, id);
  if (!row) throw notFound("该字典类型不存在");
  return row;
}

export async function pageTypes(deps: AppDeps, filters: DictTypeFilters, page: Page) {
  const { rows, total } = await repo.pageTypes(deps.db, filters, page);
  return pageOf(rows, total, page);
}

/** All types, id order (upstream's optionselect always failed, §16.4 #24). */
export function typeOptions(deps: AppDeps): Promise<DictTypeRow[]> {
  return repo.listTypes(deps.db, repo.typeWhere(deps.db, {}));
}

export function exportTypes(deps: AppDeps, filters: DictTypeFilters): Promise<DictTypeRow[]> {
  return repo.listTypes(deps.db, repo.typeWhere(deps.db, filters));
}

export async function createType(deps: AppDeps, input: DictTypeIn): Promise<DictTypeRow> {
  if (await repo.typeWith(deps.db, "dict_name", input.dict_name)) {
    throw conflict("创建失败，该数据字典类型已存在");
  }
  const typeTaken = `创建失败，字典类型 ${input.dict_type} 已存在`;
  if (await repo.typeWith(deps.db, "dict_type", input.dict_type)) throw conflict(typeTaken);
  const id = await conflictOnDuplicate(deps.db, typeTaken, () =>
    repo.insertType(deps.db, {
      dict_name: input.dict_name,
      dict_type: input.dict_type,
      status: input.status,
      description: input.description ?? null,
    }),
  );
  // A code that existed before (deleted meanwhile) must not inherit anything left in the cache.
  await forgetDictTypes(deps, [input.dict_type]);
  return getType(deps, id);
}

/**
 * Updates a type. Renaming its code moves the items' denormalised `dict_type` in the same
 * transaction; both codes' cache entries are dropped. Its status does not overwrite the items'
 * own statuses: a disabled type simply serves no items publicly.
 */
export async function updateType(deps: AppDeps, id: number, input: DictTypeIn): Promise<DictTypeRow> {
  const current = await repo.typeById(deps.db, id);
  if (!current) throw notFound("更新失败，该数据字典类型不存在");
  if (current.dict_name !== input.dict_name) throw badRequest("更新失败，数据字典类型名称不可以修改");
  const renamed = current.dict_type !== input.dict_type;
  const typeTaken = `更新失败，字典类型 ${input.dict_type} 已存在`;
  if (renamed && (await repo.typeWith(deps.db, "dict_type", input.dict_type, id))) throw conflict(typeTaken);
  await conflictOnDuplicate(deps.db, typeTaken, () =>
    deps.db.transaction(async (tx) => {
      await repo.updateType(tx, deps.db, id, {
        dict_name: input.dict_name,
        dict_type: input.dict_type,
        status: input.status,
        description: input.description ?? null,
      });
      if (renamed) await repo.renameTypeOfData(tx, deps.db, id, input.dict_type);
    }),
  );
  await forgetDictTypes(deps, [current.dict_type, input.dict_type]);
  return getType(deps, id);
}

export async function deleteTypes(deps: AppDeps, ids: number[]): Promise<void> {
  const wanted = batchIds(ids, "删除失败，删除对象不能为空");
  const rows = await requireAll(wanted, (w) => repo.typesByIds(deps.db, w), "删除失败，该数据字典类型不存在");
  await deps.db.transaction((tx) => repo.deleteTypes(tx, deps.db, wanted));
  await forgetDictTypes(
    deps,
    rows.map((r) => r.dict_type),
  );
}

export async function setTypesStatus(deps: AppDeps, ids: number[], status: string): Promise<void> {
  const wanted = batchIds(ids, "请选择要修改的数据");
  const rows = await requireAll(wanted, (w) => repo.typesByIds(deps.db, w), "修改失败，该数据字典类型不存在");
  await repo.setTypesStatus(deps.db, wanted, status);
  await forgetDictTypes(
    deps,
    rows.map((r) => r.dict_type),
  );
}

// ---- data ----

export async function getData(deps: AppDeps, id: number): Promise<DictDataRow> {
  const row = await repo.dataById(deps.db, id);
  if (!row) throw notFound("该字典数据不存在");
  return row;
}

export async function pageData(deps: AppDeps, filters: DictDataFilters, page: Page) {
  const { rows, total } = await repo.pageData(deps.db, filters, page);
  return pageOf(rows, total, page);
}

export function exportData(deps: AppDeps, filters: DictDataFilters, orderBy: string | undefined) {
  return repo.listData(deps.db, filters, orderBy);
}

/** The type an item points at; its code and id must agree (the row stores both). */
async function targetType(deps: AppDeps, input: DictDataIn, verb: "创建" | "更新"): Promise<DictTypeRow> {
  const type = await repo.typeById(deps.db, input.dict_type_id);
  if (!type) throw badRequest(`${verb}失败，字典类型ID ${input.dict_type_id} 不存在`);
  if (type.dict_type !== input.dict_type) {
    throw badRequest(`${verb}失败，字典类型 ${input.dict_type} 与字典类型ID ${input.dict_type_id} 不匹配`);
  }
  return type;
}

const dataValues = (input: DictDataIn): repo.DataValues => ({
  dict_sort: input.dict_sort,
  dict_label: input.dict_label,
  dict_value: input.dict_value,
  dict_type: input.dict_type,
  dict_type_id: input.dict_type_id,
  css_class: input.css_class ?? null,
  list_class: input.list_class ?? null,
  is_default: input.is_default,
  status: input.status,
  description: input.description ?? null,
});

export async function createData(deps: AppDeps, input: DictDataIn): Promise<DictDataRow> {
  const type = await targetType(deps, input, "创建");
  // Checked inside the write transaction, which a local database serialises.
  const id = await deps.db.transaction(async (tx) => {
    if (await repo.dataWith(tx, deps.db, type.id, "dict_label", input.dict_label)) {
      throw conflict(`创建失败，该字典类型下的字典标签"${input.dict_label}"已存在`);
    }
    if (await repo.dataWith(tx, deps.db, type.id, "dict_value", input.dict_value)) {
      throw conflict(`创建失败，该字典类型下的字典键值"${input.dict_value}"已存在`);
    }
    return repo.insertData(tx, deps.db, dataValues(input));
  });
  await forgetDictTypes(deps, [type.dict_type]);
  return getData(deps, id);
}

export async function updateData(deps: AppDeps, id: number, input: DictDataIn): Promise<DictDataRow> {
  const current = await repo.dataById(deps.db, id);
  if (!current) throw notFound("更新失败，该字典数据不存在");
  const type = await targetType(deps, input, "更新");
  await deps.db.transaction(async (tx) => {
    if (await repo.dataWith(tx, deps.db, type.id, "dict_label", input.dict_label, id)) {
      throw conflict(`更新失败，该字典类型下的字典标签"${input.dict_label}"已存在`);
    }
    if (await repo.dataWith(tx, deps.db, type.id, "dict_value", input.dict_value, id)) {
      throw conflict(`更新失败，该字典类型下的字典键值"${input.dict_value}"已存在`);
    }
    await repo.updateData(tx, deps.db, id, dataValues(input));
  });
  // Both: the item may have moved to another type.
  await forgetDictTypes(deps, [current.dict_type, type.dict_type]);
  return getData(deps, id);
}

export async function deleteData(deps: AppDeps, ids: number[]): Promise<void> {
  const wanted = batchIds(ids, "删除失败，删除对象不能为空");
  const rows = await repo.dataByIds(deps.db, wanted);
  const found = new Map(rows.map((r) => [r.id, r]));
  for (const id of wanted) {
    const row = found.get(id);
    if (!row) throw notFound(`${id} 删除失败，该字典数据不存在`);
    if (row.is_default) throw badRequest(`删除失败，ID为${id}的系统默认字典数据不允许删除`);
  }
  await repo.deleteData(deps.db, wanted);
  await forgetDictTypes(
    deps,
    rows.map((r) => r.dict_type),
  );
}

export async function setDataStatus(deps: AppDeps, ids: number[], status: string): Promise<void> {
  const wanted = batchIds(ids, "请选择要修改的数据");
  const rows = await requireAll(wanted, (w) => repo.dataByIds(deps.db, w), "修改失败，该字典数据不存在");
  await repo.setDataStatus(deps.db, wanted, status);
  await forgetDictTypes(
    deps,
    rows.map((r) => r.dict_type),
  );
}

/** The public read: enabled items of a type, from the cache. */
export async function publicItems(deps: AppDeps, dictType: string): Promise<DictDataRow[]> {
  const items = await cachedDictItems(deps, dictType);
  if (!items) throw notFound("数据字典不存在");
  return items;
}
