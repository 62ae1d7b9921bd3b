/*
 * The scheduler state every process and isolate shares through the cache (see node-scheduler.ts):
 * the run state (running / paused / stopped), the paused jobs, the anchors of interval jobs and a
 * version bumped by every change (compare-and-set).
 */

export type SchedulerState = "running" | "paused" | "stopped";

export const SHARED_KEY = "task:scheduler";

export interface Shared {
  v: number;
  state: SchedulerState;
  paused: string[];
  anchors: Record<string, number>;
}

export const initialShared = (): Shared => ({ v: 0, state: "running", paused: [], anchors: {} });

export function parseShared(raw: string | null): Shared {
  if (!raw) return initialShared();
  try {
    const s = JSON.parse(raw) as Partial<Shared>;
    return {
      v: Number.isSafeInteger(s.v) ? (s.v as number) : 0,
      state: s.state === "paused" || s.state === "stopped" ? s.state : "running",
      paused: Array.isArray(s.paused) ? s.paused.map(String) : [],
      anchors: s.anchors && typeof s.anchors === "object" ? s.anchors : {},
    };
  } catch {
    return initialShared();
  }
}

/** How long a taken firing stays taken: outlives clock skew between processes, never the next tick's key. */
export const FIRING_LOCK_MS = 10 * 60_000;

/** The cache key that makes one firing of a node's job run once across processes, isolates and runtimes. */
export const firingLockKey = (jobId: string, firing: number) => `task:job:${jobId}:${firing}`;
