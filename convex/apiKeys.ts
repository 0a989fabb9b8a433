// Personal API keys for the CLI (rules in model/apiKeys.ts). A key is exchanged for a
// 15-minute session token at POST /auth/api-key/token (http.ts); with that token the CLI
// calls the same functions as the web app, as its person, with their role.
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { staffMutation, userMutation, userQuery, workerMutation } from "./lib/functions";
import { isStaff } from "./model/access";
import {
  apiKeySummary,
  bootstrapAdminKey,
  createApiKey,
  exchangeApiKey,
  revokeApiKey,
  vApiKeySummary,
  vCreatedApiKey,
} from "./model/apiKeys";

/** Staff: a new key for a person (themselves by default). The key is in the answer, once. */
export const create = staffMutation({
  args: { label: v.string(), userId: v.optional(v.id("users")) },
  returns: vCreatedApiKey,
  handler: async (ctx, { label, userId }) =>
    await createApiKey(ctx, ctx.user, userId ?? ctx.user._id, label),
});

/** Own keys; staff may name someone else's account. */
export const list = userQuery({
  args: { userId: v.optional(v.id("users")) },
  returns: v.array(vApiKeySummary),
  handler: async (ctx, { userId }) => {
    const owner = userId && isStaff(ctx.user) ? userId : ctx.user._id;
    const keys = await ctx.db
      .query("apiKeys")
      .withIndex("by_userId", (q) => q.eq("userId", owner))
      .order("desc")
      .take(100);
    return keys.map(apiKeySummary);
  },
});

export const revoke = userMutation({
  args: { keyId: v.id("apiKeys") },
  returns: vApiKeySummary,
  handler: async (ctx, { keyId }) => apiKeySummary(await revokeApiKey(ctx, ctx.user, keyId)),
});

/** `nexus-worker keys bootstrap`: the operator, holding the worker key, names the first admin. */
export const bootstrap = workerMutation({
  args: { email: v.string(), label: v.string() },
  returns: vCreatedApiKey,
  handler: async (ctx, { email, label }) => await bootstrapAdminKey(ctx, email, label),
});

export const exchange = internalMutation({
  args: { hash: v.string() },
  returns: v.union(v.id("apiKeys"), v.null()),
  handler: async (ctx, { hash }) => await exchangeApiKey(ctx, hash),
});
