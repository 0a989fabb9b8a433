import { describe, expect, it } from "vitest";
import { compareBilans, deltaArrow, formatDeltaFr, progressSentence } from "./progress";
import type { BilanScores, DomainScore } from "./results";

const domain = (domainId: string, percent: number): DomainScore => ({
  domainId,
  label: domainId.charAt(0).toUpperCase() + domainId.slice(1),
  earned: percent / 10,
  max: 10,
  percent,
  mastery:
    percent < 40 ? "non_acquis" : percent < 60 ? "en_cours" : percent < 80 ? "acquis" : "maitrise",
  answered: 4,
  total: 4,
});
const scores = (version: number, overall: number, domains: DomainScore[]): BilanScores => ({
  questionnaireId: "maths-premiere",
  questionnaireVersion: version,
  domains,
  overall: { earned: overall / 10, max: 10, percent: overall, mastery: "en_cours" },
  unanswered: 0,
});

describe("compareBilans", () => {
  it("compares the domains both bilans share and the overall result", () => {
    const p = compareBilans(
      {
        date: 1,
        scores: scores(1, 48, [
          domain("fonctions", 40),
          domain("suites", 55),
          domain("probas", 70),
        ]),
      },
      scores(1, 63, [domain("fonctions", 62), domain("suites", 50), domain("probas", 71)]),
    );
    expect(p.overall).toEqual({ before: 48, after: 63, delta: 15 });
    expect(p.domains.map((d) => [d.domainId, d.status, d.delta])).toEqual([
      ["fonctions", "compared", 22],
      ["suites", "compared", -5],
      ["probas", "compared", 1],
    ]);
    expect(p.improved.map((d) => d.domainId)).toEqual(["fonctions"]);
    expect(p.declined.map((d) => d.domainId)).toEqual(["suites"]);
  });

  it("shows domains added or removed between questionnaire versions without a made-up change", () => {
    const p = compareBilans(
      { date: 1, scores: scores(1, 50, [domain("fonctions", 40), domain("geometrie", 60)]) },
      scores(2, 55, [domain("fonctions", 50), domain("algo", 65)]),
    );
    expect(p.domains).toEqual([
      expect.objectContaining({
        domainId: "fonctions",
        status: "compared",
        before: 40,
        after: 50,
        delta: 10,
      }),
      { domainId: "algo", label: "Algo", after: 65, status: "added" },
      { domainId: "geometrie", label: "Geometrie", before: 60, status: "removed" },
    ]);
    expect(p.improved.map((d) => d.domainId)).toEqual(["fonctions"]);
  });
});

describe("French wording of a change", () => {
  it("signs, pluralises and calls small changes stable", () => {
    expect(formatDeltaFr(12)).toBe("+12\u00a0points");
    expect(formatDeltaFr(-5)).toBe("\u22125\u00a0points");
    expect(formatDeltaFr(0)).toBe("stable");
    expect(formatDeltaFr(2)).toBe("stable (+2)");
    expect([deltaArrow(12), deltaArrow(-4), deltaArrow(1)]).toEqual(["↑", "↓", "→"]);
  });

  it("says the overall change and the best domain in one sentence", () => {
    const p = compareBilans(
      { date: 1, scores: scores(1, 48, [domain("fonctions", 40)]) },
      scores(1, 63, [domain("fonctions", 62)]),
    );
    expect(progressSentence(p, () => "8 octobre 2026")).toBe(
      "Depuis le bilan du 8 octobre 2026, la réussite globale passe de 48\u00a0% à 63\u00a0% (+15\u00a0points), avec la plus nette progression dans le domaine «\u00a0Fonctions\u00a0» (+22\u00a0points).",
    );
  });
});
