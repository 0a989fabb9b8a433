// Public user functions. Rows come from the verified JWT identity
// (ensureCurrent); only an admin changes a role (setRole, audited).
import { API_KEY_ISSUER } from "@nexus/service-auth/service-tokens";
import type { UserIdentity } from "convex/server";
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { type QueryCtx, query } from "./_generated/server";
import { identityMutation, identityQuery, userMutation, userQuery } from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import {
  getCurrentUser,
  requireActive,
  requireRole,
  requireStaff,
  requireUser,
} from "./model/access";
import {
  accountStateOf,
  ERASED_MESSAGE,
  requireNotBeingErased,
  requireNotErasedIdentity,
} from "./model/accountState";
import {
  searchUsers,
  setOwnSalutation,
  setUserActive,
  setUserRole,
  upsertFromIdentity,
  userSummary,
  vSalutationChoice,
  vUserSummary,
} from "./model/users";
import schema from "./schema";
import { vRole } from "./validators";

const vUser = doc(schema, "users");

/** Call once after every sign-in: creates the caller's row (no role) or refreshes it. */
export const ensureCurrent = identityMutation({
  args: {},
  returns: vUser,
  handler: async (ctx) =>
    // An API key already names its person: it never creates or changes a row.
    ctx.identity.issuer === API_KEY_ISSUER
      ? await requireUser(ctx)
      : requireActive(await upsertFromIdentity(ctx, await notErased(ctx), Date.now())),
});

/** An erased person's identity never gets an account again (model/erasure.ts). */
async function notErased(ctx: QueryCtx & { identity: UserIdentity }): Promise<UserIdentity> {
  await requireNotErasedIdentity(ctx, ctx.identity.tokenIdentifier);
  return ctx.identity;
}

/** The caller's own row, or null when signed in but ensureCurrent has not run yet (deactivated: FORBIDDEN). */
export const me = identityQuery({
  args: {},
  returns: v.union(vUser, v.null()),
  handler: async (ctx) => {
    const user = await getCurrentUser(ctx);
    if (user && user.deactivatedAt !== undefined) await requireNotBeingErased(ctx, user._id);
    return user ? requireActive(user) : null;
  },
});

/**
 * Anyone, signed in or not: the state of the caller's account. Never throws, so the web app's
 * shell can subscribe to it first and replace an erased person's open pages by « Ce compte a
 * été supprimé. » (and sign them out) before any other query refuses them.
 */
export const accountState = query({
  args: {},
  returns: v.object({
    state: v.union(
      v.literal("signedOut"),
      v.literal("unknown"),
      v.literal("active"),
      v.literal("deactivated"),
      v.literal("erased"),
    ),
    message: v.optional(v.string()),
  }),
  handler: async (ctx) => {
    const state = await accountStateOf(ctx);
    return state === "erased" ? { state, message: ERASED_MESSAGE } : { state };
  },
});

/** Admin only. `role: null` withdraws the role. An admin cannot change their own role. */
export const setRole = userMutation({
  args: { userId: v.id("users"), role: v.union(vRole, v.null()) },
  returns: vUserSummary,
  handler: async (ctx, { userId, role }) => {
    requireRole(ctx.user, ["admin"]);
    return userSummary(await setUserRole(ctx, ctx.user, userId, role));
  },
});

/** Staff only: users page by page, optionally with one role (`withoutRole` lists newcomers). */
export const list = userQuery({
  args: {
    paginationOpts: paginationOptsValidator,
    role: v.optional(vRole),
    withoutRole: v.optional(v.boolean()),
  },
  returns: paginationResultValidator(vUserSummary),
  handler: async (ctx, { paginationOpts, role, withoutRole }) => {
    requireStaff(ctx.user);
    const query =
      role !== undefined || withoutRole
        ? ctx.db.query("users").withIndex("by_role", (q) => q.eq("role", role))
        : ctx.db.query("users");
    const result = await query.order("desc").paginate(boundedPage(paginationOpts));
    return { ...result, page: result.page.map(userSummary) };
  },
});

/** Admin only: deactivates (`active: false`) or reactivates an account; audited. Not oneself. */
export const setActive = userMutation({
  args: { userId: v.id("users"), active: v.boolean() },
  returns: vUserSummary,
  handler: async (ctx, { userId, active }) => {
    requireRole(ctx.user, ["admin"]);
    return userSummary(await setUserActive(ctx, ctx.user, userId, active, Date.now()));
  },
});

/** Staff only: at most 20 users whose name or e-mail matches `text`, optionally of one role. */
export const search = userQuery({
  args: { text: v.string(), role: v.optional(vRole) },
  returns: v.array(vUserSummary),
  handler: async (ctx, { text, role }) => {
    requireStaff(ctx.user);
    return (await searchUsers(ctx, text, role)).map(userSummary);
  },
});

/** A parent's own greeting in the e-mails (« Madame Durand », « Isabelle » or neutral); audited. */
export const setMySalutation = userMutation({
  args: { choice: vSalutationChoice },
  returns: vUser,
  handler: async (ctx, { choice }) => {
    requireRole(ctx.user, ["parent"]);
    return await setOwnSalutation(ctx, ctx.user, choice);
  },
});
