// Runs one claimed job: parses its payload, calls the handler with an
// AbortSignal, heartbeats (extending the lease, sending progress, learning
// about cancellation), enforces the timeout, then completes, fails, or
// releases it. Never throws: the outcome is returned and logged. What a
// failed or cancelled job means for its bilan or document is decided in
// Convex (convex/model/jobOutcomes.ts), not here; the error sent is redacted.
import { redactSecrets } from "@nexus/shared/redact";

import {
  convexErrorCode,
  errorMessage,
  JobCancelledError,
  JobTimeoutError,
  jobErrorMessage,
  LeaseLostError,
  NonRetryableError,
  ShutdownError,
} from "./errors.ts";
import type { JobHandler, JobHelpers, WorkerConvex } from "./handler.ts";
import { errorFields, type Logger } from "./logger.ts";
import type { ClaimedJob, Progress, QueueClient } from "./queue-client.ts";

export type JobOutcome =
  | "completed"
  | "retry_scheduled"
  | "failed"
  | "cancelled"
  | "released"
  | "lease_lost";

export interface RunJobOptions {
  queue: QueueClient;
  handler: JobHandler<any> | undefined;
  job: ClaimedJob;
  leaseMs: number;
  heartbeatMs: number;
  log: Logger;
  convex: WorkerConvex;
  /** Aborted by the worker to give the job back (shutdown). */
  shutdownSignal: AbortSignal;
  retryBaseMsOverride?: number;
  /** Secret values of this worker (keys, tokens), removed from the error it reports. */
  secrets?: readonly string[];
  /** Told how every attempt ended (metrics): its outcome, duration and the handler's result. */
  onFinished?: (info: { outcome: JobOutcome; durationMs: number; result: unknown }) => void;
}

/** Progress is sent at most this often outside regular heartbeats. */
const PROGRESS_FLUSH_MS = 500;

export async function runJob(options: RunJobOptions): Promise<JobOutcome> {
  const { queue, handler, job, log: baseLog } = options;
  const log = baseLog.child({ jobId: job.jobId, kind: job.kind, attempt: job.attempt });
  const started = performance.now();
  const controller = new AbortController();
  const abort = (reason: Error) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };

  const onShutdown = () => abort(new ShutdownError());
  if (options.shutdownSignal.aborted) onShutdown();
  options.shutdownSignal.addEventListener("abort", onShutdown, { once: true });

  // Heartbeats: extend the lease, send the latest progress, hear about cancellation.
  let pendingProgress: Progress | undefined;
  let beating: Promise<void> | null = null;
  const beat = () => {
    if (beating || controller.signal.aborted) return;
    const progress = pendingProgress;
    pendingProgress = undefined;
    beating = queue
      .heartbeat({
        jobId: job.jobId,
        claimToken: job.claimToken,
        leaseMs: options.leaseMs,
        progress,
      })
      .then(
        (res) => {
          if (res.cancelRequested) abort(new JobCancelledError());
        },
        (error: unknown) => {
          if (convexErrorCode(error) === "LEASE_LOST")
            abort(new LeaseLostError(errorMessage(error)));
          else {
            if (progress && !pendingProgress) pendingProgress = progress;
            log.warn("job.heartbeat_failed", errorFields(error));
          }
        },
      )
      .finally(() => {
        beating = null;
      });
  };
  const heartbeatTimer = setInterval(beat, options.heartbeatMs);
  let progressTimer: ReturnType<typeof setTimeout> | undefined;
  const timeoutMs = handler?.timeoutMs ?? 0;
  const timeoutTimer =
    timeoutMs > 0 ? setTimeout(() => abort(new JobTimeoutError(timeoutMs)), timeoutMs) : undefined;

  const helpers: JobHelpers = {
    job: {
      id: job.jobId,
      kind: job.kind,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      createdAt: job.createdAt,
    },
    signal: controller.signal,
    log,
    progress(stage, percent, message) {
      pendingProgress = { stage, percent, message };
      progressTimer ??= setTimeout(() => {
        progressTimer = undefined;
        beat();
      }, PROGRESS_FLUSH_MS);
    },
    convex: options.convex,
  };

  let outcome: JobOutcome;
  let failure: unknown;
  let handlerResult: unknown;
  try {
    if (!handler) throw new NonRetryableError(`Aucun gestionnaire pour le type « ${job.kind} ».`);
    const parsed = handler.schema.safeParse(job.payload);
    if (!parsed.success) {
      throw new NonRetryableError(`Données de la tâche invalides : ${parsed.error.message}`);
    }
    const result = await raceAbort(handler.run(parsed.data, helpers), controller.signal);
    handlerResult = result;
    clearTimers();
    await queue.complete({ jobId: job.jobId, claimToken: job.claimToken, result: result ?? null });
    outcome = "completed";
  } catch (error) {
    clearTimers();
    failure = controller.signal.aborted ? controller.signal.reason : error;
    outcome = await report(failure);
  } finally {
    clearTimers();
    options.shutdownSignal.removeEventListener("abort", onShutdown);
  }
  const durationMs = Math.round(performance.now() - started);
  const fields = { outcome, durationMs, ...(failure ? errorFields(failure) : {}) };
  if (outcome === "failed" || outcome === "lease_lost") log.error("job.finished", fields);
  else if (outcome === "retry_scheduled") log.warn("job.finished", fields);
  else log.info("job.finished", fields);
  options.onFinished?.({ outcome, durationMs, result: handlerResult });
  return outcome;

  function clearTimers() {
    clearInterval(heartbeatTimer);
    if (timeoutTimer) clearTimeout(timeoutTimer);
    if (progressTimer) clearTimeout(progressTimer);
  }

  async function report(error: unknown): Promise<JobOutcome> {
    const ref = { jobId: job.jobId, claimToken: job.claimToken };
    try {
      if (error instanceof LeaseLostError || convexErrorCode(error) === "LEASE_LOST") {
        return "lease_lost";
      }
      if (error instanceof ShutdownError) {
        await queue.release({ ...ref, reason: error.message });
        return "released";
      }
      const retryable = !(error instanceof NonRetryableError);
      const policy = handler?.retry ?? { baseMs: 2_000, maxMs: 600_000 };
      const backoff = options.retryBaseMsOverride
        ? { baseMs: options.retryBaseMsOverride, maxMs: policy.maxMs }
        : policy;
      const res = await queue.fail({
        ...ref,
        error: reportedError(error, options.secrets ?? []),
        retryable,
        backoff,
      });
      return res.status === "pending" ? "retry_scheduled" : res.status;
    } catch (reportError) {
      if (convexErrorCode(reportError) === "LEASE_LOST") return "lease_lost";
      // The job stays running until its lease expires, then goes back to the queue.
      log.error("job.report_failed", errorFields(reportError));
      return "lease_lost";
    }
  }
}

/**
 * The error as the job stores it: the French message of jobErrorMessage (a failed Convex call
 * never shows the client's raw text) and the stack frames under it, both redacted.
 */
export function reportedError(
  error: unknown,
  secrets: readonly string[],
): { message: string; stack?: string } {
  const redact = (text: string) => redactSecrets(text, { secrets });
  const message = redact(jobErrorMessage(error));
  if (!(error instanceof Error) || !error.stack) return { message };
  const frames = error.stack.split("\n").filter((line) => /^\s+at /.test(line));
  return { message, stack: redact([`${error.name}: ${message}`, ...frames].join("\n")) };
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
