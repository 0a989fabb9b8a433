// Rate budget of each LLM provider, shared by every worker (requests and tokens per
// minute, concurrent calls). Written only by llmBudget.ts (worker-only functions).
import { defineTable } from "convex/server";
import { v } from "convex/values";

export const llmTables = {
  llmBudgets: defineTable({
    provider: v.string(),
    /** Start of the current fixed one-minute window. */
    windowStart: v.number(),
    requests: v.number(),
    tokens: v.number(),
    /** Calls in flight; a lease not released by its expiry (crashed worker) stops counting. */
    leases: v.array(v.object({ id: v.string(), tokens: v.number(), expiresAt: v.number() })),
  }).index("by_provider", ["provider"]),
};
