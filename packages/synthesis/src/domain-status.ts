// Which domains count as weak or strong. One definition, used by the local
// writer, the offer rules, the prompts and the grounding check.
import type { BilanScores, DomainScore } from "@nexus/shared/results";

/** Below this percentage a domain is weak whatever its mastery label. */
export const WEAK_PERCENT = 60;

export function isWeakDomain(d: DomainScore): boolean {
  return d.percent < WEAK_PERCENT || d.mastery === "non_acquis" || d.mastery === "en_cours";
}

/** Weak domains, weakest first (ties keep questionnaire order). */
export function weakDomains(scores: BilanScores): DomainScore[] {
  return scores.domains.filter(isWeakDomain).sort((a, b) => a.percent - b.percent);
}

/** Acquired or mastered domains, strongest first. */
export function strongDomains(scores: BilanScores): DomainScore[] {
  return scores.domains.filter((d) => !isWeakDomain(d)).sort((a, b) => b.percent - a.percent);
}
