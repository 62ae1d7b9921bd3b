import type { AppDeps } from "@/core/context";
import { badRequest, conflict } from "@/core/http/errors";
import { MODULE_REGISTRY_PATH, mergeRegistry, parseModuleRegistry } from "../templates/registry";
import type { GeneratedFile } from "../templates/types";

/*
 * Writing generated files to disk (§7.8 step 5, issue 11 item 4): backend files under
 * GENERATOR_OUTPUT_DIR (default: the working directory), the SPA's two files under
 * GENERATOR_SPA_DIR when set. Refused in production and where there is no disk (Workers). Paths
 * come from slugs and are checked again here; a file that exists and was not written by the
 * generator (no marker near its top) is never overwritten — the whole output is refused first.
 */

/**
 * Every generated file carries this text in a comment near its top (after the imports at most; see
 * src/modules/generator/templates). A file without it is someone's own and is never overwritten.
 */
export const GENERATED_MARKER = "written by the code generator";
const MARKER_LINES = 40;
const MARKER_LINE = /^\s*(\/\/|\/\*|\*|<!--|#).*written by the code generator/;

/** Where backend output may go: a generated module, its table definition and its test. */
const BACKEND_PREFIXES = ["src/modules/", "db/generated/", "test/modules/"];
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const OUTPUT_REFUSED =
  "当前环境不能把代码写入磁盘（生产环境或 Cloudflare Workers）：请使用「预览」或「下载 ZIP」";

export function hasMarker(text: string): boolean {
  return text
    .split("\n")
    .slice(0, MARKER_LINES)
    .some((line) => MARKER_LINE.test(line));
}

/** A relative path whose every segment is a plain name (no `..`, no empty, no absolute). */
export function safeRelativePath(path: string): boolean {
  const segments = path.split("/");
  return segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..");
}

export interface OutputTarget {
  root: string;
  path: string;
  file: GeneratedFile;
}

/** Where each file would go, or why output is refused; SPA files without GENERATOR_SPA_DIR are left out. */
export function planOutput(
  deps: AppDeps,
  files: GeneratedFile[],
): { targets: OutputTarget[]; skipped: string[] } {
  const disk = deps.generatorDisk;
  if (!disk || deps.runtime !== "bun" || deps.settings.ENVIRONMENT === "prod")
    throw badRequest(OUTPUT_REFUSED);
  const backendRoot = deps.settings.GENERATOR_OUTPUT_DIR || disk.cwd();
  const spaRoot = deps.settings.GENERATOR_SPA_DIR;
  const targets: OutputTarget[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    if (file.path.startsWith("backend/")) {
      const path = file.path.slice("backend/".length);
      if (!safeRelativePath(path) || !BACKEND_PREFIXES.some((p) => path.startsWith(p)))
        throw badRequest(`生成的文件路径不合法: ${file.path}`);
      targets.push({ root: backendRoot, path, file });
    } else if (file.path.startsWith("frontend/src/")) {
      const path = file.path.slice("frontend/".length);
      if (!safeRelativePath(path)) throw badRequest(`生成的文件路径不合法: ${file.path}`);
      if (spaRoot) targets.push({ root: spaRoot, path, file });
      else skipped.push(file.path);
    } else {
      throw badRequest(`生成的文件路径不合法: ${file.path}`);
    }
  }
  return { targets, skipped };
}

/**
 * Reads what is at every target and refuses the whole output when one is a file the generator did
 * not write; returns the contents to write (registries merged with what is on disk).
 */
export async function prepareOutput(deps: AppDeps, targets: OutputTarget[]): Promise<PreparedFile[]> {
  const disk = deps.generatorDisk;
  if (!disk) throw badRequest(OUTPUT_REFUSED);
  const prepared: PreparedFile[] = [];
  for (const t of targets) {
    let existing: string | null;
    try {
      existing = await disk.read(t.root, t.path);
    } catch {
      throw badRequest(`生成的文件路径不合法: ${t.path}`);
    }
    if (existing !== null && !hasMarker(existing))
      throw conflict(`文件 ${t.path} 已存在且不是代码生成器写的，拒绝覆盖`);
    const content = t.file.merge ? mergeRegistry(t.path, existing, t.file.content) : t.file.content;
    prepared.push({ root: t.root, path: t.path, content });
  }
  return prepared;
}

export interface PreparedFile {
  root: string;
  path: string;
  content: string;
}

/** Writes prepared files (see `prepareOutput`). */
export async function writeOutput(deps: AppDeps, files: PreparedFile[]): Promise<string[]> {
  const disk = deps.generatorDisk;
  if (!disk) throw badRequest(OUTPUT_REFUSED);
  for (const f of files) await disk.write(f.root, f.path, f.content);
  return files.map((f) => f.path);
}

/**
 * Refuses output whose modules would mount where a hand-written module already is (`handWritten`:
 * the mount paths of src/modules/index.ts, not the generated ones): Hono serves the first route
 * that matches, so the generated one would never answer, or would shadow part of the other.
 */
export function refuseMountClashes(files: GeneratedFile[], handWritten: readonly string[]): void {
  const registry = files.find((f) => f.path === MODULE_REGISTRY_PATH);
  if (!registry) return;
  const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  for (const { path } of parseModuleRegistry(registry.content)) {
    const taken = handWritten.find((mounted) => mounted !== "" && overlaps(path, mounted));
    if (taken !== undefined)
      throw conflict(`接口路径 /api/v1${path} 已由系统模块 /api/v1${taken} 使用：请修改包名或模块名`);
  }
}
