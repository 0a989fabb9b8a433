// Personal API keys for the CLI. Written by convex/apiKeys.ts only (create, revoke, the
// token exchange that stamps lastUsedAt); read by convex/model/identity.ts on every call
// made with a key's session token, so a revoked key stops working at once.
import { defineTable } from "convex/server";
import { v } from "convex/values";

export const credentialTables = {
  apiKeys: defineTable({
    userId: v.id("users"),
    /** What the person called it ("portable bureau", "CI"). */
    label: v.string(),
    /** SHA-256 of the key; the key itself is shown once and never stored. */
    hash: v.string(),
    /** `nxr_abcdef…`: enough to recognise a key in a list, not to use it. */
    hint: v.string(),
    createdBy: v.optional(v.id("users")),
    createdAt: v.number(),
    expiresAt: v.optional(v.number()),
    lastUsedAt: v.optional(v.number()),
    revokedAt: v.optional(v.number()),
  })
    // The token exchange finds a key by its hash.
    .index("by_hash", ["hash"])
    // A person's keys (apiKeys.list).
    .index("by_userId", ["userId"]),
};
