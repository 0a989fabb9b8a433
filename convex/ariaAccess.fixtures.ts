// ARIA's rows of the access matrix (convex/access.test.ts spreads them into its rows; two
// dots in the name: never deployed). The élève writes in their own conversations; the
// assigned coach and staff read them (writing is FORBIDDEN); a parent reads a conversation
// only when it is shared (otherwise NOT_FOUND, like a stranger) and sees usage counts.
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import {
  type Client,
  type MatrixRow,
  ownOnly,
  type RoleExpectations,
  readers,
  staffOnly,
  type Target,
  type WorkerRow,
} from "./accessMatrix.fixtures";
import type { World } from "./world.fixtures";

/** Only the élève writes; staff and the coach read (FORBIDDEN); a parent does not even read. */
const writers: RoleExpectations = {
  admin: "FORBIDDEN",
  assistante: "FORBIDDEN",
  coach: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
  parent: { own: "NOT_FOUND", foreign: "NOT_FOUND" },
  eleve: ownOnly,
};
/** Reading a conversation that is not shared with the parents. */
const conversationReaders: RoleExpectations = {
  ...readers,
  parent: { own: "NOT_FOUND", foreign: "NOT_FOUND" },
};

/**
 * A global PDF « La dérivation » whose chunk (on `page`) the answer cites: the citation rows of
 * the matrix, and the cited answer the worker's memory and sheet tests start from.
 */
export async function citeGlobalPdf(
  c: Pick<Client, "run">,
  answerId: Id<"ariaMessages">,
  options: { target?: Target; page?: number; excerpt?: string; answerText?: string } = {},
) {
  const { target = "own", page = 2, excerpt = "", answerText } = options;
  return await c.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.4"]));
    const documentId = await ctx.db.insert("documents", {
      scope: "global",
      title: "La dérivation",
      mime: "application/pdf",
      size: 8,
      sha256: `sha-${target}`,
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
      scopeKey: "global",
      embeddingModel: "m",
      scopeModelKey: "global|m",
      text: "(uv)' = u'v + uv'",
      pageStart: page,
      pageEnd: page,
      contentHash: "h",
      embedding: [0],
    });
    await ctx.db.patch(answerId, {
      ...(answerText === undefined ? {} : { text: answerText }),
      citations: [
        { chunkId, documentId, title: "La dérivation", pageStart: page, pageEnd: page, excerpt },
      ],
    });
    return chunkId;
  });
}

/** A conversation of the target student with one question and its answer (done or not). */
export async function ariaConversation(
  c: Client,
  w: World,
  target: Target,
  options: { shared?: boolean; answer?: "done" | "interrupted" } = {},
): Promise<{ conversationId: Id<"ariaConversations">; answerId: Id<"ariaMessages"> }> {
  return await c.run(async (ctx) => {
    const studentId = w.students[target];
    const conversationId = await ctx.db.insert("ariaConversations", {
      studentId,
      subject: "maths",
      title: "Dérivées",
      mode: "direct",
      archived: false,
      sharedWithParents: options.shared ?? false,
      questionCount: 1,
      createdAt: 1,
      lastMessageAt: 1,
    });
    const questionId = await ctx.db.insert("ariaMessages", {
      conversationId,
      studentId,
      role: "user",
      text: "Comment dériver x² ?",
      status: "done",
      chunkCount: 0,
      createdAt: 1,
    });
    const answerId = await ctx.db.insert("ariaMessages", {
      conversationId,
      studentId,
      role: "assistant",
      text: "La dérivée de x² est 2x.",
      status: options.answer ?? "done",
      chunkCount: 1,
      questionId,
      createdAt: 2,
    });
    return { conversationId, answerId };
  });
}

/** A conversation of the target student whose answer has a ready revision sheet. */
export async function readySheet(
  c: Client,
  w: World,
  target: Target,
  options: { shared?: boolean } = {},
) {
  const { conversationId, answerId } = await ariaConversation(c, w, target, options);
  return await c.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.7 fiche"]));
    const sheetId = await ctx.db.insert("ariaSheets", {
      studentId: w.students[target],
      conversationId,
      messageId: answerId,
      title: "Comment dériver x² ?",
      status: "ready",
      storageId,
      size: 14,
      createdAt: 3,
    });
    return { conversationId, answerId, sheetId, storageId };
  });
}

const conv = async (c: Client, w: World, target: Target) =>
  (await ariaConversation(c, w, target)).conversationId;

export const ARIA_ROWS: MatrixRow[] = [
  {
    fn: "aria:start",
    targeted: false,
    call: (c) => c.mutation(api.aria.start, { subject: "maths", mode: "socratique" }),
    expect: { ...staffOnly, admin: "FORBIDDEN", assistante: "FORBIDDEN", eleve: "ok" },
  },
  {
    fn: "aria:ask",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.ask, {
        conversationId: await conv(c, w, target),
        text: "Et la dérivée de x³ ?",
      }),
    expect: writers,
  },
  {
    fn: "aria:retry",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.retry, {
        messageId: (await ariaConversation(c, w, target, { answer: "interrupted" })).answerId,
      }),
    expect: writers,
  },
  {
    fn: "aria:rename",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.rename, { conversationId: await conv(c, w, target), title: "Limites" }),
    expect: writers,
  },
  {
    fn: "aria:setArchived",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.setArchived, {
        conversationId: await conv(c, w, target),
        archived: true,
      }),
    expect: writers,
  },
  {
    fn: "aria:setMode",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.setMode, { conversationId: await conv(c, w, target), mode: "direct" }),
    expect: writers,
  },
  {
    fn: "aria:share",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.share, { conversationId: await conv(c, w, target), shared: true }),
    expect: writers,
  },
  {
    fn: "aria:remove",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.remove, { conversationId: await conv(c, w, target) }),
    expect: writers,
  },
  {
    fn: "aria:rate",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.aria.rate, {
        messageId: (await ariaConversation(c, w, target)).answerId,
        rating: "down",
        comment: "Pas clair",
      }),
    expect: writers,
  },
  {
    fn: "aria:list",
    targeted: true,
    call: (c, w, target) =>
      c.query(api.aria.list, { studentId: w.students[target], archived: false }),
    expect: readers,
  },
  {
    fn: "aria:conversation",
    targeted: true,
    call: async (c, w, target) =>
      c.query(api.aria.conversation, { conversationId: await conv(c, w, target) }),
    expect: conversationReaders,
  },
  {
    fn: "aria:passage",
    targeted: true,
    call: async (c, w, target) => {
      const { answerId } = await ariaConversation(c, w, target);
      const chunkId = await citeGlobalPdf(c, answerId, { target });
      return c.query(api.aria.passage, { messageId: answerId, chunkId });
    },
    expect: conversationReaders,
  },
  {
    fn: "aria:citationUrl",
    targeted: true,
    call: async (c, w, target) => {
      const { answerId } = await ariaConversation(c, w, target);
      const chunkId = await citeGlobalPdf(c, answerId, { target });
      return c.action(api.aria.citationUrl, { messageId: answerId, chunkId });
    },
    // A global PDF: whoever reads the conversation (another family's document: aria.test.ts).
    expect: conversationReaders,
  },
  {
    fn: "aria:quota",
    targeted: true,
    call: (c, w, target) =>
      c.query(api.aria.quota, { studentId: w.students[target], now: Date.UTC(2026, 11, 1) }),
    expect: readers,
  },
  {
    fn: "aria:usage",
    targeted: true,
    call: (c, w, target) =>
      c.query(api.aria.usage, { studentId: w.students[target], now: Date.UTC(2026, 11, 1) }),
    expect: readers,
  },
  {
    fn: "aria:settings",
    targeted: true,
    call: (c, w, target) => c.query(api.aria.settings, { studentId: w.students[target] }),
    expect: staffOnly,
  },
  {
    fn: "aria:setSettings",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.aria.setSettings, {
        studentId: w.students[target],
        premium: true,
        monthlyTokenBudget: 100_000,
      }),
    expect: staffOnly,
  },
  {
    fn: "ariaMemory:list",
    targeted: true,
    call: (c, w, target) => c.query(api.ariaMemory.list, { studentId: w.students[target] }),
    // Memories come from the conversations' content: not for parents.
    expect: { ...readers, parent: "FORBIDDEN" },
  },
  {
    fn: "ariaMemory:remove",
    targeted: false,
    // Nobody's memory: NOT_FOUND for the élève (someone else's: aria.test.ts), FORBIDDEN otherwise.
    call: (c) => c.mutation(api.ariaMemory.remove, { memoryId: nowhere("ariaMemories") }),
    expect: { ...staffOnly, admin: "FORBIDDEN", assistante: "FORBIDDEN", eleve: "NOT_FOUND" },
  },
  {
    fn: "ariaSheets:request",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.ariaSheets.request, {
        messageId: (await ariaConversation(c, w, target)).answerId,
      }),
    expect: writers,
  },
  {
    fn: "ariaSheets:list",
    targeted: true,
    call: async (c, w, target) =>
      c.query(api.ariaSheets.list, { conversationId: await conv(c, w, target) }),
    expect: conversationReaders,
  },
  {
    fn: "files:ariaSheetUrl",
    targeted: true,
    call: async (c, w, target) => {
      const { sheetId } = await readySheet(c, w, target);
      return c.action(api.files.ariaSheetUrl, { sheetId });
    },
    // Not shared: a parent does not reach it (the shared case: aria.test.ts).
    expect: conversationReaders,
  },
  {
    fn: "aria:downvoted",
    targeted: false,
    call: (c) => c.query(api.aria.downvoted, { paginationOpts: { numItems: 10, cursor: null } }),
    expect: staffOnly,
  },
];

/** A syntactically valid id pointing nowhere (worker checks come first). */
function nowhere<T extends string>(table: T): Id<any> {
  return `${"9".repeat(32 - table.length)}${table}` as Id<any>;
}

const ref = () => ({
  messageId: nowhere("ariaMessages") as Id<"ariaMessages">,
  jobId: nowhere("jobs") as Id<"jobs">,
  attempt: 1,
});

export const ARIA_WORKER_ROWS: WorkerRow[] = [
  { fn: "aria:startAnswer", call: (c) => c.mutation(api.aria.startAnswer, ref()) },
  {
    fn: "aria:appendChunk",
    call: (c) => c.mutation(api.aria.appendChunk, { ...ref(), seq: 0, text: "x" }),
  },
  {
    fn: "aria:finishAnswer",
    call: (c) =>
      c.mutation(api.aria.finishAnswer, {
        ...ref(),
        citations: [],
        noSource: true,
        provider: "local",
        model: "m",
        inputTokens: 0,
        outputTokens: 0,
      }),
  },
  {
    fn: "aria:interruptAnswer",
    call: (c) => c.mutation(api.aria.interruptAnswer, { ...ref(), reason: "x" }),
  },
  {
    fn: "ariaMemory:context",
    call: (c) =>
      c.query(api.ariaMemory.context, { conversationId: nowhere("ariaConversations") as never }),
  },
  {
    fn: "ariaMemory:save",
    call: (c) =>
      c.mutation(api.ariaMemory.save, {
        conversationId: nowhere("ariaConversations") as never,
        summarisedAt: 1,
        embeddingModel: "m",
        facts: [],
      }),
  },
  {
    fn: "ariaSheets:content",
    call: (c) => c.query(api.ariaSheets.content, { sheetId: nowhere("ariaSheets") as never }),
  },
  {
    fn: "ariaSheets:record",
    call: (c) =>
      c.mutation(api.ariaSheets.record, {
        sheetId: nowhere("ariaSheets") as never,
        storageId: nowhere("_storage") as never,
        size: 1,
      }),
  },
  {
    fn: "aria:recall",
    call: (c) => c.action(api.aria.recall, { messageId: ref().messageId, query: "dérivée" }),
  },
  {
    fn: "aria:retrieve",
    call: (c) => c.action(api.aria.retrieve, { messageId: ref().messageId, query: "dérivée" }),
  },
];
