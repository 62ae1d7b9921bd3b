import { z } from "@hono/zod-openapi";
import { guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { attachment, attachmentResponses } from "@/core/http/attachment";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { buildXlsx, type SheetColumn, xlsxFile, xlsxResponses } from "@/core/xlsx";
import {
  createDirBody,
  downloadQuery,
  pathList,
  renameBody,
  resourceFilters,
  resourceItem,
  resourceListQuery,
  transferBody,
  uploadForm,
  uploadOut,
} from "./resource.schema";
import type { ResourceItem } from "./resource.service";
import * as resources from "./resource.service";

const tags = ["监控管理 · 资源管理"];
const PERM = "module_monitor:resource";

const listRoute = guardedRoute(`${PERM}:query`, {
  method: "get",
  path: "/list",
  tags,
  summary: "查询目录",
  description: "一层目录内容，按名称排序，隐藏项 (以 . 开头) 不显示，最多 1000 项。",
  request: { query: resourceListQuery },
  responses: jsonOk(pageSchema(resourceItem), "获取目录列表成功"),
});

const uploadRoute = guardedRoute(`${PERM}:upload`, {
  method: "post",
  path: "/upload",
  tags,
  summary: "上传文件",
  description: "类型与大小限制同文件上传 (ALLOWED_EXTENSIONS, MAX_FILE_SIZE)；重名时追加 _1、_2…",
  request: { body: { required: false, content: { "multipart/form-data": { schema: uploadForm } } } },
  responses: jsonOk(uploadOut, "上传文件成功"),
});

const downloadRoute = guardedRoute(`${PERM}:download`, {
  method: "get",
  path: "/download",
  tags,
  summary: "下载文件",
  request: { query: downloadQuery },
  responses: attachmentResponses("文件内容"),
});

const deleteRoute = guardedRoute(`${PERM}:delete`, {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除文件或目录",
  description: "请求体为路径数组；目录递归删除。任一路径无效时不删除任何内容。",
  request: { body: jsonBody(pathList) },
  responses: jsonOk(z.null(), "删除文件成功"),
});

const moveRoute = guardedRoute(`${PERM}:move`, {
  method: "post",
  path: "/move",
  tags,
  summary: "移动文件或目录",
  description: "target_path 为完整的新路径；overwrite 为 true 时替换已存在的目标。",
  request: { body: jsonBody(transferBody) },
  responses: jsonOk(z.null(), "移动文件成功"),
});

const copyRoute = guardedRoute(`${PERM}:copy`, {
  method: "post",
  path: "/copy",
  tags,
  summary: "复制文件或目录",
  request: { body: jsonBody(transferBody) },
  responses: jsonOk(z.null(), "复制文件成功"),
});

const renameRoute = guardedRoute(`${PERM}:rename`, {
  method: "post",
  path: "/rename",
  tags,
  summary: "重命名文件或目录",
  request: { body: jsonBody(renameBody) },
  responses: jsonOk(z.null(), "重命名文件成功"),
});

const createDirRoute = guardedRoute(`${PERM}:create_dir`, {
  method: "post",
  path: "/create-dir",
  tags,
  summary: "创建目录",
  request: { body: jsonBody(createDirBody) },
  responses: jsonOk(z.null(), "创建目录成功"),
});

const exportRoute = guardedRoute(`${PERM}:export`, {
  method: "post",
  path: "/export",
  tags,
  summary: "导出目录列表",
  description: "筛选条件 (path, name) 可放在查询参数或 JSON 请求体中。",
  request: { query: resourceFilters, body: jsonBody(resourceFilters, false) },
  responses: xlsxResponses("xlsx 文件"),
});

/** "1.50KB": two decimals, 1024 steps up to TB. */
function sizeText(bytes: number | null): string | null {
  if (bytes === null) return null;
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)}${units[unit]}`;
}

const parentOf = (rel: string) => (rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "/");

// Upstream left 文件路径 and 父目录 empty.
const exportColumns: SheetColumn<ResourceItem>[] = [
  { header: "文件名", width: 30, value: (r) => r.name },
  { header: "文件路径", width: 40, value: (r) => r.relative_path },
  { header: "文件大小", width: 12, value: (r) => sizeText(r.size) },
  { header: "创建时间", width: 28, value: (r) => r.created_time },
  { header: "修改时间", width: 28, value: (r) => r.modified_time },
  { header: "父目录", width: 30, value: (r) => parentOf(r.relative_path) },
];

const originOf = (url: string) => new URL(url).origin;

export function resourceRouter(deps: AppDeps) {
  return createRouter()
    .openapi(listRoute, async (c) => {
      const q = c.req.valid("query");
      return ok(c, await resources.listResources(deps, originOf(c.req.url), q));
    })
    .openapi(uploadRoute, async (c) => {
      const form = c.req.valid("form") as { file?: unknown; target_path?: unknown };
      // A repeated field arrives as a list: one file and one folder, as upstream's single fields.
      const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
      const target = first(form.target_path);
      const result = await resources.uploadResource(
        deps,
        originOf(c.req.url),
        first(form.file),
        typeof target === "string" ? target : undefined,
      );
      return ok(c, result);
    })
    .openapi(downloadRoute, async (c) => {
      const file = await resources.downloadResource(deps, c.req.valid("query").path);
      return attachment(c, file.body, file.name, file.size);
    })
    .openapi(deleteRoute, async (c) => {
      await resources.deleteResources(deps, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(moveRoute, async (c) => {
      await resources.moveResource(deps, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(copyRoute, async (c) => {
      await resources.copyResource(deps, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(renameRoute, async (c) => {
      await resources.renameResource(deps, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(createDirRoute, async (c) => {
      await resources.createDirectory(deps, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(exportRoute, async (c) => {
      // the JSON body's filters (what the SPA sends) over the query string's
      const filters = overlayDefined(c.req.valid("query"), c.req.valid("json"));
      const items = await resources.exportResources(deps, originOf(c.req.url), filters);
      return xlsxFile(c, await buildXlsx(exportColumns, items), "resource_list.xlsx");
    });
}
