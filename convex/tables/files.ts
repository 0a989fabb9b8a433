// Who may hold which stored file. Written by convex/documents.ts (upload slots, claimed by
// documents.create), convex/files.ts (download grants, the sweep
// cursor); read by the same modules and by the /files/ HTTP route. Nothing here is ever
// returned to a client: storage ids stay on the server side (see model/files.ts).
import { defineTable } from "convex/server";
import { v } from "convex/values";

export const vUploadPurpose = v.union(v.literal("document"));
export const vUploadStatus = v.union(
  v.literal("pending"),
  v.literal("claimed"),
  v.literal("refused"),
);

export const fileTables = {
  /**
   * One upload slot per upload URL issued to a person: the file posted to that URL can be
   * bound (claimed) only by the same person, once, within the hour, and only if the file was
   * created after the slot. `storageId` is set when the slot is claimed or refused.
   */
  uploads: defineTable({
    userId: v.id("users"),
    purpose: vUploadPurpose,
    status: vUploadStatus,
    storageId: v.optional(v.id("_storage")),
    createdAt: v.number(),
    expiresAt: v.number(),
    claimedAt: v.optional(v.number()),
  })
    // Is this file already bound to a slot (documents.create)?
    .index("by_storageId", ["storageId"])
    // Pending slots still within their hour (storage sweep); old slots to prune.
    .index("by_status_and_expiresAt", ["status", "expiresAt"])
    .index("by_expiresAt", ["expiresAt"])
    // A person's slots (personal-data erasure).
    .index("by_userId", ["userId"]),

  /**
   * Short-lived download grants (files.bilanReportUrl, files.documentUrl): the URL carries a
   * random token, only its SHA-256 is stored; GET /files/<token> streams the file until
   * `expiresAt`. Expired grants are deleted by a cron.
   */
  fileGrants: defineTable({
    tokenHash: v.string(),
    storageId: v.id("_storage"),
    userId: v.id("users"),
    filename: v.string(),
    contentType: v.string(),
    /** Shown in the browser (an ARIA citation's PDF opened at its page), not downloaded. */
    inline: v.optional(v.boolean()),
    createdAt: v.number(),
    expiresAt: v.number(),
  })
    // The /files/ route finds a grant by the hash of the presented token.
    .index("by_tokenHash", ["tokenHash"])
    // The cron deletes expired grants, oldest first.
    .index("by_expiresAt", ["expiresAt"])
    // A person's grants (personal-data erasure).
    .index("by_userId", ["userId"]),

  /** One row: where the storage sweep resumes in `_storage` (null cursor: from the start). */
  storageSweep: defineTable({
    cursor: v.union(v.string(), v.null()),
    updatedAt: v.number(),
  }),
};
