// The LLM rate budget shared by every worker through Convex (convex/llmBudget.ts):
// each call waits for a lease, then releases it with the tokens it really used.
import type { RateBudget, RateLimits } from "@nexus/synthesis/rate-budget";
import { api } from "../../../../convex/_generated/api";
import type { WorkerConvex } from "../handler.ts";
import type { Logger } from "../logger.ts";

export function createConvexRateBudget(
  convex: WorkerConvex,
  limits: RateLimits,
  options: { leaseMs: number; log?: Logger },
): RateBudget {
  return {
    async acquire(provider, estimatedTokens, signal) {
      for (;;) {
        signal?.throwIfAborted();
        const decision = await convex.mutation(api.llmBudget.acquire, {
          provider,
          tokens: Math.max(1, Math.round(estimatedTokens)),
          leaseMs: options.leaseMs,
          limits: {
            concurrency: limits.maxConcurrency,
            requestsPerMinute: limits.requestsPerMinute,
            tokensPerMinute: limits.tokensPerMinute,
          },
        });
        if (decision.granted) {
          let released = false;
          return (actualTokens: number) => {
            if (released) return;
            released = true;
            convex
              .mutation(api.llmBudget.release, {
                provider,
                leaseId: decision.leaseId,
                actualTokens: Math.max(0, Math.round(actualTokens)),
              })
              // The lease expires on its own; a lost release only delays the next call.
              .catch((error: unknown) =>
                options.log?.warn("llm_budget.release_failed", { error: String(error) }),
              );
          };
        }
        options.log?.debug("llm_budget.wait", {
          provider,
          reason: decision.reason,
          ms: decision.retryAfterMs,
        });
        await sleep(decision.retryAfterMs, signal);
      }
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
