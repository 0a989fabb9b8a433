// The worker's side of the coaching e-mails (handlers apps/worker/src/handlers/session-mail.ts
// and payment-receipt.ts): what to send, then one `emails` row per (message, recipient) claimed
// before the provider is called and settled after, so a retried job never sends twice.
// - session.confirm / session.remind: nothing when the session was cancelled, or moved since
//   the job was queued (the job's startsAt differs: a new job exists for the new time), or —
//   for reminders — already took place.
// - payment.receipt: only for a paid payment; to the payer.
// - remindInApp: a reminder's in-app notification (family and coach), once per session, time,
//   lead and person (notification key); a cancelled or moved session withdraws them
//   (model/sessions.ts).

import { formatParisDateTime } from "@nexus/shared/coaching-time";
import { subjectLabels } from "@nexus/shared/vocabulary";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { workerMutation, workerQuery } from "./lib/functions";
import { notify, sessionReminderKeyPrefix } from "./model/notifications";
import { familyNoticeHours } from "./model/sessions";
import { joinUrl } from "./model/visio";
import { vPaymentMethod } from "./tables/coaching";
import { vSubject } from "./validators";

const vRecipient = v.object({
  userId: v.id("users"),
  email: v.string(),
  name: v.string(),
  asCoach: v.boolean(),
  joinUrl: v.string(),
});

const vSessionMail = v.union(
  v.object({ send: v.literal(false), reason: v.string() }),
  v.object({
    send: v.literal(true),
    sessionId: v.id("coachingSessions"),
    studentName: v.string(),
    coachName: v.string(),
    subject: vSubject,
    startsAt: v.number(),
    durationMinutes: v.number(),
    noticeHours: v.number(),
    /** How many times the session moved (the .ics SEQUENCE). */
    sequence: v.number(),
    recipients: v.array(vRecipient),
  }),
);

async function familyUsers(ctx: QueryCtx, session: Doc<"coachingSessions">) {
  const student = await ctx.db.get(session.studentId);
  const parents = await ctx.db
    .query("guardianships")
    .withIndex("by_studentId", (q) => q.eq("studentId", session.studentId))
    .take(10);
  const ids: Id<"users">[] = [
    ...(student?.userId ? [student.userId] : []),
    ...parents.map((p) => p.parentId),
  ];
  const users = await Promise.all(ids.map((id) => ctx.db.get(id)));
  return {
    student,
    users: users.filter((u): u is Doc<"users"> => !!u && u.deactivatedAt === undefined),
  };
}

export const sessionMail = workerQuery({
  args: {
    sessionId: v.id("coachingSessions"),
    startsAt: v.number(),
    reminder: v.boolean(),
    now: v.number(),
  },
  returns: vSessionMail,
  handler: async (ctx, { sessionId, startsAt, reminder, now }) => {
    const session = await ctx.db.get(sessionId);
    if (!session) return { send: false as const, reason: "séance supprimée" };
    if (session.status !== "booked")
      return { send: false as const, reason: "séance annulée ou passée" };
    if (session.startsAt !== startsAt) return { send: false as const, reason: "séance déplacée" };
    if (reminder && now >= session.startsAt)
      return { send: false as const, reason: "séance commencée" };
    const { student, users } = await familyUsers(ctx, session);
    const coach = await ctx.db.get(session.coachId);
    const studentName = student ? `${student.firstName} ${student.lastName}` : "l’élève";
    const link = (host: boolean, displayName: string) =>
      joinUrl({
        room: session.room,
        host,
        displayName,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
      });
    const recipients = [];
    for (const u of users) {
      recipients.push({
        userId: u._id,
        email: u.email,
        name: u.role === "eleve" && student ? student.firstName : u.name,
        asCoach: false,
        joinUrl: await link(false, u.role === "eleve" ? studentName : u.name),
      });
    }
    if (coach && coach.deactivatedAt === undefined) {
      recipients.push({
        userId: coach._id,
        email: coach.email,
        name: coach.name,
        asCoach: true,
        joinUrl: await link(true, coach.name),
      });
    }
    return {
      send: true as const,
      sessionId,
      studentName,
      coachName: coach?.name ?? "votre coach",
      subject: session.subject,
      startsAt: session.startsAt,
      durationMinutes: session.durationMinutes,
      noticeHours: familyNoticeHours(),
      sequence: session.moves ?? 0,
      recipients,
    };
  },
});

/**
 * Worker (session.remind), before the e-mails: the in-app reminder for the family and the
 * coach. Nothing for a session cancelled, moved or started; a retried job adds nothing.
 */
export const remindInApp = workerMutation({
  args: {
    sessionId: v.id("coachingSessions"),
    startsAt: v.number(),
    lead: v.union(v.literal("24h"), v.literal("1h")),
  },
  returns: v.object({ notified: v.number() }),
  handler: async (ctx, { sessionId, startsAt, lead }) => {
    const session = await ctx.db.get(sessionId);
    if (
      session?.status !== "booked" ||
      session.startsAt !== startsAt ||
      Date.now() >= session.startsAt
    ) {
      return { notified: 0 };
    }
    const { student, users } = await familyUsers(ctx, session);
    const when = formatParisDateTime(session.startsAt);
    const body = `Séance de ${subjectLabels[session.subject].toLowerCase()} le ${when} (${session.durationMinutes} min).`;
    const title = (name: string) =>
      lead === "24h"
        ? `Rappel : séance demain – ${name}`
        : `Rappel : séance dans une heure – ${name}`;
    const prefix = `${sessionReminderKeyPrefix(sessionId)}${startsAt}:${lead}:`;
    let notified = 0;
    for (const u of users) {
      const id = await notify(ctx, {
        userId: u._id,
        kind: "session",
        title: title(student ? student.firstName : "l’élève"),
        body,
        link: "/seances",
        key: `${prefix}${u._id}`,
      });
      if (id) notified++;
    }
    const id = await notify(ctx, {
      userId: session.coachId,
      kind: "session",
      title: title(student ? `${student.firstName} ${student.lastName}` : "l’élève"),
      body,
      link: "/coach/agenda",
      key: `${prefix}${session.coachId}`,
    });
    if (id) notified++;
    return { notified };
  },
});

const vReceiptMail = v.union(
  v.object({ send: v.literal(false), reason: v.string() }),
  v.object({
    send: v.literal(true),
    to: v.object({ userId: v.id("users"), email: v.string(), name: v.string() }),
    studentName: v.string(),
    productName: v.string(),
    credits: v.number(),
    amountCents: v.number(),
    method: vPaymentMethod,
    reference: v.string(),
    paidAt: v.number(),
  }),
);

export const receiptMail = workerQuery({
  args: { paymentId: v.id("payments") },
  returns: vReceiptMail,
  handler: async (ctx, { paymentId }) => {
    const payment = await ctx.db.get(paymentId);
    if (payment?.status !== "paid" || payment.paidAt === undefined) {
      return { send: false as const, reason: "paiement non payé" };
    }
    const [payer, student] = await Promise.all([
      ctx.db.get(payment.payerId),
      ctx.db.get(payment.studentId),
    ]);
    if (!payer || payer.deactivatedAt !== undefined) {
      return { send: false as const, reason: "payeur introuvable" };
    }
    return {
      send: true as const,
      to: { userId: payer._id, email: payer.email, name: payer.name },
      studentName: student ? `${student.firstName} ${student.lastName}` : "l’élève",
      productName: payment.productName,
      credits: payment.credits,
      amountCents: payment.amountCents,
      method: payment.method,
      reference: payment.externalId,
      paidAt: payment.paidAt,
    };
  },
});

/** Claims the e-mail row of one message to one recipient; `skip` when it went out already. */
export const beginEmail = workerMutation({
  args: {
    idempotencyKey: v.string(),
    to: v.string(),
    recipientName: v.string(),
    recipientUserId: v.id("users"),
    subject: v.string(),
    template: v.string(),
  },
  returns: v.object({ emailId: v.id("emails"), skip: v.boolean() }),
  handler: async (ctx, args) => {
    const existing = await ctx.db
      .query("emails")
      .withIndex("by_idempotencyKey", (q) => q.eq("idempotencyKey", args.idempotencyKey))
      .unique();
    if (existing) {
      if (existing.status === "failed") {
        await ctx.db.patch(existing._id, { status: "sending", error: undefined });
        return { emailId: existing._id, skip: false };
      }
      // sent, or a crash mid-send (« sending »): never sent twice blindly
      if (existing.status === "sending") {
        await ctx.db.patch(existing._id, { status: "unconfirmed" });
      }
      return { emailId: existing._id, skip: true };
    }
    const emailId = await ctx.db.insert("emails", {
      ...args,
      status: "sending",
      createdAt: Date.now(),
    });
    return { emailId, skip: false };
  },
});

export const finishEmail = workerMutation({
  args: {
    emailId: v.id("emails"),
    status: v.union(v.literal("sent"), v.literal("failed")),
    provider: v.optional(v.union(v.literal("resend"), v.literal("outbox"))),
    providerId: v.optional(v.string()),
    outboxPath: v.optional(v.string()),
    error: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { emailId, status, ...rest }) => {
    await ctx.db.patch(emailId, {
      status,
      ...rest,
      ...(status === "sent" ? { sentAt: Date.now() } : {}),
    });
    return null;
  },
});
