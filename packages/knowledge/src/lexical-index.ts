// In-memory BM25 ranking: the offline stand-in for Convex's full-text search in
// the retrieval evaluation and benchmarks. Same term normalisation as the local embedder.
import { contentTerms } from "./text-features.ts";

export interface LexicalHit {
  id: string;
  score: number;
}

export class LexicalIndex {
  private readonly postings = new Map<string, Map<string, number>>();
  private readonly lengths = new Map<string, number>();
  private totalLength = 0;

  constructor(private readonly params: { k1?: number; b?: number } = {}) {}

  add(id: string, text: string): void {
    const terms = contentTerms(text);
    this.lengths.set(id, terms.length);
    this.totalLength += terms.length;
    for (const term of terms) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(id, (posting.get(id) ?? 0) + 1);
    }
  }

  get size(): number {
    return this.lengths.size;
  }

  search(query: string, limit: number): LexicalHit[] {
    const k1 = this.params.k1 ?? 1.2;
    const b = this.params.b ?? 0.75;
    const n = this.lengths.size;
    const averageLength = n > 0 ? this.totalLength / n : 0;
    const scores = new Map<string, number>();
    for (const term of new Set(contentTerms(query))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (n - posting.size + 0.5) / (posting.size + 0.5));
      for (const [id, tf] of posting) {
        const length = this.lengths.get(id) ?? 0;
        const norm = tf + k1 * (1 - b + (b * length) / (averageLength || 1));
        scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (k1 + 1)) / norm);
      }
    }
    return [...scores.entries()]
      .map(([id, score]) => ({ id, score }))
      .sort((a, b2) => b2.score - a.score || (a.id < b2.id ? -1 : 1))
      .slice(0, limit);
  }
}
