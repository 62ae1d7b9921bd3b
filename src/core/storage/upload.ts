import type { Settings } from "../../config";
import { badRequest } from "../http/errors";
import type { Storage } from "./storage";

/** Never stored, whatever ALLOWED_EXTENSIONS says (contract §12.12). */
export const DANGEROUS = new Set(
  (
    ".py .pyc .pyo .php .php3 .php4 .php5 .phtml .exe .bat .cmd .sh .bash .zsh .ps1 .ps2 .psm1 .psd1 " +
    ".vbs .vbe .js .jse .wsf .wsh .msi .dll .so .dylib .jar .class .jsp .jspx .asp .aspx .asa .asax .cer " +
    ".cdx .config .htaccess .htpasswd .sql .db .sqlite .sqlite3 .html .htm .xhtml .mjs"
  ).split(" "),
);

export interface UploadResult {
  /** relative path as the contract shows it: `static/upload/YYYY/MM/DD/<name>` */
  file_path: string;
  file_name: string;
  origin_name: string;
  /** absolute URL under /api/v1/static */
  file_url: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The base name reduced to `[A-Za-z0-9_-]` and CJK, at most 50 characters. */
function sanitiseStem(name: string): string {
  const stem = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name;
  const clean = stem.replace(/[^A-Za-z0-9_\-\u4e00-\u9fa5]/g, "").slice(0, 50);
  return clean || "file";
}

/**
 * Validates an uploaded file (name, extension, size) and stores it under
 * `upload/YYYY/MM/DD/<stem>_<YYYYmmddHHMMSS>A<NNN><ext>`; SVG is refused unless allowed, and
 * markup/script types never are, so nothing uploaded can run in the SPA's origin.
 */
export async function storeUpload(
  storage: Storage,
  settings: Pick<Settings, "ALLOWED_EXTENSIONS" | "MAX_FILE_SIZE">,
  file: File | null | undefined,
  baseUrl: string,
): Promise<UploadResult> {
  if (!file || typeof file === "string" || !file.name) throw badRequest("请选择要上传的文件");
  const name = file.name;
  if (/\.\.[/\\]|[/\\\0]/.test(name)) throw badRequest("文件名包含非法字符");
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot).toLowerCase() : "";
  if (ext.length < 2) throw badRequest("无法识别文件类型");
  if (DANGEROUS.has(ext)) throw badRequest(`不允许上传此类型的文件: ${ext}`);
  const allowed = settings.ALLOWED_EXTENSIONS.map((e) => e.toLowerCase());
  if (!allowed.includes(ext)) throw badRequest(`文件类型不支持，允许的类型: ${allowed.join(", ")}`);
  if (file.size > settings.MAX_FILE_SIZE) {
    throw badRequest(`文件大小超过限制，最大允许 ${Math.floor(settings.MAX_FILE_SIZE / 1024 / 1024)}MB`);
  }
  const now = new Date();
  const dir = `upload/${now.getFullYear()}/${pad(now.getMonth() + 1)}/${pad(now.getDate())}`;
  const stamp =
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const random = pad(1 + Math.floor(Math.random() * 999), 3);
  const fileName = `${sanitiseStem(name)}_${stamp}A${random}${ext}`;
  const key = `${dir}/${fileName}`;
  await storage.put(key, new Uint8Array(await file.arrayBuffer()), file.type || undefined);
  const filePath = `static/${key}`;
  return {
    file_path: filePath,
    file_name: fileName,
    origin_name: name,
    file_url: `${baseUrl.replace(/\/$/, "")}/api/v1/${filePath}`,
  };
}
