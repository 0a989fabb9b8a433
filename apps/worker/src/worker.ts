// The worker daemon's scheduler. It claims jobs while it has free slots for a
// kind, then sleeps until one of: the due-work subscription says work is due,
// a job's runAt arrives, a slot frees up after a successful claim, or the
// poll interval passes (the safety net if the subscription drops).
// Shutdown: stop claiming, let running jobs finish within the grace period,
// then release the rest back to the queue; a second request forces it.
import { hostname } from "node:os";
import type { JobKind } from "@nexus/shared/jobs";
import { connectionBackoffMs } from "./backoff.ts";
import { convexErrorCode } from "./errors.ts";
import type { WorkerConvex } from "./handler.ts";
import { type JobOutcome, runJob } from "./job-runner.ts";
import { errorFields, type Logger } from "./logger.ts";
import type { WorkerMetrics } from "./metrics.ts";
import type { ClaimedJob, DueWork, QueueClient } from "./queue-client.ts";
import { claimableKinds, type Registry } from "./registry.ts";

export const WORKER_VERSION = "0.1.0";

export interface WorkerOptions {
  queue: QueueClient;
  registry: Registry;
  convex: WorkerConvex;
  log: Logger;
  workerId: string;
  concurrency: Record<JobKind, number>;
  pollIntervalMs: number;
  leaseMs: number;
  heartbeatMs: number;
  beatIntervalMs: number;
  shutdownGraceMs: number;
  disableSubscription: boolean;
  retryBaseMsOverride?: number;
  /** Secret values removed from reported job errors (logs are redacted by the logger). */
  secrets?: readonly string[];
  /** Prometheus metrics (GET /metrics); absent in tests that do not read them. */
  metrics?: WorkerMetrics;
}

export interface WorkerStatus {
  workerId: string;
  state: "starting" | "running" | "stopping" | "stopped";
  connected: boolean;
  subscription: "disabled" | "live" | "error" | "pending";
  lastPollOkAt: number | null;
  lastClaimAt: number | null;
  running: { jobId: string; kind: JobKind; startedAt: number }[];
  completed: number;
  failedCalls: number;
}

interface RunningJob {
  job: ClaimedJob;
  startedAt: number;
  done: Promise<JobOutcome>;
}

export class Worker {
  private readonly slots: Map<JobKind, number>;
  private readonly running = new Map<string, RunningJob>();
  private readonly perKind = new Map<JobKind, number>();
  private readonly due = new Map<JobKind, number>();
  private readonly shutdownController = new AbortController();
  private state: WorkerStatus["state"] = "starting";
  private subscription: WorkerStatus["subscription"];
  private unsubscribe: (() => void) | null = null;
  private claimWanted = true;
  private lastClaimGotJob = false;
  private wakeUp: (() => void) | null = null;
  private consecutiveFailures = 0;
  private lastPollOkAt: number | null = null;
  private lastClaimAt: number | null = null;
  private completed = 0;
  private failedCalls = 0;
  private loopDone: Promise<void> | null = null;
  private beatTimer: ReturnType<typeof setInterval> | null = null;
  private stopping: Promise<void> | null = null;
  private forced = false;

  constructor(private readonly options: WorkerOptions) {
    this.slots = claimableKinds(options.registry, options.concurrency);
    this.subscription = options.disableSubscription ? "disabled" : "pending";
  }

  get kinds(): JobKind[] {
    return [...this.slots.keys()];
  }

  status(): WorkerStatus {
    return {
      workerId: this.options.workerId,
      state: this.state,
      connected: this.options.queue.isConnected(),
      subscription: this.subscription,
      lastPollOkAt: this.lastPollOkAt,
      lastClaimAt: this.lastClaimAt,
      running: [...this.running.values()].map((r) => ({
        jobId: r.job.jobId,
        kind: r.job.kind,
        startedAt: r.startedAt,
      })),
      completed: this.completed,
      failedCalls: this.failedCalls,
    };
  }

  /** Registers the worker (retrying on connection errors) and starts claiming. */
  async start(): Promise<void> {
    const { queue, log, workerId } = this.options;
    if (this.slots.size === 0) throw new Error("Aucun type de tâche à traiter (concurrence à 0 ?)");
    const concurrency = Object.fromEntries(this.slots);
    for (let failures = 0; ; failures++) {
      try {
        await queue.register({
          workerId,
          host: hostname(),
          version: WORKER_VERSION,
          kinds: this.kinds,
          concurrency,
        });
        break;
      } catch (error) {
        if (convexErrorCode(error) === "WORKER_AUTH") throw error;
        if (this.shutdownController.signal.aborted) return;
        const delay = connectionBackoffMs(failures + 1);
        log.warn("worker.register_failed", { ...errorFields(error), retryInMs: delay });
        await sleep(delay);
      }
    }
    this.state = "running";
    log.info("worker.started", {
      workerId,
      kinds: this.kinds,
      concurrency,
      pollIntervalMs: this.options.pollIntervalMs,
      leaseMs: this.options.leaseMs,
      subscription: !this.options.disableSubscription,
    });
    if (!this.options.disableSubscription) this.subscribe();
    this.beatTimer = setInterval(() => void this.beat(), this.options.beatIntervalMs);
    this.loopDone = this.loop();
  }

  private subscribe() {
    this.unsubscribe = this.options.queue.subscribeDueWork(
      this.kinds,
      (due) => this.onDueWork(due),
      (error) => {
        this.subscription = "error";
        this.options.log.warn("worker.subscription_error", errorFields(error));
      },
    );
  }

  private onDueWork(due: DueWork[]) {
    this.subscription = "live";
    this.due.clear();
    for (const d of due) this.due.set(d.kind, d.earliestRunAt);
    const now = Date.now();
    if (due.some((d) => d.earliestRunAt <= now && this.hasFreeSlot(d.kind)))
      this.claimWanted = true;
    // Wake the loop either to claim or to re-arm its timer for a future runAt.
    this.wake();
  }

  private hasFreeSlot(kind: JobKind): boolean {
    return (this.perKind.get(kind) ?? 0) < (this.slots.get(kind) ?? 0);
  }

  private freeKinds(): JobKind[] {
    return this.kinds.filter((k) => this.hasFreeSlot(k));
  }

  private wake() {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  /** How long to sleep: until the next known runAt of a kind with a free slot, at most the poll interval. */
  private nextDelay(): number {
    const now = Date.now();
    let delay = this.options.pollIntervalMs;
    for (const [kind, runAt] of this.due) {
      if (runAt > now && this.hasFreeSlot(kind)) delay = Math.min(delay, runAt - now + 1);
    }
    return delay;
  }

  private async loop(): Promise<void> {
    const { log } = this.options;
    let lastPoll = Date.now();
    while (this.state === "running") {
      const now = Date.now();
      if (now - lastPoll >= this.options.pollIntervalMs) {
        this.claimWanted = true;
        lastPoll = now;
      }
      // A known runAt that has arrived for a kind with a free slot.
      for (const [kind, runAt] of this.due) {
        if (runAt <= now && runAt > (this.lastClaimAt ?? 0) && this.hasFreeSlot(kind)) {
          this.claimWanted = true;
        }
      }
      if (this.claimWanted && this.freeKinds().length > 0) {
        this.claimWanted = false;
        const ok = await this.claimBatch();
        if (!ok) {
          const delay = connectionBackoffMs(this.consecutiveFailures);
          log.warn("worker.backoff", { delayMs: delay, failures: this.consecutiveFailures });
          await this.sleepOrWake(delay);
          this.claimWanted = true;
          continue;
        }
        lastPoll = Date.now();
      }
      if (this.state !== "running") break;
      if (this.claimWanted && this.freeKinds().length > 0) continue;
      await this.sleepOrWake(this.nextDelay());
    }
  }

  /** Claims until nothing is due or every slot is taken. false on a failed call. */
  private async claimBatch(): Promise<boolean> {
    const { queue, workerId, leaseMs, log } = this.options;
    for (;;) {
      const kinds = this.freeKinds();
      if (kinds.length === 0 || this.state !== "running") return true;
      const started = Date.now();
      let job: ClaimedJob | null;
      try {
        job = await queue.claim({ workerId, kinds, leaseMs });
      } catch (error) {
        this.consecutiveFailures++;
        this.failedCalls++;
        log.warn("worker.claim_failed", errorFields(error));
        return false;
      }
      this.consecutiveFailures = 0;
      this.lastPollOkAt = Date.now();
      this.lastClaimAt = started;
      this.lastClaimGotJob = job !== null;
      if (!job) return true;
      if (this.state !== "running") {
        // Stopped while the claim was in flight: give it straight back.
        await queue
          .release({ jobId: job.jobId, claimToken: job.claimToken, reason: "arrêt du worker" })
          .catch((error: unknown) => log.warn("job.release_failed", errorFields(error)));
        return true;
      }
      this.startJob(job);
    }
  }

  private startJob(job: ClaimedJob) {
    const { options } = this;
    this.perKind.set(job.kind, (this.perKind.get(job.kind) ?? 0) + 1);
    options.metrics?.jobClaimed(job);
    const done = runJob({
      queue: options.queue,
      handler: options.registry.get(job.kind),
      job,
      leaseMs: options.leaseMs,
      heartbeatMs: options.heartbeatMs,
      log: options.log,
      convex: options.convex,
      shutdownSignal: this.shutdownController.signal,
      retryBaseMsOverride: options.retryBaseMsOverride,
      secrets: options.secrets,
      onFinished: ({ outcome, durationMs, result }) =>
        options.metrics?.jobFinished(job, outcome, durationMs, result),
    });
    this.running.set(job.jobId, { job, startedAt: Date.now(), done });
    void done.then((outcome) => {
      this.running.delete(job.jobId);
      this.perKind.set(job.kind, (this.perKind.get(job.kind) ?? 1) - 1);
      if (outcome === "completed") this.completed++;
      // A slot is free: claim again if the last claim found work (more may be waiting).
      if (this.lastClaimGotJob || (this.due.get(job.kind) ?? Infinity) <= Date.now()) {
        this.claimWanted = true;
      }
      this.wake();
    });
  }

  private sleepOrWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async beat() {
    const { queue, workerId, log } = this.options;
    if (this.state !== "running" && this.state !== "stopping") return;
    try {
      const { known } = await queue.beat({
        workerId,
        currentJobs: [...this.running.keys()],
        status: this.state === "running" ? "online" : "stopping",
      });
      if (!known) {
        // The registry row vanished (e.g. a reset local runtime): announce again.
        await queue.register({
          workerId,
          host: hostname(),
          version: WORKER_VERSION,
          kinds: this.kinds,
          concurrency: Object.fromEntries(this.slots),
        });
      }
    } catch (error) {
      log.warn("worker.beat_failed", errorFields(error));
    }
  }

  /**
   * Graceful stop: no more claims; running jobs get `shutdownGraceMs` to
   * finish, then are aborted and released. Calling it again forces the stop.
   */
  shutdown(reason = "shutdown"): Promise<void> {
    if (this.stopping) {
      this.force();
      return this.stopping;
    }
    this.stopping = this.doShutdown(reason);
    return this.stopping;
  }

  /** Aborts running jobs now (they are released back to the queue). */
  force() {
    if (this.forced) return;
    this.forced = true;
    this.options.log.warn("worker.force_stop", { running: this.running.size });
    this.shutdownController.abort();
  }

  private async doShutdown(reason: string): Promise<void> {
    const { log, queue, workerId } = this.options;
    const wasRunning = this.state === "running";
    this.state = "stopping";
    log.info("worker.stopping", { reason, running: this.running.size });
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wake();
    await this.loopDone;
    if (wasRunning) await this.beat();
    if (this.running.size > 0) {
      const all = Promise.all([...this.running.values()].map((r) => r.done));
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<"grace">((resolve) => {
        graceTimer = setTimeout(() => resolve("grace"), this.options.shutdownGraceMs);
      });
      const first = await Promise.race([all.then(() => "done" as const), grace]);
      clearTimeout(graceTimer);
      if (first === "grace") {
        log.warn("worker.grace_expired", { running: this.running.size });
        this.force();
      }
      await all;
    }
    if (this.beatTimer) clearInterval(this.beatTimer);
    if (wasRunning) {
      await queue.stop(workerId).catch((error: unknown) => {
        log.warn("worker.stop_failed", errorFields(error));
      });
    }
    this.state = "stopped";
    log.info("worker.stopped", { completed: this.completed });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
