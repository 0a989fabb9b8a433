// Queue liveness alarms: staff read health and alerts; the cron evaluates them.
// The alerts.notify job (one per alert) emails admins; its handler belongs to the email work.
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { userQuery, workerMutation, workerQuery } from "./lib/functions";
import { requireRole } from "./model/access";
import { evaluateAlerts, listAlerts, queueHealth, vAlertView, vQueueHealth } from "./model/alerts";

const STAFF = ["admin", "assistante"] as const;
const vEvaluation = v.object({ opened: v.number(), resolved: v.number(), open: v.number() });

export const list = userQuery({
  args: { limit: v.optional(v.number()) },
  returns: v.array(vAlertView),
  handler: async (ctx, { limit }) => {
    requireRole(ctx.user, STAFF);
    return await listAlerts(ctx, limit ?? 20);
  },
});

export const health = userQuery({
  // `now` from the caller (rounded to the minute by the UI): queries never read the clock.
  args: { now: v.number() },
  returns: vQueueHealth,
  handler: async (ctx, { now }) => {
    requireRole(ctx.user, STAFF);
    return await queueHealth(ctx, now);
  },
});

export const adminList = workerQuery({
  args: { limit: v.optional(v.number()) },
  returns: v.array(vAlertView),
  handler: async (ctx, { limit }) => await listAlerts(ctx, limit ?? 20),
});

export const adminHealth = workerQuery({
  args: { now: v.number() },
  returns: vQueueHealth,
  handler: async (ctx, { now }) => await queueHealth(ctx, now),
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
