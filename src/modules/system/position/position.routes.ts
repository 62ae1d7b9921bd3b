import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { batchSetAvailable, idList, idParam } from "@/core/http/schemas";
import { xlsxFile, xlsxResponses } from "@/core/xlsx";
import {
  type PositionFilter,
  positionFilter,
  positionInput,
  positionOut,
  positionQuery,
} from "./position.schema";
import * as position from "./position.service";

const tags = ["系统管理 · 岗位"];

const listRoute = guardedRoute("module_system:position:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询岗位列表",
  request: { query: positionQuery },
  responses: jsonOk(pageSchema(positionOut), "查询岗位列表成功"),
});

const detailRoute = guardedRoute("module_system:position:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取岗位详情",
  request: { params: idParam },
  responses: jsonOk(positionOut, "获取岗位详情成功"),
});

const createRoute = guardedRoute("module_system:position:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建岗位",
  request: { body: jsonBody(positionInput) },
  responses: jsonOk(positionOut, "创建岗位成功"),
});

const updateRoute = guardedRoute("module_system:position:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改岗位",
  description: "未提交的可选字段保持原值。",
  request: { params: idParam, body: jsonBody(positionInput) },
  responses: jsonOk(positionOut, "修改岗位成功"),
});

const deleteRoute = guardedRoute("module_system:position:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除岗位",
  description: "请求体为岗位 ID 数组；逻辑删除。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除岗位成功"),
});

const statusRoute = guardedRoute("module_system:position:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改岗位状态",
  request: { body: jsonBody(batchSetAvailable) },
  responses: jsonOk(z.null(), "批量修改岗位状态成功"),
});

const exportRoute = guardedRoute("module_system:position:export", {
  method: "post",
  path: "/export",
  tags,
  summary: "导出岗位",
  description: "筛选条件可放在查询串或 JSON 请求体中 (两处都有时以查询串为准)；按 ID 升序导出全部匹配行。",
  request: {
    query: positionFilter,
    body: jsonBody(positionFilter, false),
  },
  responses: xlsxResponses("position.xlsx"),
});

export function positionRouter(deps: AppDeps) {
  return createRouter()
    .openapi(listRoute, async (c) =>
      ok(c, await position.listPositions(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await position.positionDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(createRoute, async (c) =>
      ok(c, await position.createPosition(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await position.updatePosition(
          deps,
          currentAuth(c).principal,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await position.deletePositions(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await position.setPositionsStatus(deps, currentAuth(c).principal, ids, status);
      return ok(c, null);
    })
    .openapi(exportRoute, async (c) => {
      // query values win over the body's
      const filter = overlayDefined<PositionFilter>(c.req.valid("json") ?? {}, c.req.valid("query"));
      const file = await position.exportPositions(deps, currentAuth(c).principal, filter);
      return xlsxFile(c, file, "position.xlsx");
    });
}
