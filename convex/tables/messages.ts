// Outgoing emails (Resend or the local outbox) and the audit log.
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vActorKind, vEmailStatus } from "../validators";

export const messageTables = {
  emails: defineTable({
    to: v.string(),
    recipientName: v.optional(v.string()),
    recipientUserId: v.optional(v.id("users")),
    template: v.string(),
    subject: v.string(),
    bilanId: v.optional(v.id("bilans")),
    pdfVersion: v.optional(v.number()),
    status: vEmailStatus,
    provider: v.optional(v.union(v.literal("resend"), v.literal("outbox"))),
    providerId: v.optional(v.string()),
    /** (bilan, version, recipient): a retried job never sends twice. */
    idempotencyKey: v.string(),
    error: v.optional(v.string()),
    /** Path of the .eml file for the local outbox. */
    outboxPath: v.optional(v.string()),
    createdAt: v.number(),
    sentAt: v.optional(v.number()),
  })
    .index("by_idempotencyKey", ["idempotencyKey"])
    .index("by_bilanId", ["bilanId"])
    .index("by_status_and_createdAt", ["status", "createdAt"])
    .index("by_createdAt", ["createdAt"])
    // A person's e-mails (personal-data export and erasure).
    .index("by_recipientUserId_and_createdAt", ["recipientUserId", "createdAt"]),

  auditLogs: defineTable({
    actorKind: vActorKind,
    actorId: v.optional(v.id("users")),
    /** Set when a person acted through the CLI with one of their API keys. */
    apiKeyId: v.optional(v.id("apiKeys")),
    action: v.string(),
    targetTable: v.optional(v.string()),
    targetId: v.optional(v.string()),
    details: v.optional(v.any()),
    at: v.number(),
  })
    .index("by_targetTable_and_targetId_and_at", ["targetTable", "targetId", "at"])
    .index("by_actorId_and_at", ["actorId", "at"])
    // one person's entries of one action (/admin/journal with both filters)
    .index("by_actorId_and_action_and_at", ["actorId", "action", "at"])
    .index("by_action_and_at", ["action", "at"])
    .index("by_at", ["at"]),
};
