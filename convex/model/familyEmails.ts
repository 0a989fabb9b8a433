// The bilan e-mails a family received, as the family, the coach and staff may see them:
// recipient, address, subject, a French status and when it left. Never the provider's
// id, an error or the outbox path. Bounded: the student's latest bilans, a few e-mails each
// (one per parent and one to the student per report version).

import { subjectLabels } from "@nexus/shared/domain";
import { v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { vEmailStatus, vSubject } from "../validators";
import { requireReadableStudent, type User } from "./access";

const BILANS_READ = 20;
const EMAILS_PER_BILAN = 20;

/** What a family reads next to each status. `unconfirmed`: the centre checks it was received. */
export const EMAIL_STATUS_LABELS: Record<Doc<"emails">["status"], string> = {
  queued: "En attente d'envoi",
  sending: "Envoi en cours",
  sent: "Envoyé",
  failed: "Échec de l'envoi",
  unconfirmed: "Envoi en cours de vérification",
};

export const vFamilyEmail = v.object({
  emailId: v.id("emails"),
  bilanId: v.id("bilans"),
  /** The bilan's subject, and its French label (« Mathématiques »). */
  bilanSubject: vSubject,
  bilanSubjectLabel: v.string(),
  recipientName: v.union(v.string(), v.null()),
  to: v.string(),
  /** The e-mail's subject line. */
  subject: v.string(),
  status: vEmailStatus,
  statusLabel: v.string(),
  createdAt: v.number(),
  sentAt: v.union(v.number(), v.null()),
});

/** The bilan e-mails of a student the caller may read, newest first; NOT_FOUND otherwise. */
export async function emailsForStudent(ctx: QueryCtx, user: User, studentId: Id<"students">) {
  await requireReadableStudent(ctx, user, studentId);
  const bilans = await ctx.db
    .query("bilans")
    .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
    .order("desc")
    .take(BILANS_READ);
  const perBilan = await Promise.all(
    bilans.map(async (bilan) => {
      const emails = await ctx.db
        .query("emails")
        .withIndex("by_bilanId", (q) => q.eq("bilanId", bilan._id))
        .take(EMAILS_PER_BILAN);
      return emails.map((email) => ({
        emailId: email._id,
        bilanId: bilan._id,
        bilanSubject: bilan.subject,
        bilanSubjectLabel: subjectLabels[bilan.subject],
        recipientName: email.recipientName ?? null,
        to: email.to,
        subject: email.subject,
        status: email.status,
        statusLabel: EMAIL_STATUS_LABELS[email.status],
        createdAt: email.createdAt,
        sentAt: email.sentAt ?? null,
      }));
    }),
  );
  return perBilan.flat().sort((a, b) => b.createdAt - a.createdAt);
}
