// OpenAI text-embedding-3-small through the official SDK: batches bounded by
// input count and tokens, retry with exponential backoff on 429/5xx/network
// errors (honouring Retry-After). No Node built-ins: usable from Convex actions.
import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from "openai";
import { z } from "zod";
import { EMBEDDING_DIMENSIONS, type Embedder } from "./embedder.ts";
import { KnowledgeError } from "./errors.ts";
import { countTokens } from "./tokenizer.ts";

export const OPENAI_EMBEDDING_MODEL = "text-embedding-3-small";
/** Per-input limit of the embeddings endpoint. */
export const OPENAI_MAX_INPUT_TOKENS = 8191;

export const zOpenAIEmbedderOptions = z.object({
  apiKey: z.string().min(1),
  baseURL: z.url().optional(),
  model: z.string().min(1).default(OPENAI_EMBEDDING_MODEL),
  /** Inputs per request (the API accepts up to 2048). */
  maxBatchInputs: z.number().int().min(1).max(2048).default(128),
  /** Tokens per request (the API caps a request at 300k). */
  maxBatchTokens: z.number().int().min(1).max(300_000).default(100_000),
  maxRetries: z.number().int().min(0).default(5),
  /** First backoff delay; doubles on each retry, with jitter. */
  retryBaseDelayMs: z.number().int().min(0).default(500),
  retryMaxDelayMs: z.number().int().min(0).default(20_000),
  timeoutMs: z.number().int().min(1).default(60_000),
});
export type OpenAIEmbedderOptions = z.input<typeof zOpenAIEmbedderOptions>;

const zEmbeddingResponse = z.object({
  data: z.array(
    z.object({
      index: z.number().int(),
      embedding: z.array(z.number()).length(EMBEDDING_DIMENSIONS),
    }),
  ),
});

/** Groups texts into batches bounded by count and tokens, preserving order. */
export function planBatches(
  tokenCounts: number[],
  limits: { maxBatchInputs: number; maxBatchTokens: number },
): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let tokens = 0;
  tokenCounts.forEach((count, index) => {
    if (
      current.length > 0 &&
      (current.length >= limits.maxBatchInputs || tokens + count > limits.maxBatchTokens)
    ) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(index);
    tokens += count;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) {
    return error.status === 429 || error.status === 408 || (error.status ?? 0) >= 500;
  }
  return false;
}

function retryAfterMs(error: unknown): number | null {
  if (!(error instanceof APIError) || !error.headers) return null;
  const ms = Number(error.headers.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(error.headers.get("retry-after"));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class OpenAIEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions = EMBEDDING_DIMENSIONS;
  /** Requests sent, retries included (observability and tests). */
  requests = 0;
  private readonly client: OpenAI;
  private readonly options: z.infer<typeof zOpenAIEmbedderOptions>;

  constructor(input: OpenAIEmbedderOptions) {
    this.options = zOpenAIEmbedderOptions.parse(input);
    this.model = this.options.model;
    // Retries are ours (explicit statuses, Retry-After, abort-aware backoff).
    this.client = new OpenAI({
      apiKey: this.options.apiKey,
      baseURL: this.options.baseURL,
      maxRetries: 0,
      timeout: this.options.timeoutMs,
    });
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const counts = texts.map((text, i) => {
      if (!text.trim()) {
        throw new KnowledgeError(
          "embedding_failed",
          `Texte vide à la position ${i} : rien à vectoriser.`,
        );
      }
      const tokens = countTokens(text);
      // Never let the API truncate or refuse silently: chunks are far below this limit.
      if (tokens > OPENAI_MAX_INPUT_TOKENS) {
        throw new KnowledgeError(
          "embedding_failed",
          `Un passage dépasse la limite du modèle d’embeddings (${tokens} jetons > ${OPENAI_MAX_INPUT_TOKENS}).`,
        );
      }
      return tokens;
    });
    const out: number[][] = new Array(texts.length);
    for (const batch of planBatches(counts, this.options)) {
      const vectors = await this.embedBatch(
        batch.map((i) => texts[i]!),
        signal,
      );
      batch.forEach((textIndex, j) => {
        out[textIndex] = vectors[j]!;
      });
    }
    return out;
  }

  private async embedBatch(input: string[], signal?: AbortSignal): Promise<number[][]> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.requests++;
        const response = await this.client.embeddings.create(
          { model: this.model, input, dimensions: EMBEDDING_DIMENSIONS, encoding_format: "float" },
          { signal },
        );
        const parsed = zEmbeddingResponse.parse(response);
        if (parsed.data.length !== input.length) {
          throw new KnowledgeError(
            "embedding_failed",
            `Réponse d’embeddings incomplète : ${parsed.data.length} vecteurs pour ${input.length} textes.`,
          );
        }
        return [...parsed.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      } catch (error) {
        if (error instanceof KnowledgeError) throw error;
        if (signal?.aborted) {
          throw new KnowledgeError("aborted", "Traitement du document interrompu.", {
            cause: error,
          });
        }
        if (!isRetryable(error) || attempt >= this.options.maxRetries) {
          const status = error instanceof APIError ? ` (HTTP ${error.status})` : "";
          throw new KnowledgeError(
            "embedding_failed",
            `Le service d’embeddings OpenAI a échoué${status} : ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        const backoff = Math.min(
          this.options.retryMaxDelayMs,
          this.options.retryBaseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5),
        );
        await sleep(Math.min(this.options.retryMaxDelayMs, retryAfterMs(error) ?? backoff), signal);
      }
    }
  }
}
