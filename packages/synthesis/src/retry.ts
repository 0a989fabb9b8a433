// Explicit retry policy for LLM calls. The SDKs' own retries are turned off
// (maxRetries: 0) so that what is retried, how long we wait and when we give up
// are decided here, in one place, and can be observed in tests.

export interface RetryPolicy {
  /** Retries after the first attempt (so maxRetries + 1 requests at most). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits between attempts; injectable so tests observe delays without waiting. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** 0..1 source for jitter; injectable for determinism. */
  random: () => number;
}

export interface FailureInfo {
  retryable: boolean;
  status?: number;
  /** Server-requested wait (retry-after / retry-after-ms), in ms. */
  retryAfterMs?: number;
  description: string;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  sleep: abortableSleep,
  random: Math.random,
};

/** Reads retry-after-ms or retry-after (seconds or HTTP date) from response headers. */
export function parseRetryAfter(
  headers: Headers | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const ra = headers.get("retry-after");
  if (ra === null) return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Delay before retry number `retry` (1-based): the server's retry-after when given
 * (capped), else exponential backoff base·2^(retry−1) with ±20 % jitter, capped.
 */
export function retryDelay(retry: number, failure: FailureInfo, policy: RetryPolicy): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, policy.maxDelayMs);
  const exp = policy.baseDelayMs * 2 ** (retry - 1);
  const jitter = 0.8 + 0.4 * policy.random();
  return Math.min(policy.maxDelayMs, Math.round(exp * jitter));
}

export class RetriesExhaustedError extends Error {
  override readonly name = "RetriesExhaustedError";
  constructor(
    readonly attempts: number,
    readonly last: FailureInfo,
    options?: { cause?: unknown },
  ) {
    super(`gave up after ${attempts} attempts: ${last.description}`, options);
  }
}

/**
 * Runs `op` until it succeeds, a non-retryable failure occurs (rethrown as is),
 * or retries run out (RetriesExhaustedError carrying the last failure).
 */
export async function withRetries<T>(
  op: (attempt: number) => Promise<T>,
  classify: (error: unknown) => FailureInfo,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (info: { attempt: number; delayMs: number; failure: FailureInfo }) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (error) {
      if (signal?.aborted) throw error;
      const failure = classify(error);
      if (!failure.retryable) throw error;
      if (attempt > policy.maxRetries)
        throw new RetriesExhaustedError(attempt, failure, { cause: error });
      const delayMs = retryDelay(attempt, failure, policy);
      onRetry?.({ attempt, delayMs, failure });
      await policy.sleep(delayMs, signal);
    }
  }
}
