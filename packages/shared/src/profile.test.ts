import { describe, expect, it } from "vitest";
import { computeProfile, levelFor } from "./profile";
import { parseSurvey } from "./questionnaire";
import { type BilanAnswers, zPedagogicalProfile } from "./results";
import { AnswerError } from "./scoring";

const agree = {
  min: 1,
  max: 5,
  minLabel: "Pas du tout d'accord",
  maxLabel: "Tout à fait d'accord",
};
const survey = parseSurvey("profile-fixture.json", {
  id: "profile-fixture",
  version: 2,
  title: "Enquête de test",
  dimensions: [
    { id: "motivation", label: "Motivation" },
    { id: "organisation", label: "Organisation" },
    { id: "methodes", label: "Méthodes de travail" },
    { id: "stress", label: "Stress" },
    { id: "autonomie", label: "Autonomie" },
  ],
  items: [
    { id: "m-like", kind: "likert", prompt: "J'aime.", dimension: "motivation", scale: agree },
    {
      id: "m-rev",
      kind: "likert",
      prompt: "Je me décourage.",
      dimension: "motivation",
      reverse: true,
      scale: agree,
    },
    {
      id: "o-like",
      kind: "likert",
      prompt: "Je planifie.",
      dimension: "organisation",
      scale: agree,
    },
    { id: "s-like", kind: "likert", prompt: "J'angoisse.", dimension: "stress", scale: agree },
    {
      id: "rythme",
      kind: "single",
      prompt: "Rythme ?",
      options: [
        {
          id: "regulier",
          label: "Régulier",
          contributions: { organisation: 90 },
          trait: "Travaille régulièrement.",
        },
        {
          id: "urgence",
          label: "Urgence",
          contributions: { organisation: 20, stress: 80 },
          trait: "Travaille dans l'urgence.",
        },
      ],
    },
    {
      id: "methodes",
      kind: "multiple",
      prompt: "Méthodes ?",
      options: [
        {
          id: "fiches",
          label: "Fiches",
          contributions: { methodes: 80 },
          trait: "Fait des fiches.",
        },
        {
          id: "exos",
          label: "Exercices",
          contributions: { methodes: 100 },
          trait: "Fait des exercices.",
        },
        { id: "rien", label: "Rien", contributions: { methodes: 10 } },
        { id: "video", label: "Vidéos", trait: "Regarde des vidéos." },
        {
          id: "aide",
          label: "Aide",
          contributions: { autonomie: 30, methodes: 40 },
          trait: "Fait des fiches.",
        },
      ],
    },
    {
      id: "a-scale",
      kind: "likert",
      prompt: "Autonomie de 0 à 10.",
      dimension: "autonomie",
      scale: { min: 0, max: 10, minLabel: "Jamais seul", maxLabel: "Toujours seul" },
    },
  ],
});

type Dim = [score: number, level: "faible" | "moyen" | "eleve"];
const neutral: Dim = [50, "moyen"];

describe("computeProfile", () => {
  const cases: {
    name: string;
    answers: BilanAnswers["survey"];
    motivation?: Dim;
    organisation?: Dim;
    methodes?: Dim;
    stress?: Dim;
    autonomie?: Dim;
    traits?: string[];
  }[] = [
    { name: "nothing answered: every dimension neutral", answers: {} },
    {
      name: "direct 5 and reverse 5 cancel out",
      answers: { "m-like": 5, "m-rev": 5 },
      motivation: [50, "moyen"], // (100 + (100 − 100)) / 2 = 50
    },
    {
      name: "reverse Likert: disagreeing with a negative statement is high",
      answers: { "m-like": 4, "m-rev": 2 },
      motivation: [75, "eleve"], // 4 → 75 ; 2 → 25 reversed 75 ; mean 75
    },
    {
      name: "x.5 rounds up",
      answers: { "m-like": 1, "m-rev": 4 },
      motivation: [13, "faible"], // 1 → 0 ; 4 → 75 reversed 25 ; mean 12.5 → 13
    },
    {
      name: "single choice averaged with Likert items of the same dimension",
      answers: { "o-like": 2, rythme: "urgence", "s-like": 3 },
      organisation: [23, "faible"], // (25 + 20) / 2 = 22.5 → 23
      stress: [65, "moyen"], // (50 + 80) / 2 = 65
      traits: ["Travaille dans l'urgence."],
    },
    {
      name: "multiple choice: mean of the chosen options, traits in option order",
      answers: { methodes: ["exos", "fiches"] },
      methodes: [90, "eleve"], // (80 + 100) / 2 = 90
      traits: ["Fait des fiches.", "Fait des exercices."],
    },
    {
      name: "multiple choice feeding two dimensions, duplicate trait kept once",
      answers: { methodes: ["aide", "video", "fiches"], "a-scale": 7 },
      methodes: [60, "moyen"], // fiches 80, aide 40 (video maps nothing) → 60
      autonomie: [50, "moyen"], // 0–10 scale: 7 → 70 ; aide 30 ; (70 + 30) / 2 = 50
      traits: ["Fait des fiches.", "Regarde des vidéos."],
    },
    {
      name: "an answered item mapping no value leaves the dimension neutral; traits in survey order",
      answers: { methodes: ["video"], rythme: "regulier" },
      organisation: [90, "eleve"],
      methodes: neutral, // video carries a trait only
      traits: ["Travaille régulièrement.", "Regarde des vidéos."],
    },
    {
      name: "stress: higher means more stressed; level boundary at 40",
      answers: { "s-like": 5, "a-scale": 4 },
      stress: [100, "eleve"],
      autonomie: [40, "moyen"], // 4 on 0–10 → 40
    },
    {
      name: "70 is already eleve",
      answers: { "a-scale": 7 },
      autonomie: [70, "eleve"], // 7 on 0–10 → 70
    },
    {
      name: "faible under 40, moyen between",
      answers: { "a-scale": 3, "o-like": 1, rythme: "regulier" },
      autonomie: [30, "faible"],
      organisation: [45, "moyen"], // (0 + 90) / 2 = 45
      traits: ["Travaille régulièrement."],
    },
  ];

  it.each(cases)("$name", (c) => {
    const profile = computeProfile(survey, c.answers);
    expect(zPedagogicalProfile.parse(profile)).toEqual(profile);
    expect(profile.surveyId).toBe("profile-fixture");
    expect(profile.surveyVersion).toBe(2);
    const got = Object.fromEntries(profile.dimensions.map((d) => [d.id, [d.score, d.level]]));
    expect(got).toEqual({
      motivation: c.motivation ?? neutral,
      organisation: c.organisation ?? neutral,
      methodes: c.methodes ?? neutral,
      stress: c.stress ?? neutral,
      autonomie: c.autonomie ?? neutral,
    });
    expect(profile.dimensions.map((d) => d.id)).toEqual([
      "motivation",
      "organisation",
      "methodes",
      "stress",
      "autonomie",
    ]);
    expect(profile.dimensions[2]!.label).toBe("Méthodes de travail");
    expect(profile.traits).toEqual(c.traits ?? []);
  });

  it("does not depend on the order options were ticked in", () => {
    const a = computeProfile(survey, { methodes: ["aide", "fiches", "exos"] });
    const b = computeProfile(survey, { methodes: ["exos", "aide", "fiches"] });
    expect(a).toEqual(b);
  });

  it("rejects malformed answers with an AnswerError", () => {
    expect(() => computeProfile(survey, { "a-scale": 11 })).toThrow(AnswerError);
    expect(() => computeProfile(survey, { nope: 1 })).toThrow(/« nope »/);
  });

  it.each([
    [0, "faible"],
    [39, "faible"],
    [40, "moyen"],
    [69, "moyen"],
    [70, "eleve"],
    [100, "eleve"],
  ])("levelFor(%i) = %s", (score, level) => {
    expect(levelFor(score)).toBe(level);
  });
});
