// Streaming one LLM answer under the shared rate budget and the retry policy. Failures before
// the first text (HTTP 429, 5xx, network) are retried like any call (llm-call.ts); a stream
// cut after text was sent cannot be retried identically, so it ends with TutorError(partial).
import { classifySdkError } from "../llm-call";
import type { RateBudget } from "../rate-budget";
import { RetriesExhaustedError, type RetryPolicy, withRetries } from "../retry";
import { TutorError } from "./contracts";

export interface StreamOptions {
  budget: RateBudget;
  retry: RetryPolicy;
}

export interface OpenedStream {
  /** Text deltas; `usage()` is read once the iterator ends. */
  deltas: AsyncIterator<string>;
  usage(): { inputTokens: number; outputTokens: number };
}

const LABELS: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic" };

export async function* streamWithBudget(
  provider: "openai" | "anthropic",
  estimatedTokens: number,
  open: (signal: AbortSignal | undefined) => Promise<OpenedStream>,
  options: StreamOptions,
  signal?: AbortSignal,
): AsyncGenerator<string, { inputTokens: number; outputTokens: number }> {
  let release: ((tokens: number) => void) | undefined;
  let sent = false;
  let usage = { inputTokens: 0, outputTokens: 0 };
  try {
    // Open the stream and read its first delta inside the retry loop.
    const { stream, first } = await withRetries(
      async () => {
        release?.(0);
        release = await options.budget.acquire(provider, estimatedTokens, signal);
        const stream = await open(signal);
        const first = await stream.deltas.next();
        return { stream, first };
      },
      classifySdkError,
      options.retry,
      signal,
    );
    let next = first;
    while (!next.done) {
      if (next.value) {
        sent = true;
        yield next.value;
      }
      next = await stream.deltas.next();
    }
    usage = stream.usage();
    return usage;
  } catch (error) {
    if (error instanceof TutorError) throw error;
    const label = LABELS[provider];
    if (signal?.aborted) {
      throw new TutorError(`La réponse avec ${label} a été interrompue.`, false, sent, {
        cause: error,
      });
    }
    if (error instanceof RetriesExhaustedError) {
      throw new TutorError(
        `Le service ${label} est indisponible (${error.last.description}) : réessaie dans un moment.`,
        true,
        sent,
        { cause: error },
      );
    }
    const failure = classifySdkError(error);
    throw new TutorError(
      sent
        ? `La réponse de ${label} a été coupée en cours de route (${failure.description}).`
        : `Le service ${label} a refusé la demande (${failure.description}).`,
      failure.retryable,
      sent,
      { cause: error },
    );
  } finally {
    release?.(usage.inputTokens + usage.outputTokens);
  }
}
