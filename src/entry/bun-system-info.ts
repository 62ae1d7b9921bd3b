import { readFile, statfs } from "node:fs/promises";
import os from "node:os";
import { dirname, resolve } from "node:path";
import type { AppDeps, SystemSnapshot } from "@/core/context";

/** statfs' `type` magic numbers of the filesystems a server is likely to sit on. */
const FS_TYPES: Record<number, string> = {
  61267: "ext4",
  1481003842: "xfs",
  2435016766: "btrfs",
  801189825: "zfs",
  16914836: "tmpfs",
  2035054128: "overlay",
  26985: "nfs",
  4283649346: "cifs",
  1702057286: "fuse",
  1936814952: "squashfs",
  4076150800: "f2fs",
  16914839: "9p",
  19780: "vfat",
  1397118030: "ntfs",
  464386766: "bfs",
  2240043254: "ramfs",
};

interface CpuSample {
  at: number;
  user: number;
  system: number;
  idle: number;
  total: number;
}

function sampleCpu(): CpuSample {
  const sample = { at: Date.now(), user: 0, system: 0, idle: 0, total: 0 };
  for (const { times } of os.cpus()) {
    sample.user += times.user;
    sample.system += times.sys;
    sample.idle += times.idle;
    sample.total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return sample;
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/** MemAvailable on Linux (what psutil calls available); elsewhere the free memory the OS reports. */
async function availableMemory(): Promise<number> {
  const meminfo = await readFile("/proc/meminfo", "utf8").catch(() => "");
  const kb = /^MemAvailable:\s+(\d+)\s+kB/m.exec(meminfo);
  return kb ? Number(kb[1]) * 1024 : os.freemem();
}

/** The first external IPv4 address; loopback when there is none (never a DNS lookup that can fail). */
function hostIp(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const addr of list ?? []) if (addr.family === "IPv4" && !addr.internal) return addr.address;
  }
  return "127.0.0.1";
}

/** The path itself, or its nearest existing parent (the storage folder appears on first upload). */
async function statNearest(path: string) {
  for (let p = resolve(path); ; p = dirname(p)) {
    const stats = await statfs(p).catch(() => null);
    if (stats || p === dirname(p)) return stats;
  }
}

async function diskOf(path: string): Promise<SystemSnapshot["disks"][number] | null> {
  const s = await statNearest(path);
  if (!s) return null;
  const unit = s.bsize;
  const total = s.blocks * unit;
  const used = (s.blocks - s.bfree) * unit;
  return {
    path: resolve(path),
    fsType: FS_TYPES[s.type] ?? `0x${s.type.toString(16)}`,
    total,
    used,
    free: s.bavail * unit,
  };
}

/**
 * The server monitor's figures from Bun's `os`/`process` and `statfs` on `diskPaths`. CPU
 * percentages are measured since the previous call (or over 200 ms on the first), as psutil's
 * `cpu_times_percent()` does.
 */
export function createBunSystemInfo(opts: { diskPaths: string[] }): NonNullable<AppDeps["systemInfo"]> {
  let previous: CpuSample | null = null;
  const startedAt = Math.round(Date.now() - process.uptime() * 1000);
  return async () => {
    if (!previous || Date.now() - previous.at < 200) {
      previous = sampleCpu();
      await Bun.sleep(200);
    }
    const current = sampleCpu();
    const total = current.total - previous.total;
    const cpu = {
      count: os.cpus().length || null,
      user: percent(current.user - previous.user, total),
      system: percent(current.system - previous.system, total),
      idle: percent(current.idle - previous.idle, total),
    };
    previous = current;

    const paths = [...new Set(opts.diskPaths.map((p) => resolve(p)))];
    const disks = (await Promise.all(paths.map(diskOf))).filter((d) => d !== null);
    return {
      cpu,
      memory: { total: os.totalmem(), available: await availableMemory() },
      host: {
        ip: hostIp(),
        name: os.hostname(),
        arch: os.machine?.() ?? process.arch,
        os: `${os.type()}-${os.release()}-${os.machine?.() ?? process.arch}`,
        cwd: process.cwd(),
      },
      process: {
        name: "bun",
        version: Bun.version,
        startedAt,
        executable: process.execPath,
        rss: process.memoryUsage().rss,
      },
      disks,
    };
  };
}
