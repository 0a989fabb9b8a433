// ARIA's memory (issue 14): after a conversation has been idle for ARIA_MEMORY_IDLE_MS, a cron
// queues aria.memory; the worker summarises it into a few facts about the student's
// difficulties, embedded (aria.recall uses the relevant ones in later answers). The élève
// sees them on /eleve/aria and deletes any; the coach and staff read them; parents do not
// (they are derived from the conversations' content). Deleting a conversation deletes the
// memories derived from it (model/ariaConversations.ts).
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { appError } from "./lib/errors";
import { userMutation, userQuery, workerMutation, workerQuery } from "./lib/functions";
import { requireAnyRole, requireReadableStudent } from "./model/access";
import { requireOwnStudent, studentOfUser } from "./model/aria";
import { enqueueJob } from "./model/jobs";
import { vSubject } from "./validators";

/** A conversation untouched for 30 minutes is summarised. */
export const ARIA_MEMORY_IDLE_MS = 30 * 60_000;
/** Older conversations are not picked up again by the cron (a bounded scan). */
const MEMORY_LOOKBACK_MS = 7 * 24 * 3_600_000;
const MAX_FACTS = 5;

export const list = userQuery({
  args: { studentId: v.optional(v.id("students")) },
  returns: v.array(
    v.object({
      _id: v.id("ariaMemories"),
      text: v.string(),
      subject: vSubject,
      conversationId: v.id("ariaConversations"),
      createdAt: v.number(),
    }),
  ),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    if (ctx.user.role === "parent") {
      throw appError(
        "FORBIDDEN",
        "La mémoire d'ARIA n'est visible que de l'élève et de son coach.",
      );
    }
    const id = studentId ?? (await studentOfUser(ctx, ctx.user))?._id;
    if (!id) throw appError("INVALID_ARGUMENT", "Précisez l'élève.");
    await requireReadableStudent(ctx, ctx.user, id);
    const rows = await ctx.db
      .query("ariaMemories")
      .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", id))
      .order("desc")
      .take(100);
    return rows.map((m) => ({
      _id: m._id,
      text: m.text,
      subject: m.subject,
      conversationId: m.conversationId,
      createdAt: m.createdAt,
    }));
  },
});

export const remove = userMutation({
  args: { memoryId: v.id("ariaMemories") },
  returns: v.null(),
  handler: async (ctx, { memoryId }) => {
    const student = await requireOwnStudent(ctx, ctx.user);
    const memory = await ctx.db.get(memoryId);
    if (!memory || memory.studentId !== student._id) {
      throw appError("NOT_FOUND", "Souvenir introuvable.");
    }
    await ctx.db.delete(memoryId);
    return null;
  },
});

/** What the worker summarises: the questions and the sections the answers cited. */
export const context = workerQuery({
  args: { conversationId: v.id("ariaConversations") },
  returns: v.union(
    v.null(),
    v.object({
      subject: vSubject,
      lastMessageAt: v.number(),
      questions: v.array(v.string()),
      cited: v.array(v.object({ title: v.string(), page: v.number(), excerpt: v.string() })),
    }),
  ),
  handler: async (ctx, { conversationId }) => {
    const conversation = await ctx.db.get(conversationId);
    if (!conversation) return null;
    const messages = await ctx.db
      .query("ariaMessages")
      .withIndex("by_conversationId_and_createdAt", (q) => q.eq("conversationId", conversationId))
      .take(210);
    return {
      subject: conversation.subject,
      lastMessageAt: conversation.lastMessageAt,
      questions: messages.filter((m) => m.role === "user").map((m) => m.text),
      cited: messages.flatMap((m) =>
        (m.citations ?? []).map((c) => ({ title: c.title, page: c.pageStart, excerpt: c.excerpt })),
      ),
    };
  },
});

/** Replaces the memories derived from the conversation (a later summary supersedes). */
export const save = workerMutation({
  args: {
    conversationId: v.id("ariaConversations"),
    summarisedAt: v.number(),
    embeddingModel: v.string(),
    facts: v.array(v.object({ text: v.string(), embedding: v.array(v.float64()) })),
  },
  returns: v.number(),
  handler: async (ctx, { conversationId, summarisedAt, embeddingModel, facts }) => {
    const conversation = await ctx.db.get(conversationId);
    if (!conversation) return 0;
    const old = await ctx.db
      .query("ariaMemories")
      .withIndex("by_conversationId", (q) => q.eq("conversationId", conversationId))
      .take(100);
    for (const m of old) await ctx.db.delete(m._id);
    const now = Date.now();
    for (const fact of facts.slice(0, MAX_FACTS)) {
      await ctx.db.insert("ariaMemories", {
        studentId: conversation.studentId,
        conversationId,
        subject: conversation.subject,
        text: fact.text.slice(0, 300),
        embedding: fact.embedding,
        embeddingModel,
        createdAt: now,
      });
    }
    await ctx.db.patch(conversationId, { summarisedAt });
    return Math.min(facts.length, MAX_FACTS);
  },
});

/** Cron: queues aria.memory for conversations idle long enough and not summarised since. */
export const enqueueIdle = internalMutation({
  args: {},
  returns: v.number(),
  handler: async (ctx) => {
    const now = Date.now();
    const idle = await ctx.db
      .query("ariaConversations")
      .withIndex("by_lastMessageAt", (q) =>
        q
          .gt("lastMessageAt", now - MEMORY_LOOKBACK_MS)
          .lt("lastMessageAt", now - ARIA_MEMORY_IDLE_MS),
      )
      .take(200);
    let queued = 0;
    for (const c of idle) {
      if (c.questionCount === 0) continue;
      if (c.summarisedAt !== undefined && c.summarisedAt >= c.lastMessageAt) continue;
      await enqueueJob(
        ctx,
        "aria.memory",
        { conversationId: c._id },
        { idempotencyKey: `aria.memory:${c._id}:${c.lastMessageAt}`, priority: -10 },
      );
      queued++;
    }
    return queued;
  },
});
