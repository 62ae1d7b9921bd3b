import type { Settings } from "@/config";
import { badRequest } from "@/core/http/errors";
import { CONTROL_CHARACTER } from "@/core/http/query-text";
import { contentMatchesExtension } from "./content-check";
import { contentTypeOf, type Storage } from "./storage";

/**
 * Never stored, whatever ALLOWED_EXTENSIONS says (contract §12.12): programs and scripts of any
 * platform, server-side pages, and everything a browser renders as a page or runs (HTML, XML
 * stylesheets, compressed SVG that no content check can read).
 */
export const DANGEROUS = new Set(
  (
    ".py .pyc .pyo .pyw .php .php3 .php4 .php5 .php7 .phar .phtml .pl .cgi .rb .exe .com .scr .pif .cpl " +
    ".msc .msi .msp .lnk .reg .bat .cmd .sh .bash .zsh .ksh .csh .ps1 .ps2 .psm1 .psd1 .vb .vbs .vbe .js " +
    ".jse .cjs .mjs .ts .wsf .wsh .hta .htc .dll .so .dylib .app .apk .deb .rpm .jar .war .class .jsp " +
    ".jspx .asp .aspx .asa .asax .ashx .asmx .cer .cdx .config .htaccess .htpasswd .sql .db .sqlite " +
    ".sqlite3 .html .htm .xhtml .xht .shtml .shtm .mht .mhtml .xml .xsl .xslt .svgz .swf .wasm"
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

const pad = (n: number) => String(n).padStart(2, "0");

/** 128 random bits as 32 hex digits: the stored name, which nobody can guess or enumerate. */
function randomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Validates an uploaded file (name, extension, size, and that its content is what the extension
 * says) and stores it under `upload/YYYY/MM/DD/<128 random bits as hex><ext>`. The stored files
 * are served without a token (avatars are `<img>` sources), so the name is the secret; the
 * uploader's name is kept beside the file only for Content-Disposition. SVG is refused unless
 * allowed, markup/script types never are, and an HTML body under an image name is refused, so
 * nothing uploaded can run in the SPA's origin.
 */
export async function storeUpload(
  storage: Storage,
  settings: Pick<Settings, "ALLOWED_EXTENSIONS" | "MAX_FILE_SIZE">,
  file: File | null | undefined,
  baseUrl: string,
): Promise<UploadResult> {
  if (!file || typeof file === "string" || !file.name) throw badRequest("请选择要上传的文件");
  const name = file.name;
  if (/[/\\]/.test(name) || CONTROL_CHARACTER.test(name)) throw badRequest("文件名包含非法字符");
  if (name.length > 255) throw badRequest("文件名过长");
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot).toLowerCase() : "";
  if (ext.length < 2) throw badRequest("无法识别文件类型");
  if (DANGEROUS.has(ext)) throw badRequest(`不允许上传此类型的文件: ${ext}`);
  const allowed = settings.ALLOWED_EXTENSIONS.map((e) => e.toLowerCase());
  if (!allowed.includes(ext)) throw badRequest(`文件类型不支持，允许的类型: ${allowed.join(", ")}`);
  if (file.size > settings.MAX_FILE_SIZE) {
    throw badRequest(`文件大小超过限制，最大允许 ${Math.floor(settings.MAX_FILE_SIZE / 1024 / 1024)}MB`);
  }
  const body = new Uint8Array(await file.arrayBuffer());
  if (!contentMatchesExtension(ext, body)) throw badRequest(`文件内容与扩展名不符: ${ext}`);
  const now = new Date();
  const dir = `upload/${now.getFullYear()}/${pad(now.getMonth() + 1)}/${pad(now.getDate())}`;
  const fileName = `${randomName()}${ext}`;
  const key = `${dir}/${fileName}`;
  await storage.put(key, body, contentTypeOf(key) ?? undefined, name);
  const filePath = `static/${key}`;
  return {
    file_path: filePath,
    file_name: fileName,
    origin_name: name,
    file_url: `${baseUrl.replace(/\/$/, "")}/api/v1/${filePath}`,
  };
}
