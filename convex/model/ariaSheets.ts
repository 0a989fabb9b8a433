// ARIA's revision sheets (« Faire une fiche »): the élève asks for a one-page PDF of an
// answer; the worker (aria.sheet, apps/worker/src/handlers/aria-sheet.ts) renders it with
// @nexus/report and records the file here. Rules:
// - Only the élève asks, from a finished answer of their own conversation; one sheet per
//   answer: asking again returns the same sheet (a failed one is queued again). Each new
//   render takes a token from the élève's ariaSheetsPerUser bucket first.
// - Whoever may read the conversation sees the sheets' status and downloads a ready one (the
//   élève, their coach, staff; a parent only while the conversation is shared): same rule as
//   the conversation itself (model/aria.ts canReadConversation). Anyone else: NOT_FOUND.
// - The file is kept by the storage sweep while its sheet exists (model/uploads.ts
//   fileOwner) and deleted with the conversation (model/ariaConversations.ts).
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { requireAnyRole, type User } from "./access";
import { requireOwnConversation, requireReadableConversation } from "./aria";
import { asciiSlug, type FileTarget } from "./files";
import { enqueueJob } from "./jobs";
import { consume } from "./rateLimits";

export const ARIA_SHEET_JOB_PRIORITY = 50;

export type AriaSheet = Doc<"ariaSheets">;

async function enqueueSheet(
  ctx: MutationCtx,
  sheetId: Id<"ariaSheets">,
  key: string,
  userId: Id<"users">,
) {
  await enqueueJob(
    ctx,
    "aria.sheet",
    { sheetId },
    {
      priority: ARIA_SHEET_JOB_PRIORITY,
      idempotencyKey: `aria.sheet:${sheetId}:${key}`,
      createdBy: userId,
    },
  );
}

/** « Faire une fiche »: the answer's sheet, created and queued once (again only if it failed). */
export async function requestSheet(
  ctx: MutationCtx,
  user: User,
  messageId: Id<"ariaMessages">,
): Promise<Id<"ariaSheets">> {
  const message = await ctx.db.get(messageId);
  if (!message) throw appError("NOT_FOUND", "Message introuvable.");
  const conversation = await requireOwnConversation(ctx, user, message.conversationId);
  if (message.role !== "assistant" || message.status !== "done" || message.noSource) {
    throw appError(
      "INVALID_STATE",
      "Une fiche se fait à partir d'une réponse terminée qui cite les fiches du centre.",
    );
  }
  const existing = await ctx.db
    .query("ariaSheets")
    .withIndex("by_messageId", (q) => q.eq("messageId", messageId))
    .first();
  if (existing && existing.status !== "failed") return existing._id;
  // Rendering costs CPU and storage: limited per person, checked before any write.
  await consume(ctx, "ariaSheetsPerUser", user._id);
  const now = Date.now();
  if (existing) {
    await ctx.db.patch(existing._id, { status: "pending", error: undefined });
    await enqueueSheet(ctx, existing._id, `retry-${now}`, user._id);
    return existing._id;
  }
  const question = message.questionId ? await ctx.db.get(message.questionId) : null;
  const sheetId = await ctx.db.insert("ariaSheets", {
    studentId: conversation.studentId,
    conversationId: conversation._id,
    messageId,
    title: (question?.text ?? conversation.title).slice(0, 120),
    status: "pending",
    createdAt: now,
  });
  await enqueueSheet(ctx, sheetId, "first", user._id);
  return sheetId;
}

/** The sheets of a conversation the caller may read, newest first. */
export async function conversationSheets(
  ctx: QueryCtx,
  user: User,
  conversationId: Id<"ariaConversations">,
) {
  await requireReadableConversation(ctx, user, conversationId);
  const sheets = await ctx.db
    .query("ariaSheets")
    .withIndex("by_conversationId", (q) => q.eq("conversationId", conversationId))
    .order("desc")
    .take(200);
  return sheets.map((s) => ({
    _id: s._id,
    messageId: s.messageId,
    status: s.status,
    error: s.error,
    size: s.size,
    createdAt: s.createdAt,
  }));
}

/** The file of a ready sheet, for a download grant (model/files.ts). */
export async function ariaSheetTarget(
  ctx: QueryCtx,
  user: User,
  sheetId: Id<"ariaSheets">,
): Promise<FileTarget> {
  requireAnyRole(user);
  const sheet = await ctx.db.get(sheetId);
  if (!sheet) throw appError("NOT_FOUND", "Fiche introuvable.");
  try {
    await requireReadableConversation(ctx, user, sheet.conversationId);
  } catch {
    throw appError("NOT_FOUND", "Fiche introuvable.");
  }
  if (sheet.status !== "ready" || !sheet.storageId) {
    throw appError("NOT_FOUND", "Cette fiche n'est pas encore prête.");
  }
  const student = await ctx.db.get(sheet.studentId);
  const firstName = asciiSlug(student?.firstName ?? "", "eleve");
  const title = asciiSlug(sheet.title, "aria").slice(0, 40).replace(/-+$/g, "");
  return {
    storageId: sheet.storageId,
    filename: `fiche-${firstName}-${title}.pdf`.toLowerCase(),
    contentType: "application/pdf",
  };
}

/** What the worker renders: null when the sheet is gone or no longer pending. */
export async function sheetContent(ctx: QueryCtx, sheetId: Id<"ariaSheets">) {
  const sheet = await ctx.db.get(sheetId);
  if (sheet?.status !== "pending") return null;
  const [message, conversation, student] = await Promise.all([
    ctx.db.get(sheet.messageId),
    ctx.db.get(sheet.conversationId),
    ctx.db.get(sheet.studentId),
  ]);
  if (!message || !conversation || !student) return null;
  const question = message.questionId ? await ctx.db.get(message.questionId) : null;
  return {
    subject: conversation.subject,
    question: question?.text ?? sheet.title,
    answer: message.text,
    sources: (message.citations ?? []).map((c) => ({
      title: c.title,
      pageStart: c.pageStart,
      pageEnd: c.pageEnd,
    })),
    date: message.finishedAt ?? message.createdAt,
    student: { firstName: student.firstName, lastName: student.lastName },
  };
}

/**
 * The worker's file becomes the sheet's. A sheet deleted meanwhile (conversation removed)
 * or no longer pending: the file is deleted instead, so nothing is left unreferenced.
 */
export async function recordSheet(
  ctx: MutationCtx,
  sheetId: Id<"ariaSheets">,
  storageId: Id<"_storage">,
  size: number,
): Promise<boolean> {
  const sheet = await ctx.db.get(sheetId);
  if (sheet?.status !== "pending") {
    await ctx.storage.delete(storageId);
    return false;
  }
  if (sheet.storageId) await ctx.storage.delete(sheet.storageId);
  await ctx.db.patch(sheetId, { status: "ready", storageId, size, error: undefined });
  return true;
}
