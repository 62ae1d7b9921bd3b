import type { PluginInfo } from "./portal.schema";

/*
 * `GET /plugins` — FastapiAdmin listed the `app/plugin/module_*` directories (optional feature
 * packages discovered at start-up, each with a `plugin.toml`). This server has no plugin
 * directories: every area is compiled in and mounted by src/modules/index.ts. The honest
 * counterpart is the list of optional areas actually mounted under /api/v1 — everything except
 * the core (system, common, static) — derived from the mount table, so it cannot drift from what
 * the server serves. Metadata comes from the built-in manifests below; an area mounted without
 * one is still listed, with `has_manifest: false` and null metadata, as upstream did for a
 * directory without plugin.toml.
 */

const CORE_AREAS = new Set(["system", "common", "static"]);

type Manifest = Pick<PluginInfo, "title" | "version" | "description" | "tags">;

const MANIFESTS: Record<string, Manifest> = {
  application: {
    title: "应用门户",
    version: "1.0.0",
    description: "外部应用链接（名称、访问地址、图标）的门户管理。",
    tags: ["application", "portal"],
  },
  example: {
    title: "示例插件",
    version: "1.0.0",
    description: "标准增删改查、导入导出示例（demo / demo01）。",
    tags: ["demo", "sample"],
  },
  monitor: {
    title: "系统监控",
    version: "1.0.0",
    description: "在线用户、缓存、服务器与资源文件监控。",
    tags: ["monitor"],
  },
  task: {
    title: "任务与工作流",
    version: "1.0.0",
    description: "定时任务与工作流。",
    tags: ["task", "cron", "workflow"],
  },
  generator: {
    title: "代码生成",
    version: "1.0.0",
    description: "基于数据表与模板的代码生成（gencode）。",
    tags: ["generator", "codegen"],
  },
  ai: {
    title: "AI 子系统",
    version: "1.0.0",
    description: "AI 对话。",
    tags: ["ai", "chat"],
  },
};

/** The optional areas among the mount paths (`/example/demo` → `example`), sorted like upstream. */
export function pluginsOf(mounted: readonly { path: string }[]): PluginInfo[] {
  const areas = new Set<string>();
  for (const { path } of mounted) {
    const area = path.split("/").filter(Boolean)[0];
    if (area && !CORE_AREAS.has(area)) areas.add(area);
  }
  return [...areas].sort().map((area) => {
    const manifest = Object.hasOwn(MANIFESTS, area) ? MANIFESTS[area] : undefined;
    return {
      module_dir: `module_${area}`,
      route_prefix: `/${area}`,
      has_manifest: manifest !== undefined,
      name: manifest ? area : null,
      title: manifest?.title ?? null,
      version: manifest?.version ?? null,
      description: manifest?.description ?? null,
      optional: manifest ? true : null,
      tags: manifest?.tags ? [...manifest.tags] : null,
      manifest_name_mismatch: manifest ? false : null,
    };
  });
}
