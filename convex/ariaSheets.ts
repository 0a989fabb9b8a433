// ARIA's revision sheets (« Faire une fiche »). Thin registered functions; rules in
// model/ariaSheets.ts. The download goes through a short-lived grant (files.ariaSheetUrl).
import { v } from "convex/values";
import { userMutation, userQuery, workerMutation, workerQuery } from "./lib/functions";
import { requireAnyRole } from "./model/access";
import * as sheets from "./model/ariaSheets";
import { vSubject } from "./validators";

const vSheetStatus = v.union(v.literal("pending"), v.literal("ready"), v.literal("failed"));

/** The élève asks for a sheet of one of their answers; the same answer gives the same sheet. */
export const request = userMutation({
  args: { messageId: v.id("ariaMessages") },
  returns: v.id("ariaSheets"),
  handler: async (ctx, { messageId }) => await sheets.requestSheet(ctx, ctx.user, messageId),
});

/** The sheets of a conversation (live status), for whoever may read it. */
export const list = userQuery({
  args: { conversationId: v.id("ariaConversations") },
  returns: v.array(
    v.object({
      _id: v.id("ariaSheets"),
      messageId: v.id("ariaMessages"),
      status: vSheetStatus,
      error: v.optional(v.string()),
      size: v.optional(v.number()),
      createdAt: v.number(),
    }),
  ),
  handler: async (ctx, { conversationId }) => {
    requireAnyRole(ctx.user);
    return await sheets.conversationSheets(ctx, ctx.user, conversationId);
  },
});

/** Worker (aria.sheet): what to render, or null when the sheet is gone or settled. */
export const content = workerQuery({
  args: { sheetId: v.id("ariaSheets") },
  returns: v.union(
    v.null(),
    v.object({
      subject: vSubject,
      question: v.string(),
      answer: v.string(),
      sources: v.array(v.object({ title: v.string(), pageStart: v.number(), pageEnd: v.number() })),
      date: v.number(),
      student: v.object({ firstName: v.string(), lastName: v.string() }),
    }),
  ),
  handler: async (ctx, { sheetId }) => await sheets.sheetContent(ctx, sheetId),
});

/** Worker (aria.sheet): the uploaded PDF becomes the sheet's (deleted if the sheet is gone). */
export const record = workerMutation({
  args: { sheetId: v.id("ariaSheets"), storageId: v.id("_storage"), size: v.number() },
  returns: v.boolean(),
  handler: async (ctx, { sheetId, storageId, size }) =>
    await sheets.recordSheet(ctx, sheetId, storageId, size),
});
