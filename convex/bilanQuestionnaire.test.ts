// bilans.questionnaire and bilans.availableSubjects: what the questionnaire page and the
// « Commencer un bilan » page receive. Never a correct answer or an explanation.
import { getQuestionnaire, getSurvey } from "@nexus/shared/questionnaires";
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { as, errorOf, freshWorld } from "./world.fixtures";

/** Every object key anywhere in `value`. */
function keysIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysIn(item, into);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      into.add(key);
      keysIn(child, into);
    }
  }
  return into;
}

describe("bilans.questionnaire", () => {
  it.each(["eleve", "parent", "coach", "assistante", "admin"] as const)(
    "gives %s the questions, the survey and the saved answers, never a correct answer",
    async (caller) => {
      const { t, world } = await freshWorld();
      const view = await as(t, caller).query(api.bilans.questionnaire, {
        bilanId: world.bilans.own,
      });
      const keys = keysIn(view);
      for (const hidden of ["correct", "explanation", "contributions", "trait", "reverse"]) {
        expect(keys.has(hidden), hidden).toBe(false);
      }
      const source = getQuestionnaire("maths-premiere");
      expect(view.questionnaire.id).toBe("maths-premiere");
      expect(view.questionnaire.questions.map((q) => q.id)).toEqual(
        source.questions.map((q) => q.id),
      );
      expect(view.questionnaire.questions[0]?.options).toEqual(source.questions[0]?.options);
      expect(view.survey.items.map((i) => i.id)).toEqual(getSurvey().items.map((i) => i.id));
      // The fixture's draft holds one (right) answer: the page resumes from it.
      const first = source.questions[0]!;
      expect(view.answers).toEqual({ qcm: { [first.id]: first.correct }, survey: {} });
      expect(view).toMatchObject({ status: "draft", subject: "maths", niveau: "premiere" });
    },
  );

  it("says who may answer: the student and staff while draft, never a parent or coach", async () => {
    const { t, world } = await freshWorld();
    const canAnswer = async (caller: "eleve" | "parent" | "coach" | "admin") =>
      (await as(t, caller).query(api.bilans.questionnaire, { bilanId: world.bilans.own }))
        .canAnswer;
    expect(await canAnswer("eleve")).toBe(true);
    expect(await canAnswer("admin")).toBe(true);
    expect(await canAnswer("parent")).toBe(false);
    expect(await canAnswer("coach")).toBe(false);
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId: world.bilans.own });
    expect(await canAnswer("eleve")).toBe(false);
  });

  it("hides a foreign bilan (NOT_FOUND, in French)", async () => {
    const { t, world } = await freshWorld();
    expect(
      await errorOf(
        as(t, "parent").query(api.bilans.questionnaire, { bilanId: world.bilans.foreign }),
      ),
    ).toEqual({ code: "NOT_FOUND", message: "Bilan introuvable." });
  });
});

describe("bilans.availableSubjects", () => {
  it("offers the subjects of the student's niveau and spécialités, flagging the open draft", async () => {
    const { t, world } = await freshWorld();
    // Alice is in première with « Mathématiques »; her fixture draft is a maths one.
    const result = await as(t, "eleve").query(api.bilans.availableSubjects, {
      studentId: world.students.own,
    });
    expect(result.canStart).toBe(true);
    expect(result.subjects).toEqual([
      {
        subject: "maths",
        label: "Mathématiques",
        questionnaireId: "maths-premiere",
        title: getQuestionnaire("maths-premiere").title,
        questionCount: getQuestionnaire("maths-premiere").questions.length,
        domainCount: getQuestionnaire("maths-premiere").domains.length,
        draft: { bilanId: world.bilans.own, answered: 1, updatedAt: expect.any(Number) },
      },
    ]);
  });

  it("adds physique-chimie with that spécialité, and drops the draft flag once submitted", async () => {
    const { t, world } = await freshWorld();
    await t.run(async (ctx) => {
      await ctx.db.patch(world.students.own, {
        specialites: ["Mathématiques", "Physique-chimie", "SVT"],
      });
    });
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId: world.bilans.own });
    const result = await as(t, "eleve").query(api.bilans.availableSubjects, {
      studentId: world.students.own,
    });
    expect(result.subjects.map((s) => [s.subject, s.draft])).toEqual([
      ["maths", null],
      ["physique-chimie", null],
    ]);
  });

  it("offers nothing outside the niveau's questionnaires (a terminale without maths or NSI)", async () => {
    const { t, world } = await freshWorld();
    await t.run(async (ctx) => {
      await ctx.db.patch(world.students.own, { niveau: "terminale", specialites: ["SES"] });
    });
    const result = await as(t, "coach").query(api.bilans.availableSubjects, {
      studentId: world.students.own,
    });
    expect(result).toEqual({ canStart: true, subjects: [] });
  });

  it("tells a parent they may not start one (they read, the student answers)", async () => {
    const { t, world } = await freshWorld();
    const result = await as(t, "parent").query(api.bilans.availableSubjects, {
      studentId: world.students.own,
    });
    expect(result.canStart).toBe(false);
    expect(result.subjects).toHaveLength(1);
  });
});
