import { describe, expect, it } from "vitest";
import mathsPremiereRaw from "../questionnaires/maths-premiere.json";
import surveyRaw from "../questionnaires/pedagogical-survey.json";
import {
  parseQuestionnaire,
  parseSurvey,
  QuestionnaireFileError,
  studentSurveyView,
  studentView,
} from "./questionnaire";
import {
  buildRegistry,
  getQuestionnaire,
  getSurvey,
  listQuestionnaires,
  questionnaireFor,
  UnknownQuestionnaireError,
} from "./questionnaires";
import { profileDimensions } from "./results";

const clone = <T>(value: T): any => structuredClone(value);

/** Runs `fn`, expects a QuestionnaireFileError and returns its message. */
function fileError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(QuestionnaireFileError);
    return (error as Error).message;
  }
  throw new Error("expected a QuestionnaireFileError");
}

describe("questionnaire files", () => {
  const all = listQuestionnaires();

  it("registers the four lycée questionnaires", () => {
    expect(all.map((q) => q.id).sort()).toEqual([
      "maths-premiere",
      "maths-terminale",
      "nsi-terminale",
      "physique-chimie-premiere",
    ]);
  });

  describe.each(all.map((q) => [q.id, q] as const))("%s", (_id, q) => {
    it("has 15–25 questions in 4–6 domains, each domain with at least 2", () => {
      expect(q.questions.length).toBeGreaterThanOrEqual(15);
      expect(q.questions.length).toBeLessThanOrEqual(25);
      expect(q.domains.length).toBeGreaterThanOrEqual(4);
      expect(q.domains.length).toBeLessThanOrEqual(6);
      for (const d of q.domains) {
        expect(q.questions.filter((x) => x.domain === d.id).length).toBeGreaterThanOrEqual(2);
      }
    });

    it("has unique question ids and unique option ids within each question", () => {
      const ids = q.questions.map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const x of q.questions) {
        expect(new Set(x.options.map((o) => o.id)).size).toBe(x.options.length);
      }
    });

    it("has exactly one correct option per question, among 3–5 options", () => {
      for (const x of q.questions) {
        expect(x.options.filter((o) => o.id === x.correct)).toHaveLength(1);
        expect(x.options.length).toBeGreaterThanOrEqual(3);
        expect(x.options.length).toBeLessThanOrEqual(5);
        // Two options with the same text would make the question ambiguous.
        expect(new Set(x.options.map((o) => o.label)).size).toBe(x.options.length);
      }
    });

    it("uses every difficulty level and refers only to its own domains", () => {
      const domainIds = new Set(q.domains.map((d) => d.id));
      for (const x of q.questions) expect(domainIds.has(x.domain)).toBe(true);
      expect(new Set(q.questions.map((x) => x.difficulty))).toEqual(new Set([1, 2, 3]));
    });

    it("is found by its subject and niveau, and by id", () => {
      expect(questionnaireFor(q.subject, q.niveau)).toBe(q);
      expect(getQuestionnaire(q.id)).toBe(q);
    });
  });

  it("returns null when no questionnaire exists for a subject and niveau", () => {
    expect(questionnaireFor("nsi", "seconde")).toBeNull();
  });

  it("throws a French UnknownQuestionnaireError naming the id", () => {
    expect(() => getQuestionnaire("histoire-seconde")).toThrow(UnknownQuestionnaireError);
    expect(() => getQuestionnaire("histoire-seconde")).toThrow(
      "Questionnaire inconnu : « histoire-seconde ».",
    );
  });

  it("shares frozen objects, so a caller cannot corrupt the registry", () => {
    const q = getQuestionnaire("maths-premiere");
    expect(() => {
      (q.questions[0] as { correct: string }).correct = "zzz";
    }).toThrow(TypeError);
    expect(Object.isFrozen(getSurvey().items[0])).toBe(true);
  });

  it("studentView hides correct answers and explanations", () => {
    const view = studentView(getQuestionnaire("nsi-terminale"));
    expect(view.questions.length).toBe(getQuestionnaire("nsi-terminale").questions.length);
    const json = JSON.stringify(view);
    expect(json).not.toContain('"correct"');
    expect(json).not.toContain('"explanation"');
    expect(json).toContain('"code"');
  });
});

describe("pedagogical survey file", () => {
  const survey = getSurvey();

  it("has 12–20 items measuring every dimension with Likert and choice items", () => {
    expect(survey.items.length).toBeGreaterThanOrEqual(12);
    expect(survey.items.length).toBeLessThanOrEqual(20);
    expect(survey.dimensions.map((d) => d.id).sort()).toEqual([...profileDimensions].sort());
    const kinds = new Set(survey.items.map((i) => i.kind));
    expect(kinds).toEqual(new Set(["likert", "single", "multiple"]));
    expect(survey.items.some((i) => i.kind === "likert" && i.reverse)).toBe(true);
    for (const dim of profileDimensions) {
      expect(survey.items.some((i) => i.kind === "likert" && i.dimension === dim)).toBe(true);
    }
  });

  it("has unique item ids and unique option ids within each item", () => {
    const ids = survey.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const item of survey.items) {
      if (item.kind === "likert") continue;
      expect(new Set(item.options.map((o) => o.id)).size).toBe(item.options.length);
    }
  });
});

describe("loader rejects broken files, naming the file and the offending id", () => {
  it("accepts the untouched file (so the rejections below come from the change)", () => {
    expect(parseQuestionnaire("maths-premiere.json", clone(mathsPremiereRaw)).id).toBe(
      "maths-premiere",
    );
  });

  it("duplicate question id", () => {
    const data = clone(mathsPremiereRaw);
    data.questions[3].id = data.questions[0].id; // sd-4 → sd-1
    const message = fileError(() => parseQuestionnaire("maths-premiere.json", data));
    expect(message).toContain("maths-premiere.json");
    expect(message).toContain('[id "maths-premiere"] questions.3.id: duplicate question id "sd-1"');
  });

  it("question pointing to a missing domain", () => {
    const data = clone(mathsPremiereRaw);
    data.questions[0].domain = "geometrie";
    const message = fileError(() => parseQuestionnaire("maths-premiere.json", data));
    expect(message).toContain('question "sd-1" refers to unknown domain "geometrie"');
  });

  it("correct option that is not among the options", () => {
    const data = clone(mathsPremiereRaw);
    data.questions[1].correct = "e";
    const message = fileError(() => parseQuestionnaire("maths-premiere.json", data));
    expect(message).toContain('question "sd-2": correct option "e" is not one of its options');
  });

  it("duplicate option id within a question", () => {
    const data = clone(mathsPremiereRaw);
    data.questions[0].options[1].id = data.questions[0].options[0].id;
    const message = fileError(() => parseQuestionnaire("maths-premiere.json", data));
    expect(message).toMatch(/duplicate option \(question "sd-1"\) id/);
  });

  it("domain left with fewer than 2 questions", () => {
    const data = clone(mathsPremiereRaw);
    data.questions = data.questions.filter(
      (x: { id: string; domain: string }) => x.domain !== "suites" || x.id === "su-1",
    );
    const message = fileError(() => parseQuestionnaire("maths-premiere.json", data));
    expect(message).toContain('domain "suites" has 1 question(s); at least 2 are required');
  });

  it("duplicate domain id", () => {
    const data = clone(mathsPremiereRaw);
    data.domains[1].id = data.domains[0].id;
    const message = fileError(() => parseQuestionnaire("maths-premiere.json", data));
    expect(message).toContain('domains.1.id: duplicate domain id "second-degre"');
  });

  it("out-of-range difficulty and unknown field", () => {
    const data = clone(mathsPremiereRaw);
    data.questions[2].difficulty = 4;
    data.questions[3].answer = "a";
    const message = fileError(() => parseQuestionnaire("maths-premiere.json", data));
    expect(message).toContain("questions.2.difficulty: difficulty must be 1, 2 or 3");
    expect(message).toMatch(/questions\.3: Clé non reconnue : "answer"/);
  });

  it("registry: file name must match the id, and one questionnaire per subject and niveau", () => {
    const data = clone(mathsPremiereRaw);
    expect(fileError(() => buildRegistry({ "maths-1.json": data }))).toContain(
      '[id "maths-premiere"] id must match the file name',
    );
    const twin = clone(mathsPremiereRaw);
    twin.id = "maths-premiere-bis";
    const message = fileError(() =>
      buildRegistry({ "maths-premiere.json": data, "maths-premiere-bis.json": twin }),
    );
    expect(message).toContain("maths-premiere-bis.json");
    expect(message).toContain('maths/premiere already has questionnaire "maths-premiere"');
  });

  it("survey: duplicate item, insane Likert range, missing dimension label, maxChoices too high", () => {
    expect(parseSurvey("pedagogical-survey.json", clone(surveyRaw)).items.length).toBe(
      surveyRaw.items.length,
    );
    const cases: [mutate: (s: any) => void, expected: string][] = [
      [
        (s) => {
          s.items[1].id = s.items[0].id;
        },
        'duplicate item id "mot-interet"',
      ],
      [
        (s) => {
          s.items[0].scale = { ...s.items[0].scale, min: 5, max: 1 };
        },
        "items.0.scale: Likert scale must span",
      ],
      [
        (s) => {
          s.items[0].scale = { ...s.items[0].scale, min: 1, max: 4 }; // 100 / 3 is not an integer
        },
        "items.0.scale: Likert scale must span",
      ],
      [
        (s) => {
          s.dimensions = s.dimensions.filter((d: { id: string }) => d.id !== "stress");
        },
        'missing label for dimension "stress"',
      ],
      [
        (s) => {
          const multi = s.items.find((i: { kind: string }) => i.kind === "multiple");
          multi.maxChoices = multi.options.length + 1;
        },
        "maxChoices",
      ],
    ];
    for (const [mutate, expected] of cases) {
      const data = clone(surveyRaw);
      mutate(data);
      const message = fileError(() => parseSurvey("pedagogical-survey.json", data));
      expect(message).toContain("pedagogical-survey.json");
      expect(message).toContain('[id "pedagogical-survey"]');
      expect(message).toContain(expected);
    }
  });
});

describe("studentSurveyView", () => {
  it("keeps prompts, choices and scales but not how answers score", () => {
    const survey = getSurvey();
    const view = studentSurveyView(survey);
    expect(view.items.map((i) => i.id)).toEqual(survey.items.map((i) => i.id));
    const text = JSON.stringify(view);
    for (const hidden of ["contributions", "trait", "dimension", "reverse"]) {
      expect(text).not.toContain(`"${hidden}"`);
    }
    const multiple = survey.items.find((i) => i.kind === "multiple");
    const viewed = view.items.find((i) => i.id === multiple?.id);
    expect(viewed).toMatchObject({ kind: "multiple", prompt: multiple?.prompt });
  });
});
