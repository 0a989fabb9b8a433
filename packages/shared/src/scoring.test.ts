import { describe, expect, it } from "vitest";
import { parseQuestionnaire, parseSurvey } from "./questionnaire";
import type { BilanAnswers } from "./results";
import {
  AnswerError,
  checkAnswers,
  masteryFor,
  missingAnswers,
  percentOf,
  scoreQcm,
} from "./scoring";

const opts = [
  { id: "x", label: "X" },
  { id: "y", label: "Y" },
  { id: "z", label: "Z" },
];
const question = (id: string, domain: string, difficulty: 1 | 2 | 3, correct: string) => ({
  id,
  domain,
  difficulty,
  prompt: `Question ${id}`,
  options: opts,
  correct,
  explanation: "Parce que.",
});

// Domain "alg": a1 (weight 1), a2 (2), a3 (2) → max 5.
// Domain "geo": g1 (3), g2 (1), g3 (3), g4 (1) → max 8. Overall max 13.
const fixture = parseQuestionnaire("fixture.json", {
  id: "fixture",
  version: 3,
  subject: "maths",
  niveau: "premiere",
  title: "Questionnaire de test",
  domains: [
    { id: "alg", label: "Algèbre", description: "Calcul." },
    { id: "geo", label: "Géométrie", description: "Figures." },
  ],
  questions: [
    question("a1", "alg", 1, "x"),
    question("g1", "geo", 3, "x"),
    question("a2", "alg", 2, "y"),
    question("g2", "geo", 1, "y"),
    question("a3", "alg", 2, "z"),
    question("g3", "geo", 3, "z"),
    question("g4", "geo", 1, "x"),
  ],
});

const correct = { a1: "x", a2: "y", a3: "z", g1: "x", g2: "y", g3: "z", g4: "x" } as const;
const wrong = { a1: "y", a2: "z", a3: "x", g1: "y", g2: "z", g3: "x", g4: "y" } as const;
type Id = keyof typeof correct;
/** Answers: the listed ids right, the `bad` ids wrong, the others unanswered. */
const answers = (good: Id[], bad: Id[] = []) => ({
  ...Object.fromEntries(bad.map((id) => [id, wrong[id]])),
  ...Object.fromEntries(good.map((id) => [id, correct[id]])),
});

type Expect = [earned: number, max: number, percent: number, mastery: string, answered: number];

describe("scoreQcm", () => {
  const cases: {
    name: string;
    qcm: Record<string, string>;
    alg: Expect;
    geo: Expect;
    overall: [number, number, number, string];
    unanswered: number;
  }[] = [
    {
      name: "all correct",
      qcm: answers(["a1", "a2", "a3", "g1", "g2", "g3", "g4"]),
      alg: [5, 5, 100, "maitrise", 3], // 1+2+2 = 5 of 5
      geo: [8, 8, 100, "maitrise", 4], // 3+1+3+1 = 8 of 8
      overall: [13, 13, 100, "maitrise"],
      unanswered: 0,
    },
    {
      name: "all wrong",
      qcm: answers([], ["a1", "a2", "a3", "g1", "g2", "g3", "g4"]),
      alg: [0, 5, 0, "non_acquis", 3],
      geo: [0, 8, 0, "non_acquis", 4],
      overall: [0, 13, 0, "non_acquis"],
      unanswered: 0,
    },
    {
      name: "nothing answered",
      qcm: {},
      alg: [0, 5, 0, "non_acquis", 0],
      geo: [0, 8, 0, "non_acquis", 0],
      overall: [0, 13, 0, "non_acquis"],
      unanswered: 7,
    },
    {
      name: "threshold 40 exactly, 12.5 rounds up",
      qcm: answers(["a2", "g2"], ["a1"]),
      alg: [2, 5, 40, "en_cours", 2], // 2/5 = 40 % → en_cours (40 is not < 40)
      geo: [1, 8, 13, "non_acquis", 1], // 1/8 = 12.5 % → 13
      overall: [3, 13, 23, "non_acquis"], // 300/13 = 23.08 → 23
      unanswered: 4,
    },
    {
      name: "threshold 60 exactly, 37.5 rounds up to 38",
      qcm: answers(["a1", "a2", "g1"], ["a3", "g2", "g3", "g4"]),
      alg: [3, 5, 60, "acquis", 3], // 1+2 = 3/5 = 60 % → acquis
      geo: [3, 8, 38, "non_acquis", 4], // 3/8 = 37.5 % → 38
      overall: [6, 13, 46, "en_cours"], // 600/13 = 46.15 → 46
      unanswered: 0,
    },
    {
      name: "threshold 80 exactly, 62.5 rounds up to 63",
      qcm: answers(["a2", "a3", "g1", "g2", "g4"]),
      alg: [4, 5, 80, "maitrise", 2], // 2+2 = 4/5 = 80 % → maitrise
      geo: [5, 8, 63, "acquis", 3], // 3+1+1 = 5/8 = 62.5 % → 63
      overall: [9, 13, 69, "acquis"], // 900/13 = 69.23 → 69
      unanswered: 2,
    },
    {
      name: "mixed difficulties: heavy questions weigh more",
      qcm: answers(["a1", "g1", "g3"], ["a2", "a3", "g2", "g4"]),
      alg: [1, 5, 20, "non_acquis", 3], // 1/5 = 20 %
      geo: [6, 8, 75, "acquis", 4], // 3+3 = 6/8 = 75 %
      overall: [7, 13, 54, "en_cours"], // 700/13 = 53.85 → 54
      unanswered: 0,
    },
    {
      name: "87.5 rounds up to 88",
      qcm: answers(["g1", "g2", "g3"], ["g4"]),
      alg: [0, 5, 0, "non_acquis", 0],
      geo: [7, 8, 88, "maitrise", 4], // 3+1+3 = 7/8 = 87.5 % → 88
      overall: [7, 13, 54, "en_cours"], // 700/13 = 53.85 → 54
      unanswered: 3,
    },
  ];

  it.each(cases)("$name", ({ qcm, alg, geo, overall, unanswered }) => {
    const scores = scoreQcm(fixture, qcm);
    expect(scores.questionnaireId).toBe("fixture");
    expect(scores.questionnaireVersion).toBe(3);
    expect(scores.domains.map((d) => d.domainId)).toEqual(["alg", "geo"]);
    const [algScore, geoScore] = scores.domains;
    for (const [got, want, label, total] of [
      [algScore!, alg, "Algèbre", 3],
      [geoScore!, geo, "Géométrie", 4],
    ] as const) {
      expect(got).toEqual({
        domainId: got.domainId,
        label,
        earned: want[0],
        max: want[1],
        percent: want[2],
        mastery: want[3],
        answered: want[4],
        total,
      });
    }
    expect(scores.overall).toEqual({
      earned: overall[0],
      max: overall[1],
      percent: overall[2],
      mastery: overall[3],
    });
    expect(scores.unanswered).toBe(unanswered);
  });

  it("rounds x.5 up across the mastery thresholds (200 questions of weight 1)", () => {
    const big = parseQuestionnaire("big.json", {
      id: "big",
      version: 1,
      subject: "maths",
      niveau: "terminale",
      title: "Grand questionnaire",
      domains: [
        { id: "d", label: "D", description: "D." },
        { id: "e", label: "E", description: "E." },
      ],
      questions: [
        ...Array.from({ length: 200 }, (_, i) => question(`q${i}`, "d", 1, "x")),
        question("e1", "e", 1, "x"),
        question("e2", "e", 1, "x"),
      ],
    });
    const firstRight = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`q${i}`, "x"]));
    const table: [right: number, percent: number, mastery: string][] = [
      [78, 39, "non_acquis"], // 78/200 = 39.0 %
      [79, 40, "en_cours"], // 79/200 = 39.5 % → 40
      [118, 59, "en_cours"], // 59.0 %
      [119, 60, "acquis"], // 59.5 % → 60
      [158, 79, "acquis"], // 79.0 %
      [159, 80, "maitrise"], // 79.5 % → 80
      [1, 1, "non_acquis"], // 0.5 % → 1
    ];
    for (const [right, percent, mastery] of table) {
      const d = scoreQcm(big, firstRight(right)).domains[0]!;
      expect([d.earned, d.max, d.percent, d.mastery]).toEqual([right, 200, percent, mastery]);
    }
  });

  it("rejects an unknown question or option with the id and the questionnaire", () => {
    expect(() => scoreQcm(fixture, { zz: "x" })).toThrow(AnswerError);
    expect(() => scoreQcm(fixture, { zz: "x" })).toThrow(/« zz ».*« fixture »/);
    expect(() => scoreQcm(fixture, { a1: "w" })).toThrow(/« w ».*« a1 »/);
  });
});

describe("percentOf and masteryFor", () => {
  it.each([
    [0, 5, 0],
    [5, 5, 100],
    [1, 3, 33], // 33.33
    [2, 3, 67], // 66.67
    [1, 8, 13], // 12.5 → 13
    [789, 2000, 39], // 39.45 → 39
    [791, 2000, 40], // 39.55 → 40
  ])("percentOf(%i, %i) = %i", (earned, max, want) => {
    expect(percentOf(earned, max)).toBe(want);
  });

  it.each([
    [0, "non_acquis"],
    [39, "non_acquis"],
    [40, "en_cours"],
    [59, "en_cours"],
    [60, "acquis"],
    [79, "acquis"],
    [80, "maitrise"],
    [100, "maitrise"],
  ])("masteryFor(%i) = %s", (percent, mastery) => {
    expect(masteryFor(percent)).toBe(mastery);
  });
});

describe("checkAnswers", () => {
  const survey = parseSurvey("survey-fixture.json", {
    id: "survey-fixture",
    version: 1,
    title: "Enquête",
    dimensions: [
      { id: "motivation", label: "Motivation" },
      { id: "organisation", label: "Organisation" },
      { id: "methodes", label: "Méthodes" },
      { id: "stress", label: "Stress" },
      { id: "autonomie", label: "Autonomie" },
    ],
    items: [
      {
        id: "l1",
        kind: "likert",
        prompt: "Likert",
        dimension: "motivation",
        scale: { min: 1, max: 5, minLabel: "Non", maxLabel: "Oui" },
      },
      {
        id: "s1",
        kind: "single",
        prompt: "Un choix",
        options: [
          { id: "a", label: "A", contributions: { organisation: 10, methodes: 10 } },
          { id: "b", label: "B", contributions: { stress: 90, autonomie: 90 } },
        ],
      },
      {
        id: "m1",
        kind: "multiple",
        prompt: "Plusieurs choix",
        maxChoices: 2,
        options: [
          { id: "a", label: "A", trait: "A." },
          { id: "b", label: "B", trait: "B." },
          { id: "c", label: "C", trait: "C." },
        ],
      },
    ],
  });
  const full: BilanAnswers = {
    qcm: { ...correct },
    survey: { l1: 3, s1: "a", m1: ["a", "c"] },
  };

  it("accepts complete and partial answers", () => {
    expect(() => checkAnswers(fixture, survey, full, { requireComplete: true })).not.toThrow();
    expect(() =>
      checkAnswers(fixture, survey, { qcm: { a1: "x" }, survey: { l1: 5 } }),
    ).not.toThrow();
    expect(() => checkAnswers(fixture, survey, { qcm: {}, survey: {} })).not.toThrow();
  });

  const bad: [name: string, answers: BilanAnswers, code: string, id: string][] = [
    ["unknown question", { qcm: { nope: "x" }, survey: {} }, "UNKNOWN_QUESTION", "nope"],
    ["unknown QCM option", { qcm: { a1: "w" }, survey: {} }, "UNKNOWN_OPTION", "a1"],
    ["empty QCM option", { qcm: { a1: "" }, survey: {} }, "UNKNOWN_OPTION", "a1"],
    ["unknown survey item", { qcm: {}, survey: { zz: 3 } }, "UNKNOWN_ITEM", "zz"],
    ["Likert out of range", { qcm: {}, survey: { l1: 6 } }, "INVALID_SURVEY_ANSWER", "l1"],
    ["Likert not an integer", { qcm: {}, survey: { l1: 2.5 } }, "INVALID_SURVEY_ANSWER", "l1"],
    ["Likert given as text", { qcm: {}, survey: { l1: "3" } }, "INVALID_SURVEY_ANSWER", "l1"],
    ["single given a list", { qcm: {}, survey: { s1: ["a"] } }, "INVALID_SURVEY_ANSWER", "s1"],
    ["single unknown option", { qcm: {}, survey: { s1: "c" } }, "UNKNOWN_OPTION", "s1"],
    ["multiple given text", { qcm: {}, survey: { m1: "a" } }, "INVALID_SURVEY_ANSWER", "m1"],
    ["multiple unknown option", { qcm: {}, survey: { m1: ["a", "d"] } }, "UNKNOWN_OPTION", "m1"],
    ["multiple duplicate", { qcm: {}, survey: { m1: ["a", "a"] } }, "INVALID_SURVEY_ANSWER", "m1"],
    [
      "multiple too many",
      { qcm: {}, survey: { m1: ["a", "b", "c"] } },
      "INVALID_SURVEY_ANSWER",
      "m1",
    ],
  ];
  it.each(bad)("rejects %s with its code and id", (_name, given, code, id) => {
    let caught: unknown;
    try {
      checkAnswers(fixture, survey, given);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AnswerError);
    const error = caught as AnswerError;
    expect(error.code).toBe(code);
    expect(error.ids).toEqual([id]);
    expect(error.message).toContain(`« ${id} »`);
  });

  it("requireComplete lists every missing id, in questionnaire order", () => {
    const partial: BilanAnswers = { qcm: { a1: "x", g2: "y" }, survey: { s1: "b", m1: [] } };
    expect(missingAnswers(fixture, survey, partial)).toEqual({
      questions: ["g1", "a2", "a3", "g3", "g4"],
      items: ["l1", "m1"], // an empty multiple choice is not an answer
    });
    let caught: unknown;
    try {
      checkAnswers(fixture, survey, partial, { requireComplete: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AnswerError);
    expect((caught as AnswerError).code).toBe("INCOMPLETE");
    expect((caught as AnswerError).ids).toEqual(["g1", "a2", "a3", "g3", "g4", "l1", "m1"]);
    expect((caught as AnswerError).message).toMatch(/^Il reste 7 questions sans réponse/);
  });
});
