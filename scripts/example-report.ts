#!/usr/bin/env bun
// `bun run example:report`: the examples committed under docs/examples/, built from the demo
// data through the product's own code: the seeded answers of Camille Durand's NSI bilan
// (demoAnswers, convex/model/seed.ts) → scoreBilan → generateSynthesis with the local writer
// (schema + grounding check, as the worker's bilan.generate with LLM_PROVIDER=local) →
// renderBilanReport, final version approved by her coach (as the worker's bilan.pdf), and the
// parent's e-mail (renderBilanEmail, as the worker's email.send).
// 1. bilan-exemple.pdf: her first NSI bilan (October 2026; zone C, so the plan skips the
//    Toussaint holidays), with a PNG per page;
// 2. bilan-progres-exemple.pdf: her second NSI bilan (January 2027) compared with the first;
// 3. bilan-email-exemple.html (+ .txt): the e-mail her mother receives for the second one.
// Dates are fixed so that a re-run gives the same text. The e-mail's screenshot is taken by
// scripts/example-email-screenshot.ts (Playwright + Chromium).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderBilanEmail } from "@nexus/email/render-bilan-email";
import { formatDateFr } from "@nexus/report/french-format";
import { renderBilanReport } from "@nexus/report/render-bilan-report";
import type { ReportInput } from "@nexus/report/report-input";
import { scoreBilan } from "@nexus/shared/bilan-scoring";
import { defaultCentreContact } from "@nexus/shared/centre";
import { compareBilans, progressSentence } from "@nexus/shared/progress";
import { getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import { generateSynthesis } from "@nexus/synthesis/generate";
import { LocalSynthesisProvider } from "@nexus/synthesis/local-provider";
import { renderPageAsImage } from "unpdf";
import {
  DEMO_ACCOUNTS,
  DEMO_BILANS,
  DEMO_COACH_ASSIGNMENTS,
  DEMO_GUARDIANSHIPS,
  DEMO_SALUTATIONS,
  DEMO_STUDENTS,
  demoAnswers,
  demoCoachNote,
} from "../convex/model/seed";

const outDir = join(import.meta.dir, "..", "docs", "examples");
const FIRST = { submittedAt: Date.UTC(2026, 9, 6, 15, 30), approvedAt: Date.UTC(2026, 9, 8, 9, 0) };
const SECOND = {
  submittedAt: Date.UTC(2027, 0, 11, 16, 0),
  approvedAt: Date.UTC(2027, 0, 13, 9, 0),
};

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
const centre = defaultCentreContact;

async function bilan(answersPlan: typeof plan) {
  const answers = demoAnswers(questionnaire, getSurvey(), answersPlan);
  const { scores, profile } = scoreBilan(questionnaire.id, answers);
  const { synthesis, meta } = await generateSynthesis(
    { student, subject: plan.subject, scores, profile, chunks: [] },
    new LocalSynthesisProvider(),
  );
  return { scores, profile, synthesis, meta };
}

function reportInput(
  b: Awaited<ReturnType<typeof bilan>>,
  dates: typeof FIRST,
  previous?: ReportInput["previous"],
): ReportInput {
  return {
    centre: {
      name: centre.name,
      contact: `${centre.phone} · ${centre.email}`,
      address: centre.address,
      phone: centre.phone,
      email: centre.email,
      hours: centre.hours,
    },
    student: {
      firstName: student.firstName,
      lastName: student.lastName,
      niveau: student.niveau,
      specialites: student.specialites,
      holidayZone: student.holidayZone,
      weeklyAvailabilityHours: student.weeklyAvailabilityHours,
    },
    subject: plan.subject,
    questionnaireTitle: questionnaire.title,
    date: dates.submittedAt,
    scores: b.scores,
    profile: b.profile,
    synthesis: b.synthesis,
    review: {
      coachName: coach.name,
      coachNote: demoCoachNote(student.firstName),
      approvedAt: dates.approvedAt,
    },
    previous,
    version: 1,
    final: true,
  };
}

async function writePdfAndPages(name: string, pdf: Uint8Array) {
  for (const old of readdirSync(outDir).filter((f) => f.startsWith(`${name}-page-`))) {
    rmSync(join(outDir, old));
  }
  const pdfPath = join(outDir, `${name}.pdf`);
  writeFileSync(pdfPath, pdf);
  console.log(`${pdfPath} (${(pdf.byteLength / 1024).toFixed(1)} Ko)`);
  const { getDocumentProxy } = await import("unpdf");
  const pages = (await getDocumentProxy(pdf.slice())).numPages;
  for (let n = 1; n <= pages; n++) {
    // pdf.js detaches the buffer it renders from: give it a copy.
    const png = await renderPageAsImage(pdf.slice(), n, {
      canvasImport: () => import("@napi-rs/canvas"),
      scale: 1.5,
    });
    const pngPath = join(outDir, `${name}-page-${n}.png`);
    writeFileSync(pngPath, new Uint8Array(png));
    console.log(`${pngPath} (${(png.byteLength / 1024).toFixed(1)} Ko)`);
  }
}

mkdirSync(outDir, { recursive: true });

// 1. The first bilan.
const first = await bilan(plan);
if (process.env.EXAMPLE_DUMP)
  writeFileSync(process.env.EXAMPLE_DUMP, JSON.stringify(reportInput(first, FIRST)));
const firstPdf = await renderBilanReport(reportInput(first, FIRST), {
  now: new Date(FIRST.approvedAt),
});
console.log(
  `${student.firstName} ${student.lastName}, ${questionnaire.title} : ${first.scores.overall.percent} % ` +
    `(${first.meta.provider}, ${first.meta.model}, ${first.meta.promptVersion})`,
);
await writePdfAndPages("bilan-exemple", firstPdf);

// 2. Three months later: more answers right (the plan worked), same profile tendency.
const second = await bilan({ ...plan, correct: 0.88, seed: plan.seed + 7 });
const previous = { date: FIRST.approvedAt, scores: first.scores };
const secondPdf = await renderBilanReport(reportInput(second, SECOND, previous), {
  now: new Date(SECOND.approvedAt),
});
console.log(
  `second bilan : ${second.scores.overall.percent} % (avant : ${first.scores.overall.percent} %)`,
);
await writePdfAndPages("bilan-progres-exemple", secondPdf);

// 3. The e-mail her mother receives for the second bilan.
const parentEmail =
  DEMO_GUARDIANSHIPS.find(([, s]) => s === plan.studentEmail)?.[0] ?? fail("parent introuvable");
const parent = DEMO_ACCOUNTS.find((a) => a.email === parentEmail) ?? fail("parent introuvable");
const [parentFirst, ...parentLast] = parent.name.split(" ");
const email = await renderBilanEmail({
  recipient: {
    name: parent.name,
    role: "parent",
    salutation: DEMO_SALUTATIONS[parent.email]
      ? {
          ...DEMO_SALUTATIONS[parent.email]!,
          firstName: parentFirst,
          lastName: parentLast.join(" "),
        }
      : undefined,
  },
  student: { firstName: student.firstName, lastName: student.lastName, niveau: student.niveau },
  subject: plan.subject,
  parentSummary: second.synthesis.parentSummary,
  dashboardUrl: "http://localhost:3000/bilans/exemple",
  pdfFilename: "bilan-camille-durand-nsi-v1.pdf",
  coachName: coach.name,
  progress: progressSentence(compareBilans(previous, second.scores), formatDateFr),
  centre: {
    name: centre.name,
    address: centre.address,
    phone: centre.phone,
    email: centre.email,
  },
});
writeFileSync(join(outDir, "bilan-email-exemple.html"), email.html);
writeFileSync(
  join(outDir, "bilan-email-exemple.txt"),
  `Objet : ${email.subject}\n\n${email.text}\n`,
);
console.log(`e-mail : « ${email.subject} » → docs/examples/bilan-email-exemple.html, .txt`);
