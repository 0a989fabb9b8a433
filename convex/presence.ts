// Presence on a bilan's review page: the page sends a heartbeat every few seconds while
// open and `leave` when closed; `list` says who else is there. Reviewers of the bilan only
// (assigned coach, staff: model/review.ts); rules and timings in model/presence.ts.
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";
import { requireAnyRole } from "./model/access";
import {
  heartbeat as heartbeatModel,
  leave as leaveModel,
  present,
  pruneStale,
  vPresent,
} from "./model/presence";

/** Records the caller on the bilan's page (writes at most every 5 s). */
export const heartbeat = userMutation({
  args: { bilanId: v.id("bilans") },
  returns: v.null(),
  handler: async (ctx, { bilanId }) => {
    requireAnyRole(ctx.user);
    await heartbeatModel(ctx, ctx.user, bilanId, Date.now());
    return null;
  },
});

/** The caller left the page. */
export const leave = userMutation({
  args: { bilanId: v.id("bilans") },
  returns: v.null(),
  handler: async (ctx, { bilanId }) => {
    requireAnyRole(ctx.user);
    await leaveModel(ctx, ctx.user, bilanId);
    return null;
  },
});

/**
 * People seen on the bilan's page in the 30 s before `now` (the caller's clock, rounded to
 * 10 s so the result stays cached), most recent first, the caller included (`isMe`).
 */
export const list = userQuery({
  args: { bilanId: v.id("bilans"), now: v.number() },
  returns: v.array(vPresent),
  handler: async (ctx, { bilanId, now }) => {
    requireAnyRole(ctx.user);
    return await present(ctx, ctx.user, bilanId, now);
  },
});

/** Cron: rows of pages closed without `leave` (a tab killed, a lost connection). */
export const prune = internalMutation({
  args: {},
  returns: v.number(),
  handler: async (ctx) => await pruneStale(ctx, Date.now()),
});
