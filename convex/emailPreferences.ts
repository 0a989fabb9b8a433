// E-mail preferences (model/emailPreferences.ts): the caller's own per kind, the signed-out
// unsubscribe link (a signed token; no session needed), and the worker's check before sending.
import { NOTIFICATION_KINDS } from "@nexus/shared/notifications";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { userMutation, userQuery, workerQuery } from "./lib/functions";
import { requireAnyRole } from "./model/access";
import { audit } from "./model/audit";
import {
  preferencesOf,
  setPreference,
  unsubscribeToken,
  verifyUnsubscribeToken,
  wantsEmail,
} from "./model/emailPreferences";
import { vNotificationKind } from "./validators";

const vPreference = v.object({
  kind: vNotificationKind,
  enabled: v.boolean(),
  locked: v.boolean(),
});

export const mine = userQuery({
  args: {},
  returns: v.array(vPreference),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    return await preferencesOf(ctx, ctx.user._id);
  },
});

/** Turns one kind of e-mail on or off (reports and legal messages: refused). */
export const set = userMutation({
  args: { kind: vNotificationKind, enabled: v.boolean() },
  returns: v.null(),
  handler: async (ctx, { kind, enabled }) => {
    requireAnyRole(ctx.user);
    await setPreference(ctx, ctx.user._id, kind, enabled);
    return null;
  },
});

const vUnsubscribeView = v.union(
  v.object({ valid: v.literal(false) }),
  v.object({ valid: v.literal(true), kindLabel: v.string(), enabled: v.boolean() }),
);

/** Public (the link's page, signed out): what the token unsubscribes from. */
export const unsubscribeInfo = query({
  args: { token: v.string() },
  returns: vUnsubscribeView,
  handler: async (ctx, { token }) => {
    const parsed = await verifyUnsubscribeToken(token.slice(0, 300));
    const userId = parsed && ctx.db.normalizeId("users", parsed.userId);
    if (!parsed || !userId || !(await ctx.db.get(userId))) return { valid: false as const };
    return {
      valid: true as const,
      kindLabel: NOTIFICATION_KINDS[parsed.kind].label,
      enabled: await wantsEmail(ctx, userId, parsed.kind),
    };
  },
});

/**
 * Public (the link's page and the List-Unsubscribe-Post one-click): turns the token's kind off.
 * A bad or stale token changes nothing and says so.
 */
export const unsubscribe = mutation({
  args: { token: v.string() },
  returns: v.object({ ok: v.boolean(), kindLabel: v.optional(v.string()) }),
  handler: async (ctx, { token }) => {
    const parsed = await verifyUnsubscribeToken(token.slice(0, 300));
    const userId = parsed && ctx.db.normalizeId("users", parsed.userId);
    if (!parsed || !userId || !(await ctx.db.get(userId))) return { ok: false };
    await setPreference(ctx, userId, parsed.kind, false);
    await audit(ctx, {
      actorKind: "user",
      actorId: userId,
      action: "emailPreferences.unsubscribe",
      targetTable: "users",
      targetId: userId,
      details: { kind: parsed.kind },
    });
    return { ok: true, kindLabel: NOTIFICATION_KINDS[parsed.kind].label };
  },
});

/**
 * Worker, before sending `kind` e-mails: who still wants them and, for kinds one may turn off,
 * each recipient's unsubscribe token (the worker builds the link and List-Unsubscribe headers).
 */
export const recipients = workerQuery({
  args: { userIds: v.array(v.id("users")), kind: vNotificationKind },
  returns: v.array(
    v.object({
      userId: v.id("users"),
      send: v.boolean(),
      unsubscribeToken: v.optional(v.string()),
    }),
  ),
  handler: async (ctx, { userIds, kind }) => {
    const out = [];
    for (const userId of userIds.slice(0, 200)) {
      const send = await wantsEmail(ctx, userId, kind);
      // Without the secret no signed link can be made: the worker links the preferences page.
      const optional =
        !NOTIFICATION_KINDS[kind].essential && Boolean(process.env.API_KEY_SIGNING_KEY);
      out.push({
        userId,
        send,
        ...(optional ? { unsubscribeToken: await unsubscribeToken(userId, kind) } : {}),
      });
    }
    return out;
  },
});
