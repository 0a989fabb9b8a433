// ARIA conversations and the answer stream (docs/decisions/0008-aria-streaming.md).
// The élève's side: start, ask (quota first, then question + empty answer + job in one
// transaction), retry an interrupted answer, rename, archive, share, rate, delete (cascade:
// messages, memories derived from it, sheets and their files). The worker's side: start an
// answer (its context), append chunks (seq === chunkCount, attempt checked), finish or
// interrupt. Access checks are the callers' (model/aria.ts helpers).
import type { Subject } from "@nexus/shared/domain";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import {
  ARIA_MAX_QUESTION_CHARS,
  ARIA_MAX_TITLE_CHARS,
  ARIA_MESSAGES_PAGE,
  type Conversation,
  countQuestion,
  countTokens,
  quotaState,
  requireQuota,
  settingsOf,
} from "./aria";
import { requireAriaAllowed } from "./consents";
import { enqueueJob } from "./jobs";
import { llmCostMicroEur } from "./stats";

export type AriaMode = "direct" | "socratique";
/** An answer's text stops growing here (a runaway stream). */
export const ARIA_MAX_ANSWER_CHARS = 8_000;
/** Questions per conversation: the whole cascade then fits in one mutation. */
export const ARIA_MAX_QUESTIONS_PER_CONVERSATION = 100;
export const ARIA_MAX_RETRIES = 3;
/** Answers jump the queue: an élève waits for them, a bilan does not. */
export const ARIA_JOB_PRIORITY = 100;

/** A short title from the first question: its first sentence, cut at a word. */
export function titleFromQuestion(question: string): string {
  const clean = question.replace(/\s+/g, " ").trim();
  const sentence = clean.split(/(?<=[?.!])\s/)[0] ?? clean;
  const max = 60;
  let title = sentence;
  if (title.length > max) {
    const cut = title.slice(0, max);
    title = `${cut.slice(0, Math.max(cut.lastIndexOf(" "), 30)).trim()}…`;
  }
  title = title.replace(/[\s,;:]+$/, "");
  return title.charAt(0).toUpperCase() + title.slice(1);
}

function cleanQuestion(text: string): string {
  const question = text.replace(/\r\n?/g, "\n").trim();
  if (question.length === 0) throw appError("INVALID_ARGUMENT", "Écris ta question.");
  if (question.length > ARIA_MAX_QUESTION_CHARS) {
    throw appError(
      "INVALID_ARGUMENT",
      `Ta question est trop longue : ${ARIA_MAX_QUESTION_CHARS} caractères au plus.`,
    );
  }
  return question;
}

export async function startConversation(
  ctx: MutationCtx,
  studentId: Id<"students">,
  subject: Subject,
  mode: AriaMode,
): Promise<Id<"ariaConversations">> {
  const now = Date.now();
  return await ctx.db.insert("ariaConversations", {
    studentId,
    subject,
    mode,
    title: "Nouvelle conversation",
    archived: false,
    sharedWithParents: false,
    questionCount: 0,
    createdAt: now,
    lastMessageAt: now,
  });
}

async function lastMessages(ctx: QueryCtx, conversationId: Id<"ariaConversations">, n: number) {
  return await ctx.db
    .query("ariaMessages")
    .withIndex("by_conversationId_and_createdAt", (q) => q.eq("conversationId", conversationId))
    .order("desc")
    .take(n);
}

async function enqueueAnswer(
  ctx: MutationCtx,
  messageId: Id<"ariaMessages">,
  key: string,
  createdBy?: Id<"users">,
) {
  const jobId = await enqueueJob(
    ctx,
    "aria.answer",
    { messageId },
    { priority: ARIA_JOB_PRIORITY, idempotencyKey: `aria.answer:${messageId}:${key}`, createdBy },
  );
  await ctx.db.patch(messageId, { jobId });
}

/** The quota is checked first: a refused question writes nothing and sends nothing. */
export async function ask(
  ctx: MutationCtx,
  conversation: Conversation,
  text: string,
  userId: Id<"users">,
): Promise<{ questionId: Id<"ariaMessages">; answerId: Id<"ariaMessages"> }> {
  const question = cleanQuestion(text);
  const now = Date.now();
  const [last] = await lastMessages(ctx, conversation._id, 1);
  if (last && (last.status === "pending" || last.status === "streaming")) {
    throw appError(
      "INVALID_STATE",
      "ARIA répond encore à ta question précédente : patiente un peu.",
    );
  }
  if (conversation.questionCount >= ARIA_MAX_QUESTIONS_PER_CONVERSATION) {
    throw appError(
      "INVALID_STATE",
      "Cette conversation est complète : commence une nouvelle conversation pour continuer.",
    );
  }
  // Under 15 (seconde), a parent's consent comes first (model/consents.ts, RGPD art. 8).
  await requireAriaAllowed(ctx, conversation.studentId);
  await requireQuota(ctx, conversation.studentId, now);
  await countQuestion(ctx, conversation.studentId, now);
  const questionId = await ctx.db.insert("ariaMessages", {
    conversationId: conversation._id,
    studentId: conversation.studentId,
    role: "user",
    text: question,
    status: "done",
    chunkCount: 0,
    createdAt: now,
  });
  const answerId = await ctx.db.insert("ariaMessages", {
    conversationId: conversation._id,
    studentId: conversation.studentId,
    role: "assistant",
    text: "",
    status: "pending",
    chunkCount: 0,
    questionId,
    mode: conversation.mode,
    createdAt: now + 1,
  });
  await enqueueAnswer(ctx, answerId, "ask", userId);
  await ctx.db.patch(conversation._id, {
    questionCount: conversation.questionCount + 1,
    lastMessageAt: now,
    archived: false,
    summarisedAt: undefined,
    ...(conversation.questionCount === 0 && !conversation.titleEdited
      ? { title: titleFromQuestion(question) }
      : {}),
  });
  return { questionId, answerId };
}

/** « Réessayer » on an interrupted answer: not a new question (premium budget still applies). */
export async function retry(ctx: MutationCtx, message: Doc<"ariaMessages">, userId: Id<"users">) {
  if (message.role !== "assistant" || message.status !== "interrupted") {
    throw appError("INVALID_STATE", "Seule une réponse interrompue peut être relancée.");
  }
  const retries = (message.retries ?? 0) + 1;
  if (retries > ARIA_MAX_RETRIES) {
    throw appError(
      "INVALID_STATE",
      "Cette réponse a déjà été relancée plusieurs fois : pose ta question à nouveau plus tard.",
    );
  }
  const state = await quotaState(ctx, message.studentId, Date.now());
  if (state.premium && !state.canAsk) throw appError("RATE_LIMITED", state.refusal!);
  await ctx.db.patch(message._id, {
    text: "",
    chunkCount: 0,
    status: "pending",
    error: undefined,
    citations: undefined,
    noSource: undefined,
    attempt: undefined,
    firstTextAt: undefined,
    finishedAt: undefined,
    retries,
  });
  await enqueueAnswer(ctx, message._id, `retry${retries}`, userId);
}

export function cleanTitle(title: string): string {
  const clean = title.replace(/\s+/g, " ").trim();
  if (clean.length === 0 || clean.length > ARIA_MAX_TITLE_CHARS) {
    throw appError(
      "INVALID_ARGUMENT",
      `Le titre doit contenir entre 1 et ${ARIA_MAX_TITLE_CHARS} caractères.`,
    );
  }
  return clean;
}

/** Deletes the conversation, its messages, the memories derived only from it and its sheets. */
export async function deleteConversation(ctx: MutationCtx, conversation: Conversation) {
  const messages = await ctx.db
    .query("ariaMessages")
    .withIndex("by_conversationId_and_createdAt", (q) => q.eq("conversationId", conversation._id))
    .take(2 * ARIA_MAX_QUESTIONS_PER_CONVERSATION + 10);
  for (const m of messages) await ctx.db.delete(m._id);
  const memories = await ctx.db
    .query("ariaMemories")
    .withIndex("by_conversationId", (q) => q.eq("conversationId", conversation._id))
    .take(500);
  for (const m of memories) await ctx.db.delete(m._id);
  const sheets = await ctx.db
    .query("ariaSheets")
    .withIndex("by_conversationId", (q) => q.eq("conversationId", conversation._id))
    .take(500);
  for (const s of sheets) {
    if (s.storageId) await ctx.storage.delete(s.storageId);
    await ctx.db.delete(s._id);
  }
  await ctx.db.delete(conversation._id);
  return { messages: messages.length, memories: memories.length, sheets: sheets.length };
}

export async function conversationMessages(ctx: QueryCtx, conversationId: Id<"ariaConversations">) {
  const rows = await lastMessages(ctx, conversationId, ARIA_MESSAGES_PAGE);
  return rows.reverse();
}

// ---------------------------------------------------------------- the worker's stream

/** The worker's handle on an answer: the message must still be that job's. */
export async function requireStreamingAnswer(
  ctx: QueryCtx,
  messageId: Id<"ariaMessages">,
  jobId: Id<"jobs">,
  attempt: number,
) {
  const message = await ctx.db.get(messageId);
  if (message?.role !== "assistant") return null;
  if (message.jobId !== jobId || message.attempt !== attempt) return null;
  if (message.status !== "streaming") return null;
  return message;
}

/** Claims the answer for this attempt and returns what the worker needs to write it. */
export async function startAnswer(
  ctx: MutationCtx,
  messageId: Id<"ariaMessages">,
  jobId: Id<"jobs">,
  attempt: number,
) {
  const message = await ctx.db.get(messageId);
  if (message?.role !== "assistant" || message.jobId !== jobId) return null;
  if (message.status === "done" || message.status === "interrupted") return null;
  const conversation = await ctx.db.get(message.conversationId);
  const question = message.questionId ? await ctx.db.get(message.questionId) : null;
  if (!conversation || !question) return null;
  await ctx.db.patch(messageId, { status: "streaming", attempt });
  const history = (await lastMessages(ctx, conversation._id, 9))
    .filter((m) => m._id !== messageId && m._id !== question._id && m.status === "done")
    .reverse()
    .map((m) => ({ role: m.role, text: m.text }));
  const settings = await settingsOf(ctx, conversation.studentId);
  return {
    studentId: conversation.studentId,
    subject: conversation.subject,
    mode: message.mode ?? conversation.mode,
    question: question.text,
    history,
    /** Text already stored by an earlier attempt (resume) and its flush count. */
    text: message.text,
    chunkCount: message.chunkCount,
    weakDomains: await weakDomains(ctx, conversation.studentId, conversation.subject),
    premium: settings?.premium ?? false,
  };
}

/** Domains below « maîtrisé » in the student's latest scored bilan of the subject. */
export async function weakDomains(ctx: QueryCtx, studentId: Id<"students">, subject: Subject) {
  const bilans = await ctx.db
    .query("bilans")
    .withIndex("by_studentId_and_subject_and_createdAt", (q) =>
      q.eq("studentId", studentId).eq("subject", subject),
    )
    .order("desc")
    .take(5);
  const scored = bilans.find((b) => b.scores && b.status !== "draft");
  if (!scored?.scores) return [];
  return scored.scores.domains
    .filter((d) => d.percent < 60)
    .sort((a, b) => a.percent - b.percent)
    .slice(0, 3)
    .map((d) => ({ label: d.label, percent: d.percent }));
}

export type AppendOutcome = "appended" | "duplicate" | "stop";

export async function appendChunk(
  ctx: MutationCtx,
  args: {
    messageId: Id<"ariaMessages">;
    jobId: Id<"jobs">;
    attempt: number;
    seq: number;
    text: string;
  },
): Promise<AppendOutcome> {
  const message = await requireStreamingAnswer(ctx, args.messageId, args.jobId, args.attempt);
  if (!message) return "stop";
  if (args.seq < message.chunkCount) return "duplicate";
  if (args.seq > message.chunkCount) {
    throw appError(
      "INVALID_ARGUMENT",
      `Morceau ${args.seq} reçu alors que ${message.chunkCount} était attendu.`,
    );
  }
  const room = ARIA_MAX_ANSWER_CHARS - message.text.length;
  const text = args.text.slice(0, Math.max(0, room));
  await ctx.db.patch(message._id, {
    text: message.text + text,
    chunkCount: message.chunkCount + 1,
    ...(message.firstTextAt === undefined && text.length > 0 ? { firstTextAt: Date.now() } : {}),
  });
  return text.length < args.text.length ? "stop" : "appended";
}

export async function finishAnswer(
  ctx: MutationCtx,
  args: {
    messageId: Id<"ariaMessages">;
    jobId: Id<"jobs">;
    attempt: number;
    citations: NonNullable<Doc<"ariaMessages">["citations"]>;
    noSource: boolean;
    provider: string;
    model: string;
    inputTokens: number;
    outputTokens: number;
  },
): Promise<boolean> {
  const message = await requireStreamingAnswer(ctx, args.messageId, args.jobId, args.attempt);
  if (!message) return false;
  const now = Date.now();
  const costMicroEur = llmCostMicroEur(
    args.provider,
    args.model,
    args.inputTokens,
    args.outputTokens,
  );
  await ctx.db.patch(message._id, {
    status: "done",
    citations: args.citations,
    noSource: args.noSource,
    provider: args.provider,
    model: args.model,
    inputTokens: args.inputTokens,
    outputTokens: args.outputTokens,
    costMicroEur,
    finishedAt: now,
  });
  await countTokens(
    ctx,
    message.studentId,
    now,
    args.inputTokens + args.outputTokens,
    costMicroEur,
  );
  await ctx.db.patch(message.conversationId, { lastMessageAt: now });
  return true;
}

export const INTERRUPTED_DEFAULT = "La réponse a été interrompue.";

/** Ends an answer « interrompu » (kept text stays visible), unless it already finished. */
export async function interruptAnswer(
  ctx: MutationCtx,
  messageId: Id<"ariaMessages">,
  reason: string,
) {
  const message = await ctx.db.get(messageId);
  if (message?.role !== "assistant") return;
  if (message.status === "done" || message.status === "interrupted") return;
  await ctx.db.patch(messageId, { status: "interrupted", error: reason, finishedAt: Date.now() });
}
