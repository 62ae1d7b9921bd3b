import { z } from "@hono/zod-openapi";
import { guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { publicOrigin } from "@/core/http/client-ip";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { publicRoute } from "@/core/http/route";
import { createRouter } from "@/core/http/router";
import { buildXlsx, type SheetColumn, xlsxFile, xlsxResponses, yesNo } from "@/core/xlsx";
import {
  idParam,
  idsBody,
  keyParam,
  type ParamRow,
  paramFilters,
  paramIn,
  paramListQuery,
  paramOut,
  uploadForm,
  uploadOut,
} from "./param.schema";
import * as params from "./param.service";

const tags = ["系统管理 · 参数设置"];

const detailRoute = guardedRoute("module_system:param:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取参数详情",
  request: { params: idParam },
  responses: jsonOk(paramOut, "获取参数详情成功"),
});

const byKeyRoute = guardedRoute("module_system:param:query", {
  method: "get",
  path: "/key/{config_key}",
  tags,
  summary: "根据配置键获取参数详情",
  request: { params: keyParam },
  responses: jsonOk(paramOut, "根据配置键获取参数详情成功"),
});

const valueRoute = guardedRoute("module_system:param:query", {
  method: "get",
  path: "/value/{config_key}",
  tags,
  summary: "根据配置键获取参数值",
  request: { params: keyParam },
  responses: jsonOk(z.string().nullable(), "根据配置键获取参数值成功"),
});

const listRoute = guardedRoute("module_system:param:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询参数列表",
  request: { query: paramListQuery },
  responses: jsonOk(pageSchema(paramOut), "查询参数列表成功"),
});

const createParamRoute = guardedRoute("module_system:param:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建参数",
  request: { body: jsonBody(paramIn) },
  responses: jsonOk(paramOut, "创建参数成功"),
});

const updateRoute = guardedRoute("module_system:param:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "更新参数",
  description: "config_key 不可修改。",
  request: { params: idParam, body: jsonBody(paramIn) },
  responses: jsonOk(paramOut, "更新参数成功"),
});

const deleteRoute = guardedRoute("module_system:param:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除参数",
  description: "请求体为编号数组；系统内置参数 (config_type=true) 不可删除。",
  request: { body: jsonBody(idsBody) },
  responses: jsonOk(z.null(), "删除参数成功"),
});

const exportRoute = guardedRoute("module_system:param:export", {
  method: "post",
  path: "/export",
  tags,
  summary: "导出参数",
  description: "筛选条件可放在查询参数或 JSON 请求体中。",
  request: {
    query: paramFilters,
    body: jsonBody(paramFilters, false),
  },
  responses: xlsxResponses("xlsx 文件"),
});

const uploadRoute = guardedRoute("module_system:param:upload", {
  method: "post",
  path: "/upload",
  tags,
  summary: "上传文件",
  description: "multipart 字段 file；文件经 /api/v1/static/upload/... 访问。",
  request: { body: { required: false, content: { "multipart/form-data": { schema: uploadForm } } } },
  responses: jsonOk(uploadOut, "上传文件成功"),
});

const infoRoute = publicRoute({
  method: "get",
  path: "/info",
  tags,
  summary: "获取初始化缓存参数",
  description: "公开接口 (无需令牌)：全部参数，读自缓存。",
  responses: jsonOk(z.array(paramOut), "获取初始化缓存参数成功"),
});

const exportColumns: SheetColumn<ParamRow>[] = [
  { header: "编号", width: 8, value: (r) => r.id },
  { header: "参数名称", width: 20, value: (r) => r.config_name },
  { header: "参数键名", width: 24, value: (r) => r.config_key },
  { header: "参数键值", width: 40, value: (r) => r.config_value },
  { header: "系统内置", width: 10, value: (r) => yesNo(r.config_type) },
  { header: "备注", width: 24, value: (r) => r.description },
  { header: "创建时间", width: 20, value: (r) => r.created_time },
  { header: "更新时间", width: 20, value: (r) => r.updated_time },
];

export function paramRouter(deps: AppDeps) {
  return (
    createRouter()
      .openapi(detailRoute, async (c) => ok(c, await params.getParam(deps, c.req.valid("param").id)))
      .openapi(byKeyRoute, async (c) =>
        ok(c, await params.getParamByKey(deps, c.req.valid("param").config_key)),
      )
      .openapi(valueRoute, async (c) => {
        const row = await params.getParamByKey(deps, c.req.valid("param").config_key);
        return ok(c, row.config_value);
      })
      .openapi(listRoute, async (c) => {
        const { page_no, page_size, order_by, ...filters } = c.req.valid("query");
        return ok(c, await params.pageParams(deps, filters, { page_no, page_size, order_by }));
      })
      .openapi(createParamRoute, async (c) => ok(c, await params.createParam(deps, c.req.valid("json"))))
      .openapi(updateRoute, async (c) =>
        ok(c, await params.updateParam(deps, c.req.valid("param").id, c.req.valid("json"))),
      )
      .openapi(deleteRoute, async (c) => {
        await params.deleteParams(deps, c.req.valid("json"));
        return ok(c, null);
      })
      .openapi(exportRoute, async (c) => {
        // the JSON body's filters over the query string's
        const filters = overlayDefined(c.req.valid("query"), c.req.valid("json"));
        const rows = await params.exportParams(deps, filters);
        return xlsxFile(c, await buildXlsx(exportColumns, rows), "params.xlsx");
      })
      .openapi(uploadRoute, async (c) => {
        const { file } = c.req.valid("form") as { file?: unknown };
        // A repeated field arrives as a list: take one file, as upstream's single UploadFile did.
        const one = Array.isArray(file) ? file[0] : file;
        const result = await params.uploadParamFile(deps, one instanceof File ? one : null, publicOrigin(c));
        return ok(c, result);
      })
      // public: the SPA's config store calls it without a token
      .openapi(infoRoute, async (c) => ok(c, await params.publicParams(deps)))
  );
}
