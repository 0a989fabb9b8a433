// Sizing of the study plan, shared by the local writer and the LLM prompt:
// more and weaker domains mean more weeks; later niveaux mean more hours.
import type { Niveau } from "@nexus/shared/domain";
import type { BilanScores } from "@nexus/shared/results";
import { weakDomains } from "./domain-status";

export const MIN_PLAN_WEEKS = 4;
export const MAX_PLAN_WEEKS = 8;

const weeklyHoursByNiveau: Record<Niveau, number> = { seconde: 2, premiere: 2.5, terminale: 3 };

export interface PlanSize {
  weeks: number;
  hoursPerWeek: number;
}

/**
 * weeks = 3 + weak domains + non-acquired domains (+1 in Terminale), clamped to 4–8;
 * hours = 2 / 2.5 / 3 per week by niveau, +0.5 when a domain is not acquired, capped by the
 * hours the student declared available (never below 1 h).
 */
export function planSize(scores: BilanScores, niveau: Niveau, availableHours?: number): PlanSize {
  const weak = weakDomains(scores);
  const nonAcquis = weak.filter((d) => d.mastery === "non_acquis").length;
  const raw = 3 + weak.length + nonAcquis + (niveau === "terminale" ? 1 : 0);
  const weeks = Math.min(MAX_PLAN_WEEKS, Math.max(MIN_PLAN_WEEKS, raw));
  const wanted = weeklyHoursByNiveau[niveau] + (nonAcquis > 0 ? 0.5 : 0);
  // The student's declared availability caps the week (rounded down to the half hour, at least
  // 1 h so that the plan keeps one activity and its short weekly habit).
  const hoursPerWeek =
    availableHours === undefined
      ? wanted
      : Math.max(1, Math.min(wanted, Math.floor(availableHours * 2) / 2));
  return { weeks, hoursPerWeek };
}

/** Reads "sur 6 semaines" / "plan de 5 semaines" from coach instructions, clamped to 4–8. */
export function weeksFromInstructions(instructions: string | undefined): number | undefined {
  const m = instructions?.match(/(\d{1,2})\s*semaines?/iu);
  if (!m) return undefined;
  return Math.min(MAX_PLAN_WEEKS, Math.max(MIN_PLAN_WEEKS, Number(m[1])));
}
