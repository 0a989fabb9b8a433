// In-app notifications (the notification centre and the unread count in the navigation).
// Written only through convex/model/notifications.ts `notify` (called by the mutation that
// causes the event, in the same transaction) and by notifications.ts (mark as read); read by
// the recipient only. Deleted with the person (model/personalData.ts) and after a year
// (retention).
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vNotificationKind } from "../validators";

export const notificationTables = {
  notifications: defineTable({
    userId: v.id("users"),
    kind: vNotificationKind,
    /** Short French sentence, written by the caller of notify(). */
    title: v.string(),
    body: v.string(),
    /** An app path ("/coach/bilans/…") the notification opens; never an external URL. */
    link: v.optional(v.string()),
    /** Absent while unread (the unread index is over readAt = undefined). */
    readAt: v.optional(v.number()),
    createdAt: v.number(),
    /**
     * Set by events that may fire twice or be withdrawn (a session reminder:
     * "session.remind:<sessionId>:<startsAt>:<lead>:<userId>"): one row per key, and a
     * cancelled session removes its reminders by key prefix.
     */
    key: v.optional(v.string()),
  })
    // The centre: a person's notifications, newest first.
    .index("by_userId_and_createdAt", ["userId", "createdAt"])
    // The unread count and « tout marquer comme lu ».
    .index("by_userId_and_readAt", ["userId", "readAt"])
    // Retention removes the oldest first.
    .index("by_createdAt", ["createdAt"])
    // notify's once-per-key check and withdrawNotifications' prefix range.
    .index("by_key", ["key"]),
};
