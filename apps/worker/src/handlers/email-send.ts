// email.send: the approved report to each linked parent and to the student. One email row
// and one idempotency key per (bilan, PDF version, recipient): a retried job skips every
// recipient already sent and never sends twice. The bilan becomes `sent` when all are.
// It only throws: a delivery failure is recorded on the bilan by Convex when the job fails
// for good (convex/model/jobOutcomes.ts).
import { EmailSendError } from "@nexus/email/email-sender";
import { pdfFilename } from "@nexus/email/pdf-filename";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { compareBilans, progressSentence } from "@nexus/shared/progress";
import { redactSecrets } from "@nexus/shared/redact";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { errorMessage, NonRetryableError } from "../errors.ts";
import { defineHandler } from "../handler.ts";
import { loadBilanContext, orNonRetryable } from "../pipeline/bilan-context.ts";
import type { PipelineServices } from "../pipeline/services.ts";

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export { pdfFilename };

export function emailSendHandler(services: PipelineServices) {
  return defineHandler({
    kind: "email.send",
    schema: jobPayloadSchemas["email.send"],
    timeoutMs: 2 * 60_000,
    retry: { baseMs: 10_000, maxMs: 10 * 60_000 },
    async run({ bilanId, pdfVersion }, { convex, signal, progress, log }) {
      const context = await loadBilanContext(convex, bilanId);
      const { bilan, student, guardians, studentAccount, previous } = context;
      const id = bilanId as Id<"bilans">;
      if (!bilan.pdf?.final || bilan.pdf.version !== pdfVersion) {
        return {
          skipped: `la version ${pdfVersion} du rapport n'est plus la version finale courante`,
        };
      }
      if (guardians.length === 0) {
        throw new NonRetryableError(
          "Aucun parent n'est rattaché à cet élève : le bilan ne peut pas être envoyé à la famille.",
        );
      }
      if (!bilan.synthesis) throw new NonRetryableError("Le bilan n'a pas de synthèse à envoyer.");

      const file = await convex.query(api.pipeline.pdfUrl, { bilanId: id });
      if (!file || file.version !== pdfVersion) return { skipped: "rapport remplacé entre-temps" };
      const response = await fetch(file.url, { signal });
      if (!response.ok)
        throw new Error(`Téléchargement du rapport impossible (HTTP ${response.status}).`);
      const pdf = new Uint8Array(await response.arrayBuffer());
      if (pdf.byteLength === 0) throw new NonRetryableError("Le rapport PDF stocké est vide.");
      const pdfSha256 = await sha256Hex(pdf);
      const filename = pdfFilename(bilan.subject, student.firstName, student.lastName, pdfVersion);

      const { renderBilanEmail } = await import("@nexus/email/render-bilan-email");
      const { formatDateFr } = await import("@nexus/report/french-format");
      // One sentence on the progress since the previous approved bilan of the same subject.
      const progressText =
        previous && bilan.scores
          ? progressSentence(compareBilans(previous, bilan.scores), formatDateFr)
          : undefined;
      const centre = services.centre;
      const sender = await services.emailSender();
      const recipients = [
        ...guardians.map((person) => ({ ...person, role: "parent" as const })),
        ...(studentAccount ? [{ ...studentAccount, role: "eleve" as const }] : []),
      ];
      const failures: { to: string; error: string; retryable: boolean }[] = [];
      let sent = 0;
      for (const [index, person] of recipients.entries()) {
        progress("send", Math.round((index / recipients.length) * 100), person.email);
        const email = await renderBilanEmail({
          recipient: {
            name: person.name,
            role: person.role,
            salutation: "salutation" in person ? person.salutation : undefined,
          },
          student: {
            firstName: student.firstName,
            lastName: student.lastName,
            niveau: student.niveau,
          },
          subject: bilan.subject,
          parentSummary: bilan.synthesis.parentSummary,
          dashboardUrl: `${services.appUrl}/bilans/${bilanId}`,
          pdfFilename: filename,
          coachName: context.approverName ?? undefined,
          progress: progressText,
          centre: {
            name: centre.name,
            address: centre.address,
            phone: centre.phone,
            email: centre.email,
            privacyUrl: centre.privacyUrl,
            bookingUrl: centre.bookingUrl,
          },
        });
        const row = await orNonRetryable(
          convex.mutation(api.pipeline.beginEmail, {
            bilanId: id,
            pdfVersion,
            pdfSha256,
            to: person.email,
            recipientName: person.name,
            recipientUserId: person.userId,
            subject: email.subject,
            template: `bilan-${person.role}`,
          }),
        );
        if (row.unconfirmed) {
          // Never sent twice blindly: staff confirm it (emails.confirm), then retry the job.
          failures.push({
            to: person.email,
            error: "envoi interrompu, à confirmer par l'équipe avant un nouvel envoi",
            retryable: false,
          });
          continue;
        }
        if (row.skip) continue;
        try {
          const result = await sender.send({
            to: { name: person.name, email: person.email },
            subject: email.subject,
            html: email.html,
            text: email.text,
            attachments: [{ filename, content: pdf, contentType: "application/pdf" }],
            idempotencyKey: row.idempotencyKey,
          });
          await convex.mutation(api.pipeline.finishEmail, {
            emailId: row.emailId,
            status: "sent",
            provider: result.provider,
            providerId: result.providerId,
            outboxPath: result.outboxPath,
          });
          sent++;
        } catch (error) {
          const retryable = error instanceof EmailSendError ? error.retryable : true;
          // Stored on the email row and in the job's error: never a provider key or token.
          const reason = redactSecrets(errorMessage(error));
          failures.push({ to: person.email, error: reason, retryable });
          log.warn("email.recipient_failed", {
            to: person.email,
            error: reason,
            retryable,
          });
          await convex.mutation(api.pipeline.finishEmail, {
            emailId: row.emailId,
            status: "failed",
            error: reason,
          });
        }
      }
      const delivery = await convex.mutation(api.pipeline.completeEmails, {
        bilanId: id,
        pdfVersion,
      });
      if (failures.length > 0) {
        const message = `Envoi impossible à ${failures.map((f) => `${f.to} (${f.error})`).join(", ")}.`;
        throw failures.some((f) => f.retryable)
          ? new Error(message)
          : new NonRetryableError(message);
      }
      return { sent, recipients: recipients.length, delivered: delivery.sent };
    },
  });
}
