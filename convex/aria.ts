// ARIA, the tutor (issue 14). Thin registered functions; rules in model/aria.ts (access,
// quotas, settings) and model/ariaConversations.ts (conversations, the answer stream).
// The élève writes; the assigned coach and staff read; parents read shared conversations
// and usage counts; the worker writes answers (docs/decisions/0008-aria-streaming.md).
import { createEmbedderFromEnv } from "@nexus/knowledge/embed";
import { zSubject } from "@nexus/shared/domain";
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalMutation, internalQuery } from "./_generated/server";
import { appError } from "./lib/errors";
import { userAction, userMutation, userQuery, workerAction, workerMutation } from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import { requireAnyRole, requireReadableStudent, requireStaff, requireUser } from "./model/access";
import {
  ARIA_MAX_COMMENT_CHARS,
  parisMonth,
  quotaState,
  requireOwnConversation,
  requireOwnStudent,
  requireReadableConversation,
  setAriaPremium,
  settingsOf,
  studentOfUser,
  writeSettings,
} from "./model/aria";
import { citedPdf } from "./model/ariaCitations";
import * as conversations from "./model/ariaConversations";
import { fileUrl, hashGrantToken, insertGrant, newGrantToken } from "./model/files";
import { hybridSearch, type SearchHit, vSearchHit } from "./model/search";
import schema from "./schema";
import { vAriaCitation, vAriaMode, vAriaRating } from "./tables/aria";
import { vSubject } from "./validators";

const vConversation = doc(schema, "ariaConversations");
/** Cosine similarity below which a memory is not about the question. */
const MEMORY_MIN_SCORE = 0.3;
const vMessage = doc(schema, "ariaMessages");

// ---------------------------------------------------------------- the élève

export const start = userMutation({
  args: { subject: vSubject, mode: vAriaMode },
  returns: v.id("ariaConversations"),
  handler: async (ctx, { subject, mode }) => {
    zSubject.parse(subject);
    const student = await requireOwnStudent(ctx, ctx.user);
    return await conversations.startConversation(ctx, student._id, subject, mode);
  },
});

export const ask = userMutation({
  args: { conversationId: v.id("ariaConversations"), text: v.string() },
  returns: v.object({ questionId: v.id("ariaMessages"), answerId: v.id("ariaMessages") }),
  handler: async (ctx, { conversationId, text }) => {
    const conversation = await requireOwnConversation(ctx, ctx.user, conversationId);
    return await conversations.ask(ctx, conversation, text, ctx.user._id);
  },
});

async function ownMessage(
  ctx: Parameters<typeof requireOwnConversation>[0],
  messageId: Id<"ariaMessages">,
  user: Parameters<typeof requireOwnConversation>[1],
) {
  const message = await ctx.db.get(messageId);
  if (!message) throw appError("NOT_FOUND", "Message introuvable.");
  await requireOwnConversation(ctx, user, message.conversationId);
  return message;
}

export const retry = userMutation({
  args: { messageId: v.id("ariaMessages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    const message = await ownMessage(ctx, messageId, ctx.user);
    await conversations.retry(ctx, message, ctx.user._id);
    return null;
  },
});

export const rename = userMutation({
  args: { conversationId: v.id("ariaConversations"), title: v.string() },
  returns: v.null(),
  handler: async (ctx, { conversationId, title }) => {
    await requireOwnConversation(ctx, ctx.user, conversationId);
    await ctx.db.patch(conversationId, {
      title: conversations.cleanTitle(title),
      titleEdited: true,
    });
    return null;
  },
});

export const setArchived = userMutation({
  args: { conversationId: v.id("ariaConversations"), archived: v.boolean() },
  returns: v.null(),
  handler: async (ctx, { conversationId, archived }) => {
    await requireOwnConversation(ctx, ctx.user, conversationId);
    await ctx.db.patch(conversationId, { archived });
    return null;
  },
});

export const setMode = userMutation({
  args: { conversationId: v.id("ariaConversations"), mode: vAriaMode },
  returns: v.null(),
  handler: async (ctx, { conversationId, mode }) => {
    await requireOwnConversation(ctx, ctx.user, conversationId);
    await ctx.db.patch(conversationId, { mode });
    return null;
  },
});

/** The élève shares (or stops sharing) a conversation's content with their parents. */
export const share = userMutation({
  args: { conversationId: v.id("ariaConversations"), shared: v.boolean() },
  returns: v.null(),
  handler: async (ctx, { conversationId, shared }) => {
    await requireOwnConversation(ctx, ctx.user, conversationId);
    await ctx.db.patch(conversationId, { sharedWithParents: shared });
    return null;
  },
});

export const remove = userMutation({
  args: { conversationId: v.id("ariaConversations") },
  returns: v.object({ messages: v.number(), memories: v.number(), sheets: v.number() }),
  handler: async (ctx, { conversationId }) => {
    const conversation = await requireOwnConversation(ctx, ctx.user, conversationId);
    return await conversations.deleteConversation(ctx, conversation);
  },
});

export const rate = userMutation({
  args: {
    messageId: v.id("ariaMessages"),
    rating: vAriaRating,
    comment: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { messageId, rating, comment }) => {
    const message = await ownMessage(ctx, messageId, ctx.user);
    if (message.role !== "assistant" || message.status !== "done") {
      throw appError("INVALID_STATE", "Seule une réponse terminée peut être évaluée.");
    }
    const clean = comment?.trim() ?? "";
    if (clean.length > ARIA_MAX_COMMENT_CHARS) {
      throw appError(
        "INVALID_ARGUMENT",
        `Ton commentaire est trop long : ${ARIA_MAX_COMMENT_CHARS} caractères au plus.`,
      );
    }
    await ctx.db.patch(messageId, {
      rating,
      ratingComment: clean.length > 0 ? clean : undefined,
      ratedAt: Date.now(),
    });
    return null;
  },
});

// ---------------------------------------------------------------- readers

const vConversationSummary = v.object({
  _id: v.id("ariaConversations"),
  subject: vSubject,
  title: v.string(),
  mode: vAriaMode,
  archived: v.boolean(),
  sharedWithParents: v.boolean(),
  questionCount: v.number(),
  lastMessageAt: v.number(),
});

/**
 * Conversations of a student, newest first: the élève's own (studentId optional), those of a
 * followed student for its coach and staff, only the shared ones for a parent.
 */
export const list = userQuery({
  args: { studentId: v.optional(v.id("students")), archived: v.boolean() },
  returns: v.array(vConversationSummary),
  handler: async (ctx, { studentId, archived }) => {
    requireAnyRole(ctx.user);
    const own = studentId ? null : await studentOfUser(ctx, ctx.user);
    const id = studentId ?? own?._id;
    if (!id) throw appError("INVALID_ARGUMENT", "Précisez l'élève.");
    await requireReadableStudent(ctx, ctx.user, id);
    const rows = await ctx.db
      .query("ariaConversations")
      .withIndex("by_studentId_and_archived_and_lastMessageAt", (q) =>
        q.eq("studentId", id).eq("archived", archived),
      )
      .order("desc")
      .take(100);
    return rows
      .filter((c) => ctx.user.role !== "parent" || c.sharedWithParents)
      .map((c) => ({
        _id: c._id,
        subject: c.subject,
        title: c.title,
        mode: c.mode,
        archived: c.archived,
        sharedWithParents: c.sharedWithParents,
        questionCount: c.questionCount,
        lastMessageAt: c.lastMessageAt,
      }));
  },
});

export const conversation = userQuery({
  args: { conversationId: v.id("ariaConversations") },
  returns: v.object({
    conversation: vConversation,
    messages: v.array(vMessage),
    /** Only the élève writes; everyone else reads. */
    readOnly: v.boolean(),
    studentFirstName: v.string(),
  }),
  handler: async (ctx, { conversationId }) => {
    requireAnyRole(ctx.user);
    const conversation = await requireReadableConversation(ctx, ctx.user, conversationId);
    const student = await ctx.db.get(conversation.studentId);
    return {
      conversation,
      messages: await conversations.conversationMessages(ctx, conversationId),
      readOnly: !(ctx.user.role === "eleve" && student?.userId === ctx.user._id),
      studentFirstName: student?.firstName ?? "",
    };
  },
});

const vQuota = v.object({
  premium: v.boolean(),
  dailyLimit: v.union(v.number(), v.null()),
  usedToday: v.number(),
  remainingToday: v.union(v.number(), v.null()),
  monthTokens: v.number(),
  monthlyTokenBudget: v.union(v.number(), v.null()),
  monthCostMicroEur: v.number(),
  resetsAt: v.number(),
  canAsk: v.boolean(),
  refusal: v.union(v.string(), v.null()),
});

/** What is left: the élève's own (studentId optional), a followed student's for readers. */
export const quota = userQuery({
  args: { studentId: v.optional(v.id("students")), now: v.number() },
  returns: vQuota,
  handler: async (ctx, { studentId, now }) => {
    requireAnyRole(ctx.user);
    const own = studentId ? null : await studentOfUser(ctx, ctx.user);
    const id = studentId ?? own?._id;
    if (!id) throw appError("INVALID_ARGUMENT", "Précisez l'élève.");
    await requireReadableStudent(ctx, ctx.user, id);
    return await quotaState(ctx, id, now);
  },
});

/** Usage counts (no content): questions today, this month, per subject. For every reader. */
export const usage = userQuery({
  args: { studentId: v.id("students"), now: v.number() },
  returns: v.object({
    today: v.number(),
    month: v.number(),
    total: v.number(),
    bySubject: v.array(
      v.object({ subject: vSubject, questions: v.number(), conversations: v.number() }),
    ),
    lastQuestionAt: v.union(v.number(), v.null()),
  }),
  handler: async (ctx, { studentId, now }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const state = await quotaState(ctx, studentId, now);
    const monthRow = await ctx.db
      .query("ariaUsage")
      .withIndex("by_studentId_and_period_and_key", (q) =>
        q.eq("studentId", studentId).eq("period", "month").eq("key", parisMonth(now)),
      )
      .unique();
    const rows = await ctx.db
      .query("ariaConversations")
      .withIndex("by_studentId_and_archived_and_lastMessageAt", (q) => q.eq("studentId", studentId))
      .take(400);
    const bySubject = new Map<string, { questions: number; conversations: number }>();
    let total = 0;
    let last: number | null = null;
    for (const c of rows) {
      const entry = bySubject.get(c.subject) ?? { questions: 0, conversations: 0 };
      entry.questions += c.questionCount;
      entry.conversations += 1;
      bySubject.set(c.subject, entry);
      total += c.questionCount;
      if (c.questionCount > 0 && (last === null || c.lastMessageAt > last)) last = c.lastMessageAt;
    }
    return {
      today: state.usedToday,
      month: monthRow?.questions ?? 0,
      total,
      bySubject: [...bySubject].map(([subject, e]) => ({
        subject: zSubject.parse(subject),
        ...e,
      })),
      lastQuestionAt: last,
    };
  },
});

// ---------------------------------------------------------------- staff

const vSettings = v.object({
  premium: v.boolean(),
  monthlyTokenBudget: v.union(v.number(), v.null()),
  dailyQuestionLimit: v.union(v.number(), v.null()),
  premiumSource: v.union(v.string(), v.null()),
  updatedAt: v.union(v.number(), v.null()),
});

export const settings = userQuery({
  args: { studentId: v.id("students") },
  returns: vSettings,
  handler: async (ctx, { studentId }) => {
    requireStaff(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const row = await settingsOf(ctx, studentId);
    return {
      premium: row?.premium ?? false,
      monthlyTokenBudget: row?.monthlyTokenBudget ?? null,
      dailyQuestionLimit: row?.dailyQuestionLimit ?? null,
      premiumSource: row?.premiumSource ?? null,
      updatedAt: row?.updatedAt ?? null,
    };
  },
});

export const setSettings = userMutation({
  args: {
    studentId: v.id("students"),
    premium: v.optional(v.boolean()),
    monthlyTokenBudget: v.optional(v.union(v.number(), v.null())),
    dailyQuestionLimit: v.optional(v.union(v.number(), v.null())),
  },
  returns: v.null(),
  handler: async (ctx, { studentId, premium, ...budgets }) => {
    requireStaff(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const by = { userId: ctx.user._id, source: "staff" };
    if (premium !== undefined) await setAriaPremium(ctx, studentId, premium, by);
    if (budgets.monthlyTokenBudget !== undefined || budgets.dailyQuestionLimit !== undefined) {
      await writeSettings(ctx, studentId, budgets, by);
    }
    return null;
  },
});

/** Answers rated down, newest first, with their question and sources (staff). */
export const downvoted = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(
    v.object({
      answer: vMessage,
      question: v.string(),
      subject: vSubject,
      studentId: v.id("students"),
      studentName: v.string(),
    }),
  ),
  handler: async (ctx, { paginationOpts }) => {
    requireStaff(ctx.user);
    const result = await ctx.db
      .query("ariaMessages")
      .withIndex("by_rating_and_ratedAt", (q) => q.eq("rating", "down"))
      .order("desc")
      .paginate(boundedPage(paginationOpts));
    const page = [];
    for (const answer of result.page) {
      const question = answer.questionId ? await ctx.db.get(answer.questionId) : null;
      const conversation = await ctx.db.get(answer.conversationId);
      const student = await ctx.db.get(answer.studentId);
      if (!conversation) continue;
      page.push({
        answer,
        question: question?.text ?? "",
        subject: conversation.subject,
        studentId: answer.studentId,
        studentName: student ? `${student.firstName} ${student.lastName}` : "Élève supprimé",
      });
    }
    return { ...result, page };
  },
});

// ---------------------------------------------------------------- the worker

const vAnswerRef = {
  messageId: v.id("ariaMessages"),
  jobId: v.id("jobs"),
  attempt: v.number(),
};

export const startAnswer = workerMutation({
  args: vAnswerRef,
  returns: v.union(
    v.null(),
    v.object({
      studentId: v.id("students"),
      subject: vSubject,
      mode: vAriaMode,
      question: v.string(),
      history: v.array(
        v.object({ role: v.union(v.literal("user"), v.literal("assistant")), text: v.string() }),
      ),
      text: v.string(),
      chunkCount: v.number(),
      weakDomains: v.array(v.object({ label: v.string(), percent: v.number() })),
      premium: v.boolean(),
    }),
  ),
  handler: async (ctx, { messageId, jobId, attempt }) =>
    await conversations.startAnswer(ctx, messageId, jobId, attempt),
});

export const appendChunk = workerMutation({
  args: { ...vAnswerRef, seq: v.number(), text: v.string() },
  returns: v.union(v.literal("appended"), v.literal("duplicate"), v.literal("stop")),
  handler: async (ctx, args) => await conversations.appendChunk(ctx, args),
});

export const finishAnswer = workerMutation({
  args: {
    ...vAnswerRef,
    citations: v.array(vAriaCitation),
    noSource: v.boolean(),
    provider: v.string(),
    model: v.string(),
    inputTokens: v.number(),
    outputTokens: v.number(),
  },
  returns: v.boolean(),
  handler: async (ctx, args) => await conversations.finishAnswer(ctx, args),
});

export const interruptAnswer = workerMutation({
  args: { ...vAnswerRef, reason: v.string() },
  returns: v.null(),
  handler: async (ctx, { messageId, jobId, attempt, reason }) => {
    if (await conversations.requireStreamingAnswer(ctx, messageId, jobId, attempt)) {
      await conversations.interruptAnswer(ctx, messageId, reason);
    }
    return null;
  },
});

/**
 * The answer's student, subject and question: the search scope comes from here, never from
 * text. The question lets the worker retrieve at the same time as it starts the answer.
 */
export const answerScope = internalQuery({
  args: { messageId: v.id("ariaMessages") },
  returns: v.union(
    v.null(),
    v.object({ studentId: v.id("students"), subject: vSubject, question: v.string() }),
  ),
  handler: async (ctx, { messageId }) => {
    const message = await ctx.db.get(messageId);
    const conversation = message ? await ctx.db.get(message.conversationId) : null;
    if (!message || !conversation) return null;
    const question = message.questionId ? await ctx.db.get(message.questionId) : null;
    return {
      studentId: conversation.studentId,
      subject: conversation.subject,
      question: question?.text ?? "",
    };
  },
});

type AnswerScope = {
  studentId: Id<"students">;
  subject: "maths" | "nsi" | "physique-chimie";
  question: string;
} | null;

/** The text to search with: the given query, else the answer's own question. */
function searchText(scope: NonNullable<AnswerScope>, query: string | undefined): string {
  return (query ?? scope.question).trim().slice(0, 1000);
}

/**
 * Knowledge passages for an answer: global chunks and the student's own documents only.
 * Without `query`, searches with the answer's question (the worker retrieves while it
 * starts the answer, before it has the question in hand).
 */
export const retrieve = workerAction({
  args: {
    messageId: v.id("ariaMessages"),
    query: v.optional(v.string()),
    limit: v.optional(v.number()),
  },
  returns: v.array(vSearchHit),
  handler: async (ctx, { messageId, query, limit }): Promise<SearchHit[]> => {
    const scope: AnswerScope = await ctx.runQuery(internal.aria.answerScope, { messageId });
    const text = scope ? searchText(scope, query) : "";
    if (!scope || text.length === 0) return [];
    return await hybridSearch(ctx, {
      query: text,
      subject: scope.subject,
      studentIds: [scope.studentId],
      limit: limit ?? 6,
    });
  },
});

/** Memories of the answer's student (never another's), loaded by id after the vector search. */
export const memoryTexts = internalQuery({
  args: { ids: v.array(v.id("ariaMemories")), studentId: v.id("students") },
  returns: v.array(v.string()),
  handler: async (ctx, { ids, studentId }) => {
    const texts: string[] = [];
    for (const id of ids) {
      const memory = await ctx.db.get(id);
      if (memory && memory.studentId === studentId) texts.push(memory.text);
    }
    return texts;
  },
});

/** The student's remembered facts closest to the question (3 at most, a minimum similarity). */
export const recall = workerAction({
  args: { messageId: v.id("ariaMessages"), query: v.optional(v.string()) },
  returns: v.array(v.string()),
  handler: async (ctx, { messageId, query }): Promise<string[]> => {
    const scope: AnswerScope = await ctx.runQuery(internal.aria.answerScope, { messageId });
    const text = scope ? searchText(scope, query) : "";
    if (!scope || text.length === 0) return [];
    const embedder = createEmbedderFromEnv(process.env);
    const [vector] = await embedder.embed([text]);
    const hits = await ctx.vectorSearch("ariaMemories", "by_embedding", {
      vector: vector!,
      limit: 3,
      filter: (q) => q.eq("studentId", scope.studentId),
    });
    return await ctx.runQuery(internal.aria.memoryTexts, {
      ids: hits.filter((h) => h._score >= MEMORY_MIN_SCORE).map((h) => h._id),
      studentId: scope.studentId,
    });
  },
});

/** A cited passage in full, for the citation's link: only a passage the answer cites. */
export const passage = userQuery({
  args: { messageId: v.id("ariaMessages"), chunkId: v.id("chunks") },
  returns: v.object({
    title: v.string(),
    pageStart: v.number(),
    pageEnd: v.number(),
    text: v.string(),
    conversationId: v.id("ariaConversations"),
    question: v.string(),
  }),
  handler: async (ctx, { messageId, chunkId }) => {
    const message = await ctx.db.get(messageId);
    if (!message) throw appError("NOT_FOUND", "Passage introuvable.");
    await requireReadableConversation(ctx, ctx.user, message.conversationId);
    const citation = message.citations?.find((c) => c.chunkId === chunkId);
    const chunk = citation ? await ctx.db.get(chunkId) : null;
    if (!citation || !chunk) throw appError("NOT_FOUND", "Passage introuvable.");
    const question = message.questionId ? await ctx.db.get(message.questionId) : null;
    return {
      title: citation.title,
      pageStart: chunk.pageStart,
      pageEnd: chunk.pageEnd,
      text: chunk.text,
      conversationId: message.conversationId,
      question: question?.text ?? "",
    };
  },
});

/**
 * The cited source's PDF opened at the cited page: a five-minute link (like the bilan
 * report) ending in `#page=N`. Only for a PDF the caller may read (model/ariaCitations.ts);
 * otherwise NOT_FOUND and the page shows the passage instead.
 */
export const citationUrl = userAction({
  args: { messageId: v.id("ariaMessages"), chunkId: v.id("chunks") },
  returns: v.object({ url: v.string(), expiresAt: v.number(), page: v.number() }),
  handler: async (
    ctx,
    { messageId, chunkId },
  ): Promise<{ url: string; expiresAt: number; page: number }> => {
    const token = newGrantToken();
    const url = fileUrl(token);
    const { expiresAt, page }: { expiresAt: number; page: number } = await ctx.runMutation(
      internal.aria.grantCitation,
      { messageId, chunkId, tokenHash: await hashGrantToken(token) },
    );
    return { url: `${url}#page=${page}`, expiresAt, page };
  },
});

/** Checks the citation and the caller's access to its PDF, records the grant. */
export const grantCitation = internalMutation({
  args: { messageId: v.id("ariaMessages"), chunkId: v.id("chunks"), tokenHash: v.string() },
  returns: v.object({ expiresAt: v.number(), page: v.number() }),
  handler: async (ctx, { messageId, chunkId, tokenHash }) => {
    const user = await requireUser(ctx);
    const { file, page } = await citedPdf(ctx, user, messageId, chunkId);
    return { expiresAt: await insertGrant(ctx, user, file, tokenHash, Date.now()), page };
  },
});
