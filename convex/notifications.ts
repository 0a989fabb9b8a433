// The notification centre: the caller's own notifications only (no user argument anywhere).
// Rows are written by model/notifications.ts `notify` in the mutations that cause them.
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { userMutation, userQuery } from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import { requireAnyRole } from "./model/access";
import {
  markAllRead as markAllReadModel,
  markRead as markReadModel,
  toNotification,
  unreadCount as unreadCountModel,
  vNotification,
} from "./model/notifications";

/** The caller's notifications, newest first (live in the centre). */
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vNotification),
  handler: async (ctx, { paginationOpts }) => {
    requireAnyRole(ctx.user);
    const page = await ctx.db
      .query("notifications")
      .withIndex("by_userId_and_createdAt", (q) => q.eq("userId", ctx.user._id))
      .order("desc")
      .paginate(boundedPage(paginationOpts, 50));
    return { ...page, page: page.page.map(toNotification) };
  },
});

/** Unread notifications of the caller (at most 100 counted: the badge shows « 99+ »). */
export const unreadCount = userQuery({
  args: {},
  returns: v.number(),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    return await unreadCountModel(ctx, ctx.user._id);
  },
});

/** Marks one of the caller's notifications read (someone else's: NOT_FOUND). */
export const markRead = userMutation({
  args: { notificationId: v.id("notifications") },
  returns: v.null(),
  handler: async (ctx, { notificationId }) => {
    requireAnyRole(ctx.user);
    await markReadModel(ctx, ctx.user._id, notificationId);
    return null;
  },
});

/** Marks the caller's unread notifications read; returns how many are still unread. */
export const markAllRead = userMutation({
  args: {},
  returns: v.number(),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    return await markAllReadModel(ctx, ctx.user._id);
  },
});
