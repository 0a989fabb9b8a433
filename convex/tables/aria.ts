// ARIA, the tutor (issue 14): conversations per student and subject, their messages (the
// assistant's answer streamed into its row by the worker: docs/decisions/0008), feedback,
// usage counters (quotas, cost), per-student settings (premium option, budgets), memories
// and revision sheets.
// Writers: aria.ts (the élève asks, renames, archives, deletes, rates; staff set settings;
// the worker appends chunks and finishes answers). Readers: the élève (own), the assigned
// coach (read-only), staff; parents read usage counts only, and a conversation's content
// only when the élève shares it. Access rules: model/aria.ts on top of model/access.ts.
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vSubject } from "../validators";
import { EMBEDDING_DIMENSIONS } from "./knowledge";

export const vAriaMode = v.union(v.literal("direct"), v.literal("socratique"));
export const vAriaMessageStatus = v.union(
  /** Question rows, and answers that are finished. */
  v.literal("done"),
  /** Waiting for the worker to start writing. */
  v.literal("pending"),
  v.literal("streaming"),
  /** Ended by a failure or a restart that could not resume: the page offers « Réessayer ». */
  v.literal("interrupted"),
);
export const vAriaCitation = v.object({
  chunkId: v.id("chunks"),
  documentId: v.id("documents"),
  title: v.string(),
  pageStart: v.number(),
  pageEnd: v.number(),
  /** The passage's opening words, shown beside the citation. */
  excerpt: v.string(),
});
export const vAriaRating = v.union(v.literal("up"), v.literal("down"));

export const ariaTables = {
  ariaConversations: defineTable({
    studentId: v.id("students"),
    subject: vSubject,
    title: v.string(),
    /** Set by aria.rename: a generated title never replaces it. */
    titleEdited: v.optional(v.boolean()),
    mode: vAriaMode,
    archived: v.boolean(),
    /** The élève shares the content with their parents (they otherwise see counts only). */
    sharedWithParents: v.boolean(),
    questionCount: v.number(),
    createdAt: v.number(),
    lastMessageAt: v.number(),
    /** When the memory job last summarised it (model/aria.ts: idle conversations). */
    summarisedAt: v.optional(v.number()),
  })
    // The élève's list (active or archived, newest first) and a reader's list of one student.
    .index("by_studentId_and_archived_and_lastMessageAt", [
      "studentId",
      "archived",
      "lastMessageAt",
    ])
    // The memory cron: conversations idle since a time, not yet summarised.
    .index("by_lastMessageAt", ["lastMessageAt"]),

  ariaMessages: defineTable({
    conversationId: v.id("ariaConversations"),
    studentId: v.id("students"),
    role: v.union(v.literal("user"), v.literal("assistant")),
    text: v.string(),
    status: vAriaMessageStatus,
    /** Answers: flushes appended so far; appendChunk accepts only seq === chunkCount. */
    chunkCount: v.number(),
    /** Answers: the question they answer. */
    questionId: v.optional(v.id("ariaMessages")),
    mode: v.optional(vAriaMode),
    citations: v.optional(v.array(vAriaCitation)),
    /** The answer found nothing relevant in the knowledge base and said so. */
    noSource: v.optional(v.boolean()),
    error: v.optional(v.string()),
    jobId: v.optional(v.id("jobs")),
    /** The job attempt writing it: appendChunk refuses any other (a worker taken over). */
    attempt: v.optional(v.number()),
    /** « Réessayer » presses on this answer (aria.retry; capped). */
    retries: v.optional(v.number()),
    provider: v.optional(v.string()),
    model: v.optional(v.string()),
    inputTokens: v.optional(v.number()),
    outputTokens: v.optional(v.number()),
    costMicroEur: v.optional(v.number()),
    rating: v.optional(vAriaRating),
    ratingComment: v.optional(v.string()),
    ratedAt: v.optional(v.number()),
    createdAt: v.number(),
    firstTextAt: v.optional(v.number()),
    finishedAt: v.optional(v.number()),
  })
    // A conversation's messages in order (bounded take).
    .index("by_conversationId_and_createdAt", ["conversationId", "createdAt"])
    // Staff: answers rated down, newest first.
    .index("by_rating_and_ratedAt", ["rating", "ratedAt"])
    // A student's messages (personal-data export and erasure).
    .index("by_studentId_and_createdAt", ["studentId", "createdAt"]),

  /** Questions and tokens per student and period (Paris day "2026-12-01" or month "2026-12"). */
  ariaUsage: defineTable({
    studentId: v.id("students"),
    period: v.union(v.literal("day"), v.literal("month")),
    key: v.string(),
    questions: v.number(),
    tokens: v.number(),
    costMicroEur: v.number(),
  }).index("by_studentId_and_period_and_key", ["studentId", "period", "key"]),

  /** Set by staff (aria.setSettings) and by payments (model/aria.ts setAriaPremium). */
  ariaSettings: defineTable({
    studentId: v.id("students"),
    premium: v.boolean(),
    /** Premium: tokens a month; absent → ARIA_DEFAULT_MONTHLY_TOKENS. */
    monthlyTokenBudget: v.optional(v.number()),
    /** Freemium: questions a Paris day; absent → ARIA_FREE_QUESTIONS_PER_DAY. */
    dailyQuestionLimit: v.optional(v.number()),
    updatedBy: v.optional(v.id("users")),
    /** Who set the premium flag: staff, or a payment. */
    premiumSource: v.optional(v.string()),
    updatedAt: v.number(),
  }).index("by_studentId", ["studentId"]),

  /** Facts about a student's difficulties, summarised from a conversation (memory job). */
  ariaMemories: defineTable({
    studentId: v.id("students"),
    conversationId: v.id("ariaConversations"),
    subject: vSubject,
    text: v.string(),
    embedding: v.array(v.float64()),
    embeddingModel: v.string(),
    createdAt: v.number(),
  })
    .index("by_studentId_and_createdAt", ["studentId", "createdAt"])
    .index("by_conversationId", ["conversationId"])
    .vectorIndex("by_embedding", {
      vectorField: "embedding",
      dimensions: EMBEDDING_DIMENSIONS,
      filterFields: ["studentId"],
    }),

  /** Revision sheets (« faire une fiche »): a one-page PDF made from an answer. */
  ariaSheets: defineTable({
    studentId: v.id("students"),
    conversationId: v.id("ariaConversations"),
    messageId: v.id("ariaMessages"),
    title: v.string(),
    status: v.union(v.literal("pending"), v.literal("ready"), v.literal("failed")),
    storageId: v.optional(v.id("_storage")),
    size: v.optional(v.number()),
    error: v.optional(v.string()),
    createdAt: v.number(),
  })
    .index("by_conversationId", ["conversationId"])
    .index("by_messageId", ["messageId"])
    .index("by_studentId_and_createdAt", ["studentId", "createdAt"])
    // The storage sweep: a sheet's file is referenced.
    .index("by_storageId", ["storageId"]),
};
