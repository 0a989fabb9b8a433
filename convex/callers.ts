// Caller checks for actions (which cannot read the database): the action builders of
// lib/functions.ts run these internal queries, which see the action's own identity.
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internalQuery } from "./_generated/server";
import { requireStaff, requireUser } from "./model/access";
import { currentApiKeyId, requireWorker } from "./model/identity";
import schema from "./schema";

export const actor = internalQuery({
  args: { staffOnly: v.boolean() },
  returns: v.object({ user: doc(schema, "users"), apiKeyId: v.optional(v.id("apiKeys")) }),
  handler: async (ctx, { staffOnly }) => {
    const user = await requireUser(ctx);
    if (staffOnly) requireStaff(user);
    const apiKeyId = await currentApiKeyId(ctx);
    return apiKeyId ? { user, apiKeyId } : { user };
  },
});

export const worker = internalQuery({
  args: {},
  returns: v.object({ workerId: v.string() }),
  handler: async (ctx) => await requireWorker(ctx),
});
