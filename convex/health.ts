// Public health check: the only function an unauthenticated caller may use.
// It says whether Convex answers and when a worker last beat — a timestamp only, no worker
// id, host or job, so it is safe for anyone. The caller judges freshness against its own
// clock (queries never read the time).
import { v } from "convex/values";
import { query } from "./_generated/server";

export const check = query({
  args: {},
  returns: v.object({
    ok: v.literal(true),
    service: v.literal("nexus-reussite"),
    /** Newest heartbeat of an online worker (ms since epoch), null when none is online. */
    workerLastSeenAt: v.union(v.number(), v.null()),
  }),
  handler: async (ctx) => {
    const newest = await ctx.db
      .query("workers")
      .withIndex("by_status_and_lastSeenAt", (q) => q.eq("status", "online"))
      .order("desc")
      .first();
    return {
      ok: true as const,
      service: "nexus-reussite" as const,
      workerLastSeenAt: newest?.lastSeenAt ?? null,
    };
  },
});
