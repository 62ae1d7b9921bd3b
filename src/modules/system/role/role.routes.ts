import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { errorResponse, jsonOk } from "@/core/http/openapi";
import { pageSchema } from "@/core/http/pagination";
import { jsonBody, overlayDefined } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList } from "@/core/http/schemas";
import { xlsxFile, xlsxResponses } from "@/core/xlsx";
import { roleWorkbook } from "./role.export";
import {
  idParam,
  type RoleFilter,
  roleBatchStatus,
  roleFilter,
  roleInput,
  roleOut,
  rolePermissionInput,
  roleQuery,
} from "./role.schema";
import * as roles from "./role.service";

const tags = ["系统管理 · 角色管理"];

const listRoute = guardedRoute("module_system:role:query", {
  method: "get",
  path: "/list",
  tags,
  summary: "查询角色",
  description: "分页；默认按 updated_time 降序。非超级管理员只看到自己拥有的角色。",
  request: { query: roleQuery },
  responses: jsonOk(pageSchema(roleOut), "查询角色成功"),
});

const detailRoute = guardedRoute("module_system:role:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "获取角色详情",
  request: { params: idParam },
  responses: { ...jsonOk(roleOut, "获取角色详情成功"), 404: errorResponse("角色不存在") },
});

const createRoleRoute = guardedRoute("module_system:role:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建角色",
  request: { body: jsonBody(roleInput) },
  responses: { ...jsonOk(roleOut, "创建角色成功"), 409: errorResponse("名称或编码已存在") },
});

const updateRoleRoute = guardedRoute("module_system:role:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改角色",
  description: "未提交的可选字段保持原值。",
  request: { params: idParam, body: jsonBody(roleInput) },
  responses: { ...jsonOk(roleOut, "修改角色成功"), 404: errorResponse("角色不存在") },
});

const deleteRoleRoute = guardedRoute("module_system:role:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除角色",
  description: "请求体为角色 ID 数组；物理删除，用户、菜单、部门关联一并删除。",
  request: { body: jsonBody(idList) },
  responses: jsonOk(z.null(), "删除角色成功"),
});

const statusRoute = guardedRoute("module_system:role:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改角色状态",
  description: "停用的角色立即不再授予任何权限。",
  request: { body: jsonBody(roleBatchStatus) },
  responses: jsonOk(z.null(), "批量修改角色状态成功"),
});

const permissionRoute = guardedRoute("module_system:role:permission", {
  method: "patch",
  path: "/permission/setting",
  tags,
  summary: "设置角色权限",
  description:
    "替换角色的菜单与数据权限；`data_scope` 为 5 时 `dept_ids` 为自定义部门。" +
    "非超级管理员只能授予自己拥有的菜单和自己可见的部门。",
  request: { body: jsonBody(rolePermissionInput) },
  responses: { ...jsonOk(z.null(), "授权角色成功"), 400: errorResponse("菜单或部门超出授权范围") },
});

const exportRoute = guardedRoute("module_system:role:export", {
  method: "post",
  path: "/export",
  tags,
  summary: "导出角色",
  description: "筛选条件可放在查询串或 JSON 请求体中 (两处都有时以查询串为准)；按 ID 升序导出全部匹配行。",
  request: {
    query: roleFilter,
    body: jsonBody(roleFilter, false),
  },
  responses: xlsxResponses("role.xlsx"),
});

export function roleRouter(deps: AppDeps) {
  return createRouter()
    .openapi(listRoute, async (c) =>
      ok(c, await roles.listRoles(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await roles.roleDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(createRoleRoute, async (c) =>
      ok(c, await roles.createRole(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateRoleRoute, async (c) => {
      const { id } = c.req.valid("param");
      return ok(c, await roles.updateRole(deps, currentAuth(c).principal, id, c.req.valid("json")));
    })
    .openapi(deleteRoleRoute, async (c) => {
      await roles.deleteRoles(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await roles.setRoleStatus(deps, currentAuth(c).principal, ids, status);
      return ok(c, null);
    })
    .openapi(permissionRoute, async (c) => {
      await roles.setRolePermissions(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(exportRoute, async (c) => {
      // query values win over the body's
      const filter = overlayDefined<RoleFilter>(c.req.valid("json") ?? {}, c.req.valid("query"));
      const rows = await roles.exportRows(deps, currentAuth(c).principal, filter);
      return xlsxFile(c, await roleWorkbook(rows), "role.xlsx");
    });
}
