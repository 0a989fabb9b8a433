// French style check over 500 generated reports: random answers to the real questionnaires
// and survey → scoreBilan → the local writer (with its offers) → the report's content blocks
// (every text a family reads: headings, paragraphs, table cells once, panels and chart labels).
// Per report: the 6-gram repetition rate (share of word 6-grams that repeat an earlier one in
// the same report) stays under MAX_6GRAM_REPETITION; no doubled quotes; no English word.
// Measured when written (500 reports): highest rate 0.133, mean 0.073 → threshold 0.16.
// Fast by construction: no PDF is assembled (text comes from the pure layout blocks).
import { scoreBilan } from "@nexus/shared/bilan-scoring";
import { niveaux, type Subject, statuts, subjects } from "@nexus/shared/domain";
import type { Questionnaire } from "@nexus/shared/questionnaire";
import { getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import type { BilanAnswers } from "@nexus/shared/results";
import { writeLocalSynthesis } from "@nexus/synthesis/local-writer";
import { selectOffers } from "@nexus/synthesis/offers";
import { describe, expect, it } from "vitest";
import { bilanBlocks } from "./bilan-document";
import { pdfMeasurer } from "./render-bilan-report";
import { parseReportInput } from "./report-input";

const REPORTS = 500;
/** Threshold of the 6-gram repetition rate within one report (see the measure above). */
const MAX_6GRAM_REPETITION = 0.16;

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const survey = getSurvey();
const firstNames = ["Léa", "Inès", "Hugo", "Yanis", "Émilie", "Noé", "Chloé", "Adam"];

function randomAnswers(q: Questionnaire, random: () => number): BilanAnswers {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const correct = random();
  const qcm: BilanAnswers["qcm"] = {};
  for (const question of q.questions) {
    if (random() < 0.08) continue;
    const wrong = question.options.filter((o) => o.id !== question.correct);
    qcm[question.id] = random() < correct ? question.correct : pick(wrong).id;
  }
  const answers: BilanAnswers["survey"] = {};
  for (const item of survey.items) {
    if (item.kind === "likert")
      answers[item.id] =
        item.scale.min + Math.floor(random() * (item.scale.max - item.scale.min + 1));
    else if (item.kind === "single") answers[item.id] = pick(item.options).id;
    else answers[item.id] = [...new Set([pick(item.options).id, pick(item.options).id])];
  }
  return { qcm, survey: answers };
}

/** Every text of the report, block by block (a table's header once, its rows once). */
function reportText(i: number): string {
  const random = generator(1000 + i);
  const combos = subjects.flatMap((subject: Subject) =>
    niveaux.flatMap((niveau) => {
      const q = questionnaireFor(subject, niveau);
      return q ? [{ subject, niveau, q }] : [];
    }),
  );
  const { subject, niveau, q } = combos[i % combos.length]!;
  const { scores, profile } = scoreBilan(q.id, randomAnswers(q, random));
  const student = {
    firstName: firstNames[i % firstNames.length]!,
    lastName: "Martin",
    niveau,
    statut: statuts[i % statuts.length]!,
    specialites: ["Mathématiques", "NSI"],
    weeklyAvailabilityHours: i % 3 === 0 ? 2 : undefined,
  };
  const offers = selectOffers(scores, profile, student, undefined, subject);
  const synthesis = writeLocalSynthesis({ student, subject, scores, profile, chunks: [] }, offers);
  const input = parseReportInput({
    centre: { name: "Nexus Réussite", address: "12 rue des Écoles, 75005 Paris" },
    student: { ...student, holidayZone: (["A", "B", "C", undefined] as const)[i % 4] },
    subject,
    questionnaireTitle: q.title,
    date: Date.UTC(2026, 9, 1 + (i % 60)),
    scores,
    profile,
    synthesis,
    review: { coachName: "Julien Moreau", approvedAt: Date.UTC(2026, 9, 2 + (i % 60)) },
    version: 1,
    final: true,
  });
  const parts: string[] = [];
  for (const block of bilanBlocks(input, pdfMeasurer)) {
    if (block.kind === "heading") parts.push(block.text);
    else if (block.kind === "paragraph") parts.push(block.runs.map((r) => r.text).join(""));
    else if (block.kind === "table") {
      parts.push(block.columns.map((c) => c.header).join(" "));
      for (const row of block.rows) parts.push(row.cells.join(" "));
    } else if (block.kind === "figure") {
      for (const c of block.draw(0, 0, 490)) if (c.kind === "text") parts.push(c.text);
    }
  }
  return parts.join("\n");
}

const words = (text: string) => text.toLocaleLowerCase("fr-FR").match(/[\p{L}\p{N}’'-]+/gu) ?? [];

/** Share of the 6-grams of a text that repeat an earlier 6-gram of the same text. */
export function repetitionRate(text: string, n = 6): number {
  const w = words(text);
  if (w.length < n) return 0;
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 0; i + n <= w.length; i++) {
    const gram = w.slice(i, i + n).join(" ");
    if (seen.has(gram)) repeated++;
    else seen.add(gram);
  }
  return repeated / (w.length - n + 1);
}

const english =
  /(?<![\p{L}’'])(the|and|with|of|for|your|you|is|are|week|weeks|strengths?|weaknesses?|study|overall|summary|should|level|skills?|undefined|null|NaN)(?![\p{L}’'])/iu;
const doubledQuotes = /«[\s\u00a0\u202f]*«|»[\s\u00a0\u202f]*»|""|“\s*“|”\s*”|« [^»]*"|''/u;

describe(`French style over ${REPORTS} generated reports`, () => {
  it("keeps 6-gram repetition under the threshold, with no doubled quotes and no English", () => {
    const rates: number[] = [];
    const problems: string[] = [];
    for (let i = 0; i < REPORTS; i++) {
      const text = reportText(i);
      const rate = repetitionRate(text);
      rates.push(rate);
      if (rate >= MAX_6GRAM_REPETITION)
        problems.push(`rapport ${i} : répétition ${rate.toFixed(3)}`);
      const quote = text.match(doubledQuotes);
      if (quote) problems.push(`rapport ${i} : guillemets doublés « ${quote[0]} »`);
      const en = text.match(english);
      if (en)
        problems.push(
          `rapport ${i} : mot anglais « ${en[0]} » dans ${text.slice(Math.max(0, en.index! - 40), en.index! + 40)}`,
        );
    }
    const max = Math.max(...rates);
    const mean = rates.reduce((s, r) => s + r, 0) / rates.length;
    console.info(
      `6-grammes répétés : max ${max.toFixed(3)}, moyenne ${mean.toFixed(3)} (seuil ${MAX_6GRAM_REPETITION})`,
    );
    expect(problems.slice(0, 10)).toEqual([]);
    expect(max).toBeLessThan(MAX_6GRAM_REPETITION);
  });

  it("measures repetition as intended", () => {
    expect(repetitionRate("un deux trois quatre cinq six sept huit")).toBe(0);
    const twice = "le domaine est acquis et solide. le domaine est acquis et solide.";
    // 12 words → 7 six-grams, of which the last one repeats the first.
    expect(repetitionRate(twice)).toBeCloseTo(1 / 7);
  });
});
