// The change of one domain between two bilans as the results pages write it: what is shown
// (an arrow and « +12 points », the report's own wording through @nexus/shared/progress) and
// what a screen reader says instead (« en hausse de 12 points »). Pure.
import {
  type DomainProgress,
  deltaArrow,
  formatDeltaFr,
  STABLE_MARGIN,
} from "@nexus/shared/progress";

export type ChangeTone = "up" | "down" | "stable" | "added" | "removed";

export interface ChangeText {
  /** What the eye reads: « ↑ +12 points », « → stable », « nouveau domaine ». */
  shown: string;
  /** What a screen reader says instead: « en hausse de 12 points ». */
  spoken: string;
  tone: ChangeTone;
}

function points(n: number): string {
  return `${n}\u00a0point${n > 1 ? "s" : ""}`;
}

/** The words for a change of `delta` points (stable within STABLE_MARGIN, as the report says). */
export function deltaText(delta: number): ChangeText {
  const shown = `${deltaArrow(delta)} ${formatDeltaFr(delta)}`;
  if (delta >= STABLE_MARGIN) return { shown, spoken: `en hausse de ${points(delta)}`, tone: "up" };
  if (delta <= -STABLE_MARGIN) {
    return { shown, spoken: `en baisse de ${points(-delta)}`, tone: "down" };
  }
  const spoken =
    delta === 0
      ? "stable"
      : `stable (${delta > 0 ? "hausse" : "baisse"} de ${points(Math.abs(delta))})`;
  return { shown, spoken, tone: "stable" };
}

/** The words for one row of the comparison: a change, or a domain added or no longer assessed. */
export function changeText(domain: Pick<DomainProgress, "status" | "delta">): ChangeText {
  if (domain.status === "added") {
    return {
      shown: "nouveau domaine",
      spoken: "nouveau domaine, pas évalué au bilan précédent",
      tone: "added",
    };
  }
  if (domain.status === "removed") {
    return {
      shown: "plus évalué",
      spoken: "domaine plus évalué dans ce questionnaire",
      tone: "removed",
    };
  }
  return deltaText(domain.delta ?? 0);
}
