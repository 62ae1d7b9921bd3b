import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { LogSink } from "@/core/log/logger";

/**
 * A log sink appending JSON lines to `path`, rotated by size: app.log → app.log.1 → … → app.log.N,
 * the oldest dropped. Synchronous appends keep lines whole and ordered across a crash.
 */
export function rotatingFileSink(path: string, maxBytes: number, keep: number): LogSink {
  mkdirSync(dirname(path), { recursive: true });
  let size = existsSync(path) ? statSync(path).size : 0;
  return (line) => {
    const bytes = Buffer.byteLength(line) + 1;
    if (size > 0 && size + bytes > maxBytes) {
      rmSync(`${path}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--) {
        if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      }
      renameSync(path, `${path}.1`);
      size = 0;
    }
    appendFileSync(path, `${line}\n`);
    size += bytes;
  };
}
