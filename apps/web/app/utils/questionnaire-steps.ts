// The questionnaire page's pure logic: one step per domain, then the pedagogical survey;
// which questions of a step are still unanswered; answers as the next saveAnswers sends them
// (saveAnswers replaces the whole answers object, so every change starts from the latest one).
// Browser-safe, no I/O.
import type { api } from "@convex/_generated/api";
import type { FunctionReturnType } from "convex/server";

export type BilanQuestionnaire = FunctionReturnType<typeof api.bilans.questionnaire>;
export type Answers = BilanQuestionnaire["answers"];
export type SurveyValue = Answers["survey"][string];
export type Question = BilanQuestionnaire["questionnaire"]["questions"][number];
export type SurveyItem = BilanQuestionnaire["survey"]["items"][number];

export type Step =
  | { kind: "domain"; id: string; title: string; description: string; questions: Question[] }
  | { kind: "survey"; id: "survey"; title: string; description: string; items: SurveyItem[] };

/** Domains in questionnaire order (empty ones left out), then the survey. */
export function buildSteps(data: Pick<BilanQuestionnaire, "questionnaire" | "survey">): Step[] {
  const { questionnaire, survey } = data;
  const steps: Step[] = [];
  for (const domain of questionnaire.domains) {
    const questions = questionnaire.questions.filter((q) => q.domain === domain.id);
    if (questions.length === 0) continue;
    steps.push({
      kind: "domain",
      id: domain.id,
      title: domain.label,
      description: domain.description,
      questions,
    });
  }
  steps.push({
    kind: "survey",
    id: "survey",
    title: "Votre façon de travailler",
    description:
      survey.description ??
      "Quelques questions sur votre manière d'apprendre : il n'y a pas de bonne ou de mauvaise réponse.",
    items: survey.items,
  });
  return steps;
}

export function isSurveyAnswered(value: SurveyValue | undefined): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  return value !== "";
}

/** Ids of the step's questions (or survey items) without an answer, in page order. */
export function missingInStep(step: Step, answers: Answers): string[] {
  if (step.kind === "domain") {
    return step.questions.filter((q) => answers.qcm[q.id] === undefined).map((q) => q.id);
  }
  return step.items.filter((item) => !isSurveyAnswered(answers.survey[item.id])).map((i) => i.id);
}

/** Where to resume: the first step with a missing answer, else the last step. */
export function firstIncompleteStep(steps: Step[], answers: Answers): number {
  const index = steps.findIndex((step) => missingInStep(step, answers).length > 0);
  return index === -1 ? steps.length - 1 : index;
}

export function countAnswers(steps: Step[], answers: Answers): { answered: number; total: number } {
  let total = 0;
  let missing = 0;
  for (const step of steps) {
    total += step.kind === "domain" ? step.questions.length : step.items.length;
    missing += missingInStep(step, answers).length;
  }
  return { answered: total - missing, total };
}

export function withQcmAnswer(answers: Answers, questionId: string, optionId: string): Answers {
  return { ...answers, qcm: { ...answers.qcm, [questionId]: optionId } };
}

/** Sets a survey answer; an empty multiple choice removes the answer. */
export function withSurveyAnswer(answers: Answers, itemId: string, value: SurveyValue): Answers {
  const survey = { ...answers.survey };
  if (Array.isArray(value) && value.length === 0) delete survey[itemId];
  else survey[itemId] = value;
  return { ...answers, survey };
}

/**
 * A checkbox of a multiple-choice item toggled: adds or removes `optionId`; adding beyond
 * `maxChoices` is refused (returns null) so the page can say why.
 */
export function toggleChoice(
  current: SurveyValue | undefined,
  optionId: string,
  maxChoices?: number,
): string[] | null {
  const chosen = Array.isArray(current) ? current : [];
  if (chosen.includes(optionId)) return chosen.filter((id) => id !== optionId);
  if (maxChoices !== undefined && chosen.length >= maxChoices) return null;
  return [...chosen, optionId];
}

/** « Il manque 1 réponse » / « Il manque 3 réponses ». */
export function missingSentence(count: number): string {
  return count === 1 ? "Il manque 1 réponse" : `Il manque ${count} réponses`;
}
