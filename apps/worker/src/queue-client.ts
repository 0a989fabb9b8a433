// The worker's view of the job queue: the worker-secret Convex functions it
// calls. An interface so the scheduler and the runner can be tested with an
// in-memory queue; convex-queue-client.ts is the real one.
import type { JobKind } from "@nexus/shared/jobs";

export interface ClaimedJob {
  jobId: string;
  kind: JobKind;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  claimToken: string;
  leaseExpiresAt: number;
  priority: number;
  runAt: number;
  createdAt: number;
  claimedAt: number;
}

export interface Progress {
  stage: string;
  percent?: number;
  message?: string;
}

export type FailOutcome =
  | { status: "pending"; runAt: number }
  | { status: "failed" }
  | { status: "cancelled" };

export interface DueWork {
  kind: JobKind;
  earliestRunAt: number;
}

export interface WorkerInfo {
  workerId: string;
  host: string;
  version: string;
  kinds: string[];
  concurrency: Record<string, number>;
}

export interface QueueClient {
  register(info: WorkerInfo): Promise<void>;
  beat(args: {
    workerId: string;
    currentJobs: string[];
    status: "online" | "stopping";
  }): Promise<{ known: boolean }>;
  stop(workerId: string): Promise<void>;
  claim(args: { workerId: string; kinds: JobKind[]; leaseMs: number }): Promise<ClaimedJob | null>;
  heartbeat(args: {
    jobId: string;
    claimToken: string;
    leaseMs: number;
    progress?: Progress;
  }): Promise<{ cancelRequested: boolean; leaseExpiresAt: number }>;
  complete(args: { jobId: string; claimToken: string; result?: unknown }): Promise<void>;
  fail(args: {
    jobId: string;
    claimToken: string;
    error: { message: string; stack?: string };
    retryable: boolean;
    backoff?: { baseMs: number; maxMs: number };
  }): Promise<FailOutcome>;
  release(args: { jobId: string; claimToken: string; reason: string }): Promise<void>;
  /** Calls `onUpdate` with the earliest pending runAt per kind whenever it changes; returns the unsubscribe function. */
  subscribeDueWork(
    kinds: JobKind[],
    onUpdate: (due: DueWork[]) => void,
    onError: (error: Error) => void,
  ): () => void;
  isConnected(): boolean;
  close(): Promise<void>;
}
