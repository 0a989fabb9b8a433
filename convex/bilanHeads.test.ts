// Bilan heads (model/bilanHeads.ts): every write of a bilan rewrites its head in the same
// transaction, so the lists that read heads (students' cards, bilans.listForStudent, the
// operator's listing) say exactly what bilanSummary says of the whole bilans; the
// consistency part finds drift and the repair (run by the seed) fixes it, idempotently;
// and (bilanWrites.test.ts) no code writes the bilans table except through the helpers.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { headOf, insertBilan, repairHeadsPage } from "./model/bilanHeads";
import { completeDelivery, failGeneration, resumeGeneration } from "./model/bilanPipeline";
import { bilanSummary } from "./model/bilans";
import { checkPage } from "./model/consistency";
import { eraseBatch, planErasure, resolveSubject } from "./model/erasure";
import { exportPage, exportSources } from "./model/exports";
import { retentionBatch } from "./model/retention";
import {
  as,
  asWorker,
  freshWorld,
  testGeneration as generation,
  testSynthesis as synthesis,
  type T,
  type World,
} from "./world.fixtures";

/** The bilan's heads, and what bilanSummary says of the bilan (null once it is gone). */
async function headAndSummary(t: T, bilanId: Id<"bilans">) {
  return await t.run(async (ctx) => {
    const bilan = await ctx.db.get(bilanId);
    const heads = await ctx.db
      .query("bilanHeads")
      .withIndex("by_bilanId", (q) => q.eq("bilanId", bilanId))
      .collect();
    return { bilan, heads, summary: bilan ? bilanSummary(bilan) : null };
  });
}

/** Exactly one head, whose summary is bilanSummary(bilan); returns the bilan's status. */
async function expectInSync(t: T, bilanId: Id<"bilans">) {
  const { bilan, heads, summary } = await headAndSummary(t, bilanId);
  expect(bilan).not.toBeNull();
  expect(heads).toHaveLength(1);
  const { _id, _creationTime, ...stored } = heads[0]!;
  expect(stored).toEqual(headOf(bilan!));
  // The list's view of the head (what listForStudent returns) is bilanSummary's, field for field.
  const listed = await as(t, "admin").query(api.bilans.listForStudent, {
    studentId: bilan!.studentId,
    paginationOpts: { numItems: 50, cursor: null },
  });
  const row = listed.page.find((b) => b._id === bilanId);
  expect(row).toEqual(JSON.parse(JSON.stringify(summary)));
  return bilan!.status;
}

async function walkCheck(t: T) {
  const problems: { kind: string; ref: string }[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof checkPage>> = await t.run((ctx) =>
      checkPage(ctx, "bilanHeads", cursor),
    );
    problems.push(...page.problems);
    if (page.isDone) return problems;
    cursor = page.continueCursor;
  }
}

async function walkRepair(t: T) {
  let repaired = 0;
  let cursor: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof repairHeadsPage>> = await t.run((ctx) =>
      repairHeadsPage(ctx, cursor),
    );
    repaired += page.repaired;
    if (page.isDone) return repaired;
    cursor = page.continueCursor;
  }
}

async function sentEmail(t: T, world: World, bilanId: Id<"bilans">) {
  await t.run(async (ctx) => {
    await ctx.db.insert("emails", {
      to: "parent@test.fr",
      recipientUserId: world.users.parent,
      template: "bilan-ready",
      subject: "Bilan",
      bilanId,
      pdfVersion: 1,
      status: "sent",
      idempotencyKey: `test:${bilanId}`,
      createdAt: Date.now(),
      sentAt: Date.now(),
    });
  });
}

afterEach(() => vi.useRealTimers());

describe("bilan heads", () => {
  it("follow every step of a bilan's life, through the app's own functions", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const coach = as(t, "coach");
    // create (a new subject: the world's draft is maths)
    const bilanId = await eleve.mutation(api.bilans.createDraft, {
      studentId: world.students.own,
      subject: "physique-chimie",
    });
    expect(await expectInSync(t, bilanId)).toBe("draft");
    // answers saved (updatedAt moves)
    const question = (await eleve.query(api.bilans.questionnaire, { bilanId })).questionnaire
      .questions[0]!;
    await eleve.mutation(api.bilans.saveAnswers, {
      bilanId,
      answers: { qcm: { [question.id]: question.options[0]!.id }, survey: {} },
    });
    expect(await expectInSync(t, bilanId)).toBe("draft");
    // submit: scores (overall), submittedAt
    await eleve.mutation(api.bilans.submit, { bilanId });
    expect(await expectInSync(t, bilanId)).toBe("submitted");
    expect((await headAndSummary(t, bilanId)).heads[0]!.overall).toBeDefined();
    // generating
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
    expect(await expectInSync(t, bilanId)).toBe("generating");
    // failed, then the job retried
    await t.run((ctx) => failGeneration(ctx, bilanId, "Fournisseur indisponible."));
    expect(await expectInSync(t, bilanId)).toBe("failed");
    await t.run((ctx) => resumeGeneration(ctx, bilanId));
    expect(await expectInSync(t, bilanId)).toBe("generating");
    // review
    await asWorker(t).mutation(api.pipeline.saveSynthesis, { bilanId, synthesis, generation });
    expect(await expectInSync(t, bilanId)).toBe("review");
    // coach edit
    await coach.mutation(api.review.editSynthesis, {
      bilanId,
      synthesis: { ...synthesis, summary: "Relue." },
      baseVersion: 1,
    });
    expect(await expectInSync(t, bilanId)).toBe("review");
    // regeneration requested by the coach, then a new synthesis
    await coach.mutation(api.review.requestRegeneration, { bilanId });
    expect(await expectInSync(t, bilanId)).toBe("generating");
    await asWorker(t).mutation(api.pipeline.saveSynthesis, { bilanId, synthesis, generation });
    // approve
    await coach.mutation(api.review.approve, { bilanId, expectedVersion: 3 });
    expect(await expectInSync(t, bilanId)).toBe("approved");
    // sent: sentAt
    await sentEmail(t, world, bilanId);
    await t.run((ctx) => completeDelivery(ctx, bilanId, 1));
    expect(await expectInSync(t, bilanId)).toBe("sent");
    expect((await headAndSummary(t, bilanId)).heads[0]!.sentAt).toBeDefined();
    expect(await walkCheck(t)).toEqual([]);
  });

  it("go with their bilan: retention and RGPD erasure leave no head behind", async () => {
    const { t, world } = await freshWorld();
    // retention: a bilan untouched for more than three years
    const old = await t.run((ctx) =>
      insertBilan(ctx, {
        studentId: world.students.foreign,
        subject: "maths",
        niveau: "premiere",
        questionnaireId: "maths-premiere",
        status: "draft",
        answers: { qcm: {}, survey: {} },
        createdBy: world.users.admin,
        createdAt: 1_000,
        updatedAt: 1_000,
      }),
    );
    expect(await expectInSync(t, old)).toBe("draft");
    await t.run((ctx) => retentionBatch(ctx, Date.now(), {}));
    expect(await headAndSummary(t, old)).toMatchObject({ bilan: null, heads: [] });
    expect(await expectInSync(t, world.bilans.foreign)).toBe("draft");

    // the export holds the heads as it holds the bilans (one file per table, French label)
    const subject = await t.run((ctx) => resolveSubject(ctx, { studentId: world.students.own }));
    expect(exportSources(subject).find((s) => s.table === "bilanHeads")).toMatchObject({
      label: "Résumés des bilans (listes)",
      paths: ["studentId"],
    });
    const exported = await t.run((ctx) =>
      exportPage(ctx, subject, "bilanHeads", "studentId", null),
    );
    expect(exported.page.map((h) => h.bilanId)).toEqual([world.bilans.own]);

    // erasure of the own student: both the bilan and its head, counted like the dry run
    const plan = await t.run((ctx) => planErasure(ctx, subject));
    expect(plan).toMatchObject({ bilans: { deleted: 1 }, bilanHeads: { deleted: 1 } });
    const counts: Record<string, number> = {};
    for (;;) {
      const batch = await t.run((ctx) => eraseBatch(ctx, subject, "p", 1));
      for (const [table, c] of Object.entries(batch.counts)) {
        counts[table] = (counts[table] ?? 0) + c.deleted;
      }
      if (batch.done) break;
    }
    expect(counts).toMatchObject({ bilans: 1, bilanHeads: 1 });
    expect(await headAndSummary(t, world.bilans.own)).toMatchObject({ bilan: null, heads: [] });
    expect(await walkCheck(t)).toEqual([]);
  });

  it("make the lists say what bilanSummary says of the whole bilans", async () => {
    const { t, world } = await freshWorld();
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId: world.bilans.own });
    const second = await as(t, "eleve").mutation(api.bilans.createDraft, {
      studentId: world.students.own,
      subject: "physique-chimie",
    });
    const whole = await t.run(async (ctx) =>
      (
        await ctx.db
          .query("bilans")
          .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", world.students.own))
          .order("desc")
          .collect()
      ).map(bilanSummary),
    );
    const expected = JSON.parse(JSON.stringify(whole));
    expect(whole.map((b) => b._id).sort()).toEqual([world.bilans.own, second].sort());
    const cards = await as(t, "coach").query(api.students.listMineWithLatestBilan, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    const card = cards.page.find((c) => c.student._id === world.students.own)!;
    expect(card.latestBilans).toEqual(expected);
    const listed = await as(t, "parent").query(api.bilans.listForStudent, {
      studentId: world.students.own,
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(listed.page).toEqual(expected);
    const operator = await as(t, "admin").query(api.operator.listBilans, {});
    for (const summary of expected) {
      expect(operator.find((b) => b._id === summary._id)).toEqual({
        ...summary,
        student: { firstName: expect.any(String), lastName: expect.any(String) },
      });
    }
  });

  it("drift is found by the consistency part and repaired, idempotently, by the seed's backfill", async () => {
    const { t, world } = await freshWorld();
    expect(await walkCheck(t)).toEqual([]);
    // A data folder from before heads (or a bug): one head gone, one stale, one orphan.
    const orphanOf = await t.run(async (ctx) => {
      const own = (await ctx.db
        .query("bilanHeads")
        .withIndex("by_bilanId", (q) => q.eq("bilanId", world.bilans.own))
        .unique())!;
      await ctx.db.delete(own._id);
      const foreign = (await ctx.db
        .query("bilanHeads")
        .withIndex("by_bilanId", (q) => q.eq("bilanId", world.bilans.foreign))
        .unique())!;
      await ctx.db.patch(foreign._id, { status: "sent" });
      const gone = await insertBilan(ctx, {
        studentId: world.students.foreign,
        subject: "nsi",
        niveau: "premiere",
        questionnaireId: "nsi-terminale",
        status: "draft",
        answers: { qcm: {}, survey: {} },
        createdBy: world.users.admin,
        createdAt: 5,
        updatedAt: 5,
      });
      await ctx.db.delete(gone);
      return gone;
    });
    const problems = await walkCheck(t);
    expect(problems.map((p) => [p.kind, p.ref]).sort()).toEqual(
      [
        ["bilan_head_missing", world.bilans.own],
        ["bilan_head_stale", world.bilans.foreign],
        ["bilan_head_orphan", expect.any(String)],
      ].sort(),
    );
    // The card of the own student misses its bilan until the repair.
    const before = await as(t, "eleve").query(api.students.listMineWithLatestBilan, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(before.page[0]!.latestBilans).toEqual([]);

    // The seed backfills missing and stale heads (its first page in its own transaction)...
    await asWorker(t).mutation(api.seed.run, {});
    expect((await walkCheck(t)).map((p) => p.kind)).toEqual(["bilan_head_orphan"]);
    // ...the repair also removes orphans, scheduling itself page after page.
    vi.useFakeTimers();
    await t.mutation(internal.consistency.repairBilanHeads, { cursor: null });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await walkCheck(t)).toEqual([]);
    expect(await headAndSummary(t, orphanOf)).toMatchObject({ bilan: null, heads: [] });
    await expectInSync(t, world.bilans.own);
    await expectInSync(t, world.bilans.foreign);
    // Idempotent: a second full walk repairs nothing.
    expect(await walkRepair(t)).toBe(0);
  });

  it("repairs a stale head page by page, and the check pages are bounded", async () => {
    const { t, world } = await freshWorld();
    await t.run(async (ctx) => {
      for (let i = 0; i < 150; i++) {
        await insertBilan(ctx, {
          studentId: world.students.foreign,
          subject: "maths",
          niveau: "premiere",
          questionnaireId: "maths-premiere",
          status: "draft",
          answers: { qcm: {}, survey: {} },
          createdBy: world.users.admin,
          createdAt: i,
          updatedAt: i,
        });
      }
      for (const head of await ctx.db.query("bilanHeads").take(120)) {
        await ctx.db.patch(head._id, { updatedAt: -1 });
      }
    });
    const first = await t.run((ctx) => checkPage(ctx, "bilanHeads", null));
    expect(first.checked).toBe(100);
    expect(first.isDone).toBe(false);
    expect(await walkRepair(t)).toBe(120);
    expect(await walkRepair(t)).toBe(0);
    expect(await walkCheck(t)).toEqual([]);
  });
});
