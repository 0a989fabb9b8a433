// Invitations (issue 11): staff invite a parent, an élève, a coach (admin: also an assistante)
// by e-mail; the person accepts through a single-use link. Rules and the token design:
// convex/model/invitations.ts. The worker sends the e-mail (invitation.send): sendContext,
// beginSend (stores the token's hash), finishSend.
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { query } from "./_generated/server";
import {
  staffMutation,
  staffQuery,
  userMutation,
  workerMutation,
  workerQuery,
} from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import {
  acceptInvitation,
  beginSend as beginInvitationSend,
  createInvitation,
  finishSend as finishInvitationSend,
  sendContext as invitationSendContext,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
  toInvitationView,
  vBeginSend,
  vInvitationPreview,
  vInvitationView,
  vSendContext,
} from "./model/invitations";
import { vInvitationRole, vInvitationStatus } from "./validators";

/** Staff: invites `email` with `role` and its links; queues the e-mail. Rate-limited, audited. */
export const create = staffMutation({
  args: { email: v.string(), role: vInvitationRole, studentIds: v.array(v.id("students")) },
  returns: v.id("invitations"),
  handler: async (ctx, args) => await createInvitation(ctx, ctx.user, args, Date.now()),
});

/** Staff: invitations newest first, optionally of one status (expired ones are pending). */
export const list = staffQuery({
  args: { paginationOpts: paginationOptsValidator, status: v.optional(vInvitationStatus) },
  returns: paginationResultValidator(vInvitationView),
  handler: async (ctx, { paginationOpts, status }) => {
    const base =
      status === undefined
        ? ctx.db.query("invitations").withIndex("by_createdAt")
        : ctx.db
            .query("invitations")
            .withIndex("by_status_and_createdAt", (q) => q.eq("status", status));
    const result = await base.order("desc").paginate(boundedPage(paginationOpts, 50));
    const page = [];
    for (const invitation of result.page) page.push(await toInvitationView(ctx, invitation));
    return { ...result, page };
  },
});

/** Staff: a new link (the old one dies at once), a new e-mail, 7 more days. Audited. */
export const resend = staffMutation({
  args: { invitationId: v.id("invitations") },
  returns: v.null(),
  handler: async (ctx, { invitationId }) => {
    await resendInvitation(ctx, ctx.user, invitationId, Date.now());
    return null;
  },
});

/** Staff: the link stops working. Audited. */
export const revoke = staffMutation({
  args: { invitationId: v.id("invitations") },
  returns: v.null(),
  handler: async (ctx, { invitationId }) => {
    await revokeInvitation(ctx, ctx.user, invitationId, Date.now());
    return null;
  },
});

/**
 * Public (the link's landing page, signed in or not): what the page needs and nothing else —
 * the link's status and, for a valid one, the role, the inviter's name, the children's first
 * names (parent) and the expiry. `email` (the signed-in account's) adds whether it is the
 * invited one, never the invited address itself. `now`: the caller's clock (queries never read
 * the time); accept decides with the server's.
 */
export const preview = query({
  args: { token: v.string(), now: v.number(), email: v.optional(v.string()) },
  returns: vInvitationPreview,
  handler: async (ctx, { token, now, email }) =>
    await previewInvitation(ctx, token.slice(0, 256), now, email),
});

/** The signed-in invitee (same e-mail, any or no role yet): takes the role and links, once. */
export const accept = userMutation({
  args: { token: v.string() },
  returns: v.object({ role: vInvitationRole }),
  handler: async (ctx, { token }) =>
    await acceptInvitation(ctx, ctx.user, token.slice(0, 256), Date.now()),
});

/** Worker: what the e-mail says, or why there is nothing to send. */
export const sendContext = workerQuery({
  args: { invitationId: v.id("invitations"), generation: v.number(), now: v.number() },
  returns: vSendContext,
  handler: async (ctx, { invitationId, generation, now }) =>
    await invitationSendContext(ctx, invitationId, generation, now),
});

/** Worker: stores the hash of the token it is about to e-mail and claims the e-mail row. */
export const beginSend = workerMutation({
  args: {
    invitationId: v.id("invitations"),
    generation: v.number(),
    tokenHash: v.string(),
    subject: v.string(),
  },
  returns: vBeginSend,
  handler: async (ctx, args) => await beginInvitationSend(ctx, args, Date.now()),
});

/** Worker: the e-mail's outcome. */
export const finishSend = workerMutation({
  args: {
    invitationId: v.id("invitations"),
    generation: v.number(),
    emailId: v.id("emails"),
    status: v.union(v.literal("sent"), v.literal("failed")),
    provider: v.optional(v.union(v.literal("resend"), v.literal("outbox"))),
    providerId: v.optional(v.string()),
    outboxPath: v.optional(v.string()),
    error: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    await finishInvitationSend(ctx, args, Date.now());
    return null;
  },
});
