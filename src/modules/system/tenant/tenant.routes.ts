import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { pageQuerySchema, pageSchema } from "@/core/http/pagination";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { batchSetAvailable, idList, idParam } from "@/core/http/schemas";
import { tenantCreate, tenantOut, tenantQuery, tenantUpdate } from "./tenant.schema";
import * as tenants from "./tenant.service";

const tags = ["系统管理 · 租户"];

const detailRoute = guardedRoute("module_system:tenant:query", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取租户详情",
  request: { params: idParam },
  responses: jsonOk(tenantOut, "获取租户详情成功"),
});

const listRoute = guardedRoute("module_system:tenant:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询租户",
  request: { query: pageQuerySchema.extend(tenantQuery.shape) },
  responses: jsonOk(pageSchema(tenantOut), "查询租户列表成功"),
});

const createTenantRoute = guardedRoute("module_system:tenant:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建租户",
  request: { body: jsonBody(tenantCreate) },
  responses: jsonOk(tenantOut, "创建租户成功"),
});

const updateRoute = guardedRoute("module_system:tenant:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改租户",
  description: "部分更新：只写入请求中出现的字段。系统租户 (id 1) 不可修改编码或禁用。",
  request: { params: idParam, body: jsonBody(tenantUpdate) },
  responses: jsonOk(tenantOut, "修改租户成功"),
});

const deleteRoute = guardedRoute("module_system:tenant:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除租户",
  description: "系统租户不可删除；仍有用户的租户不可删除。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除租户成功"),
});

const statusRoute = guardedRoute("module_system:tenant:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改租户状态",
  request: { body: jsonBody(batchSetAvailable) },
  responses: jsonOk(z.null(), "批量修改租户状态成功"),
});

export function tenantRouter(deps: AppDeps) {
  return createRouter()
    .openapi(detailRoute, async (c) => ok(c, await tenants.getTenant(deps, c.req.valid("param").id)))
    .openapi(listRoute, async (c) => ok(c, await tenants.listTenants(deps, c.req.valid("query"))))
    .openapi(createTenantRoute, async (c) =>
      ok(c, await tenants.createTenant(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoute, async (c) =>
      ok(c, await tenants.updateTenant(deps, c.req.valid("param").id, c.req.valid("json"))),
    )
    .openapi(deleteRoute, async (c) => {
      await tenants.deleteTenants(deps, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await tenants.setTenantStatus(deps, ids, status);
      return ok(c, null);
    });
}
