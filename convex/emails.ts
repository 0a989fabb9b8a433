// E-mails as staff see them: the outbox of every bilan delivery, and the messages whose
// delivery is uncertain (a worker died mid-send) for staff to confirm.
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { staffMutation, staffQuery } from "./lib/functions";
import { pageSize } from "./lib/pagination";
import { confirmEmail } from "./model/emailDelivery";
import schema from "./schema";
import { vEmailStatus } from "./validators";

const vEmail = doc(schema, "emails");

/** Newest first; `status: "unconfirmed"` lists what staff must check. */
export const list = staffQuery({
  args: { status: v.optional(vEmailStatus), limit: v.optional(v.number()) },
  returns: v.array(vEmail),
  handler: async (ctx, { status, limit }) => {
    const take = pageSize(limit, { fallback: 50, max: 200 });
    const query = status
      ? ctx.db.query("emails").withIndex("by_status_and_createdAt", (q) => q.eq("status", status))
      : ctx.db.query("emails").withIndex("by_createdAt");
    return await query.order("desc").take(take);
  },
});

/** After checking with the provider or the family: `delivered` or not (then the retry sends it). */
export const confirm = staffMutation({
  args: { emailId: v.id("emails"), delivered: v.boolean() },
  returns: vEmail,
  handler: async (ctx, { emailId, delivered }) =>
    await confirmEmail(ctx, ctx.user, emailId, delivered),
});
