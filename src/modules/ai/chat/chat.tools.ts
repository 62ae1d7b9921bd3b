import { z } from "@hono/zod-openapi";
import { hasPermission } from "@/core/auth/guard";
import type { Principal } from "@/core/auth/principal";
import type { AppDeps } from "@/core/context";
import { AppError } from "@/core/http/errors";
import { listSessions } from "@/modules/monitor/online/online.service";
import { deptTree } from "@/modules/system/dept/dept.service";
import { pageData } from "@/modules/system/dict/dict.service";
import { listLogs } from "@/modules/system/log/log.service";
import { roleQuery } from "@/modules/system/role/role.schema";
import { listRoles } from "@/modules/system/role/role.service";
import { userQuery } from "@/modules/system/user/user.schema";
import { listUsers } from "@/modules/system/user/user.service";
import type { ToolSpec } from "./chat.provider";

/*
 * Read-only tools the model may call. Each runs through the owning module's service as the
 * caller — their permission first, then the service applies their data scope — so the assistant
 * can only tell a user what they could open themselves. None writes anything.
 */

export const NOT_PERMITTED = "无权限：当前用户没有查看这些数据的权限 (not permitted)";

/** Largest result handed back to the model (and stored with the messages). */
const MAX_RESULT_CHARS = 8000;

const limit = z.coerce.number().int().min(1).max(50).default(10);
const text = z.string().max(100).optional();

interface Tool<A extends z.ZodType> {
  spec: ToolSpec;
  /** The permission the matching page requires. */
  permission: string;
  args: A;
  run(deps: AppDeps, caller: Principal, args: z.infer<A>): Promise<unknown>;
}

const tool = <A extends z.ZodType>(t: Tool<A>) => t;

const TOOLS = [
  tool({
    permission: "module_system:user:query",
    spec: {
      name: "list_users",
      description: "查询系统用户：返回符合条件的用户总数 (total) 和前若干个用户。可按姓名、账号、状态筛选。",
      parameters: {
        type: "object",
        properties: {
          name: { type: "string", description: "姓名 (模糊匹配)" },
          username: { type: "string", description: "账号 (模糊匹配)" },
          status: { type: "string", enum: ["0", "1"], description: '"0" 启用, "1" 停用' },
          limit: { type: "integer", minimum: 1, maximum: 50, description: "最多返回的用户数, 默认 10" },
        },
      },
    },
    args: z.object({ name: text, username: text, status: z.enum(["0", "1"]).optional(), limit }),
    async run(deps, caller, a) {
      const page = await listUsers(
        deps,
        caller,
        userQuery.parse({
          page_no: 1,
          page_size: a.limit,
          name: a.name,
          username: a.username,
          status: a.status,
        }),
      );
      return {
        total: page.total,
        users: page.items.map((u) => ({
          id: u.id,
          username: u.username,
          name: u.name,
          dept: u.dept_name,
          roles: u.roles.map((r) => r.name),
          status: u.status === "0" ? "启用" : "停用",
          created_time: u.created_time,
        })),
      };
    },
  }),
  tool({
    permission: "module_system:role:query",
    spec: {
      name: "list_roles",
      description: "查询角色：返回角色总数和角色列表 (名称、编码、数据权限、状态)。",
      parameters: {
        type: "object",
        properties: {
          name: { type: "string", description: "角色名称 (模糊匹配)" },
          limit: { type: "integer", minimum: 1, maximum: 50, description: "最多返回的角色数, 默认 10" },
        },
      },
    },
    args: z.object({ name: text, limit }),
    async run(deps, caller, a) {
      const page = await listRoles(
        deps,
        caller,
        roleQuery.parse({ page_no: 1, page_size: a.limit, name: a.name }),
      );
      return {
        total: page.total,
        roles: page.items.map((r) => ({
          id: r.id,
          name: r.name,
          code: r.code,
          data_scope: r.data_scope,
          status: r.status === "0" ? "启用" : "停用",
        })),
      };
    },
  }),
  tool({
    permission: "module_system:dept:query",
    spec: {
      name: "list_departments",
      description: "查询部门：返回部门总数和部门列表 (名称、上级部门、负责人、状态)。",
      parameters: {
        type: "object",
        properties: { name: { type: "string", description: "部门名称 (模糊匹配)" } },
      },
    },
    args: z.object({ name: text }),
    async run(deps, caller, a) {
      const roots = await deptTree(deps, caller, { name: a.name });
      type Node = (typeof roots)[number] & { children?: unknown[] | null };
      const flat: {
        id: number;
        name: string;
        parent_id: number | null;
        leader: string | null;
        status: string;
      }[] = [];
      const walk = (nodes: Node[]) => {
        for (const n of nodes) {
          flat.push({
            id: n.id,
            name: n.name,
            parent_id: n.parent_id,
            leader: n.leader,
            status: n.status === "0" ? "启用" : "停用",
          });
          walk((n.children ?? []) as Node[]);
        }
      };
      walk(roots as Node[]);
      return { total: flat.length, departments: flat.slice(0, 100) };
    },
  }),
  tool({
    permission: "module_monitor:online:query",
    spec: {
      name: "list_online_sessions",
      description: "查询在线用户 (当前登录会话)：返回在线会话数和会话列表 (姓名、IP、登录地点、登录时间)。",
      parameters: {
        type: "object",
        properties: {
          name: { type: "string", description: "姓名 (模糊匹配)" },
          limit: { type: "integer", minimum: 1, maximum: 50, description: "最多返回的会话数, 默认 10" },
        },
      },
    },
    args: z.object({ name: text, limit }),
    async run(deps, caller, a) {
      const page = await listSessions(deps, caller, { page_no: 1, page_size: a.limit, name: a.name });
      return {
        total: page.total,
        // never the session ids: they are what a forced logout takes
        sessions: page.items.map((s) => ({
          name: s.name,
          username: s.user_name,
          ip: s.ipaddr,
          location: s.login_location,
          browser: s.browser,
          os: s.os,
          login_time: s.login_time,
        })),
      };
    },
  }),
  tool({
    permission: "module_system:log:query",
    spec: {
      name: "recent_operation_logs",
      description: "查询最近的操作日志 (最新的在前)：请求路径、方法、结果、操作人、时间。",
      parameters: {
        type: "object",
        properties: {
          limit: { type: "integer", minimum: 1, maximum: 50, description: "条数, 默认 10" },
          login: { type: "boolean", description: "true 时查询登录日志而不是操作日志" },
        },
      },
    },
    args: z.object({ limit, login: z.boolean().optional() }),
    async run(deps, caller, a) {
      const page = await listLogs(deps, caller, {
        page_no: 1,
        page_size: a.limit,
        order_by: '[{"id":"desc"}]',
        type: a.login ? 1 : 2,
        created_time: undefined,
        updated_time: undefined,
      });
      return {
        total: page.total,
        // paths, outcomes and who: never the stored request/response bodies
        logs: page.items.map((l) => ({
          id: l.id,
          path: l.request_path,
          method: l.request_method,
          description: l.description,
          status: l.status === "0" ? "成功" : "失败",
          http_status: l.response_code,
          ip: l.request_ip,
          operator: l.created_by?.name ?? null,
          time: l.created_time,
        })),
      };
    },
  }),
  tool({
    permission: "module_system:dict_data:query",
    spec: {
      name: "dictionary_values",
      description: "查询某个字典类型的字典项 (标签与值)，例如 sys_user_sex、sys_common_status。",
      parameters: {
        type: "object",
        properties: { dict_type: { type: "string", description: "字典类型, 如 sys_user_sex" } },
        required: ["dict_type"],
      },
    },
    args: z.object({ dict_type: z.string().min(1).max(100) }),
    async run(deps, _caller, a) {
      const page = await pageData(deps, { dict_type: a.dict_type }, { page_no: 1, page_size: 100 });
      return {
        dict_type: a.dict_type,
        total: page.total,
        items: page.items.map((d) => ({ label: d.dict_label, value: d.dict_value, status: d.status })),
      };
    },
  }),
];

export const toolSpecs: ToolSpec[] = TOOLS.map((t) => t.spec);

/**
 * Runs one tool call for `caller` and answers the text the model gets back: the result as JSON,
 * "not permitted", or a short error. Never throws.
 */
export async function runTool(
  deps: AppDeps,
  caller: Principal,
  name: string,
  rawArgs: string,
): Promise<{ result: string; ok: boolean }> {
  const t = TOOLS.find((x) => x.spec.name === name);
  if (!t) return { result: `错误：没有名为 ${name} 的工具`, ok: false };
  if (!hasPermission(caller, [t.permission])) return { result: NOT_PERMITTED, ok: false };
  let parsed: unknown;
  try {
    parsed = rawArgs.trim() ? JSON.parse(rawArgs) : {};
  } catch {
    return { result: "错误：工具参数不是合法的 JSON", ok: false };
  }
  const args = (t.args as z.ZodType).safeParse(parsed ?? {});
  if (!args.success) return { result: `错误：工具参数无效 (${args.error.issues[0]?.message})`, ok: false };
  try {
    const out = JSON.stringify(await (t.run as Tool<z.ZodType>["run"])(deps, caller, args.data));
    return {
      result: out.length > MAX_RESULT_CHARS ? `${out.slice(0, MAX_RESULT_CHARS)}…(结果过长，已截断)` : out,
      ok: true,
    };
  } catch (err) {
    if (err instanceof AppError) {
      return { result: err.status === 403 ? NOT_PERMITTED : `错误：${err.message}`, ok: false };
    }
    deps.logger.error("AI tool failed", { err, tool: name });
    return { result: "错误：查询失败", ok: false };
  }
}
