// One LLM request under the rate budget and the retry policy, with SDK errors
// (OpenAI and Anthropic share the same Stainless error shapes) turned into
// SynthesisError: outage or exhausted rate limit → retryable; refusal → not.
import { SynthesisError } from "./errors";
import type { RateBudget } from "./rate-budget";
import {
  type FailureInfo,
  parseRetryAfter,
  RetriesExhaustedError,
  type RetryPolicy,
  withRetries,
} from "./retry";

export interface LlmCallOptions {
  budget: RateBudget;
  retry: RetryPolicy;
}

interface SdkErrorLike {
  status?: number;
  headers?: Headers;
  message?: string;
  name?: string;
}

const providerLabels: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic" };

/**
 * Whether `error` is an instance of an SDK error class of that name. Matched by
 * name along the prototype chain because both SDKs ship CJS and ESM builds, and
 * an error thrown by one build is not `instanceof` the other's class.
 */
function hasErrorClass(error: unknown, className: string): boolean {
  for (
    let p = error === null || typeof error !== "object" ? null : Object.getPrototypeOf(error);
    p;
    p = Object.getPrototypeOf(p)
  ) {
    if (p.constructor?.name === className) return true;
  }
  return false;
}

function isUserAbort(error: unknown): boolean {
  return (
    hasErrorClass(error, "APIUserAbortError") ||
    (error as SdkErrorLike | undefined)?.name === "AbortError"
  );
}

function isTimeout(error: unknown): boolean {
  return hasErrorClass(error, "APIConnectionTimeoutError");
}

/** Classifies an SDK error: 408, 409, 429, 5xx and network failures are worth retrying. */
export function classifySdkError(error: unknown): FailureInfo {
  const e = (error ?? {}) as SdkErrorLike;
  if (isUserAbort(error)) return { retryable: false, description: "requête annulée" };
  const status = typeof e.status === "number" ? e.status : undefined;
  if (status === undefined) {
    return {
      retryable: true,
      description: isTimeout(error)
        ? "délai de réponse dépassé"
        : `connexion impossible (${e.message ?? "erreur réseau"})`,
    };
  }
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return {
    retryable,
    status,
    retryAfterMs: retryable ? parseRetryAfter(e.headers) : undefined,
    description: status === 429 ? "HTTP 429 (limite de débit atteinte)" : `HTTP ${status}`,
  };
}

export async function callLlm<T>(
  provider: "openai" | "anthropic",
  model: string,
  estimatedTokens: number,
  op: (signal: AbortSignal | undefined) => Promise<{ value: T; tokens: number }>,
  options: LlmCallOptions,
  signal?: AbortSignal,
): Promise<T> {
  const label = `${providerLabels[provider]} (${model})`;
  try {
    return await withRetries(
      async () => {
        const release = await options.budget.acquire(provider, estimatedTokens, signal);
        try {
          const { value, tokens } = await op(signal);
          release(tokens);
          return value;
        } catch (error) {
          release(0);
          throw error;
        }
      },
      classifySdkError,
      options.retry,
      signal,
    );
  } catch (error) {
    if (error instanceof SynthesisError) throw error;
    if (signal?.aborted || isUserAbort(error)) {
      throw new SynthesisError(
        "aborted",
        `La génération avec ${label} a été interrompue.`,
        true,
        [],
        { cause: error },
      );
    }
    if (error instanceof RetriesExhaustedError) {
      throw new SynthesisError(
        "provider_unavailable",
        `Le service ${label} est indisponible : ${error.last.description} après ${error.attempts} ${error.attempts > 1 ? "tentatives" : "tentative"}. Réessayez plus tard.`,
        true,
        [error.last.description],
        { cause: error },
      );
    }
    const failure = classifySdkError(error);
    const detail = (error as SdkErrorLike).message ?? String(error);
    throw new SynthesisError(
      "provider_rejected",
      `Le service ${label} a refusé la requête (${failure.description}) : ${detail}`,
      false,
      [detail],
      { cause: error },
    );
  }
}

/** Rough token estimate for budgeting: ~3.5 characters per token in French. */
export function estimateTokens(...texts: string[]): number {
  return Math.ceil(texts.reduce((n, t) => n + t.length, 0) / 3.5);
}

/** Parses a model's text answer as JSON, tolerating a surrounding ``` fence. */
export function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  const fenced = trimmed.match(/^```(?:json)?\s*([\s\S]*?)\s*```$/);
  try {
    return JSON.parse(fenced ? fenced[1]! : trimmed);
  } catch {
    return text;
  }
}
