// Progress between two bilans of the same subject: the earlier approved one and this one.
// Domains are matched by id, so a questionnaire version that adds or removes a domain shows
// it as « nouveau » or « plus évalué » instead of a made-up change. Pure.
import { z } from "zod";
import { zBilanScores } from "./results";

/** What the worker passes about the previous approved bilan of the same subject. */
export const zPreviousBilan = z.object({
  /** When the previous bilan was taken (submitted, else created), epoch ms: its scores' date. */
  date: z.number().int().positive(),
  scores: zBilanScores,
});
export type PreviousBilan = z.infer<typeof zPreviousBilan>;

export interface DomainProgress {
  domainId: string;
  label: string;
  before?: number;
  after?: number;
  /** after − before, in points of percentage; only when both exist. */
  delta?: number;
  status: "compared" | "added" | "removed";
}

export interface ProgressComparison {
  previousDate: number;
  domains: DomainProgress[];
  overall: { before: number; after: number; delta: number };
  /** Domains compared whose change is at least STABLE_MARGIN points, best first. */
  improved: DomainProgress[];
  declined: DomainProgress[];
}

/** A change smaller than this many points reads as stable (one question is worth more). */
export const STABLE_MARGIN = 3;

type Scores = z.infer<typeof zBilanScores>;

export function compareBilans(previous: PreviousBilan, current: Scores): ProgressComparison {
  const before = new Map(previous.scores.domains.map((d) => [d.domainId, d]));
  const domains: DomainProgress[] = current.domains.map((d) => {
    const old = before.get(d.domainId);
    return old
      ? {
          domainId: d.domainId,
          label: d.label,
          before: old.percent,
          after: d.percent,
          delta: d.percent - old.percent,
          status: "compared" as const,
        }
      : { domainId: d.domainId, label: d.label, after: d.percent, status: "added" as const };
  });
  const currentIds = new Set(current.domains.map((d) => d.domainId));
  for (const old of previous.scores.domains) {
    if (!currentIds.has(old.domainId)) {
      domains.push({
        domainId: old.domainId,
        label: old.label,
        before: old.percent,
        status: "removed",
      });
    }
  }
  const compared = domains.filter((d) => d.delta !== undefined);
  return {
    previousDate: previous.date,
    domains,
    overall: {
      before: previous.scores.overall.percent,
      after: current.overall.percent,
      delta: current.overall.percent - previous.scores.overall.percent,
    },
    improved: compared.filter((d) => d.delta! >= STABLE_MARGIN).sort((a, b) => b.delta! - a.delta!),
    declined: compared
      .filter((d) => d.delta! <= -STABLE_MARGIN)
      .sort((a, b) => a.delta! - b.delta!),
  };
}

/** « +12 points », « −5 points », « stable » (U+2212 minus, no-break space). */
export function formatDeltaFr(delta: number): string {
  if (Math.abs(delta) < STABLE_MARGIN) return delta === 0 ? "stable" : `stable (${signed(delta)})`;
  return `${signed(delta)}\u00a0point${Math.abs(delta) > 1 ? "s" : ""}`;
}

function signed(delta: number): string {
  return delta > 0 ? `+${delta}` : delta < 0 ? `\u2212${-delta}` : "0";
}

/** ↑ ↓ → for a change (stable within STABLE_MARGIN). */
export function deltaArrow(delta: number): "↑" | "↓" | "→" {
  return delta >= STABLE_MARGIN ? "↑" : delta <= -STABLE_MARGIN ? "↓" : "→";
}

/**
 * One French sentence for the family: the overall change and the domain that moved most,
 * e.g. « Depuis le bilan du 8 octobre 2026, la réussite globale passe de 48 % à 63 %
 * (+15 points), avec la plus nette progression dans le domaine « Fonctions » (+22 points). »
 */
export function progressSentence(
  p: ProgressComparison,
  formatDate: (ms: number) => string,
): string {
  const pct = (n: number) => `${n}\u00a0%`;
  const head = `Depuis le bilan du ${formatDate(p.previousDate)}, la réussite globale ${
    p.overall.delta === 0
      ? `reste à ${pct(p.overall.after)}`
      : `passe de ${pct(p.overall.before)} à ${pct(p.overall.after)} (${formatDeltaFr(p.overall.delta)})`
  }`;
  const best = p.improved[0];
  const worst = p.declined[0];
  if (best) {
    return `${head}, avec la plus nette progression dans le domaine «\u00a0${best.label}\u00a0» (${formatDeltaFr(best.delta!)}).`;
  }
  if (worst) {
    return `${head} ; le domaine «\u00a0${worst.label}\u00a0» demande une attention particulière (${formatDeltaFr(worst.delta!)}).`;
  }
  return `${head}.`;
}
