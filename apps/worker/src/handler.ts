// What a job handler is: one module per job kind exporting defineHandler(...).
// The runner parses the payload with `schema` (a job may have been queued by
// older code), aborts `signal` on cancel, timeout or shutdown, and maps errors:
// NonRetryableError fails the job at once, anything else is retried with the
// handler's backoff until the job's maxAttempts.
import type { JobKind, JobPayload } from "@nexus/shared/jobs";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";
import type { z } from "zod";
import type { Logger } from "./logger.ts";

/** Convex functions as the worker (signed in with its service token). */
export interface WorkerConvex {
  query<Q extends FunctionReference<"query">>(
    ref: Q,
    args: FunctionArgs<Q>,
  ): Promise<FunctionReturnType<Q>>;
  mutation<M extends FunctionReference<"mutation">>(
    ref: M,
    args: FunctionArgs<M>,
  ): Promise<FunctionReturnType<M>>;
  action<A extends FunctionReference<"action">>(
    ref: A,
    args: FunctionArgs<A>,
  ): Promise<FunctionReturnType<A>>;
}

export interface JobHelpers {
  job: { id: string; kind: JobKind; attempt: number; maxAttempts: number; createdAt: number };
  /** Aborted on cancellation, timeout or shutdown; pass it to fetch/SDK calls and check it in loops. */
  signal: AbortSignal;
  log: Logger;
  /** Reports progress; sent with the next heartbeat (throttled). */
  progress(stage: string, percent?: number, message?: string): void;
  convex: WorkerConvex;
}

export interface RetryPolicy {
  /** First retry delay; doubles each attempt (±20 % jitter), capped at maxMs. */
  baseMs: number;
  maxMs: number;
}

export interface JobHandler<K extends JobKind = JobKind> {
  kind: K;
  schema: z.ZodType<JobPayload<K>, unknown>;
  timeoutMs: number;
  retry: RetryPolicy;
  run(payload: JobPayload<K>, helpers: JobHelpers): Promise<unknown>;
}

export function defineHandler<K extends JobKind>(handler: JobHandler<K>): JobHandler<K> {
  return handler;
}
