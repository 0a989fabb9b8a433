// The bilan e-mail as its recipient received it, rendered again on the server with the same
// React Email template and props as the worker's email.send (apps/worker/src/handlers/email-send.ts)
// from what Convex keeps (emails.preview). A re-render, not a stored copy: the summary and the
// coach's name are the bilan's current ones.
import type { api } from "@convex/_generated/api";
import { pdfFilename } from "@nexus/email/pdf-filename";
import { renderBilanEmail } from "@nexus/email/render-bilan-email";
import { centreContactFromEnv } from "@nexus/shared/centre";
import { compareBilans, progressSentence } from "@nexus/shared/progress";
import { formatDayFr, parisDayNumber } from "@nexus/shared/school-calendar";
import type { FunctionReturnType } from "convex/server";

type Preview = NonNullable<FunctionReturnType<typeof api.emails.preview>>;

export interface RenderedPreview {
  subject: string;
  html: string;
  text: string;
  filename: string;
}

/** null when the e-mail cannot be rendered again (no bilan, no synthesis, unknown template). */
export async function renderEmailPreview(
  preview: Preview,
  appUrl: string,
): Promise<RenderedPreview | null> {
  const { email, recipientRole, recipientSalutation, bilan } = preview;
  if (!bilan || !recipientRole || !bilan.parentSummary || email.pdfVersion === undefined) {
    return null;
  }
  const filename = pdfFilename(
    bilan.subject,
    bilan.student.firstName,
    bilan.student.lastName,
    email.pdfVersion,
  );
  const centre = centreContactFromEnv(process.env);
  const rendered = await renderBilanEmail({
    recipient: {
      name: email.recipientName ?? email.to,
      role: recipientRole,
      salutation: recipientSalutation ?? undefined,
    },
    student: bilan.student,
    subject: bilan.subject,
    parentSummary: bilan.parentSummary,
    dashboardUrl: `${appUrl}/bilans/${bilan.id}`,
    pdfFilename: filename,
    coachName: bilan.coachName ?? undefined,
    progress:
      bilan.previous && bilan.scores
        ? progressSentence(compareBilans(bilan.previous, bilan.scores), (ms) =>
            formatDayFr(parisDayNumber(ms)),
          )
        : undefined,
    centre: {
      name: centre.name,
      address: centre.address,
      phone: centre.phone,
      email: centre.email,
      privacyUrl: centre.privacyUrl,
      bookingUrl: centre.bookingUrl,
    },
  });
  return { ...rendered, filename };
}
