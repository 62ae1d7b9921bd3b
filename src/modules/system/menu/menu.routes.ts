import { z } from "@hono/zod-openapi";
import { currentAuth, guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { errorResponse, jsonOk } from "@/core/http/openapi";
import { jsonBody } from "@/core/http/request";
import { createRouter } from "@/core/http/router";
import { idList } from "@/core/http/schemas";
import { batchStatus, idParam, menuInput, menuNode, menuOut, menuQuery } from "./menu.schema";
import * as menus from "./menu.service";

const tags = ["系统管理 · 菜单管理"];

const treeRoute = guardedRoute("module_system:menu:query", {
  method: "get",
  path: "/tree",
  tags,
  summary: "查询菜单树",
  description: "按 `order` 升序；非超级管理员只看到其角色被授予的菜单。叶子节点 `children` 为 null。",
  request: { query: menuQuery },
  responses: jsonOk(z.array(menuNode), "查询菜单树成功"),
});

const detailRoute = guardedRoute("module_system:menu:detail", {
  method: "get",
  path: "/detail/{id}",
  tags,
  summary: "查询菜单详情",
  request: { params: idParam },
  responses: { ...jsonOk(menuOut, "查询菜单详情成功"), 404: errorResponse("菜单不存在") },
});

const createMenuRoute = guardedRoute("module_system:menu:create", {
  method: "post",
  path: "/create",
  tags,
  summary: "创建菜单",
  description:
    "类型: 1 目录 (需 route_name、route_path、redirect), 2 菜单 (需 route_name、route_path、component_path), " +
    "3 按钮 (仅在菜单下), 4 外链。顶级菜单的 route_path 须以 / 开头；子菜单可用相对路径。",
  request: { body: jsonBody(menuInput) },
  responses: { ...jsonOk(menuOut, "创建菜单成功"), 400: errorResponse("层级或终端规则不满足") },
});

const updateMenuRoute = guardedRoute("module_system:menu:update", {
  method: "put",
  path: "/update/{id}",
  tags,
  summary: "修改菜单",
  description: "未提交的字段保持原值；不允许把菜单移到自身或其下级之下。",
  request: { params: idParam, body: jsonBody(menuInput) },
  responses: { ...jsonOk(menuOut, "修改菜单成功"), 404: errorResponse("菜单不存在") },
});

const deleteMenuRoute = guardedRoute("module_system:menu:delete", {
  method: "delete",
  path: "/delete",
  tags,
  summary: "删除菜单",
  description: "请求体为菜单 ID 数组。仍有子菜单（且子菜单不在本次删除范围内）的菜单不能删除。",
  request: { body: jsonBody(idList) },
  responses: { ...jsonOk(z.null(), "删除菜单成功"), 400: errorResponse("存在子菜单") },
});

const statusRoute = guardedRoute("module_system:menu:patch", {
  method: "patch",
  path: "/available/setting",
  tags,
  summary: "批量修改菜单状态",
  description: "启用时其上级一并启用；停用时其下级一并停用。",
  request: { body: jsonBody(batchStatus) },
  responses: jsonOk(z.null(), "批量修改菜单状态成功"),
});

export function menuRouter(deps: AppDeps) {
  return createRouter()
    .openapi(treeRoute, async (c) =>
      ok(c, await menus.menuTree(deps, currentAuth(c).principal, c.req.valid("query"))),
    )
    .openapi(detailRoute, async (c) =>
      ok(c, await menus.menuDetail(deps, currentAuth(c).principal, c.req.valid("param").id)),
    )
    .openapi(createMenuRoute, async (c) =>
      ok(c, await menus.createMenu(deps, currentAuth(c).principal, c.req.valid("json"))),
    )
    .openapi(updateMenuRoute, async (c) => {
      const { id } = c.req.valid("param");
      return ok(c, await menus.updateMenu(deps, currentAuth(c).principal, id, c.req.valid("json")));
    })
    .openapi(deleteMenuRoute, async (c) => {
      await menus.deleteMenus(deps, currentAuth(c).principal, c.req.valid("json"));
      return ok(c, null);
    })
    .openapi(statusRoute, async (c) => {
      const { ids, status } = c.req.valid("json");
      await menus.setMenuStatus(deps, currentAuth(c).principal, ids, status);
      return ok(c, null);
    });
}
