// ARIA's revision sheets (« Faire une fiche »): one sheet per answer (asking again returns it;
// a failed one is queued again), the per-person limit, who downloads it through a grant
// (never a parent of an unshared conversation), the storage sweep keeping its file, and the
// worker's record when the sheet is gone.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { ariaConversation, readySheet } from "./ariaAccess.fixtures";
import { sweepStorageBatch } from "./model/storageSweep";
import { as, asWorker, errorOf, freshWorld, type T } from "./world.fixtures";

const SITE = "https://sheets-test.convex.site";

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv("CONVEX_SITE_URL", SITE);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function sheetJobs(t: T) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("jobs").take(100)).filter((j) => j.kind === "aria.sheet"),
  );
}

describe("ariaSheets.request", () => {
  it("creates one sheet and one job per answer, however often the élève asks", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId } = await ariaConversation(eleve, world, "own");
    const first = await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    const again = await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    expect(again).toBe(first);
    const jobs = await sheetJobs(t);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toEqual({ sheetId: first });
    const sheet = await t.run(async (ctx) => ctx.db.get(first));
    expect(sheet).toMatchObject({
      status: "pending",
      studentId: world.students.own,
      title: "Comment dériver x² ?",
    });
  });

  it("queues a failed sheet again, under the same id", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId } = await ariaConversation(eleve, world, "own");
    const sheetId = await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    await t.run(async (ctx) => ctx.db.patch(sheetId, { status: "failed", error: "x" }));
    vi.advanceTimersByTime(1000);
    expect(await eleve.mutation(api.ariaSheets.request, { messageId: answerId })).toBe(sheetId);
    expect(await t.run(async (ctx) => ctx.db.get(sheetId))).toMatchObject({ status: "pending" });
    expect(await sheetJobs(t)).toHaveLength(2);
  });

  it("refuses an unfinished answer, and a question row", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId } = await ariaConversation(eleve, world, "own", { answer: "interrupted" });
    const refused = await errorOf(eleve.mutation(api.ariaSheets.request, { messageId: answerId }));
    expect(refused.code).toBe("INVALID_STATE");
    const questionId = await t.run(
      async (ctx) => (await ctx.db.get(answerId))!.questionId as Id<"ariaMessages">,
    );
    expect(
      (await errorOf(eleve.mutation(api.ariaSheets.request, { messageId: questionId }))).code,
    ).toBe("INVALID_STATE");
    expect(await sheetJobs(t)).toHaveLength(0);
  });

  it("limits new sheets per person (10 at once), writing nothing when refused", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    for (let i = 0; i < 10; i++) {
      const { answerId } = await ariaConversation(eleve, world, "own");
      await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    }
    const { answerId } = await ariaConversation(eleve, world, "own");
    const refused = await errorOf(eleve.mutation(api.ariaSheets.request, { messageId: answerId }));
    expect(refused.code).toBe("RATE_LIMITED");
    expect(refused.message).toContain("Trop de fiches");
    expect(await sheetJobs(t)).toHaveLength(10);
    const count = await t.run(async (ctx) => (await ctx.db.query("ariaSheets").take(50)).length);
    expect(count).toBe(10);
  });
});

describe("downloading a sheet", () => {
  function pathOf(url: string) {
    expect(url.startsWith(`${SITE}/files/`)).toBe(true);
    return url.slice(SITE.length);
  }

  it("gives the élève, their coach and staff the PDF through a five-minute grant", async () => {
    const { t, world } = await freshWorld();
    const { sheetId } = await readySheet(as(t, "eleve"), world, "own");
    for (const caller of ["eleve", "coach", "admin", "assistante"] as const) {
      const { url } = await as(t, caller).action(api.files.ariaSheetUrl, { sheetId });
      const response = await t.fetch(pathOf(url), { method: "GET" });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("%PDF-1.7 fiche");
      expect(response.headers.get("content-disposition")).toBe(
        'attachment; filename="fiche-alice-comment-deriver-x.pdf"',
      );
    }
  });

  it("lets a parent download only while the conversation is shared", async () => {
    const { t, world } = await freshWorld();
    const { sheetId, conversationId } = await readySheet(as(t, "eleve"), world, "own", {
      shared: true,
    });
    const parent = as(t, "parent");
    const { url } = await parent.action(api.files.ariaSheetUrl, { sheetId });
    expect((await t.fetch(pathOf(url), { method: "GET" })).status).toBe(200);
    expect(await parent.query(api.ariaSheets.list, { conversationId })).toHaveLength(1);
    await as(t, "eleve").mutation(api.aria.share, { conversationId, shared: false });
    const refused = await errorOf(parent.action(api.files.ariaSheetUrl, { sheetId }));
    expect(refused.code).toBe("NOT_FOUND");
  });

  it("has no URL for a sheet still being prepared", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId } = await ariaConversation(eleve, world, "own");
    const sheetId = await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    const refused = await errorOf(eleve.action(api.files.ariaSheetUrl, { sheetId }));
    expect(refused.code).toBe("NOT_FOUND");
    expect(refused.message).toBe("Cette fiche n'est pas encore prête.");
  });
});

describe("the sheet's file", () => {
  it("is kept by the storage sweep while the sheet exists, swept once it is gone", async () => {
    const { t, world } = await freshWorld();
    const { sheetId, storageId } = await readySheet(as(t, "eleve"), world, "own");
    const later = Date.now() + 2 * 60 * 60 * 1000;
    const sweep = () =>
      t.run(async (ctx) => {
        const state = await ctx.db.query("storageSweep").first();
        if (state) await ctx.db.delete(state._id);
        return await sweepStorageBatch(ctx, later, 1000);
      });
    await sweep();
    expect(await t.run(async (ctx) => (await ctx.storage.get(storageId)) !== null)).toBe(true);
    await t.run(async (ctx) => ctx.db.delete(sheetId));
    expect((await sweep()).deleted).toBeGreaterThanOrEqual(1);
    expect(await t.run(async (ctx) => (await ctx.storage.get(storageId)) !== null)).toBe(false);
  });

  it("the worker's upload is deleted when the sheet was deleted meanwhile", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const { answerId, conversationId } = await ariaConversation(eleve, world, "own");
    const sheetId = await eleve.mutation(api.ariaSheets.request, { messageId: answerId });
    const worker = asWorker(t);
    expect(await worker.query(api.ariaSheets.content, { sheetId })).toMatchObject({
      question: "Comment dériver x² ?",
      answer: "La dérivée de x² est 2x.",
    });
    await eleve.mutation(api.aria.remove, { conversationId });
    const storageId = await t.run(async (ctx) => ctx.storage.store(new Blob(["%PDF"])));
    expect(await worker.mutation(api.ariaSheets.record, { sheetId, storageId, size: 4 })).toBe(
      false,
    );
    expect(await t.run(async (ctx) => (await ctx.storage.get(storageId)) !== null)).toBe(false);
    expect(await worker.query(api.ariaSheets.content, { sheetId })).toBeNull();
  });
});
