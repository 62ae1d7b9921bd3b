import { z } from "@hono/zod-openapi";
import { guardedRoute } from "@/core/auth/guard";
import type { AppDeps } from "@/core/context";
import { ok } from "@/core/http/envelope";
import { jsonOk } from "@/core/http/openapi";
import { createRouter } from "@/core/http/router";
import { cacheEntryOut, cacheInfoOut, cacheKeyParam, cacheNameParam, cacheValueParams } from "./cache.schema";
import * as caches from "./cache.service";

const tags = ["监控管理 · 缓存监控"];
const QUERY = "module_monitor:cache:query";
const DELETE = "module_monitor:cache:delete";

const infoRoute = guardedRoute(QUERY, {
  method: "get",
  path: "/info",
  tags,
  summary: "获取缓存监控信息",
  responses: jsonOk(cacheInfoOut, "获取缓存监控信息成功"),
});

const namesRoute = guardedRoute(QUERY, {
  method: "get",
  path: "/get/names",
  tags,
  summary: "获取缓存名称列表",
  responses: jsonOk(z.array(cacheEntryOut), "获取缓存名称列表成功"),
});

const keysRoute = guardedRoute(QUERY, {
  method: "get",
  path: "/get/keys/{cache_name}",
  tags,
  summary: "获取缓存键名列表",
  description:
    "键名为去掉 `<cache_name>:` 前缀的部分；本身即凭据的键 (免登录令牌、第三方登录状态) 只显示开头。",
  request: { params: cacheNameParam },
  responses: jsonOk(z.array(z.string()), "获取缓存键名列表成功"),
});

const valueRoute = guardedRoute(QUERY, {
  method: "get",
  path: "/get/value/{cache_name}/{cache_key}",
  tags,
  summary: "获取缓存值",
  description: "会话不含刷新令牌编号，验证码答案以 ****** 代替；键不存在时 cache_value 为 null。",
  request: { params: cacheValueParams },
  responses: jsonOk(cacheEntryOut, "获取缓存值成功"),
});

const deleteNameRoute = guardedRoute(DELETE, {
  method: "delete",
  path: "/delete/name/{cache_name}",
  tags,
  summary: "清除缓存名称下的所有键",
  description: "清除 session 会结束所有会话 (包括调用者本人)。",
  request: { params: cacheNameParam },
  responses: jsonOk(z.boolean(), "清除成功"),
});

const deleteKeyRoute = guardedRoute(DELETE, {
  method: "delete",
  path: "/delete/key/{cache_key}",
  tags,
  summary: "清除缓存键",
  description: "按 get/keys 显示的键名精确匹配 (各缓存名称下)。",
  request: { params: cacheKeyParam },
  responses: jsonOk(z.boolean(), "清除成功"),
});

const deleteAllRoute = guardedRoute(DELETE, {
  method: "delete",
  path: "/delete/all",
  tags,
  summary: "清除所有缓存",
  description:
    "清除可由数据库重建的缓存 (系统配置、数据字典、用户权限)；会话、登录锁定、限流计数与任务锁不属于缓存，不受影响。",
  responses: jsonOk(z.boolean(), "所有缓存清除成功"),
});

export function cacheRouter(deps: AppDeps) {
  return createRouter()
    .openapi(infoRoute, async (c) => ok(c, await caches.cacheInfo(deps)))
    .openapi(namesRoute, (c) => ok(c, caches.cacheNames()))
    .openapi(keysRoute, async (c) => {
      const { cache_name } = c.req.valid("param");
      return ok(c, await caches.cacheKeys(deps, cache_name), `获取缓存${cache_name}的键名列表成功`);
    })
    .openapi(valueRoute, async (c) => {
      const { cache_name, cache_key } = c.req.valid("param");
      return ok(
        c,
        await caches.cacheValue(deps, cache_name, cache_key),
        `获取缓存${cache_name}:${cache_key}的值成功`,
      );
    })
    .openapi(deleteNameRoute, async (c) => {
      const { cache_name } = c.req.valid("param");
      await caches.deleteFamily(deps, cache_name);
      return ok(c, true, `${cache_name}对应键值清除成功`);
    })
    .openapi(deleteKeyRoute, async (c) => {
      const { cache_key } = c.req.valid("param");
      await caches.deleteKey(deps, cache_key);
      return ok(c, true, `${cache_key}清除成功`);
    })
    .openapi(deleteAllRoute, async (c) => {
      await caches.deleteAllCaches(deps);
      return ok(c, true);
    });
}
