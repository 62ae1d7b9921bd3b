import { guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { attachment, attachmentResponses } from "@/core/http/attachment";
import { publicOrigin } from "@/core/http/client-ip";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { downloadBody, uploadForm, uploadOut } from "./file.schema";
import * as files from "./file.service";

const tags = ["公共模块 · 文件"];

const uploadRoute = guardedRoute("module_common:file:upload", {
  method: "post",
  path: "/upload",
  tags,
  summary: "上传文件",
  description: "multipart 字段 file；类型与大小受 ALLOWED_EXTENSIONS、MAX_FILE_SIZE 限制。",
  request: { body: { required: false, content: { "multipart/form-data": { schema: uploadForm } } } },
  responses: jsonOk(uploadOut, "上传文件成功"),
});

const downloadRoute = guardedRoute("module_common:file:download", {
  method: "post",
  path: "/download",
  tags,
  summary: "下载文件",
  description: "file_path 为上传接口返回的 static/upload/... 路径；delete 为 true 时读取后删除。",
  request: { body: jsonBody(downloadBody) },
  responses: attachmentResponses("文件内容"),
});

export function fileRouter(deps: AppDeps) {
  return createRouter()
    .openapi(uploadRoute, async (c) => {
      const { file } = c.req.valid("form") as { file?: unknown };
      const one = Array.isArray(file) ? file[0] : file;
      return ok(c, await files.uploadFile(deps, one, publicOrigin(c)));
    })
    .openapi(downloadRoute, async (c) => {
      const body = c.req.valid("json");
      const file = await files.downloadFile(deps, body.file_path, body.delete);
      return attachment(c, file.body, file.name, file.size);
    });
}
