// Knowledge search: `search` for signed-in users (global chunks plus those of students the
// caller may read), `searchForBilan` for the worker's bilan.generate job. A person's search
// takes a token (searchesPerUser, model/rateLimits.ts) before its embedding call, even if the
// search then fails; the worker's searches are not limited.
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { action, internalMutation, internalQuery } from "./_generated/server";
import { appError } from "./lib/errors";
import { workerAction } from "./lib/functions";
import { canReadStudent, readableStudentIds, requireRole, requireUser } from "./model/access";
import { limitSearch } from "./model/rateLimits";
import { diversify, hybridSearch, type SearchHit, vSearchArgs, vSearchHit } from "./model/search";
import { vSubject } from "./validators";

export const search = action({
  args: vSearchArgs,
  returns: v.array(vSearchHit),
  handler: async (ctx, args): Promise<SearchHit[]> => {
    const studentIds: Id<"students">[] = await ctx.runQuery(internal.knowledge.searchScope, {
      studentId: args.studentId,
    });
    await ctx.runMutation(internal.knowledge.consumeSearch, {});
    return await hybridSearch(ctx, { ...args, studentIds });
  },
});

export const searchForBilan = workerAction({
  args: {
    query: v.string(),
    studentId: v.id("students"),
    subject: v.optional(vSubject),
    limit: v.optional(v.number()),
  },
  returns: v.array(vSearchHit),
  handler: async (ctx, args): Promise<SearchHit[]> =>
    await hybridSearch(ctx, { ...args, studentIds: [args.studentId] }),
});

/** The students whose chunks the caller may search, besides the global ones. */
export const searchScope = internalQuery({
  args: { studentId: v.optional(v.id("students")) },
  returns: v.array(v.id("students")),
  handler: async (ctx, { studentId }) => {
    const user = await requireUser(ctx);
    requireRole(user, ["admin", "assistante", "coach", "parent", "eleve"]);
    if (studentId) {
      // Staff may read every student, so an unknown (or deleted) one is checked on its own.
      const exists = (await ctx.db.get(studentId)) !== null;
      if (!exists || !(await canReadStudent(ctx, user, studentId)))
        throw appError("NOT_FOUND", "Élève introuvable.");
      return [studentId];
    }
    // Families search their own children's material; staff and coaches name a student to include theirs.
    return user.role === "parent" || user.role === "eleve"
      ? await readableStudentIds(ctx, user)
      : [];
  },
});

/** Takes the caller's search token, or throws RATE_LIMITED (see model/rateLimits.ts). */
export const consumeSearch = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    await limitSearch(ctx, await requireUser(ctx));
    return null;
  },
});

/** One text ranking per scope: each is fused as its own list, so no scope crowds out another. */
export const textCandidates = internalQuery({
  args: {
    query: v.string(),
    scopeKeys: v.array(v.string()),
    subject: v.optional(vSubject),
    embeddingModel: v.string(),
  },
  returns: v.array(v.array(v.id("chunks"))),
  handler: async (ctx, { query, scopeKeys, subject, embeddingModel }) => {
    const perScope = await Promise.all(
      scopeKeys.map((scopeKey) =>
        ctx.db
          .query("chunks")
          .withSearchIndex("search_text", (q) => {
            const base = q.search("text", query).eq("scopeKey", scopeKey);
            return subject ? base.eq("subject", subject) : base;
          })
          .take(40),
      ),
    );
    return perScope.map((rows) =>
      rows.filter((row) => row.embeddingModel === embeddingModel).map((row) => row._id),
    );
  },
});

/**
 * Loads the fused candidates, keeping only chunks of the document's active generation in scope,
 * and diversifies them (MMR) here, where their embeddings already are: the action gets the
 * `limit` hits without any vector (40 × 1536 numbers through JSON per search otherwise).
 */
export const loadCandidates = internalQuery({
  args: {
    candidates: v.array(v.object({ id: v.id("chunks"), score: v.number() })),
    scopeKeys: v.array(v.string()),
    embeddingModel: v.string(),
    subject: v.optional(vSubject),
    limit: v.number(),
  },
  returns: v.array(vSearchHit),
  handler: async (ctx, { candidates, scopeKeys, embeddingModel, subject, limit }) => {
    const allowed = new Set(scopeKeys);
    const loaded: Array<SearchHit & { embedding: number[] }> = [];
    for (const { id, score } of candidates) {
      const chunk = await ctx.db.get(id);
      if (!chunk || !allowed.has(chunk.scopeKey) || chunk.embeddingModel !== embeddingModel)
        continue;
      if (subject && chunk.subject !== subject) continue;
      const document = await ctx.db.get(chunk.documentId);
      if (!document || document.activeGeneration !== chunk.generation) continue;
      loaded.push({
        chunkId: chunk._id,
        documentId: document._id,
        documentTitle: document.title,
        pageStart: chunk.pageStart,
        pageEnd: chunk.pageEnd,
        text: chunk.text,
        score,
        embedding: chunk.embedding,
      });
    }
    return diversify(loaded, limit);
  },
});
