// Who has a bilan's review page open. Written by presence.ts only (heartbeat, leave) and by
// the prune cron; read by presence.list. Rows are disposable: one per (bilan, person),
// refreshed at most every 5 s, ignored after 30 s, deleted after 10 minutes.
import { defineTable } from "convex/server";
import { v } from "convex/values";

export const presenceTables = {
  presence: defineTable({
    bilanId: v.id("bilans"),
    userId: v.id("users"),
    lastSeenAt: v.number(),
  })
    // heartbeat and leave find the caller's row
    .index("by_bilanId_and_userId", ["bilanId", "userId"])
    // list: who was seen on this bilan lately; heartbeat prunes this bilan's stale rows
    .index("by_bilanId_and_lastSeenAt", ["bilanId", "lastSeenAt"])
    // the prune cron deletes the oldest rows first
    .index("by_lastSeenAt", ["lastSeenAt"])
    // a person's rows (personal-data erasure)
    .index("by_userId", ["userId"]),
};
