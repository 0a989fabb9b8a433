// ARIA's citations open their source at the cited page: aria.citationUrl grants the PDF for
// five minutes with `#page=N` to whoever reads the conversation and may read the document;
// never another family's document (even if a message row cites it), never a chunk the
// answer does not cite, never a source that is not a PDF (the page shows the passage).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { ariaConversation } from "./ariaAccess.fixtures";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

const SITE = "https://citations-test.convex.site";

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv("CONVEX_SITE_URL", SITE);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

/** A document with one chunk on `page`, cited by the answer (or not). */
async function citedSource(
  t: T,
  answerId: Id<"ariaMessages">,
  options: { studentId?: Id<"students">; mime?: string; page?: number; cite?: boolean } = {},
) {
  return await t.run(async (ctx) => {
    const body = options.mime === "text/markdown" ? "# Dérivation" : "%PDF-1.7 source";
    const storageId = await ctx.storage.store(new Blob([body]));
    const scopeKey = options.studentId ? `student:${options.studentId}` : "global";
    const page = options.page ?? 3;
    const documentId = await ctx.db.insert("documents", {
      scope: options.studentId ? "student" : "global",
      studentId: options.studentId,
      title: "La dérivation",
      mime: options.mime ?? "application/pdf",
      size: body.length,
      sha256: `sha-${Math.random()}`,
      storageId,
      status: "indexed",
      activeGeneration: 1,
      createdAt: 1,
      updatedAt: 1,
    });
    const chunkId = await ctx.db.insert("chunks", {
      documentId,
      generation: 1,
      ordinal: 0,
      scopeKey,
      studentId: options.studentId,
      embeddingModel: "m",
      scopeModelKey: `${scopeKey}|m`,
      text: "(uv)' = u'v + uv'",
      pageStart: page,
      pageEnd: page,
      contentHash: "h",
      embedding: [0],
    });
    if (options.cite !== false) {
      await ctx.db.patch(answerId, {
        citations: [
          {
            chunkId,
            documentId,
            title: "La dérivation",
            pageStart: page,
            pageEnd: page,
            excerpt: "",
          },
        ],
      });
    }
    return chunkId;
  });
}

const grants = (t: T) => t.run(async (ctx) => await ctx.db.query("fileGrants").collect());

describe("aria.citationUrl", () => {
  it("opens a cited PDF at its page through a five-minute grant", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId } = await ariaConversation(eleve, world, "own");
    const chunkId = await citedSource(t, answerId, { page: 3 });
    for (const caller of ["eleve", "coach", "admin"] as const) {
      const { url, page } = await as(t, caller).action(api.aria.citationUrl, {
        messageId: answerId,
        chunkId,
      });
      expect(page).toBe(3);
      expect(url).toMatch(new RegExp(`^${SITE}/files/[0-9a-f]{32}#page=3$`));
      const response = await t.fetch(url.slice(SITE.length).replace(/#.*$/, ""), {
        method: "GET",
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/pdf");
      // Inline, so the browser's viewer opens it at #page=3 instead of downloading it.
      expect(response.headers.get("content-disposition")).toBe(
        'inline; filename="La-derivation.pdf"',
      );
      expect(await response.text()).toBe("%PDF-1.7 source");
    }
  });

  it("opens the élève's own PDF document too", async () => {
    const { t, world } = await freshWorld();
    const { answerId } = await ariaConversation(as(t, "eleve"), world, "own");
    const chunkId = await citedSource(t, answerId, { studentId: world.students.own, page: 1 });
    const { url } = await as(t, "eleve").action(api.aria.citationUrl, {
      messageId: answerId,
      chunkId,
    });
    expect(url.endsWith("#page=1")).toBe(true);
  });

  it("never gives a student another family's document, even when their answer cites it", async () => {
    const { t, world } = await freshWorld();
    const { answerId } = await ariaConversation(as(t, "eleve"), world, "own");
    // A row that cites a chunk of another student's document (it must never happen; if it did,
    // the link still follows the document's own access rule).
    const chunkId = await citedSource(t, answerId, { studentId: world.students.foreign });
    const refused = await errorOf(
      as(t, "eleve").action(api.aria.citationUrl, { messageId: answerId, chunkId }),
    );
    expect(refused.code).toBe("NOT_FOUND");
    expect(await grants(t)).toEqual([]);
  });

  it("refuses another family's conversation and a chunk the answer does not cite", async () => {
    const { t, world } = await freshWorld();
    const foreign = await ariaConversation(as(t, "eleve"), world, "foreign");
    const foreignChunk = await citedSource(t, foreign.answerId);
    const other = await errorOf(
      as(t, "eleve").action(api.aria.citationUrl, {
        messageId: foreign.answerId,
        chunkId: foreignChunk,
      }),
    );
    expect(other.code).toBe("NOT_FOUND");
    const own = await ariaConversation(as(t, "eleve"), world, "own");
    const uncited = await citedSource(t, own.answerId, { cite: false });
    const notCited = await errorOf(
      as(t, "eleve").action(api.aria.citationUrl, { messageId: own.answerId, chunkId: uncited }),
    );
    expect(notCited.code).toBe("NOT_FOUND");
    expect(await grants(t)).toEqual([]);
  });

  it("has no link for a source that is not a PDF (the passage is shown instead)", async () => {
    const { t, world } = await freshWorld();
    const { answerId } = await ariaConversation(as(t, "eleve"), world, "own");
    const chunkId = await citedSource(t, answerId, { mime: "text/markdown" });
    const refused = await errorOf(
      as(t, "eleve").action(api.aria.citationUrl, { messageId: answerId, chunkId }),
    );
    expect(refused.code).toBe("NOT_FOUND");
    expect(refused.message).toBe("Cette source n'est pas un PDF : lis le passage cité.");
    // The passage itself stays readable.
    const passage = await as(t, "eleve").query(api.aria.passage, { messageId: answerId, chunkId });
    expect(passage.text).toBe("(uv)' = u'v + uv'");
  });
});
