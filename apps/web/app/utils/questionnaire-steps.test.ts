import { describe, expect, it } from "vitest";
import {
  type BilanQuestionnaire,
  buildSteps,
  countAnswers,
  firstIncompleteStep,
  missingInStep,
  missingSentence,
  toggleChoice,
  withQcmAnswer,
  withSurveyAnswer,
} from "./questionnaire-steps";

const option = (id: string) => ({ id, label: id.toUpperCase() });
const data = {
  questionnaire: {
    domains: [
      { id: "d1", label: "Suites", description: "…" },
      { id: "empty", label: "Vide", description: "…" },
      { id: "d2", label: "Dérivation", description: "…" },
    ],
    questions: [
      { id: "q1", domain: "d1", difficulty: 1, prompt: "?", options: [option("a"), option("b")] },
      { id: "q2", domain: "d2", difficulty: 2, prompt: "?", options: [option("a")] },
      { id: "q3", domain: "d1", difficulty: 3, prompt: "?", options: [option("a")] },
    ],
  },
  survey: {
    items: [
      {
        id: "s1",
        kind: "likert",
        prompt: "?",
        scale: { min: 1, max: 5, minLabel: "non", maxLabel: "oui" },
      },
      {
        id: "s2",
        kind: "multiple",
        prompt: "?",
        options: [option("x"), option("y")],
        maxChoices: 1,
      },
    ],
  },
} as unknown as BilanQuestionnaire;
const empty = { qcm: {}, survey: {} };

describe("questionnaire steps", () => {
  it("makes one step per non-empty domain, in order, then the survey", () => {
    const steps = buildSteps(data);
    expect(steps.map((s) => s.id)).toEqual(["d1", "d2", "survey"]);
    expect(steps[0]?.kind === "domain" && steps[0].questions.map((q) => q.id)).toEqual([
      "q1",
      "q3",
    ]);
  });

  it("lists the missing answers of a step and resumes at the first incomplete one", () => {
    const steps = buildSteps(data);
    const answers = withQcmAnswer(withQcmAnswer(empty, "q1", "a"), "q3", "a");
    expect(missingInStep(steps[0]!, answers)).toEqual([]);
    expect(missingInStep(steps[1]!, answers)).toEqual(["q2"]);
    expect(firstIncompleteStep(steps, answers)).toBe(1);
    const all = withSurveyAnswer(
      withSurveyAnswer(withQcmAnswer(answers, "q2", "a"), "s1", 3),
      "s2",
      ["x"],
    );
    expect(firstIncompleteStep(steps, all)).toBe(2);
    expect(countAnswers(steps, all)).toEqual({ answered: 5, total: 5 });
  });

  it("treats an emptied multiple choice as unanswered", () => {
    const steps = buildSteps(data);
    const answers = withSurveyAnswer(withSurveyAnswer(empty, "s2", ["x"]), "s2", []);
    expect(answers.survey).toEqual({});
    expect(missingInStep(steps[2]!, answers)).toEqual(["s1", "s2"]);
  });

  it("toggles choices within maxChoices", () => {
    expect(toggleChoice(undefined, "x", 1)).toEqual(["x"]);
    expect(toggleChoice(["x"], "y", 1)).toBeNull();
    expect(toggleChoice(["x"], "x", 1)).toEqual([]);
    expect(toggleChoice(["x"], "y")).toEqual(["x", "y"]);
  });

  it("never mutates the answers it starts from", () => {
    const before = { qcm: { q1: "a" }, survey: { s1: 2 } };
    withQcmAnswer(before, "q1", "b");
    withSurveyAnswer(before, "s1", 4);
    expect(before).toEqual({ qcm: { q1: "a" }, survey: { s1: 2 } });
  });

  it("says how many answers are missing in French", () => {
    expect(missingSentence(1)).toBe("Il manque 1 réponse");
    expect(missingSentence(3)).toBe("Il manque 3 réponses");
  });
});
