// bilan.pdf: assemble the report with @nexus/report, upload it to Convex storage and make it
// the bilan's current PDF (provisional during review, final once approved → email.send).
// It only throws: a failure is recorded on the bilan by Convex (convex/model/jobOutcomes.ts).
import { type CentreContact, defaultCentreContact } from "@nexus/shared/centre";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { getQuestionnaire } from "@nexus/shared/questionnaires";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { NonRetryableError } from "../errors.ts";
import { defineHandler } from "../handler.ts";
import { loadBilanContext, orNonRetryable } from "../pipeline/bilan-context.ts";

/** The report's centre block from the configured contact (CENTRE_* variables). */
export function reportCentre(centre: CentreContact) {
  return {
    name: centre.name,
    contact: [centre.phone, centre.email].join(" · "),
    address: centre.address,
    phone: centre.phone,
    email: centre.email,
    hours: centre.hours,
    bookingUrl: centre.bookingUrl,
  };
}

export function bilanPdfHandler(
  services: { appUrl: string; centre: CentreContact } = {
    appUrl: "http://localhost:3000",
    centre: defaultCentreContact,
  },
) {
  return defineHandler({
    kind: "bilan.pdf",
    schema: jobPayloadSchemas["bilan.pdf"],
    timeoutMs: 2 * 60_000,
    retry: { baseMs: 2_000, maxMs: 60_000 },
    async run({ bilanId, final }, { convex, signal, progress, job }) {
      const { bilan, student, approverName, previous } = await loadBilanContext(convex, bilanId);
      const expected = final ? "approved" : "review";
      if (bilan.status !== expected) {
        // The bilan moved on (regenerated, approved meanwhile…): this PDF would be stale.
        return { skipped: `bilan au statut « ${bilan.status} »` };
      }
      if (!bilan.synthesis || !bilan.scores || !bilan.profile) {
        throw new NonRetryableError(
          "Le bilan n'a pas encore de synthèse : impossible de produire le rapport.",
        );
      }
      progress("render", 20);
      // pdf-lib and the fonts load with the first report, not at worker start.
      const { renderBilanReport } = await import("@nexus/report/render-bilan-report");
      const { ReportError } = await import("@nexus/report/report-input");
      let bytes: Uint8Array;
      try {
        bytes = await renderBilanReport({
          centre: reportCentre(services.centre),
          student: {
            firstName: student.firstName,
            lastName: student.lastName,
            niveau: student.niveau,
            specialites: student.specialites,
            holidayZone: student.holidayZone,
            weeklyAvailabilityHours: student.weeklyAvailabilityHours,
          },
          // The previous approved bilan of the same subject (index read in Convex): progress.
          previous: previous ? { date: previous.date, scores: previous.scores } : undefined,
          bilanUrl: `${services.appUrl}/bilans/${bilanId}`,
          subject: bilan.subject,
          questionnaireTitle: getQuestionnaire(bilan.questionnaireId).title,
          date: bilan.submittedAt ?? bilan.createdAt,
          scores: bilan.scores,
          profile: bilan.profile,
          synthesis: bilan.synthesis,
          review: final
            ? {
                coachName: approverName ?? "L'équipe pédagogique",
                coachNote: bilan.review?.coachNote,
                approvedAt: bilan.review?.approvedAt,
              }
            : undefined,
          version: (bilan.pdf?.version ?? 0) + 1,
          final,
        });
      } catch (error) {
        if (error instanceof ReportError) {
          throw new NonRetryableError(error.message, { cause: error });
        }
        throw error;
      }
      progress("upload", 70);
      const uploadUrl = await convex.mutation(api.pipeline.generateUploadUrl, {});
      const response = await fetch(uploadUrl, {
        method: "POST",
        headers: { "Content-Type": "application/pdf" },
        body: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/pdf" }),
        signal,
      });
      if (!response.ok) {
        throw new Error(`Envoi du PDF refusé par le stockage (HTTP ${response.status}).`);
      }
      const { storageId } = (await response.json()) as { storageId: Id<"_storage"> };
      const recorded = await orNonRetryable(
        convex.mutation(api.pipeline.recordPdf, {
          bilanId: bilanId as Id<"bilans">,
          storageId,
          size: bytes.byteLength,
          final,
          jobId: job.id as Id<"jobs">,
        }),
      );
      return recorded.accepted
        ? { version: recorded.version, size: bytes.byteLength, final }
        : { skipped: recorded.reason };
    },
  });
}
