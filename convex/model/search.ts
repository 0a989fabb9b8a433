// Hybrid retrieval over the knowledge base: Convex vector search and full-text search,
// fused with reciprocal rank fusion, then diversified with MMR. Callers decide the scope
// (global + the students the caller may read); this module never widens it.
import { createEmbedderFromEnv } from "@nexus/knowledge/embed";
import { maximalMarginalRelevance, reciprocalRankFusion } from "@nexus/knowledge/rank";
import { readableScopeModelKeys } from "@nexus/knowledge/scope-key";
import type { Subject } from "@nexus/shared/domain";
import { v } from "convex/values";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { ActionCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { pageSize } from "../lib/pagination";
import { vSubject } from "../validators";

export const vSearchHit = v.object({
  chunkId: v.id("chunks"),
  documentId: v.id("documents"),
  documentTitle: v.string(),
  pageStart: v.number(),
  pageEnd: v.number(),
  text: v.string(),
  score: v.number(),
});

export const vSearchArgs = {
  query: v.string(),
  subject: v.optional(vSubject),
  studentId: v.optional(v.id("students")),
  limit: v.optional(v.number()),
};

const CANDIDATES = 40;

export interface SearchHit {
  chunkId: Id<"chunks">;
  documentId: Id<"documents">;
  documentTitle: string;
  pageStart: number;
  pageEnd: number;
  text: string;
  score: number;
}

export async function hybridSearch(
  ctx: ActionCtx,
  args: { query: string; subject?: Subject; studentIds: Id<"students">[]; limit?: number },
): Promise<SearchHit[]> {
  const query = args.query.trim();
  if (query.length === 0 || query.length > 1000) {
    throw appError("INVALID_ARGUMENT", "La recherche doit contenir entre 1 et 1 000 caractères.");
  }
  const limit = pageSize(args.limit, { fallback: 5, max: 20 });
  const embedder = createEmbedderFromEnv(process.env);
  const [vector] = await embedder.embed([query]);
  const keys = readableScopeModelKeys(args.studentIds, embedder.model);
  const scopeKeys = ["global", ...args.studentIds.map((id) => `student:${id}`)];

  // The vector search and the text rankings do not depend on each other: run them together.
  const [vectorHits, textRankings] = await Promise.all([
    ctx.vectorSearch("chunks", "by_embedding", {
      vector: vector!,
      limit: CANDIDATES,
      filter: (q) => q.or(...keys.map((key) => q.eq("scopeModelKey", key))),
    }),
    ctx.runQuery(internal.knowledge.textCandidates, {
      query,
      scopeKeys,
      subject: args.subject,
      embeddingModel: embedder.model,
    }) as Promise<Id<"chunks">[][]>,
  ]);
  const fused = reciprocalRankFusion([
    { ids: vectorHits.map((hit) => hit._id) },
    // One text ranking per scope, each fused as its own list: no scope crowds out another.
    ...textRankings.map((ids) => ({ ids })),
  ]).slice(0, CANDIDATES);
  return await ctx.runQuery(internal.knowledge.loadCandidates, {
    candidates: fused.map((f) => ({ id: f.id as Id<"chunks">, score: f.score })),
    scopeKeys,
    embeddingModel: embedder.model,
    subject: args.subject,
    limit,
  });
}

/**
 * Maximal marginal relevance over loaded candidates (fused score as relevance), without
 * their embeddings in the result: near-duplicate chunks do not crowd the `limit` hits.
 */
export function diversify(
  candidates: Array<SearchHit & { embedding: number[] }>,
  limit: number,
): SearchHit[] {
  const diversified = maximalMarginalRelevance(
    candidates.map((c) => ({ id: c.chunkId, embedding: c.embedding, score: c.score })),
    { limit, lambda: 0.75 },
  );
  const byId = new Map(candidates.map((c) => [c.chunkId as string, c]));
  return diversified.map(({ id }) => {
    const { embedding: _embedding, ...hit } = byId.get(id)!;
    return hit;
  });
}
