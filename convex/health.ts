// Public health check: the only function an unauthenticated caller may use.
import { v } from "convex/values";
import { query } from "./_generated/server";

export const check = query({
  args: {},
  returns: v.object({ ok: v.literal(true), service: v.literal("nexus-reussite") }),
  handler: async () => ({ ok: true as const, service: "nexus-reussite" as const }),
});
