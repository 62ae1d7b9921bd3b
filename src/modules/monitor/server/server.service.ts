import type { AppDeps, SystemSnapshot } from "@/core/context";
import { formatDateTime } from "@/core/http/datetime";
import { failedAuditWrites } from "@/core/log/operation-log";
import type { ServerInfo } from "./server.schema";

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/** psutil's bytes2human as upstream shows it: one decimal and the unit, 1024 steps ("15.5GB"). */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)}${UNITS[unit]}`;
}

const human = (bytes: number | null) => (bytes === null ? null : humanBytes(bytes));
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** "<d>天<h>小时<m>分钟" */
export function runTime(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return `${Math.floor(minutes / 1440)}天${Math.floor((minutes % 1440) / 60)}小时${minutes % 60}分钟`;
}

/**
 * What any runtime can tell without a provider (the Worker): the CPU count the platform admits
 * to and its own name; everything else is unknown.
 */
function portableSnapshot(runtime: AppDeps["runtime"]): SystemSnapshot {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; userAgent?: string } }).navigator;
  return {
    cpu: { count: nav?.hardwareConcurrency ?? null, user: null, system: null, idle: null },
    memory: { total: null, available: null },
    host: {
      ip: null,
      name: null,
      arch: null,
      os: runtime === "workerd" ? "Cloudflare Workers" : null,
      cwd: null,
    },
    process: { name: runtime, version: nav?.userAgent ?? null, startedAt: null, executable: null, rss: null },
    disks: [],
  };
}

async function snapshotOf(deps: AppDeps): Promise<SystemSnapshot> {
  if (!deps.systemInfo) return portableSnapshot(deps.runtime);
  try {
    return await deps.systemInfo();
  } catch (err) {
    // A monitor page that cannot read the host shows unknowns instead of failing.
    deps.logger.warn("reading system information failed", { err });
    return portableSnapshot(deps.runtime);
  }
}

/** The server monitor's figures in the contract's shape and formats (§4.3). */
export async function serverInfo(deps: AppDeps, now = Date.now()): Promise<ServerInfo> {
  const s = await snapshotOf(deps);
  const { total, available } = s.memory;
  const used = total !== null && available !== null ? total - available : null;
  const rss = s.process.rss;
  return {
    cpu: { cpu_num: s.cpu.count, used: s.cpu.user, sys: s.cpu.system, free: s.cpu.idle },
    mem: {
      total: human(total),
      used: human(used),
      free: human(available),
      usage: total && used !== null ? round((used / total) * 100, 1) : null,
    },
    sys: {
      computer_ip: s.host.ip,
      computer_name: s.host.name,
      os_arch: s.host.arch,
      os_name: s.host.os,
      user_dir: s.host.cwd,
    },
    // Upstream's meanings: total = available system memory, used = the process' RSS.
    py: {
      name: s.process.name,
      version: s.process.version,
      start_time: s.process.startedAt === null ? null : formatDateTime(new Date(s.process.startedAt)),
      run_time: s.process.startedAt === null ? null : runTime(now - s.process.startedAt),
      home: s.process.executable,
      memory_total: human(available),
      memory_used: human(rss),
      memory_free: available !== null && rss !== null ? humanBytes(Math.max(0, available - rss)) : null,
      memory_usage: available && rss !== null ? round((rss / available) * 100, 2) : null,
    },
    disks: s.disks.map((d) => ({
      dir_name: d.path,
      sys_type_name: d.fsType,
      type_name: `本地固定磁盘（${d.path}）`,
      total: humanBytes(d.total),
      used: humanBytes(d.used),
      free: humanBytes(d.free),
      usage: d.used + d.free > 0 ? round((d.used / (d.used + d.free)) * 100, 1) : 0,
    })),
    // Not upstream's: operation-log rows that could not be written, so a lost audit trail shows.
    audit: { failed_writes: await failedAuditWrites(deps.cache) },
  };
}
