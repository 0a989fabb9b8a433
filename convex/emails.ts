// E-mails as staff see them: the outbox of every bilan delivery, and the messages whose
// delivery is uncertain (a worker died mid-send) for staff to confirm. And as a family sees
// them (forStudent): the bilan e-mails of one student, for whoever may read that student.
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { staffMutation, staffQuery, userQuery } from "./lib/functions";
import { boundedPage, pageSize } from "./lib/pagination";
import { requireAnyRole } from "./model/access";
import { loadBilanContext } from "./model/bilanPipeline";
import { confirmEmail, resendEmail } from "./model/emailDelivery";
import { emailsForStudent, vFamilyEmail } from "./model/familyEmails";
import schema from "./schema";
import { vBilanScores } from "./tables/bilans";
import { vSalutation } from "./tables/people";
import { vEmailStatus, vNiveau, vSubject } from "./validators";

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

const vEmailPage = v.object({
  page: v.array(vEmail),
  isDone: v.boolean(),
  continueCursor: v.string(),
  splitCursor: v.optional(v.union(v.string(), v.null())),
  pageStatus: v.optional(
    v.union(v.literal("SplitRecommended"), v.literal("SplitRequired"), v.null()),
  ),
});

/** The console's list, paginated (newest first, one index per filter): /admin/emails. */
export const page = staffQuery({
  args: { status: v.optional(vEmailStatus), paginationOpts: paginationOptsValidator },
  returns: vEmailPage,
  handler: async (ctx, { status, paginationOpts }) => {
    const query = status
      ? ctx.db.query("emails").withIndex("by_status_and_createdAt", (q) => q.eq("status", status))
      : ctx.db.query("emails").withIndex("by_createdAt");
    return await query.order("desc").paginate(boundedPage(paginationOpts, 50));
  },
});

/**
 * What the e-mail was made of, to render it again as the family received it (/admin/emails/:id):
 * the row, the recipient's role (from its template), the student, the bilan's subject and its
 * parent summary as they are NOW, the approving coach, and the bilan's current report (only the
 * current version of a report is kept: an older one was deleted when it was replaced).
 */
export const preview = staffQuery({
  args: { emailId: v.id("emails") },
  returns: v.union(
    v.null(),
    v.object({
      email: vEmail,
      recipientRole: v.union(v.literal("parent"), v.literal("eleve"), v.null()),
      /** How the recipient wishes to be greeted (parents), as the worker's email.send reads it. */
      recipientSalutation: v.union(vSalutation, v.null()),
      bilan: v.union(
        v.null(),
        v.object({
          id: v.id("bilans"),
          subject: vSubject,
          student: v.object({ firstName: v.string(), lastName: v.string(), niveau: vNiveau }),
          parentSummary: v.union(v.string(), v.null()),
          coachName: v.union(v.string(), v.null()),
          report: v.union(
            v.null(),
            v.object({ version: v.number(), final: v.boolean(), size: v.number() }),
          ),
          /** Scores of this bilan and the previous approved one: the e-mail's progress sentence. */
          scores: v.union(vBilanScores, v.null()),
          previous: v.union(v.object({ date: v.number(), scores: vBilanScores }), v.null()),
        }),
      ),
    }),
  ),
  handler: async (ctx, { emailId }) => {
    const email = await ctx.db.get(emailId);
    if (!email) return null;
    const recipientRole =
      email.template === "bilan-parent"
        ? ("parent" as const)
        : email.template === "bilan-eleve"
          ? ("eleve" as const)
          : null;
    const recipient = email.recipientUserId ? await ctx.db.get(email.recipientUserId) : null;
    const recipientSalutation = recipient?.salutation ?? null;
    const source = email.bilanId ? await ctx.db.get(email.bilanId) : null;
    if (!source) return { email, recipientRole, recipientSalutation, bilan: null };
    const { bilan, student, approverName, previous } = await loadBilanContext(ctx, source._id);
    return {
      email,
      recipientRole,
      recipientSalutation,
      bilan: {
        id: bilan._id,
        subject: bilan.subject,
        student: {
          firstName: student.firstName,
          lastName: student.lastName,
          niveau: student.niveau,
        },
        parentSummary: bilan.synthesis?.parentSummary ?? null,
        coachName: approverName,
        report: bilan.pdf
          ? { version: bilan.pdf.version, final: bilan.pdf.final, size: bilan.pdf.size }
          : null,
        scores: bilan.scores ?? null,
        previous: previous ? { date: previous.date, scores: previous.scores } : null,
      },
    };
  },
});

/**
 * Sends a failed e-mail again (never a sent one): the bilan's email.send job serves every failed
 * recipient of that report version and skips those already sent. Idempotent; audited.
 */
export const resend = staffMutation({
  args: { emailId: v.id("emails") },
  returns: v.object({
    email: vEmail,
    jobId: v.union(v.id("jobs"), v.null()),
    created: v.boolean(),
  }),
  handler: async (ctx, { emailId }) => await resendEmail(ctx, ctx.user, emailId),
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
