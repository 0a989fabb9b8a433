import { scoreBilan } from "@nexus/shared/bilan-scoring";
import { getQuestionnaire, getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import type { BilanAnswers } from "@nexus/shared/results";
import type { Synthesis } from "@nexus/shared/synthesis";
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { deleteBilan, insertBilan, patchBilan } from "./model/bilanHeads";
import { as, countRows, errorOf, freshWorld, type T } from "./world.fixtures";

const page = { numItems: 20, cursor: null };

/** Three right answers, two wrong ones, and one answer of each survey item kind. */
function partialAnswers(): BilanAnswers {
  const q = getQuestionnaire("maths-premiere");
  const qcm: BilanAnswers["qcm"] = {};
  q.questions.slice(0, 5).forEach((question, i) => {
    const wrong = question.options.find((o) => o.id !== question.correct)!;
    qcm[question.id] = i < 3 ? question.correct : wrong.id;
  });
  const survey: BilanAnswers["survey"] = {};
  const items = getSurvey().items;
  const likert = items.find((i) => i.kind === "likert")!;
  const single = items.find((i) => i.kind === "single")!;
  const multiple = items.find((i) => i.kind === "multiple")!;
  if (likert.kind === "likert") survey[likert.id] = likert.scale.max;
  if (single.kind === "single") survey[single.id] = single.options[0]!.id;
  if (multiple.kind === "multiple") survey[multiple.id] = [multiple.options[0]!.id];
  return { qcm, survey };
}

async function jobsFor(t: T, bilanId: Id<"bilans">) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("jobs").collect()).filter((j) => j.target?.id === bilanId),
  );
}

describe("bilan flow: draft → answers → submit", () => {
  it("computes the same scores as scoreBilan and enqueues exactly one generation job", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const bilanId = await eleve.mutation(api.bilans.createDraft, {
      studentId: world.students.own,
      subject: "maths",
    });
    const draft = await eleve.query(api.bilans.get, { bilanId });
    expect(draft).toMatchObject({
      status: "draft",
      questionnaireId: "maths-premiere",
      niveau: "premiere",
      createdBy: world.users.eleve,
      answers: { qcm: {}, survey: {} },
    });

    const answers = partialAnswers();
    await eleve.mutation(api.bilans.saveAnswers, { bilanId, answers });
    expect((await eleve.query(api.bilans.get, { bilanId })).answers).toEqual(answers);

    const { jobId } = await eleve.mutation(api.bilans.submit, { bilanId });
    const submitted = await eleve.query(api.bilans.get, { bilanId });
    const expected = scoreBilan("maths-premiere", answers);
    expect(submitted.status).toBe("submitted");
    expect(submitted.submittedAt).toEqual(expect.any(Number));
    expect(submitted.scores).toEqual(expected.scores);
    expect(submitted.profile).toEqual(expected.profile);
    expect(submitted.scores?.unanswered).toBe(
      getQuestionnaire("maths-premiere").questions.length - 5,
    );

    const jobs = await jobsFor(t, bilanId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      _id: jobId,
      kind: "bilan.generate",
      status: "pending",
      payload: { bilanId },
      idempotencyKey: `bilan.generate:${bilanId}:submit`,
      target: { table: "bilans", id: bilanId },
      createdBy: world.users.eleve,
    });
    const logs = await t.run(async (ctx) => await ctx.db.query("auditLogs").collect());
    expect(logs.map((l) => [l.action, l.targetId])).toEqual([["bilan.submit", bilanId]]);

    const again = await errorOf(eleve.mutation(api.bilans.submit, { bilanId }));
    expect(again.code).toBe("INVALID_STATE");
    expect(await jobsFor(t, bilanId)).toHaveLength(1);

    const late = await errorOf(
      eleve.mutation(api.bilans.saveAnswers, { bilanId, answers: { qcm: {}, survey: {} } }),
    );
    expect(late.code).toBe("INVALID_STATE");
    expect((await eleve.query(api.bilans.get, { bilanId })).answers).toEqual(answers);
  });

  it("resumes the open draft of a subject instead of creating a second one", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const args = { studentId: world.students.own, subject: "maths" as const };
    const first = await eleve.mutation(api.bilans.createDraft, args);
    expect(first).toBe(world.bilans.own);
    expect(await eleve.mutation(api.bilans.createDraft, args)).toBe(first);
    await eleve.mutation(api.bilans.submit, { bilanId: first });
    const next = await eleve.mutation(api.bilans.createDraft, args);
    expect(next).not.toBe(first);
    expect((await eleve.query(api.bilans.get, { bilanId: next })).status).toBe("draft");
  });

  it("lets staff answer and submit for a student, and an assigned coach open a draft", async () => {
    const { t, world } = await freshWorld();
    // Without the fixture's open maths draft, which createDraft would resume.
    await t.run(async (ctx) => await deleteBilan(ctx, world.bilans.own));
    const coachDraft = await as(t, "coach").mutation(api.bilans.createDraft, {
      studentId: world.students.own,
      subject: "maths",
    });
    const staff = as(t, "assistante");
    await staff.mutation(api.bilans.saveAnswers, {
      bilanId: coachDraft,
      answers: partialAnswers(),
    });
    await staff.mutation(api.bilans.submit, { bilanId: coachDraft });
    const bilan = await as(t, "parent").query(api.bilans.get, { bilanId: coachDraft });
    expect(bilan).toMatchObject({ status: "submitted", createdBy: world.users.coach });
    expect(await jobsFor(t, coachDraft)).toHaveLength(1);
  });
});

describe("answers are checked against the questionnaire; nothing is written on error", () => {
  it.each([
    [
      "an unknown question id",
      { qcm: { "question-inexistante": "a" }, survey: {} },
      "question-inexistante",
    ],
    ["an unknown option id", "unknown-option", "option-inexistante"],
    ["an unknown survey item", { qcm: {}, survey: { "item-inexistant": 3 } }, "item-inexistant"],
    ["a Likert value out of range", "likert-out-of-range", "Réponse invalide"],
  ] as const)("refuses %s with INVALID_ARGUMENT", async (_label, answersOrCase, inMessage) => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const bilanId = world.bilans.own;
    await eleve.mutation(api.bilans.saveAnswers, { bilanId, answers: partialAnswers() });
    const before = await t.run(async (ctx) => await ctx.db.get(bilanId));

    let answers: BilanAnswers;
    if (answersOrCase === "unknown-option") {
      const question = getQuestionnaire("maths-premiere").questions[0]!;
      answers = { qcm: { [question.id]: "option-inexistante" }, survey: {} };
    } else if (answersOrCase === "likert-out-of-range") {
      const likert = getSurvey().items.find((i) => i.kind === "likert")!;
      answers = { qcm: {}, survey: { [likert.id]: 99 } };
    } else {
      answers = answersOrCase as BilanAnswers;
    }
    const error = await errorOf(eleve.mutation(api.bilans.saveAnswers, { bilanId, answers }));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain(inMessage);
    expect(await t.run(async (ctx) => await ctx.db.get(bilanId))).toEqual(before);
  });

  it("refuses to submit a bilan without any answer, writing nothing and enqueuing no job", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    // Only survey answers: the questionnaire itself is unanswered.
    const survey = partialAnswers().survey;
    await as(t, "eleve").mutation(api.bilans.saveAnswers, {
      bilanId,
      answers: { qcm: {}, survey },
    });
    const before = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(before?.answers).toEqual({ qcm: {}, survey });
    const rows = await countRows(t);
    const error = await errorOf(as(t, "eleve").mutation(api.bilans.submit, { bilanId }));
    expect(error).toEqual({
      code: "INVALID_ARGUMENT",
      message:
        "Ce bilan ne contient aucune réponse au questionnaire : répondez à au moins une question avant de le soumettre.",
    });
    expect(await t.run(async (ctx) => await ctx.db.get(bilanId))).toEqual(before);
    expect(await countRows(t)).toEqual(rows);
    expect(await jobsFor(t, bilanId)).toHaveLength(0);
  });

  it("rejects malformed arguments by validation, writing nothing", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const before = await countRows(t);
    const snapshot = await t.run(async (ctx) => await ctx.db.get(world.bilans.own));
    await expect(
      eleve.mutation(api.bilans.saveAnswers, {
        bilanId: world.bilans.own,
        answers: { qcm: {} } as never,
      }),
    ).rejects.toThrow(/Validator error/);
    await expect(
      eleve.mutation(api.bilans.saveAnswers, {
        bilanId: world.bilans.own,
        answers: { qcm: {}, survey: {}, comment: "?" } as never,
      }),
    ).rejects.toThrow(/Validator error/);
    await expect(
      eleve.mutation(api.bilans.submit, { bilanId: world.students.own as never }),
    ).rejects.toThrow(/Validator error/);
    await expect(
      eleve.mutation(api.bilans.createDraft, {
        studentId: world.students.own,
        subject: "latin" as "maths",
      }),
    ).rejects.toThrow(/Validator error/);
    await expect(
      eleve.mutation(api.bilans.createDraft, { studentId: world.students.own } as never),
    ).rejects.toThrow(/Validator error/);
    expect(await countRows(t)).toEqual(before);
    expect(await t.run(async (ctx) => await ctx.db.get(world.bilans.own))).toEqual(snapshot);
  });

  it("refuses a draft when no questionnaire exists for the student's niveau", async () => {
    expect(questionnaireFor("nsi", "seconde")).toBeNull();
    const { t, world } = await freshWorld();
    await as(t, "admin").mutation(api.students.update, {
      studentId: world.students.own,
      niveau: "seconde",
    });
    const before = await countRows(t);
    const error = await errorOf(
      as(t, "eleve").mutation(api.bilans.createDraft, {
        studentId: world.students.own,
        subject: "nsi",
      }),
    );
    expect(error).toEqual({
      code: "INVALID_ARGUMENT",
      message:
        "Aucun questionnaire de Numérique et sciences informatiques n'existe pour le niveau Seconde.",
    });
    expect(await countRows(t)).toEqual(before);
  });
});

describe("reading bilans", () => {
  it("lists a student's bilans newest first, as summaries", async () => {
    const { t, world } = await freshWorld();
    const older = world.bilans.own;
    const newer = await t.run(async (ctx) => {
      const old = (await ctx.db.get(older))!;
      const { _id, _creationTime, ...fields } = old;
      return await insertBilan(ctx, {
        ...fields,
        createdAt: old.createdAt + 1000,
        updatedAt: old.createdAt + 1000,
      });
    });
    const result = await as(t, "parent").query(api.bilans.listForStudent, {
      studentId: world.students.own,
      paginationOpts: page,
    });
    expect(result.page.map((b) => b._id)).toEqual([newer, older]);
    expect(result.page[0]).not.toHaveProperty("answers");
    expect(result.page[0]).toMatchObject({ subject: "maths", status: "draft" });
  });

  it("shows the family the synthesis only once approved, and never the review note", async () => {
    const { t, world } = await freshWorld();
    const synthesis: Synthesis = {
      summary: "Des bases solides en calcul, à consolider en probabilités.",
      strengths: [{ domainId: "second-degre", text: "Bonne maîtrise du discriminant." }],
      weaknesses: [{ domainId: "probabilites", text: "Arbres pondérés à revoir." }],
      recommendations: [
        {
          title: "Probabilités",
          text: "Refaire deux exercices par semaine.",
          domainIds: ["probabilites"],
          sources: [],
        },
      ],
      studyPlan: [
        {
          week: 1,
          objectives: ["Revoir le cours"],
          activities: [{ description: "Fiches", hours: 2 }],
        },
      ],
      offers: [],
      parentSummary: "Votre enfant progresse bien.",
    };
    const bilanId = world.bilans.own;
    await t.run(async (ctx) => {
      await patchBilan(ctx, bilanId, {
        status: "review",
        synthesis,
        review: { coachNote: "Note interne pour l'équipe." },
      });
    });
    const coachView = await as(t, "coach").query(api.bilans.get, { bilanId });
    expect(coachView.synthesis).toEqual(synthesis);
    expect(coachView.review?.coachNote).toBe("Note interne pour l'équipe.");
    for (const caller of ["parent", "eleve"] as const) {
      const view = await as(t, caller).query(api.bilans.get, { bilanId });
      expect(view.synthesis).toBeUndefined();
      expect(view.review).toBeUndefined();
      expect(view.answers).toEqual(coachView.answers);
    }
    await t.run(async (ctx) => {
      await patchBilan(ctx, bilanId, { status: "approved" });
    });
    const parentView = await as(t, "parent").query(api.bilans.get, { bilanId });
    expect(parentView.synthesis).toEqual(synthesis);
    expect(parentView.review).toBeUndefined();
  });
});
