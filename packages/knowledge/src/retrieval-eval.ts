// Retrieval evaluation over a labelled set (question → document file and page):
// recall@k of vector-only (cosine), lexical-only (BM25) and RRF fusion, the
// same fusion the Convex search action applies to its vector and text indexes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { LexicalIndex } from "./lexical-index.ts";
import { cosineSimilarity, reciprocalRankFusion } from "./rank.ts";
import { STARTER_FOLDER } from "./starter.ts";

export const zRetrievalSet = z.object({
  description: z.string().optional(),
  questions: z
    .array(
      z.object({
        question: z.string().min(1),
        filename: z.string().min(1),
        page: z.number().int().min(1),
      }),
    )
    .min(1),
});
export type RetrievalSet = z.infer<typeof zRetrievalSet>;
export type RetrievalQuestion = RetrievalSet["questions"][number];

export function loadRetrievalSet(path = join(STARTER_FOLDER, "retrieval-set.json")): RetrievalSet {
  return zRetrievalSet.parse(JSON.parse(readFileSync(path, "utf8")));
}

export interface EvalChunk {
  id: string;
  filename: string;
  pageStart: number;
  pageEnd: number;
  text: string;
  embedding: number[];
}

export type RetrievalMethod = "vector" | "lexical" | "fusion";

export interface QuestionOutcome {
  question: string;
  expected: { filename: string; page: number };
  /** 1-based rank of the first chunk covering the expected page, null if not in the top k. */
  rank: Record<RetrievalMethod, number | null>;
}

export interface RetrievalReport {
  k: number;
  questions: number;
  /** Share of questions whose expected page is covered by a top-k chunk. */
  recall: Record<RetrievalMethod, number>;
  /** Same at document level (any chunk of the expected file). */
  documentRecall: Record<RetrievalMethod, number>;
  /** Share of questions whose first result covers the expected page. */
  recallAt1: Record<RetrievalMethod, number>;
  /** Mean reciprocal rank of the expected page (0 beyond k). */
  mrr: Record<RetrievalMethod, number>;
  outcomes: QuestionOutcome[];
}

export interface EvaluateOptions {
  /** Embeds a query with the same model as the chunks. */
  embedQuery: (query: string) => Promise<number[]>;
  k?: number;
  /** How many candidates each ranking feeds to the fusion (like the search action's limits). */
  candidates?: number;
  rrfK?: number;
}

function firstHit(
  ids: string[],
  byId: Map<string, EvalChunk>,
  test: (chunk: EvalChunk) => boolean,
  k: number,
): number | null {
  const index = ids.slice(0, k).findIndex((id) => test(byId.get(id)!));
  return index < 0 ? null : index + 1;
}

export async function evaluateRetrieval(
  chunks: EvalChunk[],
  set: RetrievalSet,
  options: EvaluateOptions,
): Promise<RetrievalReport> {
  const k = options.k ?? 5;
  const candidates = options.candidates ?? 20;
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  const lexical = new LexicalIndex();
  for (const chunk of chunks) lexical.add(chunk.id, chunk.text);

  const methods: RetrievalMethod[] = ["vector", "lexical", "fusion"];
  const pageHits = { vector: 0, lexical: 0, fusion: 0 };
  const documentHits = { vector: 0, lexical: 0, fusion: 0 };
  const outcomes: QuestionOutcome[] = [];
  for (const item of set.questions) {
    const query = await options.embedQuery(item.question);
    const vectorIds = chunks
      .map((chunk) => ({ id: chunk.id, score: cosineSimilarity(query, chunk.embedding) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, candidates)
      .map((hit) => hit.id);
    const lexicalIds = lexical.search(item.question, candidates).map((hit) => hit.id);
    const fusionIds = reciprocalRankFusion([{ ids: vectorIds }, { ids: lexicalIds }], {
      k: options.rrfK,
    }).map((result) => result.id);
    const ranked: Record<RetrievalMethod, string[]> = {
      vector: vectorIds,
      lexical: lexicalIds,
      fusion: fusionIds,
    };
    const coversPage = (chunk: EvalChunk) =>
      chunk.filename === item.filename &&
      chunk.pageStart <= item.page &&
      item.page <= chunk.pageEnd;
    const rank = {} as Record<RetrievalMethod, number | null>;
    for (const method of methods) {
      rank[method] = firstHit(ranked[method], byId, coversPage, k);
      if (rank[method] !== null) pageHits[method]++;
      if (firstHit(ranked[method], byId, (chunk) => chunk.filename === item.filename, k) !== null) {
        documentHits[method]++;
      }
    }
    outcomes.push({
      question: item.question,
      expected: { filename: item.filename, page: item.page },
      rank,
    });
  }
  const share = (hits: Record<RetrievalMethod, number>) =>
    Object.fromEntries(methods.map((m) => [m, hits[m] / set.questions.length])) as Record<
      RetrievalMethod,
      number
    >;
  const mean = (value: (outcome: QuestionOutcome, method: RetrievalMethod) => number) =>
    Object.fromEntries(
      methods.map((m) => [m, outcomes.reduce((sum, o) => sum + value(o, m), 0) / outcomes.length]),
    ) as Record<RetrievalMethod, number>;
  return {
    k,
    questions: set.questions.length,
    recall: share(pageHits),
    documentRecall: share(documentHits),
    recallAt1: mean((o, m) => (o.rank[m] === 1 ? 1 : 0)),
    mrr: mean((o, m) => (o.rank[m] ? 1 / o.rank[m]! : 0)),
    outcomes,
  };
}
