// aria.sheet against the real Convex functions (convex-test): the élève's « Faire une fiche »
// becomes a one-page PDF in storage that opens with unpdf and holds the question, a key point
// and the cited source with its page; a sheet deleted meanwhile leaves no file behind.
import { defaultCentreContact } from "@nexus/shared/centre";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { api } from "../../../../convex/_generated/api";
import { ariaConversation, citeGlobalPdf } from "../../../../convex/ariaAccess.fixtures";
import { as, freshWorld, type T } from "../../../../convex/world.fixtures";
import { workerConvexOf } from "../convex-test.test-helpers.ts";
import type { JobHelpers } from "../handler.ts";
import { createLogger } from "../logger.ts";
import { ariaSheetHandler } from "./aria-sheet.ts";

function helpers(t: T) {
  return {
    job: { id: "j1", kind: "aria.sheet", attempt: 1, maxAttempts: 5, createdAt: 0 },
    signal: new AbortController().signal,
    log: createLogger({ level: "error" }),
    progress: () => {},
    convex: workerConvexOf(t),
  } as JobHelpers;
}

/** The upload URL's POST, into convex-test's storage (what Convex does with a real URL). */
function storageUpload(t: T): typeof fetch {
  return (async (_url: string, init: RequestInit) => {
    const blob = init.body as Blob;
    const storageId = await t.run(async (ctx) => ctx.storage.store(blob));
    return new Response(JSON.stringify({ storageId }), { status: 200 });
  }) as unknown as typeof fetch;
}

describe("aria.sheet against Convex", () => {
  it("stores a one-page PDF holding the question, the key point and the cited source", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId } = await ariaConversation(eleve, world, "own");
    await citeGlobalPdf(t, answerId, {
      page: 3,
      answerText:
        "D'après ta fiche « La dérivation » (p. 3) :\nLa dérivée de x² est 2x [1].\n\nSi un point reste flou, dis-moi lequel.",
    });
    const sheetId = await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    const handler = ariaSheetHandler({ centre: defaultCentreContact, fetch: storageUpload(t) });
    const result = await handler.run({ sheetId }, helpers(t));
    const sheet = await t.run(async (ctx) => ctx.db.get(sheetId));
    expect(sheet).toMatchObject({ status: "ready" });
    expect(result).toEqual({ size: sheet!.size });
    const bytes = await t.run(async (ctx) => {
      const blob = await ctx.storage.get(sheet!.storageId!);
      return Array.from(new Uint8Array(await blob!.arrayBuffer()));
    });
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    expect(pdf.numPages).toBe(1);
    const { text } = await extractText(pdf, { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("Comment dériver x² ?");
    expect(flat).toContain("La dérivée de x² est 2x.");
    expect(flat).toContain("La dérivation, p. 3");
    expect(flat).toContain("Alice");
    expect(flat).not.toContain("[1]");
    expect(flat).not.toContain("Si un point reste flou");
    // Asked again once ready: the same sheet, nothing rendered twice.
    expect(await eleve.mutation(api.ariaSheets.request, { messageId: answerId })).toBe(sheetId);
    expect(await handler.run({ sheetId }, helpers(t))).toEqual({
      skipped: "fiche supprimée ou déjà prête",
    });
  });

  it("renders nothing for a sheet whose conversation was deleted", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId, conversationId } = await ariaConversation(eleve, world, "own");
    const sheetId = await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    await eleve.mutation(api.aria.remove, { conversationId });
    let uploads = 0;
    const handler = ariaSheetHandler({
      centre: defaultCentreContact,
      fetch: (async () => {
        uploads++;
        return new Response("{}");
      }) as unknown as typeof fetch,
    });
    expect(await handler.run({ sheetId }, helpers(t))).toEqual({
      skipped: "fiche supprimée ou déjà prête",
    });
    expect(uploads).toBe(0);
  });
});
