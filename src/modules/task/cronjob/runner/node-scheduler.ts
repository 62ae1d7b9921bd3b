import { Cron } from "croner";
import type { AppDeps } from "@/core/context";
import { parseDateTime } from "@/core/http/datetime";
import { badRequest, notFound } from "@/core/http/errors";
import {
  cronOptions,
  cronPattern,
  describeCron,
  describeInterval,
  intervalSeconds,
  withOffset,
} from "@/modules/task/cronjob/cron";
import { recordMissedRun, runTaskNode } from "./run-node";
import * as repo from "./runner.repo";
import {
  FIRING_LOCK_MS,
  firingLockKey,
  parseShared,
  type SchedulerState,
  SHARED_KEY,
  type Shared,
} from "./shared-state";

/*
 * The task scheduler of one app (one per `deps`, like the auth services): in-process timers over
 * the schedules persisted on `task_node` (`trigger`, `trigger_args`, `start_date`, `end_date`),
 * so they survive restarts — they are re-read on the first use after start.
 *
 * Several processes (WORKERS > 1) or instances (one Redis) run one scheduler each over the same
 * schedules. What they must agree on lives in the shared cache under SHARED_KEY: the run state
 * (running / paused / stopped), the paused jobs, the anchors of interval jobs (so every process
 * computes the same firings) and a version bumped by every change (compare-and-set). Each
 * process reconciles with it — re-reading the schedules from the database when the version
 * moved — every second, before every operation, and before every firing; a firing runs once in
 * total under a per-firing lock. Every run writes a
 * `task_job` row (running → success/failed); periodic jobs keep one `pending` row for their next
 * run, as upstream's event listener did (contract §6.3), without its races (§14 #23): each run
 * updates the row it created, by id. A job's pause is also persisted on its node
 * (`task_node.status`), so it outlives a restart with an in-memory cache.
 *
 * On Workers (`deps.runtime === "workerd"`) there are no timers: the operations behind the
 * endpoints work the same, and the Worker's Cron Trigger runs the due nodes (edge-tick.ts).
 */

export type TriggerKind = "cron" | "interval" | "date";

export interface Schedule {
  kind: TriggerKind;
  /** As sent: cron text, interval fields, or the run date. */
  args: string;
  start: Date | null;
  end: Date | null;
}

interface Entry {
  id: string;
  nodeId: number;
  name: string;
  jobstore: string;
  schedule: Schedule;
  /** The croner pattern (cron) or the period in ms (interval) or the moment (date). */
  pattern?: string;
  periodMs?: number;
  at?: Date;
  anchor: number;
  paused: boolean;
  /** Paused according to the node row (`task_node.status`). */
  pausedStored: boolean;
  lastFire: number;
  timer?: ReturnType<typeof setTimeout>;
}

export type { SchedulerState } from "./shared-state";
export { SHARED_KEY } from "./shared-state";

const STATE_TEXT: Record<SchedulerState, string> = { running: "运行中", paused: "暂停", stopped: "停止" };
/** setTimeout's largest delay; longer waits re-arm in steps. */
const MAX_DELAY = 2_147_483_000;
export const JOBSTORES = ["default", "redis", "sqlalchemy"];
/** How often a process looks for changes made through another one. */
const RECONCILE_MS = 1000;

/** A schedule's identity: a reconciled entry is kept (timer, last firing) while this is unchanged. */
const scheduleKey = (s: Schedule) => JSON.stringify([s.kind, s.args, s.start?.getTime(), s.end?.getTime()]);

export interface JobInfo {
  id: string;
  name: string;
  trigger: string;
  next_run_time: string | null;
  status: string;
}

/** Checks a schedule's text and returns it in runnable form (400 on a bad expression). */
export function compileSchedule(schedule: Schedule): Pick<Entry, "pattern" | "periodMs" | "at"> {
  if (schedule.kind === "cron") return { pattern: cronPattern(schedule.args) };
  if (schedule.kind === "interval") return { periodMs: intervalSeconds(schedule.args) * 1000 };
  const at = parseDateTime(schedule.args);
  if (!at) throw badRequest("时间格式必须为 YYYY-MM-DD HH:MM:SS");
  return { at };
}

export class TaskScheduler {
  state: SchedulerState = "running";
  private readonly jobs = new Map<string, Entry>();
  private readonly busy = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private loading: Promise<void> | null = null;
  private closed = false;
  /** The shared version this process's jobs and state reflect (-1: none yet). */
  private applied = -1;
  private reconciling: Promise<void> | null = null;
  private poller: ReturnType<typeof setInterval> | undefined;
  /** Timers and polling only in a long-lived process; a Worker's Cron Trigger fires instead. */
  private readonly timers: boolean;

  constructor(private readonly deps: AppDeps) {
    this.timers = deps.runtime !== "workerd";
  }

  /** Loads the persisted schedules once (first use after start), then follows the shared state. */
  ready(): Promise<void> {
    this.loading ??= this.reconcile(true)
      .then(() => this.startPolling())
      .catch((err) => {
        this.loading = null;
        throw err;
      });
    return this.loading;
  }

  /** The loaded scheduler, brought up to date with changes made through other processes. */
  private async current(): Promise<void> {
    await this.ready();
    // Without timers (Workers) the Cron Trigger changes schedules too (a date job done, a missed
    // one cleared) without moving the shared version: re-read them at every operation.
    await this.reconcile(!this.timers);
  }

  private startPolling() {
    if (this.closed || this.poller !== undefined || !this.timers) return;
    this.poller = setInterval(() => {
      this.reconcile().catch((err) => this.deps.logger.warn("task scheduler reconcile failed", { err }));
    }, RECONCILE_MS);
    (this.poller as { unref?: () => void }).unref?.();
  }

  /**
   * Applies the shared state: the run state, the paused jobs and — when the version moved or
   * `force` — the schedules re-read from the database. One at a time per process.
   */
  private reconcile(force = false): Promise<void> {
    if (this.reconciling) return force ? this.reconciling.then(() => this.reconcile(true)) : this.reconciling;
    this.reconciling = this.doReconcile(force).finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  private async doReconcile(force: boolean) {
    let shared = parseShared(await this.deps.cache.get(SHARED_KEY));
    if (!force && shared.v === this.applied) return;
    const seen = await this.load(shared);
    for (const id of [...this.jobs.keys()]) if (!seen.has(id)) this.drop(id);
    // Interval jobs without a start date count from an anchor every process must share.
    const unanchored = [...this.jobs.values()].filter(
      (e) => e.periodMs && !e.schedule.start && !(e.id in shared.anchors),
    );
    if (unanchored.length) {
      shared = await this.updateShared((s) => {
        for (const e of unanchored) s.anchors[e.id] ??= e.anchor;
      });
    }
    this.applyShared(shared);
  }

  /** Takes over the run state, pauses and anchors of `shared` and re-arms every timer. */
  private applyShared(shared: Shared) {
    this.state = shared.state;
    const paused = new Set(shared.paused);
    for (const entry of this.jobs.values()) {
      entry.paused = paused.has(entry.id) || entry.pausedStored;
      const anchor = shared.anchors[entry.id];
      if (entry.periodMs && !entry.schedule.start && typeof anchor === "number") entry.anchor = anchor;
      this.arm(entry);
    }
    this.applied = shared.v;
  }

  /**
   * Changes the shared state by compare-and-set (retrying on a concurrent change), bumps its
   * version and applies it here; `change` may throw to refuse (it sees the latest state).
   */
  private async updateShared(change: (s: Shared) => void): Promise<Shared> {
    const { cache } = this.deps;
    for (let attempt = 0; attempt < 100; attempt++) {
      const raw = await cache.get(SHARED_KEY);
      const next = parseShared(raw);
      change(next);
      next.v += 1;
      if (await cache.compareAndSet(SHARED_KEY, raw, JSON.stringify(next))) {
        this.applyShared(next);
        return next;
      }
    }
    throw new Error("task scheduler: the shared state keeps changing; try again");
  }

  /** (Re)reads the persisted schedules; answers the ids scheduled. Unchanged entries are kept. */
  private async load(shared: Shared): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const row of await repo.scheduledNodes(this.deps.db)) {
      const kind = row.trigger as TriggerKind;
      const schedule: Schedule = {
        kind,
        args: row.trigger_args ?? "",
        start: row.start_date ? parseDateTime(row.start_date) : null,
        end: row.end_date ? parseDateTime(row.end_date) : null,
      };
      const id = String(row.id);
      const existing = this.jobs.get(id);
      const pausedStored = row.status === repo.PAUSED_STATUS;
      if (existing && scheduleKey(existing.schedule) === scheduleKey(schedule)) {
        existing.name = row.name;
        existing.pausedStored = pausedStored;
        seen.add(id);
        continue;
      }
      try {
        if (!["cron", "interval", "date"].includes(kind)) throw new Error(`unknown trigger ${kind}`);
        const compiled = compileSchedule(schedule);
        // Only a date trigger compiles to a moment (`at`).
        if (compiled.at && compiled.at.getTime() < Date.now()) {
          // The moment passed while no server ran: record the miss (once, whichever process
          // sees it first) instead of running late.
          if (await this.deps.cache.lock(`task:missed:${id}:${compiled.at.getTime()}`, FIRING_LOCK_MS)) {
            await recordMissedRun(this.deps, id, row.name);
          }
          continue;
        }
        const anchor = shared.anchors[id];
        this.put(row.id, row.name, row.jobstore ?? "default", schedule, compiled, anchor).pausedStored =
          pausedStored;
        seen.add(id);
      } catch (err) {
        this.deps.logger.warn("task schedule not restored", { node: row.id, err });
      }
    }
    return seen;
  }

  private put(
    nodeId: number,
    name: string,
    jobstore: string,
    schedule: Schedule,
    compiled: Pick<Entry, "pattern" | "periodMs" | "at">,
    sharedAnchor?: number,
  ): Entry {
    const id = String(nodeId);
    this.disarm(this.jobs.get(id));
    const entry: Entry = {
      id,
      nodeId,
      name,
      jobstore: JOBSTORES.includes(jobstore) ? jobstore : "default",
      schedule,
      ...compiled,
      anchor: schedule.start?.getTime() ?? sharedAnchor ?? Date.now(),
      paused: false,
      pausedStored: false,
      lastFire: 0,
    };
    this.jobs.set(id, entry);
    this.arm(entry);
    return entry;
  }

  /** When the entry runs next after now (null: never again / paused). */
  private nextRun(entry: Entry, ignorePause = false): Date | null {
    if (entry.paused && !ignorePause) return null;
    const after = Math.max(Date.now(), entry.lastFire);
    const { start, end } = entry.schedule;
    let next: Date | null = null;
    if (entry.pattern) {
      const probe = new Cron(entry.pattern, {
        ...cronOptions(),
        paused: true,
        ...(start ? { startAt: start } : {}),
        ...(end ? { stopAt: end } : {}),
      });
      next = probe.nextRun(new Date(after));
      probe.stop();
    } else if (entry.periodMs) {
      const k = Math.max(1, Math.floor((after - entry.anchor) / entry.periodMs) + 1);
      next = new Date(entry.anchor + k * entry.periodMs);
      if (end && next > end) next = null;
    } else if (entry.at) {
      next = entry.lastFire ? null : entry.at;
    }
    return next;
  }

  private arm(entry: Entry) {
    this.disarm(entry);
    if (this.closed || !this.timers || this.state !== "running" || entry.paused) return;
    const next = this.nextRun(entry);
    if (!next) return;
    const delay = Math.max(0, next.getTime() - Date.now());
    entry.timer = setTimeout(
      () => {
        entry.timer = undefined;
        if (this.jobs.get(entry.id) !== entry) return;
        if (delay > MAX_DELAY) return this.arm(entry);
        entry.lastFire = next.getTime();
        this.fire(entry);
        if (entry.at) this.finishOneShot(entry);
        else this.arm(entry);
      },
      Math.min(delay, MAX_DELAY),
    );
    // a timer must not keep a process (a test run, a CLI) alive on its own
    (entry.timer as { unref?: () => void }).unref?.();
  }

  private disarm(entry: Entry | undefined) {
    if (entry?.timer !== undefined) clearTimeout(entry.timer);
    if (entry) entry.timer = undefined;
  }

  private finishOneShot(entry: Entry) {
    this.jobs.delete(entry.id);
    this.track(repo.clearNodeSchedules(this.deps.db, [entry.nodeId]));
  }

  private track(work: Promise<unknown>): Promise<void> {
    const p = work
      .then(() => undefined)
      .catch((err) => this.deps.logger.error("task scheduler write failed", { err }));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  /**
   * A scheduled firing; skipped while the previous run of the same job is in progress
   * (max_instances 1), and when another process sharing the cache already took this firing.
   */
  private fire(entry: Entry) {
    if (this.busy.has(entry.id)) return;
    this.busy.add(entry.id);
    const firing = entry.lastFire;
    this.track(
      (async () => {
        try {
          // A pause, stop or removal made through another process in the last second wins.
          await this.reconcile();
          if (this.jobs.get(entry.id) !== entry || entry.paused || this.state !== "running") return;
          const lock = await this.deps.cache.lock(firingLockKey(entry.id, firing), FIRING_LOCK_MS);
          if (!lock) return;
          await this.runNode(entry.nodeId, {
            jobId: entry.id,
            triggerType: entry.schedule.kind,
            periodic: !entry.at,
            entry,
          });
        } finally {
          this.busy.delete(entry.id);
        }
      })(),
    );
  }

  /**
   * Runs a node once and records it. `periodic` runs take over the job's pending row and leave a
   * new one for the next run.
   */
  private async runNode(
    nodeId: number,
    opts: { jobId: string; triggerType: string; periodic: boolean; entry?: Entry; nameSuffix?: string },
  ) {
    const node = await runTaskNode(this.deps, nodeId, opts);
    if (!node) {
      if (opts.entry) this.drop(opts.entry.id);
      return;
    }
    if (opts.periodic && opts.entry && this.jobs.get(opts.entry.id) === opts.entry) {
      await this.addPendingLog(opts.entry);
    }
  }

  private async addPendingLog(entry: Entry) {
    const next = this.nextRun(entry, true);
    if (!next) return;
    await repo.insertJobLog(this.deps.db, {
      job_id: entry.id,
      job_name: entry.name,
      trigger_type: entry.schedule.kind,
      status: "pending",
      next_run_time: withOffset(next),
    });
  }

  private drop(id: string) {
    const entry = this.jobs.get(id);
    this.disarm(entry);
    this.jobs.delete(id);
    return entry;
  }

  private entryOf(jobId: string): Entry {
    const entry = this.jobs.get(jobId);
    if (!entry) throw notFound(`任务不存在: ${jobId}`);
    return entry;
  }

  // ---- operations behind the endpoints ----

  /**
   * Schedules a node (replacing its job) and persists the schedule on the node row. Periodic
   * jobs get their first `pending` log row.
   */
  async schedule(node: { id: number; name: string; jobstore: string | null }, schedule: Schedule) {
    await this.current();
    const compiled = compileSchedule(schedule);
    await repo.saveNodeSchedule(this.deps.db, node.id, {
      trigger: schedule.kind,
      trigger_args: schedule.args,
      ...(schedule.kind === "date"
        ? {}
        : {
            start_date: schedule.start ? withoutOffset(schedule.start) : null,
            end_date: schedule.end ? withoutOffset(schedule.end) : null,
          }),
    });
    await repo.cancelPendingJobLogs(this.deps.db, [String(node.id)]);
    const entry = this.put(node.id, node.name, node.jobstore ?? "default", schedule, compiled);
    // Every process re-reads the schedules, with this job's anchor and unpaused.
    await this.updateShared((s) => {
      s.paused = s.paused.filter((id) => id !== entry.id);
      if (entry.periodMs && !schedule.start) s.anchors[entry.id] = entry.anchor;
      else delete s.anchors[entry.id];
    });
    if (!entry.at) await this.addPendingLog(entry);
  }

  /**
   * Runs a node now, outside its schedule (`trigger=now`, `/task/run`): a `manual` log row. The
   * answer settles when the run is recorded: a Worker awaits it (its work ends with the response);
   * a server answers at once and lets it run.
   */
  runNow(nodeId: number, nameSuffix = ""): Promise<void> {
    return this.track(
      this.runNode(nodeId, { jobId: String(nodeId), triggerType: "manual", periodic: false, nameSuffix }),
    );
  }

  async runJobNow(jobId: string) {
    await this.current();
    const entry = this.entryOf(jobId);
    const run = this.runNow(entry.nodeId, "(立即执行)");
    if (!this.timers) await run;
  }

  async pauseJob(jobId: string) {
    await this.current();
    const entry = this.entryOf(jobId);
    await repo.setNodePaused(this.deps.db, entry.nodeId, true);
    entry.pausedStored = true;
    await this.updateShared((s) => {
      if (!s.paused.includes(jobId)) s.paused.push(jobId);
    });
  }

  async resumeJob(jobId: string) {
    await this.current();
    const entry = this.entryOf(jobId);
    await repo.setNodePaused(this.deps.db, entry.nodeId, false);
    entry.pausedStored = false;
    await this.updateShared((s) => {
      s.paused = s.paused.filter((id) => id !== jobId);
    });
  }

  /** Tells every process that these jobs are gone (after their schedules were cleared). */
  private forgetShared(jobIds: string[] | "all") {
    return this.updateShared((s) => {
      const gone = (id: string) => jobIds === "all" || jobIds.includes(id);
      s.paused = s.paused.filter((id) => !gone(id));
      for (const id of Object.keys(s.anchors)) if (gone(id)) delete s.anchors[id];
    });
  }

  async removeJob(jobId: string) {
    await this.current();
    const entry = this.entryOf(jobId);
    this.drop(jobId);
    await repo.clearNodeSchedules(this.deps.db, [entry.nodeId]);
    await repo.cancelPendingJobLogs(this.deps.db, [jobId]);
    await this.forgetShared([jobId]);
  }

  /** Removes the jobs of these nodes, if scheduled (node delete/clear). */
  async unschedule(nodeIds: number[]) {
    await this.current();
    for (const id of nodeIds) this.drop(String(id));
    await repo.clearNodeSchedules(this.deps.db, nodeIds);
    await repo.cancelPendingJobLogs(this.deps.db, nodeIds.map(String));
    await this.forgetShared(nodeIds.map(String));
  }

  async clear() {
    await this.current();
    // Every scheduled node, also those another process scheduled a moment ago.
    const rows = await repo.scheduledNodes(this.deps.db);
    const ids = [...new Set([...this.jobs.values()].map((e) => e.nodeId).concat(rows.map((r) => r.id)))];
    for (const id of [...this.jobs.keys()]) this.drop(id);
    await repo.clearNodeSchedules(this.deps.db, ids);
    await repo.cancelPendingJobLogs(this.deps.db);
    await this.forgetShared("all");
  }

  async start() {
    await this.current();
    await this.setState("running", (state) => {
      if (state !== "stopped") throw badRequest("调度器已在运行中");
    });
  }

  async pause() {
    await this.current();
    await this.setState("paused", (state) => {
      if (state === "stopped") throw badRequest("调度器未运行");
    });
  }

  async resume() {
    await this.current();
    await this.setState("running", (state) => {
      if (state === "stopped") throw badRequest("调度器未运行");
    });
  }

  async shutdown() {
    await this.current();
    await this.setState("stopped", (state) => {
      if (state === "stopped") throw badRequest("调度器未运行");
    });
  }

  /** Changes the run state of every process; `check` refuses against the latest shared state. */
  private async setState(state: SchedulerState, check: (current: SchedulerState) => void) {
    await this.updateShared((s) => {
      check(s.state);
      s.state = state;
    });
  }

  async status() {
    await this.current();
    return {
      status: STATE_TEXT[this.state],
      is_running: this.state !== "stopped",
      job_count: this.jobs.size,
    };
  }

  private describe(entry: Entry): string {
    if (entry.pattern) return describeCron(entry.schedule.args);
    if (entry.periodMs) return describeInterval(entry.periodMs / 1000);
    return entry.at ? `date[${withOffset(entry.at)}]` : "date[]";
  }

  async list(): Promise<JobInfo[]> {
    await this.current();
    return [...this.jobs.values()]
      .sort((a, b) => a.nodeId - b.nodeId)
      .map((entry) => {
        const next = this.nextRun(entry);
        return {
          id: entry.id,
          name: entry.name,
          trigger: this.describe(entry),
          next_run_time: next ? withOffset(next) : null,
          status: entry.paused ? "暂停中" : this.state === "stopped" ? "已停止" : "运行中",
        };
      });
  }

  /** APScheduler's `print_jobs()` text. */
  async console(): Promise<string> {
    const jobs = await this.list();
    const line = (j: JobInfo) =>
      `    ${j.name} (trigger: ${j.trigger}, ${j.next_run_time ? `next run at: ${j.next_run_time}` : "paused"})\n`;
    if (this.state === "stopped") {
      return `Pending jobs:\n${jobs.length ? jobs.map(line).join("") : "    No pending jobs\n"}`;
    }
    return JOBSTORES.map((store) => {
      const own = jobs.filter((j) => this.jobs.get(j.id)?.jobstore === store);
      return `Jobstore ${store}:\n${own.length ? own.map(line).join("") : "    No scheduled jobs\n"}`;
    }).join("");
  }

  /** Gives every scheduled job without a pending log row one; returns how many were added. */
  async sync(): Promise<number> {
    await this.current();
    const ids = [...this.jobs.keys()];
    if (!ids.length) return 0;
    const has = await repo.jobsWithPendingLog(this.deps.db, ids);
    let added = 0;
    for (const entry of this.jobs.values()) {
      if (has.has(entry.id) || !this.nextRun(entry, true)) continue;
      await this.addPendingLog(entry);
      added++;
    }
    return added;
  }

  /** Whether a job of this id is scheduled (tests, node output). */
  has(jobId: string) {
    return this.jobs.has(jobId);
  }

  /** Stops every timer and waits for the runs in progress. */
  async stop() {
    this.closed = true;
    if (this.poller !== undefined) clearInterval(this.poller);
    this.poller = undefined;
    for (const entry of this.jobs.values()) this.disarm(entry);
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Waits for the runs in progress (tests). */
  async idle() {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }
}

function withoutOffset(d: Date) {
  return withOffset(d).slice(0, 19);
}

const schedulers = new WeakMap<AppDeps, TaskScheduler>();

/** The app's task scheduler, created on first use. */
export function taskScheduler(deps: AppDeps): TaskScheduler {
  let s = schedulers.get(deps);
  if (!s) {
    s = new TaskScheduler(deps);
    schedulers.set(deps, s);
  }
  return s;
}

/** Stops the app's scheduler (tests, shutdown); the next use builds a fresh one. */
export async function stopTaskScheduler(deps: AppDeps) {
  const s = schedulers.get(deps);
  schedulers.delete(deps);
  await s?.stop();
}
