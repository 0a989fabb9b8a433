// What a family must find in the report, re-read from the PDF with unpdf: the next step and
// the contacts, the plan's dates (school holidays of the zone skipped), the progress since
// the previous bilan; and the layout rule that no page but the last is under a third full.
import type { DomainScore } from "@nexus/shared/results";
import { extractText } from "unpdf";
import { describe, expect, it } from "vitest";
import {
  layoutBilanReport,
  MIN_PAGE_FILL,
  pageFill,
  sectionHeadings,
  underfilledPages,
} from "./bilan-document";
import { longBilan, shortBilan } from "./fixtures/bilan-fixtures";
import { type Block, paginate } from "./layout/paginate";
import { pdfMeasurer, renderBilanReport } from "./render-bilan-report";
import { parseReportInput, type ReportInput } from "./report-input";
import { page, styles } from "./theme";

const normalise = (text: string) => text.replace(/[\s\u00A0\u202F]+/g, " ");

async function pdfText(input: ReportInput): Promise<string[]> {
  const bytes = await renderBilanReport(input, { now: new Date(Date.UTC(2026, 9, 8)) });
  const { text } = await extractText(new Uint8Array(bytes));
  return text.map(normalise);
}

const base = parseReportInput(shortBilan);
const centre = {
  name: "Nexus Réussite",
  address: "12 rue des Écoles, 75005 Paris",
  phone: "01 23 45 67 89",
  email: "contact@nexus-reussite.fr",
};
// Approved on Thursday 8 October 2026: the plan starts Monday 12 October; in zone C the two
// Toussaint weeks (19 October – 1 November) are skipped.
const approvedAt = Date.UTC(2026, 9, 8, 9, 0);
const previousDomains: DomainScore[] = base.scores.domains.map((d, i) => ({
  ...d,
  percent: Math.max(0, d.percent - 10 - i),
}));
// A questionnaire version later: the previous bilan had a domain since removed.
previousDomains.push({ ...base.scores.domains[0]!, domainId: "ancien", label: "Géométrie plane" });

const withProgress: ReportInput = {
  ...shortBilan,
  centre,
  student: { ...shortBilan.student, holidayZone: "C", weeklyAvailabilityHours: 3 },
  review: { ...shortBilan.review!, approvedAt },
  previous: {
    date: Date.UTC(2026, 5, 20, 9, 0),
    scores: {
      ...base.scores,
      domains: previousDomains,
      overall: { ...base.scores.overall, percent: base.scores.overall.percent - 12 },
    },
  },
  bilanUrl: "https://app.nexus-reussite.fr/bilans/b_123",
};

describe("the report a family reads (re-read with unpdf)", () => {
  it("has the next step and the contact block: coach, centre address, phone, e-mail, link", async () => {
    const all = (await pdfText(withProgress)).join(" ");
    expect(all).toContain(sectionHeadings.nextStep);
    expect(all).toContain("Prochain bilan :");
    expect(all).toContain(
      "Mme Hélène Côté, coach – Nexus Réussite, 12 rue des Écoles, 75005 Paris",
    );
    expect(all).toContain("01 23 45 67 89 · contact@nexus-reussite.fr");
    expect(all).toContain("https://app.nexus-reussite.fr/bilans/b_123");
    expect(all).toContain(sectionHeadings.howToRead);
  });

  it("dates the plan's weeks from the approval and skips the zone's holidays", async () => {
    const all = (await pdfText(withProgress)).join(" ");
    expect(all).toContain("Le plan commence le lundi 12 octobre 2026");
    expect(all).toContain("du 12 au 18 octobre");
    expect(all).toContain("du 2 au 8 novembre"); // week 2, after the Toussaint
    expect(all).toContain("vacances de la Toussaint");
    expect(all).not.toContain("1 du 19 au 25 octobre");
    expect(all).toContain("les vacances scolaires de la zone C sont sautées");
    expect(all).toContain("dans la limite des 3 h déclarées disponibles");
  });

  it("says when no zone is known that no holiday is skipped", async () => {
    const all = (await pdfText({ ...withProgress, student: shortBilan.student })).join(" ");
    expect(all).toContain("aucune semaine de vacances n’est sautée");
    expect(all).toContain("du 19 au 25 octobre");
  });

  it("shows the progress table: before, now, change per domain, added and removed domains", async () => {
    const pages = await pdfText(withProgress);
    const all = pages.join(" ");
    expect(pages[0]).toContain("Progrès depuis le bilan du 20 juin 2026");
    expect(all).toContain("Avant Maintenant Évolution");
    const first = base.scores.domains[0]!;
    expect(all).toContain(
      `${first.label} ${Math.max(0, first.percent - 10)} % ${first.percent} % ↑ +10 points`,
    );
    expect(all).toContain("Géométrie plane");
    expect(all).toContain("plus évalué");
    expect(all).toContain(`+12 points`);
    expect(all).toContain("bilan précédent"); // the chart's legend for the previous values
  });

  it("shows no progress section for a first bilan", async () => {
    const all = (await pdfText(shortBilan)).join(" ");
    expect(all).not.toContain("Progrès depuis");
  });

  it("reads the profile on one scale where higher is better, with a sentence per dimension", async () => {
    const all = (await pdfText(withProgress)).join(" ");
    expect(all).toContain("Sérénité face aux évaluations");
    expect(all).toContain("Ce que cela signifie");
    expect(all).not.toContain("un score élevé signale un stress important");
  });
});

describe("page fill", () => {
  const inputs: [string, ReportInput][] = [
    ["short", shortBilan],
    ["short with progress", withProgress],
    ["long", longBilan],
    [
      "long with progress and zone",
      { ...longBilan, centre, student: { ...longBilan.student, holidayZone: "A" } },
    ],
  ];

  it.each(inputs)("%s: no page but the last is under a third full", (_, input) => {
    const layout = layoutBilanReport(parseReportInput(input), pdfMeasurer);
    expect(layout.fill.length).toBe(layout.pages.length);
    expect(underfilledPages(layout.fill), layout.fill.map((f) => f.toFixed(2)).join(" ")).toEqual(
      [],
    );
    // Page 1 fills its space (the next-step block moved up).
    expect(layout.fill[0]).toBeGreaterThan(0.85);
  });

  it("catches a page other than the last left under a third full", () => {
    expect(MIN_PAGE_FILL).toBeCloseTo(1 / 3);
    expect(underfilledPages([1, 0.2, 0.9, 0.1])).toEqual([1]);
    expect(underfilledPages([0.95, 0.34, 0.05])).toEqual([]);
    // And on a laid-out flow: a page break after a short paragraph leaves page 1 nearly empty.
    const text = (t: string): Block => ({
      kind: "paragraph",
      runs: [{ text: t, font: "regular" }],
      style: styles.body,
    });
    const flow = paginate(
      [
        text("Une ligne."),
        { kind: "pageBreak" },
        text("Une autre."),
        { kind: "pageBreak" },
        text("Fin."),
      ],
      page,
      pdfMeasurer,
    );
    const fill = pageFill(flow.pages);
    expect(fill).toHaveLength(3);
    expect(underfilledPages(fill)).toEqual([0, 1]);
  });
});
