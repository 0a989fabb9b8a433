// Worker-only: the shared LLM rate budget (see model/llmBudget.ts for the rules).
import { v } from "convex/values";
import { workerMutation } from "./lib/functions";
import { decide, release as releaseLease } from "./model/llmBudget";

const vLimits = v.object({
  requestsPerMinute: v.number(),
  tokensPerMinute: v.number(),
  concurrency: v.number(),
});

export const acquire = workerMutation({
  args: {
    provider: v.string(),
    tokens: v.number(),
    leaseMs: v.number(),
    limits: vLimits,
  },
  returns: v.union(
    v.object({ granted: v.literal(true), leaseId: v.string() }),
    v.object({
      granted: v.literal(false),
      retryAfterMs: v.number(),
      reason: v.union(v.literal("concurrency"), v.literal("requests"), v.literal("tokens")),
    }),
  ),
  handler: async (ctx, { provider, tokens, leaseMs, limits }) => {
    const now = Date.now();
    const row = await ctx.db
      .query("llmBudgets")
      .withIndex("by_provider", (q) => q.eq("provider", provider))
      .unique();
    const state = row ?? { windowStart: now, requests: 0, tokens: 0, leases: [] };
    const leaseId = crypto.randomUUID();
    const decision = decide(state, { now, tokens, leaseId, leaseMs }, limits);
    if (!decision.granted) return decision;
    if (row) await ctx.db.patch(row._id, decision.state);
    else await ctx.db.insert("llmBudgets", { provider, ...decision.state });
    return { granted: true as const, leaseId };
  },
});

export const release = workerMutation({
  args: { provider: v.string(), leaseId: v.string(), actualTokens: v.number() },
  returns: v.null(),
  handler: async (ctx, { provider, leaseId, actualTokens }) => {
    const row = await ctx.db
      .query("llmBudgets")
      .withIndex("by_provider", (q) => q.eq("provider", provider))
      .unique();
    if (row) {
      const { _id, _creationTime, provider: _p, ...state } = row;
      await ctx.db.patch(_id, releaseLease(state, leaseId, actualTokens, Date.now()));
    }
    return null;
  },
});
