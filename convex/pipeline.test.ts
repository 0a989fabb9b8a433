import type { BilanScores, PedagogicalProfile } from "@nexus/shared/results";
import type { Synthesis } from "@nexus/shared/synthesis";
import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { insertBilan } from "./model/bilanHeads";
import { makeConvexTest } from "./test.setup";
import { asWorker, withApiKey } from "./world.fixtures";

/** A report's SHA-256, as the worker computes it before sending. */
const PDF_SHA256 = "ab".repeat(32);

const ISSUER = "https://auth.test";

const scores: BilanScores = {
  questionnaireId: "maths-premiere",
  questionnaireVersion: 1,
  domains: [
    {
      domainId: "suites",
      label: "Suites",
      earned: 2,
      max: 6,
      percent: 33,
      mastery: "non_acquis",
      answered: 3,
      total: 3,
    },
    {
      domainId: "derivation",
      label: "Dérivation",
      earned: 5,
      max: 6,
      percent: 83,
      mastery: "maitrise",
      answered: 3,
      total: 3,
    },
  ],
  overall: { earned: 7, max: 12, percent: 58, mastery: "en_cours" },
  unanswered: 0,
};
const profile: PedagogicalProfile = {
  surveyId: "pedagogical-survey",
  surveyVersion: 1,
  dimensions: [{ id: "motivation", label: "Motivation", score: 75, level: "eleve" }],
  traits: [],
};
const synthesis: Synthesis = {
  summary: "Bilan encourageant.",
  strengths: [{ domainId: "derivation", text: "La dérivation est maîtrisée." }],
  weaknesses: [{ domainId: "suites", text: "Les suites restent fragiles." }],
  recommendations: [
    {
      title: "Revoir les suites",
      text: "Refaire les exercices de base.",
      domainIds: ["suites"],
      sources: [],
    },
  ],
  studyPlan: [
    { week: 1, objectives: ["Suites"], activities: [{ description: "Exercices", hours: 2 }] },
  ],
  offers: [],
  parentSummary: "Votre enfant progresse.",
};
const generation = {
  provider: "local" as const,
  model: "local-writer-v1",
  promptVersion: "bilan-v1",
  inputTokens: 10,
  outputTokens: 20,
  durationMs: 5,
  generatedAt: 1,
};

function identity(email: string) {
  return { tokenIdentifier: `${ISSUER}|${email}`, subject: email, issuer: ISSUER, email };
}

async function setup() {
  const t = makeConvexTest();
  const ids = await t.run(async (ctx) => {
    const now = Date.now();
    const user = (email: string, role: "admin" | "coach" | "parent" | "eleve", name: string) =>
      ctx.db.insert("users", {
        tokenIdentifier: `${ISSUER}|${email}`,
        email,
        name,
        role,
        createdAt: now,
        lastSeenAt: now,
      });
    const admin = await user("admin@test.fr", "admin", "Admin");
    const coach = await user("coach@test.fr", "coach", "Claire Coach");
    const otherCoach = await user("autre@test.fr", "coach", "Autre Coach");
    const parent = await user("parent@test.fr", "parent", "Paul Parent");
    const eleveUser = await user("eleve@test.fr", "eleve", "Emma Élève");
    const studentId = await ctx.db.insert("students", {
      firstName: "Emma",
      lastName: "Élève",
      niveau: "premiere",
      statut: "scolarise",
      specialites: ["Mathématiques"],
      userId: eleveUser,
      createdAt: now,
      updatedAt: now,
    });
    await ctx.db.insert("guardianships", { parentId: parent, studentId, createdAt: now });
    await ctx.db.insert("coachAssignments", { coachId: coach, studentId, createdAt: now });
    const bilanId = await insertBilan(ctx, {
      studentId,
      subject: "maths",
      niveau: "premiere",
      questionnaireId: "maths-premiere",
      status: "submitted",
      answers: { qcm: {}, survey: {} },
      scores,
      profile,
      createdBy: eleveUser,
      createdAt: now,
      updatedAt: now,
      submittedAt: now,
    });
    return { admin, coach, otherCoach, parent, eleveUser, studentId, bilanId };
  });
  return { t, ...ids };
}

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvexError);
  expect((error as ConvexError<{ code: string }>).data.code).toBe(code);
}

async function uploadBlob(t: ReturnType<typeof makeConvexTest>, text: string) {
  return await t.run(
    async (ctx) => await ctx.storage.store(new Blob([text], { type: "application/pdf" })),
  );
}

describe("pipeline (worker-only)", () => {
  it("refuses every caller but the worker: no identity, a signed-in admin, an API key", async () => {
    const { t, bilanId, admin } = await setup();
    const { client: adminKey } = await withApiKey(t, admin);
    for (const caller of [t, t.withIdentity(identity("admin@test.fr")), adminKey]) {
      await expectCode(caller.query(api.pipeline.bilanContext, { bilanId }), "WORKER_AUTH");
      await expectCode(caller.mutation(api.pipeline.beginGeneration, { bilanId }), "WORKER_AUTH");
    }
    const bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.status).toBe("submitted");
  });

  it("the worker identity is refused by people's functions", async () => {
    const { t, bilanId } = await setup();
    const worker = asWorker(t);
    await expectCode(
      worker.mutation(api.review.approve, { bilanId, expectedVersion: 0 }),
      "FORBIDDEN",
    );
    await expectCode(worker.query(api.bilans.get, { bilanId }), "FORBIDDEN");
  });

  it("loads the bilan with its student, guardians and student account", async () => {
    const { t, bilanId } = await setup();
    const context = await asWorker(t).query(api.pipeline.bilanContext, { bilanId });
    expect(context.student.firstName).toBe("Emma");
    expect(context.guardians.map((g) => g.email)).toEqual(["parent@test.fr"]);
    expect(context.studentAccount?.email).toBe("eleve@test.fr");
  });

  it("runs generate → review → approve → final PDF → emails → sent, sending each recipient once", async () => {
    const { t, bilanId, coach } = await setup();
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
    // A retried generation job calls it again: idempotent.
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
    await asWorker(t).mutation(api.pipeline.saveSynthesis, {
      bilanId,
      synthesis,
      generation,
    });
    let bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.status).toBe("review");
    expect(bilan?.generation?.provider).toBe("local");

    const pdfJob = await t.withIdentity(identity("coach@test.fr")).mutation(api.review.approve, {
      bilanId,
      expectedVersion: 1,
      coachNote: "Bon travail.",
    });
    const job = await t.run(async (ctx) => await ctx.db.get(pdfJob));
    expect(job).toMatchObject({
      kind: "bilan.pdf",
      payload: { bilanId, final: true },
      status: "pending",
    });
    bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.review).toMatchObject({ coachNote: "Bon travail.", approvedBy: coach });

    const storageId = await uploadBlob(t, "%PDF-final");
    const recorded = await asWorker(t).mutation(api.pipeline.recordPdf, {
      bilanId,
      storageId,
      size: 10,
      final: true,
    });
    expect(recorded).toEqual({ accepted: true, version: 1 });
    const emailJobs = await t.run(async (ctx) =>
      (await ctx.db.query("jobs").collect()).filter((j) => j.kind === "email.send"),
    );
    expect(emailJobs).toHaveLength(1);
    expect(emailJobs[0]?.payload).toEqual({ bilanId, pdfVersion: 1 });

    const context = await asWorker(t).query(api.pipeline.bilanContext, { bilanId });
    const recipients = [...context.guardians, context.studentAccount!];
    for (const person of recipients) {
      const begun = await asWorker(t).mutation(api.pipeline.beginEmail, {
        bilanId,
        pdfVersion: 1,
        pdfSha256: PDF_SHA256,
        to: person.email,
        recipientName: person.name,
        recipientUserId: person.userId,
        subject: "Bilan",
        template: "bilan-ready",
      });
      expect(begun.skip).toBe(false);
      const before = await asWorker(t).mutation(api.pipeline.completeEmails, {
        bilanId,
        pdfVersion: 1,
      });
      expect(before.sent).toBe(false);
      await asWorker(t).mutation(api.pipeline.finishEmail, {
        emailId: begun.emailId,
        status: "sent",
        provider: "outbox",
        providerId: "x",
      });
    }
    const done = await asWorker(t).mutation(api.pipeline.completeEmails, {
      bilanId,
      pdfVersion: 1,
    });
    expect(done).toEqual({ sent: true, pending: [] });
    bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.status).toBe("sent");

    // A retried email job finds every recipient already sent.
    const again = await asWorker(t).mutation(api.pipeline.beginEmail, {
      bilanId,
      pdfVersion: 1,
      pdfSha256: PDF_SHA256,
      to: "PARENT@test.fr",
      recipientName: "Paul Parent",
      recipientUserId: recipients[0]!.userId,
      subject: "Bilan",
      template: "bilan-ready",
    });
    expect(again.skip).toBe(true);
  });

  it("replaces the current PDF atomically and never lets a provisional PDF replace a final one", async () => {
    const { t, bilanId } = await setup();
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
    await asWorker(t).mutation(api.pipeline.saveSynthesis, {
      bilanId,
      synthesis,
      generation,
    });
    const draft1 = await uploadBlob(t, "%PDF-draft-1");
    const draft2 = await uploadBlob(t, "%PDF-draft-2");
    await asWorker(t).mutation(api.pipeline.recordPdf, {
      bilanId,
      storageId: draft1,
      size: 1,
      final: false,
    });
    const second = await asWorker(t).mutation(api.pipeline.recordPdf, {
      bilanId,
      storageId: draft2,
      size: 1,
      final: false,
    });
    expect(second).toEqual({ accepted: true, version: 2 });
    expect(await t.run(async (ctx) => await ctx.storage.get(draft1))).toBeNull();

    await t
      .withIdentity(identity("coach@test.fr"))
      .mutation(api.review.approve, { bilanId, expectedVersion: 1 });
    const final = await uploadBlob(t, "%PDF-final");
    await asWorker(t).mutation(api.pipeline.recordPdf, {
      bilanId,
      storageId: final,
      size: 1,
      final: true,
    });
    const late = await uploadBlob(t, "%PDF-late-draft");
    const refused = await asWorker(t).mutation(api.pipeline.recordPdf, {
      bilanId,
      storageId: late,
      size: 1,
      final: false,
    });
    expect(refused.accepted).toBe(false);
    const bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.pdf).toMatchObject({ storageId: final, version: 3, final: true });
    expect(await t.run(async (ctx) => await ctx.storage.get(late))).toBeNull();
  });

  // Failures are recorded by the job outcomes when a job ends (jobOutcomes.test.ts).
  it("refuses to generate a bilan without computed results", async () => {
    const { t, studentId, eleveUser } = await setup();
    const draftId = await t.run(async (ctx) =>
      insertBilan(ctx, {
        studentId,
        subject: "maths",
        niveau: "premiere",
        questionnaireId: "maths-premiere",
        status: "draft",
        answers: { qcm: {}, survey: {} },
        createdBy: eleveUser,
        createdAt: 1,
        updatedAt: 1,
      }),
    );
    await expectCode(
      asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId: draftId }),
      "INVALID_STATE",
    );
  });
});

describe("review (coach functions)", () => {
  async function inReview() {
    const ctx = await setup();
    await asWorker(ctx.t).mutation(api.pipeline.beginGeneration, {
      bilanId: ctx.bilanId,
    });
    await asWorker(ctx.t).mutation(api.pipeline.saveSynthesis, {
      bilanId: ctx.bilanId,
      synthesis,
      generation,
    });
    return ctx;
  }

  it.each([
    ["unassigned coach", "autre@test.fr", "NOT_FOUND"],
    ["parent", "parent@test.fr", "FORBIDDEN"],
    ["student", "eleve@test.fr", "FORBIDDEN"],
  ])("refuses approval by a %s", async (_who, email, code) => {
    const { t, bilanId } = await inReview();
    await expectCode(
      t.withIdentity(identity(email)).mutation(api.review.approve, { bilanId, expectedVersion: 1 }),
      code,
    );
    const bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.status).toBe("review");
  });

  it("lets an admin approve any bilan and lists the review queue per coach", async () => {
    const { t, bilanId } = await inReview();
    expect(
      (await t.withIdentity(identity("coach@test.fr")).query(api.review.queue, {})).map(
        (b) => b._id,
      ),
    ).toEqual([bilanId]);
    expect(await t.withIdentity(identity("autre@test.fr")).query(api.review.queue, {})).toEqual([]);
    await t
      .withIdentity(identity("admin@test.fr"))
      .mutation(api.review.approve, { bilanId, expectedVersion: 1 });
    expect(await t.withIdentity(identity("admin@test.fr")).query(api.review.queue, {})).toEqual([]);
  });

  it("records coach edits with their author and refuses an invalid synthesis without writing", async () => {
    const { t, bilanId, coach } = await inReview();
    const coachT = t.withIdentity(identity("coach@test.fr"));
    // Version 1 is the generated synthesis the coach loaded.
    await coachT.mutation(api.review.editSynthesis, {
      bilanId,
      synthesis: { ...synthesis, summary: "Synthèse relue par le coach." },
      baseVersion: 1,
    });
    const revisions = await coachT.query(api.review.revisions, { bilanId });
    expect(revisions[0]).toMatchObject({ source: "edited", authorId: coach });
    await expectCode(
      coachT.mutation(api.review.editSynthesis, {
        bilanId,
        synthesis: { ...synthesis, summary: "   " },
        baseVersion: 2,
      }),
      "INVALID_ARGUMENT",
    );
    const bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.synthesis?.summary).toBe("Synthèse relue par le coach.");
  });

  it("enqueues a regeneration with the coach's instructions, once", async () => {
    const { t, bilanId } = await inReview();
    const coachT = t.withIdentity(identity("coach@test.fr"));
    const jobId: Id<"jobs"> = await coachT.mutation(api.review.requestRegeneration, {
      bilanId,
      instructions: "Insister sur les suites.",
    });
    const job = await t.run(async (ctx) => await ctx.db.get(jobId));
    expect(job).toMatchObject({
      kind: "bilan.generate",
      payload: { bilanId, instructions: "Insister sur les suites." },
    });
    await expectCode(coachT.mutation(api.review.requestRegeneration, { bilanId }), "INVALID_STATE");
  });
});

describe("bilanContext: the previous approved bilan of the same subject", () => {
  it("finds the latest earlier approved or sent bilan of the subject, by index, and the guardian's greeting", async () => {
    const { t, bilanId, studentId, eleveUser, parent } = await setup();
    const worker = asWorker(t);
    expect((await worker.query(api.pipeline.bilanContext, { bilanId })).previous).toBeNull();
    const current = (await t.run(async (ctx) => await ctx.db.get(bilanId)))!;
    const older = (days: number) => current.createdAt - days * 24 * 3600 * 1000;
    const earlier = { ...scores, overall: { ...scores.overall, percent: 40 } };
    const insert = (
      subject: "maths" | "nsi",
      status: "sent" | "approved" | "review",
      createdAt: number,
      percent: number,
    ) =>
      t.run(async (ctx) =>
        insertBilan(ctx, {
          studentId,
          subject,
          niveau: "premiere",
          questionnaireId: `${subject}-premiere`,
          status,
          answers: { qcm: {}, survey: {} },
          scores: { ...earlier, overall: { ...earlier.overall, percent } },
          profile,
          review: { approvedAt: createdAt + 1000 },
          createdBy: eleveUser,
          createdAt,
          updatedAt: createdAt,
          submittedAt: createdAt,
        }),
      );
    const sentLongAgo = await insert("maths", "sent", older(200), 30);
    const approved = await insert("maths", "approved", older(90), 41);
    await insert("maths", "review", older(10), 50); // not approved: ignored
    await insert("nsi", "sent", older(5), 90); // another subject: ignored
    await t.run(async (ctx) =>
      ctx.db.patch(parent, {
        salutation: {
          style: "civilite",
          civility: "Monsieur",
          firstName: "Paul",
          lastName: "Parent",
        },
      }),
    );
    const context = await worker.query(api.pipeline.bilanContext, { bilanId });
    expect(context.previous).toEqual({
      bilanId: approved,
      // Dated from its submission (when the scores were measured), not its approval.
      date: older(90),
      scores: { ...earlier, overall: { ...earlier.overall, percent: 41 } },
    });
    expect(context.previous?.bilanId).not.toBe(sentLongAgo);
    expect(context.guardians[0]?.salutation).toEqual({
      style: "civilite",
      civility: "Monsieur",
      firstName: "Paul",
      lastName: "Parent",
    });
    // A later bilan is never the "previous" one of an earlier bilan.
    const context2 = await worker.query(api.pipeline.bilanContext, { bilanId: approved });
    expect(context2.previous?.bilanId).toBe(sentLongAgo);
  });
});
