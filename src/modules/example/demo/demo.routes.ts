import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps, AppEnv } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { batchSetAvailable, idList, idParam } from "@/core/http/schemas";
import { xlsxFile, xlsxResponses } from "@/core/xlsx";
import { importTemplate } from "./demo.excel";
import { importDemos } from "./demo.import";
import { type ExampleFilter, exampleFilter, exampleQuery, uploadForm } from "./demo.schema";
import * as demos from "./demo.service";
import { DEMO, DEMO01, type ExampleSpec } from "./demo.spec";

const uploadedFile = async (c: Context<AppEnv>): Promise<unknown> => {
  if (!(c.req.header("content-type") ?? "").includes("multipart/form-data")) return null;
  const form = await c.req.parseBody();
  return form.file ?? null;
};

/** The router of one example table (contract §8.2): the same endpoints for demo and demo01. */
function exampleRouter(spec: ExampleSpec, deps: AppDeps) {
  const tags = [`示例插件 · ${spec.key}`];
  const perm = (action: string) => `${spec.permission}:${action}`;
  const msg = {
    detail: `获取${spec.label}详情成功`,
    list: `查询${spec.label}列表成功`,
    create: `创建${spec.label}成功`,
    update: `修改${spec.label}成功`,
    delete: `删除${spec.label}成功`,
    status: `批量修改${spec.label}状态成功`,
    import: `导入${spec.label}成功`,
  };

  const detailRoute = guardedRoute(perm("detail"), {
    method: "get",
    path: "/detail/{id}",
    tags,
    summary: `获取${spec.label}详情`,
    request: { params: idParam },
    responses: jsonOk(spec.out, msg.detail),
  });

  const listRoute = guardedRoute(perm("query"), {
    method: "get",
    path: "/list",
    tags,
    summary: `查询${spec.label}列表`,
    request: { query: exampleQuery },
    responses: jsonOk(pageSchema(spec.out), msg.list),
  });

  const createRoute = guardedRoute(perm("create"), {
    method: "post",
    path: "/create",
    tags,
    summary: `创建${spec.label}`,
    request: { body: jsonBody(spec.input) },
    responses: jsonOk(spec.out, msg.create),
  });

  const updateRoute = guardedRoute(perm("update"), {
    method: "put",
    path: "/update/{id}",
    tags,
    summary: `修改${spec.label}`,
    description: "未提交的可选字段保持原值。",
    request: { params: idParam, body: jsonBody(spec.input) },
    responses: jsonOk(spec.out, msg.update),
  });

  const deleteRoute = guardedRoute(perm("delete"), {
    method: "delete",
    path: "/delete",
    tags,
    summary: `删除${spec.label}`,
    description: "请求体为 ID 数组；逻辑删除。",
    request: { body: jsonBody(idList) },
    responses: jsonOk(z.null(), msg.delete),
  });

  const statusRoute = guardedRoute(perm("patch"), {
    method: "patch",
    path: "/available/setting",
    tags,
    summary: `批量修改${spec.label}状态`,
    request: { body: jsonBody(batchSetAvailable) },
    responses: jsonOk(z.null(), msg.status),
  });

  const exportRoute = guardedRoute(perm("export"), {
    method: "post",
    path: "/export",
    tags,
    summary: `导出${spec.label}`,
    description: "筛选条件可放在查询串或 JSON 请求体中 (两处都有时以查询串为准)；按 ID 升序导出全部匹配行。",
    request: { query: exampleFilter, body: jsonBody(exampleFilter, false) },
    responses: xlsxResponses(spec.exportFile),
  });

  const importRoute = guardedRoute(perm("import"), {
    method: "post",
    path: "/import",
    tags,
    summary: `导入${spec.label}`,
    description:
      "读取第一个工作表的 名称/状态/描述 列；每行按创建规则校验，名称已存在的行不会覆盖，逐行报告；合格行一次性写入。",
    request: { body: { required: false, content: { "multipart/form-data": { schema: uploadForm } } } },
    responses: jsonOk(z.string(), msg.import),
  });

  const templateRoute = guardedRoute(perm("download"), {
    method: "post",
    path: "/download/template",
    tags,
    summary: `下载${spec.label}导入模板`,
    responses: xlsxResponses(spec.templateFile),
  });

  return createRouter()
    .openapi(detailRoute, async (c) =>
      ok(c, await demos.demoDetail(deps, spec, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(listRoute, async (c) =>
      ok(c, await demos.listDemos(deps, spec, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(createRoute, async (c) =>
      ok(c, await demos.createDemo(deps, spec, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await demos.updateDemo(
          deps,
          spec,
          currentAuth(c).principal,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await demos.deleteDemos(deps, spec, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await demos.setDemosStatus(deps, spec, currentAuth(c).principal, ids, status);
      return ok(c, null);
    })
    .openapi(exportRoute, async (c) => {
      // the SPA sends its filters as a JSON body (upstream ignored them, §14 #44); query values win
      const filter = overlayDefined<ExampleFilter>(c.req.valid("json") ?? {}, c.req.valid("query"));
      return xlsxFile(
        c,
        await demos.exportDemos(deps, spec, currentAuth(c).principal, filter),
        spec.exportFile,
      );
    })
    .openapi(importRoute, async (c) =>
      ok(c, await importDemos(deps, spec, currentAuth(c).principal, await uploadedFile(c))),
    )
    .openapi(templateRoute, async (c) => xlsxFile(c, await importTemplate(), spec.templateFile));
}

export const demoRouter = (deps: AppDeps) => exampleRouter(DEMO, deps);
export const demo01Router = (deps: AppDeps) => exampleRouter(DEMO01, deps);
