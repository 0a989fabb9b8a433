// Chooses ARIA's tutor from the same environment as the bilan writer (provider-env.ts):
// LLM_PROVIDER, or the first provider with a key, else the offline tutor.

import { z } from "zod";
import { DEFAULT_ANTHROPIC_MODEL } from "../anthropic-provider";
import { DEFAULT_OPENAI_MODEL } from "../openai-provider";
import { ProviderConfigError, parseLlmEnv, rateBudgetFromEnv } from "../provider-env";
import type { RateBudget } from "../rate-budget";
import { defaultRetryPolicy, type RetryPolicy } from "../retry";
import { AnthropicTutor } from "./anthropic-tutor";
import type { TutorProvider } from "./contracts";
import { LocalTutor } from "./local-tutor";
import { OpenAITutor } from "./openai-tutor";

/** ARIA's answers are short: a bound of their own, below the bilan's LLM_MAX_OUTPUT_TOKENS. */
export const TUTOR_MAX_OUTPUT_TOKENS = 1_200;

const zPace = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z.coerce.number().int().min(0).max(1_000).default(25),
);

/** ARIA_LOCAL_PACE_MS: the offline tutor's pause between word groups (ms). */
export function localPaceMs(env: Record<string, string | undefined>): number {
  const parsed = zPace.safeParse(env.ARIA_LOCAL_PACE_MS);
  if (!parsed.success) {
    throw new ProviderConfigError(
      "ARIA_LOCAL_PACE_MS doit être un nombre entier de millisecondes entre 0 et 1000.",
    );
  }
  return parsed.data;
}

export function createTutorFromEnv(
  env: Record<string, string | undefined>,
  deps: { budget?: RateBudget; retry?: Partial<RetryPolicy> } = {},
): TutorProvider {
  const e = parseLlmEnv(env);
  const choice =
    e.LLM_PROVIDER ?? (e.OPENAI_API_KEY ? "openai" : e.ANTHROPIC_API_KEY ? "anthropic" : "local");
  if (choice === "local") return new LocalTutor({ paceMs: localPaceMs(env) });
  const common = {
    budget: deps.budget ?? rateBudgetFromEnv(e),
    retry: { ...defaultRetryPolicy, maxRetries: e.LLM_MAX_RETRIES, ...deps.retry },
    timeoutMs: e.LLM_TIMEOUT_MS,
    maxOutputTokens: Math.min(TUTOR_MAX_OUTPUT_TOKENS, e.LLM_MAX_OUTPUT_TOKENS),
  };
  if (choice === "openai") {
    return new OpenAITutor({
      ...common,
      apiKey: e.OPENAI_API_KEY!,
      model: e.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL,
      baseURL: e.OPENAI_BASE_URL,
    });
  }
  return new AnthropicTutor({
    ...common,
    apiKey: e.ANTHROPIC_API_KEY!,
    model: e.ANTHROPIC_MODEL ?? DEFAULT_ANTHROPIC_MODEL,
    baseURL: e.ANTHROPIC_BASE_URL,
  });
}
