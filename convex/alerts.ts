// Queue liveness alarms: staff read health and alerts; the cron evaluates them.
// The alerts.notify job (one per alert) emails every admin once (apps/worker handlers/alerts-notify.ts).
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { staffQuery, workerMutation, workerQuery } from "./lib/functions";
import { evaluateAlerts, listAlerts, queueHealth, vAlertView, vQueueHealth } from "./model/alerts";

const vEvaluation = v.object({ opened: v.number(), resolved: v.number(), open: v.number() });

export const list = staffQuery({
  args: { limit: v.optional(v.number()) },
  returns: v.array(vAlertView),
  handler: async (ctx, { limit }) => {
    return await listAlerts(ctx, limit ?? 20);
  },
});

export const health = staffQuery({
  // `now` from the caller (rounded to the minute by the UI): queries never read the clock.
  args: { now: v.number() },
  returns: vQueueHealth,
  handler: async (ctx, { now }) => {
    return await queueHealth(ctx, now);
  },
});

/** What the alerts.notify handler needs: the alert and the admins to write to. */
export const notificationTargets = workerQuery({
  args: { alertId: v.id("alerts") },
  returns: v.union(
    v.object({
      alert: v.object({
        kind: v.string(),
        message: v.string(),
        jobKind: v.optional(v.string()),
        status: v.string(),
        openedAt: v.number(),
        notifiedAt: v.optional(v.number()),
      }),
      admins: v.array(v.object({ userId: v.id("users"), name: v.string(), email: v.string() })),
    }),
    v.null(),
  ),
  handler: async (ctx, { alertId }) => {
    const alert = await ctx.db.get(alertId);
    if (!alert) return null;
    const admins = await ctx.db
      .query("users")
      .withIndex("by_role", (q) => q.eq("role", "admin"))
      .take(50);
    return {
      alert: {
        kind: alert.kind,
        message: alert.message,
        jobKind: alert.jobKind,
        status: alert.status,
        openedAt: alert.openedAt,
        notifiedAt: alert.notifiedAt,
      },
      // A deactivated admin is refused everywhere: no alarm e-mail either.
      admins: admins
        .filter((admin) => admin.deactivatedAt === undefined)
        .map((admin) => ({ userId: admin._id, name: admin.name, email: admin.email })),
    };
  },
});

/** The alerts.notify handler marks the alert as emailed. */
export const markNotified = workerMutation({
  args: { alertId: v.id("alerts") },
  returns: v.null(),
  handler: async (ctx, { alertId }) => {
    const alert = await ctx.db.get(alertId);
    if (alert && alert.notifiedAt === undefined) {
      await ctx.db.patch(alertId, { notifiedAt: Date.now() });
    }
    return null;
  },
});

/** Cron, every minute. */
export const evaluate = internalMutation({
  args: {},
  returns: vEvaluation,
  handler: async (ctx) => await evaluateAlerts(ctx),
});
