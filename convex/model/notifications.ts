// In-app notifications: one helper, `notify`, for every module that wants to tell a person
// something (bilan ready for review, report sent, job failed, export ready, ARIA, sessions,
// payments…). Call it inside the mutation that causes the event, so the notification exists
// exactly when the event does (a rolled-back mutation notifies no one). The recipient sees it
// live in the notification centre (/notifications) and in the navigation's unread count.
//
// Usage (the French text is the caller's, short; `link` is an app path, never a URL):
//   await notify(ctx, {
//     userId: coachId,
//     kind: "bilan_review",
//     title: "Bilan à relire : Alice Martin",
//     body: "Le bilan de mathématiques d’Alice est prêt pour votre relecture.",
//     link: `/coach/bilans/${bilanId}`,
//   });
// Kinds live in packages/shared/src/notifications.ts (add yours there with its label).
// E-mails are separate: a job that e-mails a person checks `wantsEmail` (model/emailPreferences.ts).
import {
  NOTIFICATION_BODY_MAX,
  NOTIFICATION_TITLE_MAX,
  type NotificationKind,
} from "@nexus/shared/notifications";
import { v } from "convex/values";
import { z } from "zod";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { vNotificationKind } from "../validators";

export interface NotifyInput {
  userId: Id<"users">;
  kind: NotificationKind;
  /** One line, French, at most 140 characters. */
  title: string;
  /** A sentence or two, French, at most 1 000 characters. */
  body: string;
  /** App path opened by the notification, e.g. "/coach/bilans/abc" (must start with "/"). */
  link?: string;
  /**
   * Makes the notification once-only (a second notify with the same key returns the first
   * row) and withdrawable (withdrawNotifications). Must be unique to the recipient.
   */
  key?: string;
}

const zNotify = z.object({
  title: z.string().trim().min(1).max(NOTIFICATION_TITLE_MAX),
  body: z.string().trim().max(NOTIFICATION_BODY_MAX),
  // A same-site path only: no scheme, no protocol-relative "//host".
  link: z
    .string()
    .regex(/^\/(?!\/)[^\s]*$/)
    .max(500)
    .optional(),
});

/** Unread counts above this are shown as « 99+ » (the count reads at most this many rows). */
export const UNREAD_CAP = 99;

/**
 * Records a notification for `userId` (no-op for a person who no longer exists or is
 * deactivated: an erased account is never notified). Returns the new row's id, or null.
 */
export async function notify(
  ctx: MutationCtx,
  input: NotifyInput,
): Promise<Id<"notifications"> | null> {
  const parsed = zNotify.safeParse(input);
  if (!parsed.success) {
    throw appError("INVALID_ARGUMENT", "Notification invalide : titre, texte ou lien incorrect.");
  }
  const user = await ctx.db.get(input.userId);
  if (!user || user.deactivatedAt !== undefined) return null;
  if (input.key !== undefined) {
    const existing = await ctx.db
      .query("notifications")
      .withIndex("by_key", (q) => q.eq("key", input.key))
      .first();
    if (existing) return existing._id;
  }
  return await ctx.db.insert("notifications", {
    userId: input.userId,
    kind: input.kind,
    title: parsed.data.title,
    body: parsed.data.body,
    ...(parsed.data.link ? { link: parsed.data.link } : {}),
    ...(input.key !== undefined ? { key: input.key } : {}),
    createdAt: Date.now(),
  });
}

/**
 * Deletes the notifications whose key starts with `prefix` (e.g. a cancelled session's
 * reminders, "session.remind:<sessionId>:"), at most `limit`; returns how many went.
 */
export async function withdrawNotifications(
  ctx: MutationCtx,
  prefix: string,
  limit = 100,
): Promise<number> {
  if (prefix.length === 0) throw new Error("withdrawNotifications: empty prefix");
  const rows = await ctx.db
    .query("notifications")
    .withIndex("by_key", (q) => q.gte("key", prefix).lt("key", `${prefix}\uffff`))
    .take(limit);
  for (const row of rows) await ctx.db.delete(row._id);
  return rows.length;
}

/** The key prefix of one session's in-app reminders (coachingMail.remindInApp). */
export function sessionReminderKeyPrefix(sessionId: Id<"coachingSessions">): string {
  return `session.remind:${sessionId}:`;
}

/** Notifies each person once (duplicates removed). */
export async function notifyMany(
  ctx: MutationCtx,
  userIds: readonly Id<"users">[],
  input: Omit<NotifyInput, "userId">,
): Promise<void> {
  for (const userId of new Set(userIds)) await notify(ctx, { ...input, userId });
}

/** Every active admin and assistante (job failures, erasure requests). */
export async function staffIds(ctx: QueryCtx): Promise<Id<"users">[]> {
  const ids: Id<"users">[] = [];
  for (const role of ["admin", "assistante"] as const) {
    const rows = await ctx.db
      .query("users")
      .withIndex("by_role", (q) => q.eq("role", role))
      .take(50);
    for (const row of rows) if (row.deactivatedAt === undefined) ids.push(row._id);
  }
  return ids;
}

export const vNotification = v.object({
  _id: v.id("notifications"),
  kind: vNotificationKind,
  title: v.string(),
  body: v.string(),
  link: v.optional(v.string()),
  readAt: v.optional(v.number()),
  createdAt: v.number(),
});

export function toNotification(row: Doc<"notifications">) {
  return {
    _id: row._id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    ...(row.link ? { link: row.link } : {}),
    ...(row.readAt !== undefined ? { readAt: row.readAt } : {}),
    createdAt: row.createdAt,
  };
}

/** The person's unread notifications, at most UNREAD_CAP + 1 read (the badge says « 99+ »). */
export async function unreadCount(ctx: QueryCtx, userId: Id<"users">): Promise<number> {
  const rows = await ctx.db
    .query("notifications")
    .withIndex("by_userId_and_readAt", (q) => q.eq("userId", userId).eq("readAt", undefined))
    .take(UNREAD_CAP + 1);
  return rows.length;
}

/** Marks one of the caller's notifications read; someone else's is NOT_FOUND. */
export async function markRead(
  ctx: MutationCtx,
  userId: Id<"users">,
  notificationId: Id<"notifications">,
): Promise<void> {
  const row = await ctx.db.get(notificationId);
  if (!row || row.userId !== userId) {
    throw appError("NOT_FOUND", "Cette notification n’existe pas.");
  }
  if (row.readAt === undefined) await ctx.db.patch(notificationId, { readAt: Date.now() });
}

/** Marks up to `limit` unread notifications read; returns how many remain unread. */
export async function markAllRead(
  ctx: MutationCtx,
  userId: Id<"users">,
  limit = 200,
): Promise<number> {
  const now = Date.now();
  const rows = await ctx.db
    .query("notifications")
    .withIndex("by_userId_and_readAt", (q) => q.eq("userId", userId).eq("readAt", undefined))
    .take(limit);
  for (const row of rows) await ctx.db.patch(row._id, { readAt: now });
  return await unreadCount(ctx, userId);
}
