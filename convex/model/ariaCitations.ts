// A citation's source, opened at the cited page (issue 14: « the page links to the passage »).
// The PDF is granted only when the caller reads the conversation, the answer really cites
// that chunk, and the caller may read the chunk's document (global, or a student of theirs):
// a citation never opens another family's document, whatever the message row says.
import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import type { User } from "./access";
import { requireReadableConversation } from "./aria";
import { documentTarget, type FileTarget } from "./files";

export const CITATION_NOT_FOUND = "Source introuvable.";

export async function citedPdf(
  ctx: QueryCtx,
  user: User,
  messageId: Id<"ariaMessages">,
  chunkId: Id<"chunks">,
): Promise<{ file: FileTarget; page: number }> {
  const message = await ctx.db.get(messageId);
  if (!message) throw appError("NOT_FOUND", CITATION_NOT_FOUND);
  await requireReadableConversation(ctx, user, message.conversationId);
  const cited = message.citations?.some((c) => c.chunkId === chunkId);
  const chunk = cited ? await ctx.db.get(chunkId) : null;
  if (!chunk) throw appError("NOT_FOUND", CITATION_NOT_FOUND);
  // Same rule as any document download: NOT_FOUND when the caller may not read it.
  const file = await documentTarget(ctx, user, chunk.documentId);
  if (file.contentType !== "application/pdf") {
    throw appError("NOT_FOUND", "Cette source n'est pas un PDF : lis le passage cité.");
  }
  // Opened in the browser's PDF viewer at the page, not downloaded.
  return { file: { ...file, inline: true }, page: chunk.pageStart };
}
