// An in-memory QueueClient for unit tests of the runner and the scheduler.
// Same contract as the Convex functions, minus persistence.
import type { JobKind } from "@nexus/shared/jobs";
import type { ClaimedJob, DueWork, FailOutcome, QueueClient } from "./queue-client.ts";

interface MemJob {
  id: string;
  kind: JobKind;
  payload: unknown;
  status: "pending" | "running" | "completed" | "failed" | "cancelled";
  runAt: number;
  attempts: number;
  maxAttempts: number;
  token?: string;
  cancelRequested?: boolean;
  result?: unknown;
  error?: { message: string; retryable: boolean };
  progress?: unknown;
}

function leaseLost(): Error {
  return Object.assign(new Error("LEASE_LOST"), {
    data: { code: "LEASE_LOST", message: "bail perdu" },
  });
}

export class MemoryQueue implements QueueClient {
  jobs = new Map<string, MemJob>();
  calls: string[] = [];
  maxRunning = new Map<JobKind, number>();
  private listeners = new Set<(due: DueWork[]) => void>();
  private seq = 0;
  connected = true;
  failClaims = 0;

  add(kind: JobKind, payload: unknown, opts: { maxAttempts?: number; runAt?: number } = {}) {
    const id = `job${++this.seq}`;
    this.jobs.set(id, {
      id,
      kind,
      payload,
      status: "pending",
      runAt: opts.runAt ?? Date.now(),
      attempts: 0,
      maxAttempts: opts.maxAttempts ?? 3,
    });
    this.notify();
    return id;
  }

  get(id: string): MemJob {
    return this.jobs.get(id)!;
  }

  running(kind: JobKind) {
    return [...this.jobs.values()].filter((j) => j.kind === kind && j.status === "running").length;
  }

  private notify() {
    const due = this.dueWork();
    for (const l of this.listeners) l(due);
  }

  private dueWork(): DueWork[] {
    const out = new Map<JobKind, number>();
    for (const j of this.jobs.values()) {
      if (j.status !== "pending") continue;
      out.set(j.kind, Math.min(out.get(j.kind) ?? Infinity, j.runAt));
    }
    return [...out].map(([kind, earliestRunAt]) => ({ kind, earliestRunAt }));
  }

  private lease(id: string, token: string): MemJob {
    const j = this.jobs.get(id);
    if (j?.status !== "running" || j.token !== token) throw leaseLost();
    return j;
  }

  async register() {
    this.calls.push("register");
  }
  async beat() {
    this.calls.push("beat");
    return { known: true };
  }
  async stop() {
    this.calls.push("stop");
  }
  async claim(args: { workerId: string; kinds: JobKind[]; leaseMs: number }) {
    this.calls.push("claim");
    if (this.failClaims > 0) {
      this.failClaims--;
      throw new Error("connexion perdue");
    }
    const now = Date.now();
    const job = [...this.jobs.values()].find(
      (j) => j.status === "pending" && j.runAt <= now && args.kinds.includes(j.kind),
    );
    if (!job) return null;
    job.status = "running";
    job.attempts++;
    job.token = `t${++this.seq}`;
    this.maxRunning.set(
      job.kind,
      Math.max(this.maxRunning.get(job.kind) ?? 0, this.running(job.kind)),
    );
    this.notify();
    const claimed: ClaimedJob = {
      jobId: job.id,
      kind: job.kind,
      payload: job.payload,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      claimToken: job.token,
      leaseExpiresAt: now + args.leaseMs,
      priority: 0,
      runAt: job.runAt,
      createdAt: now,
      claimedAt: now,
    };
    return claimed;
  }
  async heartbeat(args: { jobId: string; claimToken: string; progress?: unknown }) {
    this.calls.push("heartbeat");
    const j = this.lease(args.jobId, args.claimToken);
    if (args.progress) j.progress = args.progress;
    return { cancelRequested: j.cancelRequested ?? false, leaseExpiresAt: Date.now() + 1_000 };
  }
  async complete(args: { jobId: string; claimToken: string; result?: unknown }) {
    this.calls.push("complete");
    const j = this.lease(args.jobId, args.claimToken);
    j.status = "completed";
    j.result = args.result;
    j.token = undefined;
  }
  async fail(args: {
    jobId: string;
    claimToken: string;
    error: { message: string };
    retryable: boolean;
    backoff?: { baseMs: number };
  }): Promise<FailOutcome> {
    this.calls.push("fail");
    const j = this.lease(args.jobId, args.claimToken);
    j.token = undefined;
    j.error = { message: args.error.message, retryable: args.retryable };
    if (j.cancelRequested) {
      j.status = "cancelled";
      return { status: "cancelled" };
    }
    if (!args.retryable || j.attempts >= j.maxAttempts) {
      j.status = "failed";
      return { status: "failed" };
    }
    j.status = "pending";
    j.runAt = Date.now() + (args.backoff?.baseMs ?? 0) * 2 ** (j.attempts - 1);
    this.notify();
    return { status: "pending", runAt: j.runAt };
  }
  async release(args: { jobId: string; claimToken: string }) {
    this.calls.push("release");
    const j = this.lease(args.jobId, args.claimToken);
    j.status = "pending";
    j.attempts--;
    j.token = undefined;
    this.notify();
  }
  /** Takes the job away from its worker, as an expired lease reclaimed elsewhere would. */
  steal(id: string) {
    const j = this.get(id);
    j.token = "stolen";
  }
  subscribeDueWork(_kinds: JobKind[], onUpdate: (due: DueWork[]) => void) {
    this.listeners.add(onUpdate);
    queueMicrotask(() => onUpdate(this.dueWork()));
    return () => this.listeners.delete(onUpdate);
  }
  isConnected() {
    return this.connected;
  }
  async close() {}
}
