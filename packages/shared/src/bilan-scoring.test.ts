import { describe, expect, it } from "vitest";
import { scoreBilan } from "./bilan-scoring";
import { getQuestionnaire, getSurvey, UnknownQuestionnaireError } from "./questionnaires";
import { zBilanScores, zPedagogicalProfile } from "./results";
import { AnswerError } from "./scoring";

describe("scoreBilan on the real files", () => {
  const q = getQuestionnaire("physique-chimie-premiere");

  it("scores every answer right as 100 % and gives a valid profile", () => {
    const qcm = Object.fromEntries(q.questions.map((x) => [x.id, x.correct]));
    const survey = Object.fromEntries(
      getSurvey().items.map((item) => [
        item.id,
        item.kind === "likert"
          ? item.scale.max
          : item.kind === "single"
            ? item.options[0]!.id
            : [item.options[0]!.id],
      ]),
    );
    const { scores, profile } = scoreBilan(q.id, { qcm, survey }, { requireComplete: true });
    expect(zBilanScores.parse(scores)).toEqual(scores);
    expect(zPedagogicalProfile.parse(profile)).toEqual(profile);
    expect(scores.overall.percent).toBe(100);
    expect(scores.unanswered).toBe(0);
    expect(scores.domains.map((d) => d.domainId)).toEqual(q.domains.map((d) => d.id));
    expect(scores.domains.every((d) => d.mastery === "maitrise")).toBe(true);
    expect(profile.surveyId).toBe("pedagogical-survey");
    expect(profile.traits.length).toBeGreaterThan(0);
  });

  it("scores one domain from its weights: first domain right, the rest unanswered", () => {
    const first = q.domains[0]!.id;
    const inFirst = q.questions.filter((x) => x.domain === first);
    const qcm = Object.fromEntries(inFirst.map((x) => [x.id, x.correct]));
    const { scores } = scoreBilan(q.id, { qcm, survey: {} });
    const weights = inFirst.reduce((sum, x) => sum + x.difficulty, 0);
    const all = q.questions.reduce((sum, x) => sum + x.difficulty, 0);
    expect(scores.domains[0]).toMatchObject({ earned: weights, max: weights, percent: 100 });
    expect(scores.overall).toMatchObject({ earned: weights, max: all });
    expect(scores.unanswered).toBe(q.questions.length - inFirst.length);
    expect(scores.domains.slice(1).every((d) => d.percent === 0 && d.answered === 0)).toBe(true);
  });

  it("rejects unknown questionnaires and answers with typed errors", () => {
    expect(() => scoreBilan("latin-terminale", { qcm: {}, survey: {} })).toThrow(
      UnknownQuestionnaireError,
    );
    expect(() => scoreBilan(q.id, { qcm: { "sd-1": "a" }, survey: {} })).toThrow(
      /Question inconnue « sd-1 » dans le questionnaire « physique-chimie-premiere »/,
    );
    expect(() => scoreBilan(q.id, { qcm: {}, survey: {} }, { requireComplete: true })).toThrow(
      AnswerError,
    );
  });
});
