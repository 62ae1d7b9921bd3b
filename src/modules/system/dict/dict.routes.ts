import { z } from "@hono/zod-openapi";
import { guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { publicRoute } from "@/core/http/route";
import { createRouter } from "@/core/http/router";
import { buildXlsx, type SheetColumn, statusLabel, xlsxFile, xlsxResponses, yesNo } from "@/core/xlsx";
import {
  batchStatusBody,
  type DictDataRow,
  type DictTypeRow,
  dictDataExportFilters,
  dictDataIn,
  dictDataListQuery,
  dictDataOut,
  dictTypeFilters,
  dictTypeIn,
  dictTypeListQuery,
  dictTypeOut,
  dictTypeParam,
  idParam,
  idsBody,
} from "./dict.schema";
import * as dict from "./dict.service";

const typeTags = ["系统管理 · 字典类型"];
const dataTags = ["系统管理 · 字典数据"];

const xlsxOk = xlsxResponses("xlsx 文件");

// ---- types ----

const typeDetail = guardedRoute("module_system:dict_type:detail", {
  method: "get",
  path: "/type/detail/{id}",
  tags: typeTags,
  summary: "获取字典类型详情",
  request: { params: idParam },
  responses: jsonOk(dictTypeOut, "获取字典类型详情成功"),
});

const typeList = guardedRoute("module_system:dict_type:query", {
  method: "get",
  path: "/type/list",
  tags: typeTags,
  summary: "查询字典类型列表",
  request: { query: dictTypeListQuery },
  responses: jsonOk(pageSchema(dictTypeOut), "查询字典类型列表成功"),
});

const typeOptions = guardedRoute("module_system:dict_type:query", {
  method: "get",
  path: "/type/optionselect",
  tags: typeTags,
  summary: "获取全部字典类型",
  responses: jsonOk(z.array(dictTypeOut), "获取字典类型列表成功"),
});

const typeCreate = guardedRoute("module_system:dict_type:create", {
  method: "post",
  path: "/type/create",
  tags: typeTags,
  summary: "创建字典类型",
  request: { body: jsonBody(dictTypeIn) },
  responses: jsonOk(dictTypeOut, "创建字典类型成功"),
});

const typeUpdate = guardedRoute("module_system:dict_type:update", {
  method: "put",
  path: "/type/update/{id}",
  tags: typeTags,
  summary: "修改字典类型",
  description: "修改字典类型编码时，其字典数据的 dict_type 同步修改。",
  request: { params: idParam, body: jsonBody(dictTypeIn) },
  responses: jsonOk(dictTypeOut, "修改字典类型成功"),
});

const typeDelete = guardedRoute("module_system:dict_type:delete", {
  method: "delete",
  path: "/type/delete",
  tags: typeTags,
  summary: "删除字典类型",
  description: "请求体为编号数组；字典类型下的字典数据一并删除。",
  request: { body: jsonBody(idsBody) },
  responses: jsonOk(z.null(), "删除字典类型成功"),
});

const typeStatus = guardedRoute("module_system:dict_type:patch", {
  method: "patch",
  path: "/type/available/setting",
  tags: typeTags,
  summary: "批量修改字典类型状态",
  request: { body: jsonBody(batchStatusBody) },
  responses: jsonOk(z.null(), "批量修改字典类型状态成功"),
});

const typeExport = guardedRoute("module_system:dict_type:export", {
  method: "post",
  path: "/type/export",
  tags: typeTags,
  summary: "导出字典类型",
  request: { query: dictTypeFilters, body: jsonBody(dictTypeFilters, false) },
  responses: xlsxOk,
});

// ---- data ----

const dataDetail = guardedRoute("module_system:dict_data:detail", {
  method: "get",
  path: "/data/detail/{id}",
  tags: dataTags,
  summary: "获取字典数据详情",
  request: { params: idParam },
  responses: jsonOk(dictDataOut, "获取字典数据详情成功"),
});

const dataList = guardedRoute("module_system:dict_data:query", {
  method: "get",
  path: "/data/list",
  tags: dataTags,
  summary: "查询字典数据列表",
  request: { query: dictDataListQuery },
  responses: jsonOk(pageSchema(dictDataOut), "查询字典数据列表成功"),
});

const dataCreate = guardedRoute("module_system:dict_data:create", {
  method: "post",
  path: "/data/create",
  tags: dataTags,
  summary: "创建字典数据",
  request: { body: jsonBody(dictDataIn) },
  responses: jsonOk(dictDataOut, "创建字典数据成功"),
});

const dataUpdate = guardedRoute("module_system:dict_data:update", {
  method: "put",
  path: "/data/update/{id}",
  tags: dataTags,
  summary: "修改字典数据",
  request: { params: idParam, body: jsonBody(dictDataIn) },
  responses: jsonOk(dictDataOut, "修改字典数据成功"),
});

const dataDelete = guardedRoute("module_system:dict_data:delete", {
  method: "delete",
  path: "/data/delete",
  tags: dataTags,
  summary: "删除字典数据",
  description: "请求体为编号数组；系统默认 (is_default) 的字典数据不可删除。",
  request: { body: jsonBody(idsBody) },
  responses: jsonOk(z.null(), "删除字典数据成功"),
});

const dataStatus = guardedRoute("module_system:dict_data:patch", {
  method: "patch",
  path: "/data/available/setting",
  tags: dataTags,
  summary: "批量修改字典数据状态",
  request: { body: jsonBody(batchStatusBody) },
  responses: jsonOk(z.null(), "批量修改字典数据状态成功"),
});

const dataExport = guardedRoute("module_system:dict_data:export", {
  method: "post",
  path: "/data/export",
  tags: dataTags,
  summary: "导出字典数据",
  request: { query: dictDataExportFilters, body: jsonBody(dictDataExportFilters, false) },
  responses: xlsxOk,
});

const dataInfo = publicRoute({
  method: "get",
  path: "/data/info/{dict_type}",
  tags: dataTags,
  summary: "获取初始化字典数据",
  description: "公开接口 (无需令牌)：某字典类型下启用的字典数据，按 dict_sort 排序，读自缓存。",
  request: { params: dictTypeParam },
  responses: jsonOk(z.array(dictDataOut), "获取初始化字典数据成功"),
});

const typeColumns: SheetColumn<DictTypeRow>[] = [
  { header: "编号", width: 8, value: (r) => r.id },
  { header: "字典名称", width: 20, value: (r) => r.dict_name },
  { header: "字典类型", width: 24, value: (r) => r.dict_type },
  { header: "状态", width: 8, value: (r) => statusLabel(r.status) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
];

const dataColumns: SheetColumn<DictDataRow>[] = [
  { header: "编号", width: 8, value: (r) => r.id },
  { header: "字典排序", width: 10, value: (r) => r.dict_sort },
  { header: "字典标签", width: 16, value: (r) => r.dict_label },
  { header: "字典键值", width: 16, value: (r) => r.dict_value },
  { header: "字典类型", width: 20, value: (r) => r.dict_type },
  { header: "样式属性", width: 12, value: (r) => r.css_class },
  { header: "表格回显样式", width: 14, value: (r) => r.list_class },
  { header: "是否默认", width: 10, value: (r) => yesNo(r.is_default) },
  { header: "状态", width: 8, value: (r) => statusLabel(r.status) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
];

export function dictRouter(deps: AppDeps) {
  return (
    createRouter()
      .openapi(typeDetail, async (c) => ok(c, await dict.getType(deps, c.req.valid("param").id)))
      .openapi(typeList, async (c) => {
        const { page_no, page_size, order_by, ...filters } = c.req.valid("query");
        return ok(c, await dict.pageTypes(deps, filters, { page_no, page_size, order_by }));
      })
      .openapi(typeOptions, async (c) => ok(c, await dict.typeOptions(deps)))
      .openapi(typeCreate, async (c) => ok(c, await dict.createType(deps, c.req.valid("json"))))
      .openapi(typeUpdate, async (c) =>
        ok(c, await dict.updateType(deps, c.req.valid("param").id, c.req.valid("json"))),
      )
      .openapi(typeDelete, async (c) => {
        await dict.deleteTypes(deps, c.req.valid("json"));
        return ok(c, null);
      })
      .openapi(typeStatus, async (c) => {
        const { ids, status } = c.req.valid("json");
        await dict.setTypesStatus(deps, ids, status);
        return ok(c, null);
      })
      .openapi(typeExport, async (c) => {
        // export filters: the JSON body (what the SPA sends) over the query string
        const filters = overlayDefined(c.req.valid("query"), c.req.valid("json"));
        const rows = await dict.exportTypes(deps, filters);
        return xlsxFile(c, await buildXlsx(typeColumns, rows), "dict_type.xlsx");
      })
      .openapi(dataDetail, async (c) => ok(c, await dict.getData(deps, c.req.valid("param").id)))
      .openapi(dataList, async (c) => {
        const { page_no, page_size, order_by, ...filters } = c.req.valid("query");
        return ok(c, await dict.pageData(deps, filters, { page_no, page_size, order_by }));
      })
      .openapi(dataCreate, async (c) => ok(c, await dict.createData(deps, c.req.valid("json"))))
      .openapi(dataUpdate, async (c) =>
        ok(c, await dict.updateData(deps, c.req.valid("param").id, c.req.valid("json"))),
      )
      .openapi(dataDelete, async (c) => {
        await dict.deleteData(deps, c.req.valid("json"));
        return ok(c, null);
      })
      .openapi(dataStatus, async (c) => {
        const { ids, status } = c.req.valid("json");
        await dict.setDataStatus(deps, ids, status);
        return ok(c, null);
      })
      .openapi(dataExport, async (c) => {
        const { order_by, ...filters } = overlayDefined(c.req.valid("query"), c.req.valid("json"));
        const rows = await dict.exportData(deps, filters, order_by);
        return xlsxFile(c, await buildXlsx(dataColumns, rows), "dict_data.xlsx");
      })
      // public: the SPA's dictionary store calls it without a token
      .openapi(dataInfo, async (c) => ok(c, await dict.publicItems(deps, c.req.valid("param").dict_type)))
  );
}
