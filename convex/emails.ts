// E-mails as staff see them: the outbox of every bilan delivery, and the messages whose
// delivery is uncertain (a worker died mid-send) for staff to confirm. And as a family sees
// them (forStudent): the bilan e-mails of one student, for whoever may read that student.
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { staffMutation, staffQuery, userQuery } from "./lib/functions";
import { pageSize } from "./lib/pagination";
import { requireAnyRole } from "./model/access";
import { confirmEmail } from "./model/emailDelivery";
import { emailsForStudent, vFamilyEmail } from "./model/familyEmails";
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

/** The bilan e-mails sent about a student, newest first: its parents, itself, its coach, staff. */
export const forStudent = userQuery({
  args: { studentId: v.id("students") },
  returns: v.array(vFamilyEmail),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    return await emailsForStudent(ctx, ctx.user, studentId);
  },
});
