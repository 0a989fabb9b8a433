// Rank fusion and diversification for hybrid search. Pure, no Node built-ins:
// the Convex search action fuses vector and full-text results with these.

export interface FusedResult {
  id: string;
  score: number;
  /** 1-based rank in each input ranking, null when absent from it. */
  ranks: Array<number | null>;
}

export interface RankingInput {
  ids: readonly string[];
  /** Multiplier of this ranking's contribution (default 1). */
  weight?: number;
}

export const DEFAULT_RRF_K = 60;

/**
 * Reciprocal rank fusion: score(d) = Σ weight / (k + rank(d)). Robust to the
 * incomparable scales of cosine similarity and BM25. Ties break on the best
 * single rank, then on id, so the order is deterministic.
 */
export function reciprocalRankFusion(
  rankings: readonly RankingInput[],
  options: { k?: number } = {},
): FusedResult[] {
  const k = options.k ?? DEFAULT_RRF_K;
  if (!(k >= 0)) throw new RangeError("k must be non-negative");
  const results = new Map<string, FusedResult>();
  rankings.forEach((ranking, r) => {
    const weight = ranking.weight ?? 1;
    const seen = new Set<string>();
    ranking.ids.forEach((id, index) => {
      // A duplicate id in one ranking counts once, at its best rank.
      if (seen.has(id)) return;
      seen.add(id);
      let result = results.get(id);
      if (!result) {
        result = { id, score: 0, ranks: rankings.map(() => null) };
        results.set(id, result);
      }
      result.ranks[r] = index + 1;
      result.score += weight / (k + index + 1);
    });
  });
  const bestRank = (result: FusedResult) =>
    Math.min(...result.ranks.map((rank) => rank ?? Number.POSITIVE_INFINITY));
  return [...results.values()].sort(
    (a, b) =>
      b.score - a.score || bestRank(a) - bestRank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError("vectors must have the same dimension");
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface MmrCandidate {
  id: string;
  embedding: readonly number[];
  /** Relevance to the query (any scale; min-max normalised internally). */
  score: number;
}

/**
 * Maximal marginal relevance: greedily picks the candidate maximising
 * λ·relevance − (1−λ)·max similarity to those already picked, so near-duplicate
 * chunks (overlaps, repeated sheets) do not crowd the results.
 */
export function maximalMarginalRelevance(
  candidates: readonly MmrCandidate[],
  options: { lambda?: number; limit: number },
): MmrCandidate[] {
  const lambda = options.lambda ?? 0.7;
  if (lambda < 0 || lambda > 1) throw new RangeError("lambda must be within [0, 1]");
  const scores = candidates.map((candidate) => candidate.score);
  const min = Math.min(...scores);
  const span = Math.max(...scores) - min;
  const relevance = (c: MmrCandidate) => (span > 0 ? (c.score - min) / span : 1);
  const remaining = [...candidates];
  const selected: MmrCandidate[] = [];
  const maxSimilarity = new Map<string, number>(remaining.map((c) => [c.id, 0]));
  while (selected.length < options.limit && remaining.length > 0) {
    let bestIndex = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    remaining.forEach((candidate, index) => {
      const redundancy = selected.length === 0 ? 0 : maxSimilarity.get(candidate.id)!;
      const value = lambda * relevance(candidate) - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        bestIndex = index;
      }
    });
    const [picked] = remaining.splice(bestIndex, 1);
    selected.push(picked!);
    for (const candidate of remaining) {
      const similarity = cosineSimilarity(candidate.embedding, picked!.embedding);
      if (similarity > maxSimilarity.get(candidate.id)!)
        maxSimilarity.set(candidate.id, similarity);
    }
  }
  return selected;
}
