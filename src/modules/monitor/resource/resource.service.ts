import type { AppDeps } from "@/core/context";
import { AppError, badRequest, conflict, notFound } from "@/core/http/errors";
import { offsetOf, type PageQuery, pageOf } from "@/core/http/pagination";
import { contentMatchesExtension } from "@/core/storage/content-check";
import { contentTypeOf, openStored, type StorageEntry } from "@/core/storage/storage";
import { DANGEROUS } from "@/core/storage/upload";
import {
  baseName,
  fileUrlOf,
  MAX_DEPTH,
  parentKey,
  type ResourcePath,
  ROOT_KEY,
  relOf,
  resolveResourcePath,
} from "./resource.path";

/*
 * The resource manager (contract §4.4): a file browser over the storage's `upload/` folder, the
 * same files `/api/v1/static/upload/...` serves. Folders exist while they hold something; an
 * empty one made here keeps a hidden `.keep` marker. Every path goes through resolveResourcePath.
 */

/** Upstream's cap on one listing. */
const MAX_LISTED = 1000;
/** Files one copy/move/delete of a folder may touch. */
const MAX_TREE_FILES = 10_000;
const KEEP = ".keep";

type Kind = "file" | "dir" | null;

export interface ResourceItem {
  name: string;
  file_url: string;
  relative_path: string;
  is_file: boolean;
  is_dir: boolean;
  size: number | null;
  created_time: string | null;
  modified_time: string | null;
  is_hidden: boolean;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Local time as upstream's `datetime.isoformat()`: `YYYY-MM-DDTHH:MM:SS.ffffff`. */
export function isoLocal(d: Date | null): string | null {
  if (!d) return null;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds() * 1000, 6)}`
  );
}

async function kindOf(deps: AppDeps, key: string): Promise<Kind> {
  if (key === ROOT_KEY) return "dir";
  if (await deps.storage.exists(key)) return "file";
  return (await deps.storage.list(key)).length > 0 ? "dir" : null;
}

/** Writing `key` needs every folder above it to be a folder, not a file of that name. */
async function assertFoldersAbove(deps: AppDeps, key: string): Promise<void> {
  const segments = key.split("/");
  for (let i = 2; i < segments.length; i++) {
    if (await deps.storage.exists(segments.slice(0, i).join("/"))) throw badRequest("路径不是目录");
  }
}

/**
 * A client-given file or folder name reduced to a safe one: no separators or traversal (refused),
 * no `<>:"|?*` or control characters, no dot runs, no leading/trailing dots or spaces.
 */
export function cleanName(name: string, refusal = "文件名包含非法字符"): string {
  if (/[/\\\0]|\.\.|%2e%2e|%252e%252e/i.test(name)) throw badRequest(refusal);
  const clean = name
    .replace(/[<>:"|?*\p{Cc}]/gu, "")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.\s]+|[.\s]+$/g, "");
  if (!clean) throw badRequest(refusal);
  if (new TextEncoder().encode(clean).length > 255) throw badRequest("文件名过长");
  return clean;
}

/** The upload policy of core/storage/upload.ts, applied to any name a file gets here. */
function assertAllowedType(deps: AppDeps, name: string): void {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot).toLowerCase() : "";
  if (ext.length < 2) throw badRequest("无法识别文件类型");
  if (DANGEROUS.has(ext)) throw badRequest(`不允许上传此类型的文件: ${ext}`);
  const allowed = deps.settings.ALLOWED_EXTENSIONS.map((e) => e.toLowerCase());
  if (!allowed.includes(ext)) throw badRequest(`文件类型不支持，允许的类型: ${allowed.join(", ")}`);
}

function itemOf(origin: string, entry: StorageEntry): ResourceItem {
  return {
    name: baseName(entry.key),
    file_url: fileUrlOf(origin, entry.key),
    relative_path: relOf(entry.key),
    is_file: !entry.is_dir,
    is_dir: entry.is_dir,
    size: entry.is_dir ? null : entry.size,
    created_time: isoLocal(entry.created),
    modified_time: isoLocal(entry.modified),
    is_hidden: false,
  };
}

/** Prefixes a failure's message the way upstream reported it, keeping its status. */
async function reportingAs<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.kind, `${prefix}${err.message}`, err.data);
    throw err;
  }
}

export interface ResourceFilters {
  path?: string;
  name?: string;
}

/** One folder's visible entries matching `name`, by name, at most MAX_LISTED. */
async function listFolder(deps: AppDeps, origin: string, filters: ResourceFilters): Promise<ResourceItem[]> {
  return reportingAs("搜索资源失败: ", async () => {
    const folder = resolveResourcePath(filters.path);
    const kind = await kindOf(deps, folder.key);
    if (kind === "file") throw badRequest("路径不是目录");
    if (kind === null) throw notFound("目录不存在");
    const needle = (filters.name ?? "").trim().toLowerCase();
    return (await deps.storage.list(folder.key))
      .map((entry) => itemOf(origin, entry))
      .filter((item) => !item.name.startsWith(".") && item.name.toLowerCase().includes(needle))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, MAX_LISTED);
  });
}

export async function listResources(deps: AppDeps, origin: string, q: ResourceFilters & PageQuery) {
  const items = await listFolder(deps, origin, q);
  return pageOf(items.slice(offsetOf(q), offsetOf(q) + q.page_size), items.length, q);
}

export const exportResources = listFolder;

/** Stores an upload in `target_path` (made if missing) under its cleaned name, `_1`, `_2`… if taken. */
export async function uploadResource(
  deps: AppDeps,
  origin: string,
  file: unknown,
  targetPath: string | undefined,
) {
  if (!(file instanceof File) || !file.name) throw badRequest("请选择要上传的文件");
  const name = cleanName(file.name);
  assertAllowedType(deps, name);
  if (file.size > deps.settings.MAX_FILE_SIZE) {
    throw badRequest(`文件太大，最大支持${Math.floor(deps.settings.MAX_FILE_SIZE / 1024 / 1024)}MB`);
  }
  const folder = resolveResourcePath(targetPath);
  if ((await kindOf(deps, folder.key)) === "file") throw badRequest("目标路径不是目录");
  await assertFoldersAbove(deps, `${folder.key}/${name}`);
  const dot = name.lastIndexOf(".");
  const [stem, ext] = [name.slice(0, dot), name.slice(dot)];
  let key = `${folder.key}/${name}`;
  for (let n = 1; (await kindOf(deps, key)) !== null; n++) {
    if (n > 999) throw conflict("同名文件过多");
    key = `${folder.key}/${stem}_${n}${ext}`;
  }
  resolveResourcePath(relOf(key)); // the depth limit holds for the new key too
  const bytes = new Uint8Array(await file.arrayBuffer());
  // Served by /static without a token: an HTML body under an image name is refused.
  if (!contentMatchesExtension(ext.toLowerCase(), bytes)) throw badRequest(`文件内容与扩展名不符: ${ext}`);
  // Typed by its extension: what the browser claimed is never stored.
  await deps.storage.put(key, bytes, contentTypeOf(key) ?? undefined);
  return {
    filename: baseName(key),
    file_url: fileUrlOf(origin, key),
    file_size: file.size,
    upload_time: isoLocal(new Date()),
  };
}

export async function downloadResource(deps: AppDeps, path: string) {
  const target = resolveResourcePath(path);
  if (target.key === ROOT_KEY) throw badRequest("路径不是文件");
  const file = await openStored(deps.storage, target.key);
  if (!file) {
    if ((await kindOf(deps, target.key)) === "dir") throw badRequest("路径不是文件");
    throw notFound("文件不存在");
  }
  return { body: file.body, size: file.size, name: baseName(target.key) };
}

/** Every file key of a folder (markers included), or the file itself. */
async function filesOf(deps: AppDeps, key: string, kind: Kind): Promise<string[]> {
  if (kind === "file") return [key];
  if (kind === null) return [];
  const keys = (await deps.storage.list(key, { recursive: true })).map((e) => e.key);
  if (keys.length > MAX_TREE_FILES) throw badRequest(`目录中的文件超过 ${MAX_TREE_FILES} 个`);
  return keys;
}

async function removeTree(deps: AppDeps, key: string, kind: Kind): Promise<void> {
  for (const file of await filesOf(deps, key, kind)) await deps.storage.delete(file);
}

/**
 * Deletes files and folders (recursively). Unlike upstream, every path is checked before anything
 * is deleted, so a bad entry leaves all of them in place.
 */
export async function deleteResources(deps: AppDeps, paths: string[]): Promise<void> {
  if (!paths.length) throw badRequest("删除失败，删除路径不能为空");
  const targets: { key: string; kind: Kind }[] = [];
  for (const path of paths) {
    await reportingAs(`删除失败 ${path}: `, async () => {
      const target = resolveResourcePath(path);
      if (target.key === ROOT_KEY) throw badRequest("不能删除根目录");
      const kind = await kindOf(deps, target.key);
      if (kind === null) throw notFound(`路径不存在: ${path}`);
      targets.push({ key: target.key, kind });
    });
  }
  for (const t of targets) await removeTree(deps, t.key, t.kind);
}

interface Transfer {
  source_path: string;
  target_path: string;
  overwrite?: boolean;
}

/** Checks a move/copy and answers what to copy where; `what` names the verb in messages. */
async function planTransfer(deps: AppDeps, body: Transfer, what: string) {
  const source = resolveResourcePath(body.source_path);
  const target = resolveResourcePath(body.target_path);
  if (source.key === ROOT_KEY) throw badRequest(`不能${what}根目录`);
  if (target.key === ROOT_KEY) throw conflict("目标路径已存在");
  if (source.key === target.key) throw badRequest("源路径与目标路径相同");
  if (target.key.startsWith(`${source.key}/`)) throw badRequest("目标路径不能位于源路径之内");
  const sourceKind = await kindOf(deps, source.key);
  if (sourceKind === null) throw notFound("源路径不存在");
  const targetKind = await kindOf(deps, target.key);
  if (targetKind !== null && !body.overwrite) throw conflict("目标路径已存在");
  if (sourceKind === "file") assertAllowedType(deps, baseName(target.key));
  await assertFoldersAbove(deps, target.key);
  const files = await filesOf(deps, source.key, sourceKind);
  for (const file of files) {
    const depth = relOf(target.key + file.slice(source.key.length)).split("/").length;
    if (depth > MAX_DEPTH + (file.endsWith(`/${KEEP}`) ? 1 : 0)) throw badRequest("路径深度超过限制");
  }
  return { source, target, sourceKind, targetKind, files };
}

async function copyFiles(deps: AppDeps, files: string[], source: ResourcePath, target: ResourcePath) {
  const { storage } = deps;
  for (const file of files) {
    const to = target.key + file.slice(source.key.length);
    // A store that copies server-side (S3) never sends the bytes through here.
    if (storage.copy) {
      await storage.copy(file, to);
      continue;
    }
    const stored = await storage.get(file);
    if (stored) {
      await storage.put(to, stored.body, stored.contentType ?? undefined);
    }
  }
}

/** `target_path` is the full new path; with `overwrite` an existing target is replaced. */
export async function moveResource(deps: AppDeps, body: Transfer): Promise<void> {
  const plan = await planTransfer(deps, body, "移动");
  if (plan.targetKind !== null) await removeTree(deps, plan.target.key, plan.targetKind);
  await copyFiles(deps, plan.files, plan.source, plan.target);
  await removeTree(deps, plan.source.key, plan.sourceKind);
}

/** Folders are copied recursively; with `overwrite` into an existing folder they merge. */
export async function copyResource(deps: AppDeps, body: Transfer): Promise<void> {
  const plan = await planTransfer(deps, body, "复制");
  // A file and a folder cannot share a name: a target of the other kind is replaced.
  if (plan.targetKind !== null && plan.targetKind !== plan.sourceKind) {
    await removeTree(deps, plan.target.key, plan.targetKind);
  }
  await copyFiles(deps, plan.files, plan.source, plan.target);
}

export async function renameResource(
  deps: AppDeps,
  body: { old_path: string; new_name: string },
): Promise<void> {
  const source = resolveResourcePath(body.old_path);
  if (source.key === ROOT_KEY) throw badRequest("不能重命名根目录");
  const kind = await kindOf(deps, source.key);
  if (kind === null) throw notFound("文件或目录不存在");
  const name = cleanName(body.new_name, "新名称包含非法字符");
  const targetKey = `${parentKey(source.key)}/${name}`;
  if ((await kindOf(deps, targetKey)) !== null) throw conflict("目标名称已存在");
  await moveResource(deps, { source_path: source.rel, target_path: relOf(targetKey) });
}

export async function createDirectory(deps: AppDeps, body: { parent_path?: string; dir_name: string }) {
  const parent = resolveResourcePath(body.parent_path);
  const parentKind = await kindOf(deps, parent.key);
  if (parentKind === "file") throw badRequest("父路径不是目录");
  if (parentKind === null) throw notFound("父目录不存在");
  const name = cleanName(body.dir_name, "参数包含不安全字符");
  const dir = resolveResourcePath(parent.rel ? `${parent.rel}/${name}` : name);
  if ((await kindOf(deps, dir.key)) !== null) throw conflict("目录已存在");
  await deps.storage.put(`${dir.key}/${KEEP}`, new Uint8Array(0));
}
