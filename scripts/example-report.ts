#!/usr/bin/env bun
// `bun run example:report`: the example report committed under docs/examples/, built from
// the demo data through the product's own code: the seeded answers of Camille Durand's NSI
// bilan (demoAnswers, convex/model/seed.ts) → scoreBilan → generateSynthesis with the local
// writer (schema + grounding check, as the worker's bilan.generate with LLM_PROVIDER=local)
// → renderBilanReport, final version approved by her coach (as the worker's bilan.pdf).
// Writes docs/examples/bilan-exemple.pdf and a PNG of page 1 (unpdf + @napi-rs/canvas).
// Dates are fixed so that a re-run gives the same text.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderBilanReport } from "@nexus/report/render-bilan-report";
import { scoreBilan } from "@nexus/shared/bilan-scoring";
import { getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import { generateSynthesis } from "@nexus/synthesis/generate";
import { LocalSynthesisProvider } from "@nexus/synthesis/local-provider";
import { renderPageAsImage } from "unpdf";
import {
  DEMO_ACCOUNTS,
  DEMO_BILANS,
  DEMO_COACH_ASSIGNMENTS,
  DEMO_STUDENTS,
  demoAnswers,
  demoCoachNote,
} from "../convex/model/seed";

const outDir = join(import.meta.dir, "..", "docs", "examples");
const SUBMITTED_AT = Date.UTC(2025, 9, 6, 15, 30); // 6 octobre 2025
const APPROVED_AT = Date.UTC(2025, 9, 8, 9, 0);

function fail(message: string): never {
  console.error(`example:report : ${message}`);
  process.exit(1);
}

// The seeded `sent` bilan: the one a family receives in the demo.
const plan = DEMO_BILANS.find((b) => b.status === "sent") ?? fail("aucun bilan « sent » en démo");
const student =
  DEMO_STUDENTS.find((s) => s.accountEmail === plan.studentEmail) ?? fail("élève introuvable");
const coachEmail = DEMO_COACH_ASSIGNMENTS.find(([, email]) => email === plan.studentEmail)?.[0];
const coach = DEMO_ACCOUNTS.find((a) => a.email === coachEmail) ?? fail("coach introuvable");
const questionnaire =
  questionnaireFor(plan.subject, student.niveau) ?? fail("questionnaire introuvable");

const answers = demoAnswers(questionnaire, getSurvey(), plan);
const { scores, profile } = scoreBilan(questionnaire.id, answers);
const { synthesis, meta } = await generateSynthesis(
  {
    student,
    subject: plan.subject,
    scores,
    profile,
    chunks: [],
  },
  new LocalSynthesisProvider(),
);

const pdf = await renderBilanReport(
  {
    student: {
      firstName: student.firstName,
      lastName: student.lastName,
      niveau: student.niveau,
      specialites: student.specialites,
    },
    subject: plan.subject,
    questionnaireTitle: questionnaire.title,
    date: SUBMITTED_AT,
    scores,
    profile,
    synthesis,
    review: {
      coachName: coach.name,
      coachNote: demoCoachNote(student.firstName),
      approvedAt: APPROVED_AT,
    },
    version: 1,
    final: true,
  },
  { now: new Date(APPROVED_AT) },
);

// pdf.js detaches the buffer it renders from: give it a copy.
const png = await renderPageAsImage(pdf.slice(), 1, {
  canvasImport: () => import("@napi-rs/canvas"),
  scale: 1.5,
});

mkdirSync(outDir, { recursive: true });
const pdfPath = join(outDir, "bilan-exemple.pdf");
const pngPath = join(outDir, "bilan-exemple-page-1.png");
writeFileSync(pdfPath, pdf);
writeFileSync(pngPath, new Uint8Array(png));
console.log(
  `${student.firstName} ${student.lastName}, ${questionnaire.title} : ${scores.overall.percent} % ` +
    `(${meta.provider}, ${meta.model}, ${meta.promptVersion})`,
);
console.log(`${pdfPath} (${(pdf.byteLength / 1024).toFixed(1)} Ko)`);
console.log(`${pngPath} (${(png.byteLength / 1024).toFixed(1)} Ko)`);
