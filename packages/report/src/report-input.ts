// The input of a bilan report, validated at the entry with zod: what the
// `bilan.pdf` job gathers from the bilan, the student and the review.
import { zNiveau, zSubject } from "@nexus/shared/domain";
import { zPreviousBilan } from "@nexus/shared/progress";
import { zBilanScores, zPedagogicalProfile } from "@nexus/shared/results";
import { zHolidayZone } from "@nexus/shared/school-calendar";
import { zSynthesis } from "@nexus/shared/synthesis";
import { formatIssues } from "@nexus/shared/zod-fr";
import { z } from "zod";

const text = z.string().trim().min(1);

export const defaultCentre = {
  name: "Nexus Réussite",
  tagline: "Bilans pédagogiques et accompagnement scolaire",
} as const;

export const zReportInput = z
  .object({
    centre: z
      .object({
        name: text.default(defaultCentre.name),
        tagline: z.string().trim().optional(),
        contact: z.string().trim().optional(),
        /** Contact block (« Prochaine étape et contacts »); see @nexus/shared/centre. */
        address: z.string().trim().min(1).optional(),
        phone: z.string().trim().min(1).optional(),
        email: z.email().optional(),
        hours: z.string().trim().min(1).optional(),
        bookingUrl: z.url({ protocol: /^https?$/ }).optional(),
      })
      .default({ name: defaultCentre.name, tagline: defaultCentre.tagline }),
    student: z.object({
      firstName: text,
      lastName: text,
      niveau: zNiveau,
      specialites: z.array(text),
      /** School holiday zone: the plan skips its holidays; absent, nothing is skipped (said so). */
      holidayZone: zHolidayZone.optional(),
      /** Hours a week the student declared available for this subject (the plan fits in). */
      weeklyAvailabilityHours: z.number().positive().max(40).optional(),
    }),
    subject: zSubject,
    questionnaireTitle: text,
    /** Date of the bilan, epoch milliseconds. */
    date: z.number().int().positive(),
    scores: zBilanScores.refine((s) => s.domains.length > 0, {
      message: "le bilan ne contient aucun domaine noté",
    }),
    profile: zPedagogicalProfile,
    synthesis: zSynthesis,
    review: z
      .object({
        coachName: text,
        coachNote: z.string().trim().optional(),
        approvedAt: z.number().int().positive().optional(),
      })
      .optional(),
    /** The previous approved bilan of the same subject: the report shows the progress. */
    previous: zPreviousBilan.optional(),
    /** The bilan's page in the web app (printed in the contact block). */
    bilanUrl: z.url({ protocol: /^https?$/ }).optional(),
    version: z.number().int().min(1),
    final: z.boolean(),
  })
  .refine((input) => !input.final || input.review?.approvedAt !== undefined, {
    message: "une version finale doit porter la validation du coach (review.approvedAt)",
    path: ["final"],
  });

/** What callers pass (centre branding is optional). */
export type ReportInput = z.input<typeof zReportInput>;
/** What the layout works from, defaults applied. */
export type ParsedReportInput = z.output<typeof zReportInput>;

export class ReportError extends Error {
  constructor(
    readonly code: "invalid_input" | "empty_output" | "too_large",
    message: string,
  ) {
    super(message);
    this.name = "ReportError";
  }
}

export function parseReportInput(input: unknown): ParsedReportInput {
  const result = zReportInput.safeParse(input);
  if (!result.success) {
    throw new ReportError(
      "invalid_input",
      `Données du rapport invalides :\n${formatIssues(result.error)}`,
    );
  }
  return result.data;
}
