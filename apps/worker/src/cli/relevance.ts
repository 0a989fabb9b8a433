// Search results for people: sorted by score (the search diversifies its hits, so they do
// not come back in score order) with a relevance they can read: the share of the best
// possible hybrid score (first in the vector and the full-text rankings), and a word.
import { DEFAULT_RRF_K } from "@nexus/knowledge/rank";

/** The reciprocal-rank-fusion score of a passage ranked first by both rankings. */
export const BEST_FUSED_SCORE = 2 / (DEFAULT_RRF_K + 1);

export interface Relevance {
  /** 0–100: the share of the best possible score. */
  percent: number;
  label: "très pertinent" | "pertinent" | "peu pertinent";
}

export function relevanceOf(score: number): Relevance {
  const percent = Math.max(0, Math.min(100, Math.round((score / BEST_FUSED_SCORE) * 100)));
  const label = percent >= 75 ? "très pertinent" : percent >= 45 ? "pertinent" : "peu pertinent";
  return { percent, label };
}

/** Highest score first; ties keep the search's order. */
export function byScore<T extends { score: number }>(hits: readonly T[]): T[] {
  return hits
    .map((hit, index) => ({ hit, index }))
    .sort((a, b) => b.hit.score - a.hit.score || a.index - b.index)
    .map(({ hit }) => hit);
}
