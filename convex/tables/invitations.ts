// Invitations: staff invite a parent, an élève, a coach (or, admin only, an assistante) by
// e-mail, with the links accepting creates. Written by convex/invitations.ts only (create,
// resend, revoke, accept; the worker's beginSend/finishSend); read by the staff list and by
// the public preview of a link. The token is never stored: only its SHA-256, set by the worker
// when it sends the e-mail (model/invitations.ts explains the design).
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vInvitationRole, vInvitationStatus } from "../validators";

export const invitationTables = {
  invitations: defineTable({
    /** Normalised (trimmed, lower case): accepting compares it with the account's e-mail. */
    email: v.string(),
    role: vInvitationRole,
    /**
     * The links accepting creates: parent → the children they guard; eleve → the one student
     * record the account becomes (students.userId); coach → the students assigned; assistante → none.
     */
    studentIds: v.array(v.id("students")),
    invitedBy: v.id("users"),
    /** pending → accepted | revoked. Expiry is derived from expiresAt, never stored. */
    status: vInvitationStatus,
    /** SHA-256 (hex) of the current link's token; absent until the worker mints one. */
    tokenHash: v.optional(v.string()),
    /** Token generation: 1 at creation, +1 per resend; the e-mail job names it. */
    generation: v.number(),
    expiresAt: v.number(),
    /** When the current generation's e-mail was sent. */
    sentAt: v.optional(v.number()),
    acceptedBy: v.optional(v.id("users")),
    acceptedAt: v.optional(v.number()),
    revokedBy: v.optional(v.id("users")),
    revokedAt: v.optional(v.number()),
    createdAt: v.number(),
    updatedAt: v.number(),
  })
    // The staff list (newest first), whole or per status.
    .index("by_createdAt", ["createdAt"])
    .index("by_status_and_createdAt", ["status", "createdAt"])
    // A link's landing page and accept find the invitation by its token's hash.
    .index("by_tokenHash", ["tokenHash"])
    // One pending invitation per address.
    .index("by_email_and_status", ["email", "status"]),
};
