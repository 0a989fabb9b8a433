// The next step a family is told, chosen from the results: book a session with the coach when
// the bases are fragile, revise the named domains when some are weak, otherwise go further;
// and always when the next bilan is due (after the plan). Pure.
import type { BilanScores } from "./results";

export const WEAK_PERCENT = 60;

export interface NextStep {
  kind: "book-session" | "revise" | "deepen";
  /** Short imperative title, e.g. « Réserver une séance avec Julien Moreau ». */
  title: string;
  detail: string;
  /** Domains to revise first (labels), weakest first, at most three. */
  domains: string[];
  /** The next bilan is due this many weeks after the plan starts. */
  nextBilanWeeks: number;
}

export function chooseNextStep(
  scores: BilanScores,
  options: { coachName?: string; planWeeks: number; firstName: string },
): NextStep {
  const weak = scores.domains
    .filter(
      (d) => d.percent < WEAK_PERCENT || d.mastery === "non_acquis" || d.mastery === "en_cours",
    )
    .sort((a, b) => a.percent - b.percent);
  const nonAcquis = weak.filter((d) => d.mastery === "non_acquis").length;
  const domains = weak.slice(0, 3).map((d) => d.label);
  const nextBilanWeeks = options.planWeeks + 1;
  const coach = options.coachName ?? "le coach";
  if (nonAcquis >= 2 || scores.overall.percent < 45) {
    return {
      kind: "book-session",
      title: `Réserver une séance avec ${coach}`,
      detail: `Une première séance fixe les priorités avec ${options.firstName} et lance le plan de travail.`,
      domains,
      nextBilanWeeks,
    };
  }
  if (weak.length > 0) {
    return {
      kind: "revise",
      title: "Commencer le plan par les domaines à consolider",
      detail: `${coach.charAt(0).toUpperCase()}${coach.slice(1)} fait le point à chaque séance.`,
      domains,
      nextBilanWeeks,
    };
  }
  return {
    kind: "deepen",
    title: "Approfondir avec des sujets plus exigeants",
    detail: `Tous les domaines sont acquis : le plan vise des sujets de type examen, avec ${coach}.`,
    domains: [],
    nextBilanWeeks,
  };
}
