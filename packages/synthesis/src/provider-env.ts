// Chooses and configures the synthesis provider from the environment, once, at
// start-up. LLM_PROVIDER picks openai | anthropic | local; without it, the first
// provider with an API key wins, else the offline local writer.
import { formatIssues } from "@nexus/shared/zod-fr";
import { z } from "zod";
import { AnthropicSynthesisProvider, DEFAULT_ANTHROPIC_MODEL } from "./anthropic-provider";
import type { SynthesisProvider } from "./contracts";
import { LocalSynthesisProvider } from "./local-provider";
import { DEFAULT_OPENAI_MODEL, OpenAISynthesisProvider } from "./openai-provider";
import { InMemoryRateBudget, type RateBudget } from "./rate-budget";
import { defaultRetryPolicy, type RetryPolicy } from "./retry";

export class ProviderConfigError extends Error {
  override readonly name = "ProviderConfigError";
}

// Empty strings (e.g. "OPENAI_API_KEY=" in a .env file) count as unset.
const optionalString = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z.string().trim().optional(),
);
const positiveInt = (fallback: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce.number().int().positive().default(fallback),
  );

export const zLlmEnv = z.object({
  LLM_PROVIDER: z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim().toLowerCase()) : v),
    z.enum(["openai", "anthropic", "local"]).optional(),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: optionalString,
  OPENAI_BASE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_MODEL: optionalString,
  ANTHROPIC_BASE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  LLM_TIMEOUT_MS: positiveInt(60_000),
  LLM_MAX_RETRIES: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce.number().int().min(0).max(10).default(defaultRetryPolicy.maxRetries),
  ),
  LLM_MAX_OUTPUT_TOKENS: positiveInt(4096),
  LLM_MAX_CONCURRENCY: positiveInt(4),
  LLM_RPM: positiveInt(60),
  LLM_TPM: positiveInt(200_000),
});
export type LlmEnv = z.infer<typeof zLlmEnv>;

export function parseLlmEnv(env: Record<string, string | undefined>): LlmEnv {
  const parsed = zLlmEnv.safeParse(env);
  if (!parsed.success)
    throw new ProviderConfigError(`Configuration du LLM invalide :\n${formatIssues(parsed.error)}`);
  const e = parsed.data;
  if (e.LLM_PROVIDER === "openai" && !e.OPENAI_API_KEY) {
    throw new ProviderConfigError(
      "LLM_PROVIDER=openai requires OPENAI_API_KEY (or use LLM_PROVIDER=local).",
    );
  }
  if (e.LLM_PROVIDER === "anthropic" && !e.ANTHROPIC_API_KEY) {
    throw new ProviderConfigError(
      "LLM_PROVIDER=anthropic requires ANTHROPIC_API_KEY (or use LLM_PROVIDER=local).",
    );
  }
  return e;
}

export function rateBudgetFromEnv(env: LlmEnv): RateBudget {
  return new InMemoryRateBudget({
    maxConcurrency: env.LLM_MAX_CONCURRENCY,
    requestsPerMinute: env.LLM_RPM,
    tokensPerMinute: env.LLM_TPM,
  });
}

export interface ProviderDeps {
  budget?: RateBudget;
  fetch?: typeof fetch;
  /** Overrides parts of the retry policy (tests inject `sleep`). */
  retry?: Partial<RetryPolicy>;
}

export function createProviderFromEnv(
  env: Record<string, string | undefined>,
  deps: ProviderDeps = {},
): SynthesisProvider {
  const e = parseLlmEnv(env);
  const choice =
    e.LLM_PROVIDER ?? (e.OPENAI_API_KEY ? "openai" : e.ANTHROPIC_API_KEY ? "anthropic" : "local");
  if (choice === "local") return new LocalSynthesisProvider();
  const common = {
    budget: deps.budget ?? rateBudgetFromEnv(e),
    retry: { ...defaultRetryPolicy, maxRetries: e.LLM_MAX_RETRIES, ...deps.retry },
    timeoutMs: e.LLM_TIMEOUT_MS,
    maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
  if (choice === "openai") {
    return new OpenAISynthesisProvider({
      ...common,
      apiKey: e.OPENAI_API_KEY!,
      model: e.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL,
      baseURL: e.OPENAI_BASE_URL,
    });
  }
  return new AnthropicSynthesisProvider({
    ...common,
    apiKey: e.ANTHROPIC_API_KEY!,
    model: e.ANTHROPIC_MODEL ?? DEFAULT_ANTHROPIC_MODEL,
    baseURL: e.ANTHROPIC_BASE_URL,
  });
}
