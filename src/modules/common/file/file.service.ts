import type { AppDeps } from "@/core/context";
import { badRequest, notFound } from "@/core/http/errors";
import { assertSafeKey, openStored } from "@/core/storage/storage";
import { storeUpload } from "@/core/storage/upload";

/** What upload answers as `file_path`: the storage key under this prefix. */
const PATH_PREFIX = "static/";
const UPLOAD_PREFIX = `${PATH_PREFIX}upload/`;

export function uploadFile(deps: AppDeps, file: unknown, origin: string) {
  return storeUpload(deps.storage, deps.settings, file instanceof File ? file : null, origin);
}

/**
 * The storage key of a `file_path` that upload returned (`static/upload/...`). Anything that is
 * not plainly such a path (traversal, encoded or not, NUL, backslashes, hidden segments, other
 * folders) is refused before storage sees it.
 */
function uploadKeyOf(filePath: string): string {
  const illegal = () => badRequest("非法的文件路径");
  // Uploads never name a file with `%` (see storeUpload), so encoded forms are refused outright.
  if (!filePath.startsWith(UPLOAD_PREFIX) || /[\\\0%]/.test(filePath)) throw illegal();
  const key = filePath.slice(PATH_PREFIX.length);
  try {
    assertSafeKey(key);
  } catch {
    throw illegal();
  }
  if (key.split("/").some((segment) => segment.startsWith("."))) throw illegal();
  return key;
}

/**
 * The file (streamed) and its name; with `remove`, it is read whole first and the stored file is
 * gone before the answer starts.
 */
export async function downloadFile(deps: AppDeps, filePath: string, remove: boolean) {
  const path = filePath.trim();
  if (!path) throw badRequest("请选择要下载的文件");
  const key = uploadKeyOf(path);
  const file = remove ? await deps.storage.get(key) : await openStored(deps.storage, key);
  if (!file) throw notFound("文件不存在");
  if (remove) await deps.storage.delete(key);
  return {
    body: file.body,
    size: "size" in file ? file.size : file.body.byteLength,
    // Saved under a random name; downloaded under the name it was uploaded with.
    name: file.originName || key.slice(key.lastIndexOf("/") + 1),
  };
}
