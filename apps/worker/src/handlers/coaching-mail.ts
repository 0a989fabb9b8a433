// The coaching e-mails: session.confirm (with the .ics invitation), session.remind (24 h and
// 1 h before) and payment.receipt (with the PDF receipt). Convex decides whether to send
// (convex/coachingMail.ts: a cancelled or moved session, an unpaid payment send nothing); each
// recipient's message is claimed as an `emails` row before the provider is called, so a retried
// job sends only what did not go out.
// Essential or not (docs/rgpd.md): a booking confirmation and a payment receipt are
// transactional, always sent. Reminders are not: each one first records the in-app reminder
// (coachingMail.remindInApp, idempotent), then e-mails only who kept « Séances » e-mails on,
// with the signed-out unsubscribe link in the footer and the List-Unsubscribe headers.
import { type EmailAttachment, EmailSendError } from "@nexus/email/email-sender";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { redactSecrets } from "@nexus/shared/redact";
import { subjectLabels } from "@nexus/shared/vocabulary";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { errorMessage, NonRetryableError } from "../errors.ts";
import { defineHandler, type JobHelpers } from "../handler.ts";
import type { PipelineServices } from "../pipeline/services.ts";

interface Message {
  key: string;
  to: { userId: Id<"users">; email: string; name: string };
  subject: string;
  html: string;
  text: string;
  template: string;
  attachments: EmailAttachment[];
  /** List-Unsubscribe and List-Unsubscribe-Post on non-essential messages. */
  headers?: Record<string, string>;
}

/** Sends each message once; throws (retryable) when any failed, after trying all. */
async function deliver(
  services: PipelineServices,
  messages: Message[],
  { convex, log }: JobHelpers,
) {
  const sender = await services.emailSender();
  let sent = 0;
  const failures: string[] = [];
  let retryable = false;
  for (const m of messages) {
    const { emailId, skip } = await convex.mutation(api.coachingMail.beginEmail, {
      idempotencyKey: m.key,
      to: m.to.email,
      recipientName: m.to.name,
      recipientUserId: m.to.userId,
      subject: m.subject,
      template: m.template,
    });
    if (skip) continue;
    try {
      const result = await sender.send({
        to: { email: m.to.email, name: m.to.name },
        subject: m.subject,
        html: m.html,
        text: m.text,
        attachments: m.attachments,
        idempotencyKey: m.key,
        ...(m.headers ? { headers: m.headers } : {}),
      });
      await convex.mutation(api.coachingMail.finishEmail, {
        emailId,
        status: "sent",
        provider: result.provider,
        providerId: result.providerId,
        outboxPath: result.outboxPath,
      });
      sent += 1;
    } catch (error) {
      const reason = redactSecrets(errorMessage(error));
      retryable ||= error instanceof EmailSendError ? error.retryable : true;
      log.warn("coaching.email_failed", { key: m.key, error: reason });
      await convex.mutation(api.coachingMail.finishEmail, {
        emailId,
        status: "failed",
        error: reason,
      });
      failures.push(`${m.to.email} : ${reason}`);
    }
  }
  if (failures.length > 0) {
    const message = `Envoi impossible (${failures.join(" ; ")}).`;
    throw retryable ? new Error(message) : new NonRetryableError(message);
  }
  return { sent };
}

/** The centre block of the e-mails' footer (address, contact) from CENTRE_* settings. */
function centreOf(services: PipelineServices) {
  const { name, email, address } = services.centre;
  return { name, contact: email, ...(address ? { address } : {}), ...(email ? { email } : {}) };
}

export function sessionConfirmHandler(services: PipelineServices) {
  return defineHandler({
    kind: "session.confirm",
    schema: jobPayloadSchemas["session.confirm"],
    timeoutMs: 60_000,
    retry: { baseMs: 10_000, maxMs: 10 * 60_000 },
    async run({ sessionId, startsAt }, helpers) {
      return await sessionMail(services, helpers, sessionId, startsAt, "confirm");
    },
  });
}

export function sessionRemindHandler(services: PipelineServices) {
  return defineHandler({
    kind: "session.remind",
    schema: jobPayloadSchemas["session.remind"],
    timeoutMs: 60_000,
    retry: { baseMs: 10_000, maxMs: 5 * 60_000 },
    async run({ sessionId, startsAt, lead }, helpers) {
      return await sessionMail(
        services,
        helpers,
        sessionId,
        startsAt,
        lead === "24h" ? "remind24h" : "remind1h",
      );
    },
  });
}

async function sessionMail(
  services: PipelineServices,
  helpers: JobHelpers,
  sessionId: string,
  startsAt: number,
  kind: "confirm" | "remind24h" | "remind1h",
) {
  const context = await helpers.convex.query(api.coachingMail.sessionMail, {
    sessionId: sessionId as Id<"coachingSessions">,
    startsAt,
    reminder: kind !== "confirm",
    now: Date.now(),
  });
  if (!context.send) return { skipped: context.reason };
  const { renderSessionEmail } = await import("@nexus/email/render-coaching-email");
  const { sessionIcs } = await import("@nexus/email/session-ics");
  const { privacyNoticeUrl, unsubscribeHeaders, unsubscribeUrl } = await import(
    "@nexus/email/unsubscribe"
  );
  let recipients = context.recipients.map((r) => ({
    ...r,
    unsubscribe: undefined as string | undefined,
  }));
  if (kind !== "confirm") {
    await helpers.convex.mutation(api.coachingMail.remindInApp, {
      sessionId: context.sessionId,
      startsAt: context.startsAt,
      lead: kind === "remind24h" ? "24h" : "1h",
    });
    const wishes = await helpers.convex.query(api.emailPreferences.recipients, {
      userIds: recipients.map((r) => r.userId),
      kind: "session",
    });
    recipients = recipients.flatMap((r) => {
      const wish = wishes.find((w) => w.userId === r.userId);
      if (wish && !wish.send) return [];
      // No signing key on this deployment: the preferences page (signed in) instead, no header.
      const unsubscribe = wish?.unsubscribeToken
        ? unsubscribeUrl(services.appUrl, wish.unsubscribeToken)
        : undefined;
      return [{ ...r, unsubscribe }];
    });
  }
  const messages: Message[] = [];
  for (const r of recipients) {
    const email = await renderSessionEmail({
      kind,
      recipientName: r.name,
      asCoach: r.asCoach,
      studentName: context.studentName,
      coachName: context.coachName,
      subject: context.subject,
      startsAt: context.startsAt,
      durationMinutes: context.durationMinutes,
      joinUrl: r.joinUrl,
      sessionsUrl: `${services.appUrl}${r.asCoach ? "/coach/agenda" : "/seances"}`,
      noticeHours: context.noticeHours,
      centre: centreOf(services),
      privacyUrl: services.centre.privacyUrl ?? privacyNoticeUrl(services.appUrl),
      ...(kind === "confirm"
        ? {}
        : { unsubscribeUrl: r.unsubscribe ?? `${services.appUrl}/mes-donnees#preferences-email` }),
    });
    const attachments: EmailAttachment[] =
      kind === "confirm"
        ? [
            {
              filename: "seance.ics",
              contentType: "text/calendar",
              content: sessionIcs({
                sessionId: context.sessionId,
                startsAt: context.startsAt,
                durationMinutes: context.durationMinutes,
                title: `Séance de ${subjectLabels[context.subject].toLowerCase()} – ${services.centre.name}`,
                description: r.asCoach
                  ? `Avec ${context.studentName}`
                  : `${context.studentName} avec ${context.coachName}`,
                joinUrl: r.joinUrl,
                organizerName: services.centre.name,
                sequence: context.sequence,
              }),
            },
          ]
        : [];
    messages.push({
      key: `session.${kind}:${sessionId}:${startsAt}:${r.email.toLowerCase()}`,
      to: { userId: r.userId, email: r.email, name: r.name },
      subject: email.subject,
      html: email.html,
      text: email.text,
      template: `session-${kind}`,
      attachments,
      ...(r.unsubscribe ? { headers: unsubscribeHeaders(r.unsubscribe) } : {}),
    });
  }
  return await deliver(services, messages, helpers);
}

export function paymentReceiptHandler(services: PipelineServices) {
  return defineHandler({
    kind: "payment.receipt",
    schema: jobPayloadSchemas["payment.receipt"],
    timeoutMs: 60_000,
    retry: { baseMs: 10_000, maxMs: 10 * 60_000 },
    async run({ paymentId }, helpers) {
      const context = await helpers.convex.query(api.coachingMail.receiptMail, {
        paymentId: paymentId as Id<"payments">,
      });
      if (!context.send) return { skipped: context.reason };
      const { renderReceiptEmail } = await import("@nexus/email/render-coaching-email");
      const { receiptPdf } = await import("@nexus/email/receipt-pdf");
      const { privacyNoticeUrl } = await import("@nexus/email/unsubscribe");
      const email = await renderReceiptEmail({
        recipientName: context.to.name,
        studentName: context.studentName,
        productName: context.productName,
        credits: context.credits,
        amountCents: context.amountCents,
        method: context.method,
        reference: context.reference,
        paidAt: context.paidAt,
        centre: centreOf(services),
        privacyUrl: services.centre.privacyUrl ?? privacyNoticeUrl(services.appUrl),
      });
      const pdf = await receiptPdf({
        centreName: services.centre.name,
        reference: context.reference,
        payerName: context.to.name,
        studentName: context.studentName,
        productName: context.productName,
        credits: context.credits,
        amountCents: context.amountCents,
        method: context.method,
        paidAt: context.paidAt,
      });
      return await deliver(
        services,
        [
          {
            key: `payment.receipt:${paymentId}:${context.to.email.toLowerCase()}`,
            to: context.to,
            subject: email.subject,
            html: email.html,
            text: email.text,
            template: "payment-receipt",
            attachments: [
              {
                filename: `recu-${context.reference}.pdf`,
                contentType: "application/pdf",
                content: pdf,
              },
            ],
          },
        ],
        helpers,
      );
    },
  });
}
