import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { batchSetAvailable, idList, idParam } from "@/core/http/schemas";
import { deptInput, deptNode, deptOut, deptQuery } from "./dept.schema";
import * as dept from "./dept.service";

const tags = ["系统管理 · 部门"];

const treeRoute = guardedRoute("module_system:dept:query", {
  method: "get",
  path: "/tree",
  tags,
  summary: "查询部门树",
  description: "按 order 升序；受数据权限限制，父级不可见的部门作为根节点返回。",
  request: { query: deptQuery },
  responses: jsonOk(z.array(deptNode), "查询部门树成功"),
});

const detailRoute = guardedRoute("module_system:dept:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "查询部门详情",
  request: { params: idParam },
  responses: jsonOk(deptOut, "查询部门详情成功"),
});

const createRoute = guardedRoute("module_system:dept:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建部门",
  request: { body: jsonBody(deptInput) },
  responses: jsonOk(deptOut, "创建部门成功"),
});

const updateRoute = guardedRoute("module_system:dept:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改部门",
  description: "未提交的可选字段保持原值；上级部门不能是自身或下级部门。",
  request: { params: idParam, body: jsonBody(deptInput) },
  responses: jsonOk(deptOut, "修改部门成功"),
});

const deleteRoute = guardedRoute("module_system:dept:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除部门",
  description: "请求体为部门 ID 数组；存在子部门或用户的部门不能删除。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除部门成功"),
});

const statusRoute = guardedRoute("module_system:dept:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改部门状态",
  description: "停用时连同所有下级部门一起停用；启用时连同所有上级部门一起启用。",
  request: { body: jsonBody(batchSetAvailable) },
  responses: jsonOk(z.null(), "批量修改部门状态成功"),
});

export function deptRouter(deps: AppDeps) {
  return createRouter()
    .openapi(treeRoute, async (c) =>
      ok(c, await dept.deptTree(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await dept.deptDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(createRoute, async (c) =>
      ok(c, await dept.createDept(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(
        c,
        await dept.updateDept(deps, currentAuth(c).principal, c.req.valid("param").id, c.req.valid("json")),
      ),
    )
    .openapi(deleteRoute, async (c) => {
      await dept.deleteDepts(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await dept.setDeptsStatus(deps, currentAuth(c).principal, ids, status);
      return ok(c, null);
    });
}
