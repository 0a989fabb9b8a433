// Personal data rights (RGPD): export and erasure requests, consents, e-mail preferences, the
// identities of erased accounts and the figures of each retention run. Written by rgpd.ts,
// consents.ts, emailPreferences.ts, retention.ts (through model/erasure.ts, model/exports.ts,
// model/retention.ts, model/consents.ts); read by the person concerned and by staff.
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vNotificationKind } from "../validators";

export const vRgpdKind = v.union(v.literal("export"), v.literal("erasure"));
export const vRgpdStatus = v.union(
  /** Erasure: waiting for staff (dry run, then confirm or reject). */
  v.literal("pending"),
  /** The job is building the export or erasing. */
  v.literal("running"),
  /** Export: the ZIP is ready to download until expiresAt. */
  v.literal("ready"),
  /** Erasure: finished. */
  v.literal("done"),
  v.literal("rejected"),
  v.literal("failed"),
  /** Export: the ZIP was deleted 7 days after it was ready. */
  v.literal("expired"),
);
/** Rows and files per table (dry run, or what a run did). */
export const vTableCounts = v.record(
  v.string(),
  v.object({ deleted: v.number(), anonymised: v.number(), files: v.number() }),
);

export const rgpdTables = {
  rgpdRequests: defineTable({
    kind: vRgpdKind,
    /** The person whose data it is: an account, a student record, or both (an élève). */
    subjectUserId: v.optional(v.id("users")),
    subjectStudentId: v.optional(v.id("students")),
    /** Name shown to staff; replaced by the pseudonym once the erasure is done. */
    subjectLabel: v.string(),
    requestedBy: v.id("users"),
    status: vRgpdStatus,
    jobId: v.optional(v.id("jobs")),
    /** Erasure: the dry run staff confirmed; then what the job did so far (batch after batch). */
    plan: v.optional(vTableCounts),
    done: v.optional(vTableCounts),
    /** Erasure: the audit log keeps the person's actions under this pseudonym. */
    pseudonym: v.optional(v.string()),
    confirmedBy: v.optional(v.id("users")),
    confirmedAt: v.optional(v.number()),
    /** Export: the ZIP (deleted at expiresAt by the retention cron). */
    storageId: v.optional(v.id("_storage")),
    size: v.optional(v.number()),
    expiresAt: v.optional(v.number()),
    /** Erasure: the sign-in subject of the account (a Clerk user id under Clerk), for the job. */
    authSubject: v.optional(v.string()),
    /** Clerk user deleted (production auth), or why not. */
    clerk: v.optional(v.string()),
    error: v.optional(v.string()),
    createdAt: v.number(),
    updatedAt: v.number(),
    finishedAt: v.optional(v.number()),
  })
    // « Mes demandes » (the requester's own, newest first).
    .index("by_requestedBy_and_createdAt", ["requestedBy", "createdAt"])
    // Staff list per kind and status.
    .index("by_kind_and_status_and_createdAt", ["kind", "status", "createdAt"])
    // Retention: ready exports past their expiry.
    .index("by_status_and_expiresAt", ["status", "expiresAt"])
    // Is a file an export's (storage sweep)?
    .index("by_storageId", ["storageId"])
    .index("by_subjectUserId", ["subjectUserId"])
    .index("by_subjectStudentId", ["subjectStudentId"]),

  /** Consents and acknowledgements, versioned and dated; never updated (a new row per version). */
  consents: defineTable({
    /** Who gave it (the parent for a parental consent). */
    userId: v.id("users"),
    kind: v.union(
      /** The information notice was shown and acknowledged at first sign-in. */
      v.literal("notice"),
      /** A parent consents to ARIA for a child under 15. */
      v.literal("parental_aria"),
    ),
    studentId: v.optional(v.id("students")),
    version: v.string(),
    givenAt: v.number(),
    /** Withdrawn (a new row is needed to consent again). */
    withdrawnAt: v.optional(v.number()),
  })
    .index("by_userId_and_kind_and_givenAt", ["userId", "kind", "givenAt"])
    .index("by_studentId_and_kind_and_givenAt", ["studentId", "kind", "givenAt"]),

  /** E-mail opt-outs per person and kind (no row: e-mails of that kind are sent). */
  emailPreferences: defineTable({
    userId: v.id("users"),
    kind: vNotificationKind,
    enabled: v.boolean(),
    updatedAt: v.number(),
  }).index("by_userId_and_kind", ["userId", "kind"]),

  /** SHA-256 of the token identifiers of erased accounts: signing in again is refused. */
  erasedIdentities: defineTable({
    tokenHash: v.string(),
    erasedAt: v.number(),
  }).index("by_tokenHash", ["tokenHash"]),

  /** What each retention run removed (or would remove: dry run), per policy. */
  retentionRuns: defineTable({
    trigger: v.union(v.literal("cron"), v.literal("cli"), v.literal("staff")),
    dryRun: v.boolean(),
    status: v.union(v.literal("running"), v.literal("done")),
    counts: v.record(v.string(), v.number()),
    startedAt: v.number(),
    finishedAt: v.optional(v.number()),
  }).index("by_startedAt", ["startedAt"]),
};
