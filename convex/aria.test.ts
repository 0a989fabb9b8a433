// ARIA in Convex: quotas at Paris day boundaries (and nothing queued when refused), the
// premium budget, the answer stream (seq and attempt checks, resume), the failure hook,
// sharing with parents, the delete cascade, memory scoping.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { ariaConversation } from "./ariaAccess.fixtures";
import {
  ARIA_FREE_QUESTIONS_PER_DAY,
  nextParisMidnight,
  parisDay,
  setAriaPremium,
} from "./model/aria";
import { titleFromQuestion } from "./model/ariaConversations";
import { as, asWorker, freshWorld, outcomeOf, type T, type World } from "./world.fixtures";

/** 2026-12-01 22:30 UTC = 23:30 in Paris (winter, UTC+1). */
const LATE_EVENING = Date.UTC(2026, 11, 1, 22, 30);
/** 2026-07-01 21:30 UTC = 23:30 in Paris (summer, UTC+2). */
const SUMMER_EVENING = Date.UTC(2026, 6, 1, 21, 30);

async function answerJobs(t: T) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("jobs").take(100)).filter((j) => j.kind === "aria.answer"),
  );
}

async function start(t: T) {
  return await as(t, "eleve").mutation(api.aria.start, { subject: "maths", mode: "direct" });
}

/** Asks and marks the answer done as the worker would, so the next question may follow. */
async function askAndFinish(t: T, conversationId: Id<"ariaConversations">, text: string) {
  const { answerId } = await as(t, "eleve").mutation(api.aria.ask, { conversationId, text });
  await t.run(async (ctx) => ctx.db.patch(answerId, { status: "done", text: "Réponse." }));
  return answerId;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(LATE_EVENING);
});
afterEach(() => vi.useRealTimers());

describe("Paris days", () => {
  it("changes day at Paris midnight, winter and summer", () => {
    expect(parisDay(LATE_EVENING)).toBe("2026-12-01");
    expect(parisDay(LATE_EVENING + 30 * 60_000)).toBe("2026-12-02"); // 00:00 Paris
    expect(parisDay(Date.UTC(2026, 11, 1, 23, 0) - 1)).toBe("2026-12-01");
    expect(nextParisMidnight(LATE_EVENING)).toBe(Date.UTC(2026, 11, 1, 23, 0));
    expect(parisDay(SUMMER_EVENING + 30 * 60_000)).toBe("2026-07-02");
    expect(nextParisMidnight(SUMMER_EVENING)).toBe(Date.UTC(2026, 6, 1, 22, 0));
  });

  it("titles a conversation from its first question", () => {
    expect(titleFromQuestion("comment on dérive x² ? merci")).toBe("Comment on dérive x² ?");
    const long = titleFromQuestion(
      "je ne comprends pas du tout la méthode pour calculer la dérivée d'un produit de fonctions",
    );
    expect(long.length).toBeLessThanOrEqual(61);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("freemium quota", () => {
  it("refuses the sixth question of the Paris day, sends nothing, and comes back at midnight", async () => {
    const { t } = await freshWorld();
    const conversationId = await start(t);
    for (let i = 0; i < ARIA_FREE_QUESTIONS_PER_DAY; i++) {
      await askAndFinish(t, conversationId, `Question ${i + 1}`);
    }
    expect(await answerJobs(t)).toHaveLength(5);
    const quota = await as(t, "eleve").query(api.aria.quota, { now: Date.now() });
    expect(quota).toMatchObject({ remainingToday: 0, canAsk: false, usedToday: 5 });

    const refused = as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "Sixième" });
    await expect(refused).rejects.toMatchObject({
      data: { code: "RATE_LIMITED", message: expect.stringContaining("5 questions gratuites") },
    });
    // Nothing written, nothing queued for the provider.
    expect(await answerJobs(t)).toHaveLength(5);
    const messages = await as(t, "eleve").query(api.aria.conversation, { conversationId });
    expect(messages.messages).toHaveLength(10);

    // 23:59:59 in Paris: still refused; 00:00 in Paris (23:00 UTC): five new questions.
    vi.setSystemTime(Date.UTC(2026, 11, 1, 22, 59, 59));
    expect(
      await outcomeOf(as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "Encore" })),
    ).toBe("RATE_LIMITED");
    vi.setSystemTime(Date.UTC(2026, 11, 1, 23, 0));
    await askAndFinish(t, conversationId, "Nouveau jour");
    const next = await as(t, "eleve").query(api.aria.quota, { now: Date.now() });
    expect(next).toMatchObject({ usedToday: 1, remainingToday: 4 });
  });

  it("counts by the Paris day in summer too (UTC+2)", async () => {
    vi.setSystemTime(SUMMER_EVENING);
    const { t } = await freshWorld();
    const conversationId = await start(t);
    for (let i = 0; i < 5; i++) await askAndFinish(t, conversationId, `Q${i}`);
    // 23:59 Paris = 21:59 UTC: refused; 22:00 UTC = midnight Paris: accepted.
    vi.setSystemTime(Date.UTC(2026, 6, 1, 21, 59));
    expect(
      await outcomeOf(as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "x" })),
    ).toBe("RATE_LIMITED");
    vi.setSystemTime(Date.UTC(2026, 6, 1, 22, 0));
    expect(
      await outcomeOf(as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "x" })),
    ).toBe("ok");
  });

  it("a staff-set daily limit replaces the default", async () => {
    const { t, world } = await freshWorld();
    await as(t, "admin").mutation(api.aria.setSettings, {
      studentId: world.students.own,
      dailyQuestionLimit: 1,
    });
    const conversationId = await start(t);
    await askAndFinish(t, conversationId, "Une");
    expect(
      await outcomeOf(as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "Deux" })),
    ).toBe("RATE_LIMITED");
  });
});

describe("parental consent", () => {
  it("a student under 15 asks only once a parent has consented", async () => {
    const { t, world } = await freshWorld();
    // 14 all year long: born on 1 January fourteen years before this year
    const birthDate = `${new Date().getUTCFullYear() - 14}-01-01`;
    await t.run(async (ctx) => ctx.db.patch(world.students.own, { niveau: "seconde", birthDate }));
    const conversationId = await start(t);
    await expect(
      as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "Une question" }),
    ).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    expect(await answerJobs(t)).toHaveLength(0);
    await as(t, "parent").mutation(api.consents.giveParentalAria, {
      studentId: world.students.own,
    });
    expect(
      await outcomeOf(
        as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "Une question" }),
      ),
    ).toBe("ok");
  });
});

describe("premium", () => {
  it("has no daily count but stops at the monthly token budget", async () => {
    const { t, world } = await freshWorld();
    await as(t, "admin").mutation(api.aria.setSettings, {
      studentId: world.students.own,
      premium: true,
      monthlyTokenBudget: 3_000,
    });
    const conversationId = await start(t);
    for (let i = 0; i < 7; i++) await askAndFinish(t, conversationId, `Q${i}`);
    expect(await answerJobs(t)).toHaveLength(7);

    // An answer that uses 3 000 tokens spends the month's budget.
    const { answerId } = await as(t, "eleve").mutation(api.aria.ask, {
      conversationId,
      text: "Longue",
    });
    const [job] = (await answerJobs(t)).filter((j) => j.payload.messageId === answerId);
    const worker = asWorker(t);
    await worker.mutation(api.aria.startAnswer, {
      messageId: answerId,
      jobId: job!._id,
      attempt: 1,
    });
    await worker.mutation(api.aria.finishAnswer, {
      messageId: answerId,
      jobId: job!._id,
      attempt: 1,
      citations: [],
      noSource: true,
      provider: "openai",
      model: "gpt-4o-mini",
      inputTokens: 2_000,
      outputTokens: 1_000,
    });
    const quota = await as(t, "eleve").query(api.aria.quota, { now: Date.now() });
    expect(quota).toMatchObject({ premium: true, monthTokens: 3_000, canAsk: false });
    const message = await t.run(async (ctx) => ctx.db.get(answerId));
    // 2 000 × $0.15 + 1 000 × $0.60 per million at 0.92 €/$: 828 µ€.
    expect(message?.costMicroEur).toBe(828);
    await expect(
      as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "Encore" }),
    ).rejects.toMatchObject({
      data: { code: "RATE_LIMITED", message: expect.stringContaining("budget mensuel") },
    });
    expect(await answerJobs(t)).toHaveLength(8);
  });

  it("setAriaPremium (payments) is idempotent and audited", async () => {
    const { t, world } = await freshWorld();
    await t.run(async (ctx) => {
      await setAriaPremium(ctx, world.students.own, true, { source: "payment:p1" });
      await setAriaPremium(ctx, world.students.own, true, { source: "payment:p1" });
    });
    const settings = await as(t, "admin").query(api.aria.settings, {
      studentId: world.students.own,
    });
    expect(settings).toMatchObject({ premium: true, premiumSource: "payment:p1" });
    const audits = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").take(50)).filter((a) => a.action === "aria.settings"),
    );
    expect(audits).toHaveLength(1);
  });
});

async function claimedAnswer(t: T, world: World) {
  const conversationId = await start(t);
  const { answerId } = await as(t, "eleve").mutation(api.aria.ask, {
    conversationId,
    text: "Comment calculer une dérivée ?",
  });
  const [job] = await answerJobs(t);
  void world;
  return { conversationId, answerId, jobId: job!._id };
}

describe("the answer stream", () => {
  it("appends chunks in order, ignores a repeated one, and refuses another attempt", async () => {
    const { t, world } = await freshWorld();
    const { answerId, jobId } = await claimedAnswer(t, world);
    const worker = asWorker(t);
    const context = await worker.mutation(api.aria.startAnswer, {
      messageId: answerId,
      jobId,
      attempt: 1,
    });
    expect(context).toMatchObject({ question: "Comment calculer une dérivée ?", text: "" });
    const ref = { messageId: answerId, jobId, attempt: 1 };
    expect(await worker.mutation(api.aria.appendChunk, { ...ref, seq: 0, text: "La " })).toBe(
      "appended",
    );
    expect(await worker.mutation(api.aria.appendChunk, { ...ref, seq: 0, text: "La " })).toBe(
      "duplicate",
    );
    expect(await worker.mutation(api.aria.appendChunk, { ...ref, seq: 1, text: "dérivée" })).toBe(
      "appended",
    );
    // A second attempt takes the answer over; the first one's writes then stop.
    const resumed = await worker.mutation(api.aria.startAnswer, { ...ref, attempt: 2 });
    expect(resumed).toMatchObject({ text: "La dérivée", chunkCount: 2 });
    expect(await worker.mutation(api.aria.appendChunk, { ...ref, seq: 2, text: "!" })).toBe("stop");
    // The élève, a reload, a second device: the same stored text.
    const view = await as(t, "eleve").query(api.aria.conversation, {
      conversationId: (await t.run(async (ctx) => ctx.db.get(answerId)))!.conversationId,
    });
    expect(view.messages.at(-1)).toMatchObject({ text: "La dérivée", status: "streaming" });
  });

  it("a failed job ends the answer « interrompu », and retry starts it again without a new question", async () => {
    const { t, world } = await freshWorld();
    const { answerId, jobId } = await claimedAnswer(t, world);
    const worker = asWorker(t);
    const claimed = await worker.mutation(api.jobs.claim, {
      workerId: "w1",
      kinds: ["aria.answer"],
      leaseMs: 30_000,
    });
    expect(claimed?.jobId).toBe(jobId);
    await worker.mutation(api.aria.startAnswer, { messageId: answerId, jobId, attempt: 1 });
    await worker.mutation(api.jobs.fail, {
      jobId,
      claimToken: claimed!.claimToken,
      error: { message: "HTTP 500" },
      retryable: false,
    });
    const message = await t.run(async (ctx) => ctx.db.get(answerId));
    expect(message).toMatchObject({ status: "interrupted" });
    expect(message?.error).toContain("ARIA n'a pas pu terminer");

    const before = await as(t, "eleve").query(api.aria.quota, { now: Date.now() });
    await as(t, "eleve").mutation(api.aria.retry, { messageId: answerId });
    const after = await as(t, "eleve").query(api.aria.quota, { now: Date.now() });
    expect(after.usedToday).toBe(before.usedToday);
    expect(await answerJobs(t)).toHaveLength(2);
    expect(await t.run(async (ctx) => ctx.db.get(answerId))).toMatchObject({
      status: "pending",
      text: "",
    });
  });

  it("refuses a second question while an answer is being written", async () => {
    const { t, world } = await freshWorld();
    const { conversationId } = await claimedAnswer(t, world);
    await expect(
      as(t, "eleve").mutation(api.aria.ask, { conversationId, text: "Et après ?" }),
    ).rejects.toMatchObject({ data: { code: "INVALID_STATE" } });
  });
});

describe("visibility", () => {
  it("parents see counts, and the content only once the élève shares it", async () => {
    const { t, world } = await freshWorld();
    const conversationId = await start(t);
    await askAndFinish(t, conversationId, "Une question");
    const parent = as(t, "parent");
    expect(await outcomeOf(parent.query(api.aria.conversation, { conversationId }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await parent.query(api.aria.list, { studentId: world.students.own, archived: false }),
    ).toEqual([]);
    const usage = await parent.query(api.aria.usage, {
      studentId: world.students.own,
      now: Date.now(),
    });
    expect(usage).toMatchObject({ today: 1, month: 1, total: 1 });
    expect(usage.bySubject).toEqual([{ subject: "maths", questions: 1, conversations: 1 }]);

    await as(t, "eleve").mutation(api.aria.share, { conversationId, shared: true });
    const shared = await parent.query(api.aria.conversation, { conversationId });
    expect(shared.readOnly).toBe(true);
    expect(shared.messages.map((m) => m.text)).toContain("Une question");

    // The coach reads, read-only, without any sharing.
    const coach = await as(t, "coach").query(api.aria.conversation, { conversationId });
    expect(coach.readOnly).toBe(true);
  });

  it("staff list answers rated down with their question", async () => {
    const { t } = await freshWorld();
    const conversationId = await start(t);
    const answerId = await askAndFinish(t, conversationId, "Qu'est-ce qu'une limite ?");
    await as(t, "eleve").mutation(api.aria.rate, {
      messageId: answerId,
      rating: "down",
      comment: "  Trop vague  ",
    });
    const page = await as(t, "assistante").query(api.aria.downvoted, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(page.page).toHaveLength(1);
    expect(page.page[0]).toMatchObject({
      question: "Qu'est-ce qu'une limite ?",
      answer: { ratingComment: "Trop vague", rating: "down" },
    });
  });
});

describe("deleting a conversation", () => {
  it("deletes its messages, the memories derived from it and its sheets, and nothing else", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { conversationId, answerId } = await ariaConversation(eleve, world, "own");
    const other = await ariaConversation(eleve, world, "own");
    const storageId = await t.run(async (ctx) => {
      const memory = (conversation: Id<"ariaConversations">, text: string) =>
        ctx.db.insert("ariaMemories", {
          studentId: world.students.own,
          conversationId: conversation,
          subject: "maths",
          text,
          embedding: new Array(1536).fill(0.01),
          embeddingModel: "local",
          createdAt: 1,
        });
      await memory(conversationId, "Confond dérivée et primitive.");
      await memory(other.conversationId, "Oublie les parenthèses.");
      const storageId = await ctx.storage.store(new Blob(["%PDF-1.7"]));
      await ctx.db.insert("ariaSheets", {
        studentId: world.students.own,
        conversationId,
        messageId: answerId,
        title: "Fiche",
        status: "ready",
        storageId,
        createdAt: 1,
      });
      return storageId;
    });
    const counts = await eleve.mutation(api.aria.remove, { conversationId });
    expect(counts).toEqual({ messages: 2, memories: 1, sheets: 1 });
    await t.run(async (ctx) => {
      expect(await ctx.db.get(conversationId)).toBeNull();
      expect(await ctx.storage.get(storageId)).toBeNull();
      const memories = await ctx.db.query("ariaMemories").take(10);
      expect(memories.map((m) => m.text)).toEqual(["Oublie les parenthèses."]);
      const messages = await ctx.db.query("ariaMessages").take(10);
      expect(messages.every((m) => m.conversationId === other.conversationId)).toBe(true);
      expect(messages).toHaveLength(2);
    });
  });
});

describe("memory", () => {
  async function remember(
    t: T,
    studentId: Id<"students">,
    conversationId: Id<"ariaConversations">,
    text: string,
  ) {
    const { localEmbedding } = await import("@nexus/knowledge/local-embedder");
    return await t.run(async (ctx) =>
      ctx.db.insert("ariaMemories", {
        studentId,
        conversationId,
        subject: "maths",
        text,
        embedding: localEmbedding(text),
        embeddingModel: "local",
        createdAt: 1,
      }),
    );
  }

  it("recalls only the asking student's memories, and the élève deletes only their own", async () => {
    vi.stubEnv("EMBEDDINGS_PROVIDER", "local");
    const { t, world } = await freshWorld();
    const own = await ariaConversation(as(t, "eleve"), world, "own");
    const foreign = await ariaConversation(as(t, "eleve"), world, "foreign");
    const mine = await remember(
      t,
      world.students.own,
      own.conversationId,
      "Confond la dérivée d'un produit et le produit des dérivées.",
    );
    const theirs = await remember(
      t,
      world.students.foreign,
      foreign.conversationId,
      "Confond la dérivée d'un produit et le produit des dérivées, comme Bruno.",
    );
    const recalled = await asWorker(t).action(api.aria.recall, {
      messageId: own.answerId,
      query: "dérivée d'un produit",
    });
    expect(recalled).toEqual(["Confond la dérivée d'un produit et le produit des dérivées."]);
    const listed = await as(t, "eleve").query(api.ariaMemory.list, {});
    expect(listed.map((m) => m._id)).toEqual([mine]);
    expect(
      await outcomeOf(as(t, "eleve").mutation(api.ariaMemory.remove, { memoryId: theirs })),
    ).toBe("NOT_FOUND");
    await as(t, "eleve").mutation(api.ariaMemory.remove, { memoryId: mine });
    expect(await as(t, "eleve").query(api.ariaMemory.list, {})).toEqual([]);
    vi.unstubAllEnvs();
  });

  it("queues a summary once a conversation has been idle for 30 minutes, once", async () => {
    const { t } = await freshWorld();
    const conversationId = await start(t);
    await askAndFinish(t, conversationId, "Comment dériver un produit ?");
    const memoryJobs = async () =>
      (await t.run(async (ctx) => ctx.db.query("jobs").take(100))).filter(
        (j) => j.kind === "aria.memory",
      );
    expect(await t.mutation(internal.ariaMemory.enqueueIdle, {})).toBe(0);
    vi.setSystemTime(Date.now() + 31 * 60_000);
    expect(await t.mutation(internal.ariaMemory.enqueueIdle, {})).toBe(1);
    await t.mutation(internal.ariaMemory.enqueueIdle, {});
    expect(await memoryJobs()).toHaveLength(1);
  });
});
