// Answer checking and QCM scoring. Pure functions over validated questionnaires.
//
// Scoring rules (also in packages/shared/README.md):
// - a question's weight is its difficulty (1, 2 or 3);
// - per domain, `earned` = sum of the weights of correctly answered questions,
//   `max` = sum of the weights of all its questions (unanswered ones count 0
//   and are counted in `unanswered`);
// - percent = round half up of 100 · earned / max (the same as Math.round for
//   these non-negative values, computed with integers so .5 is exact);
// - mastery from percent: < 40 non_acquis, < 60 en_cours, < 80 acquis, ≥ 80 maitrise;
// - `overall` applies the same rules to all questions; domains keep questionnaire order.
import type { Mastery } from "./domain";
import type { Questionnaire, Survey } from "./questionnaire";
import type { BilanAnswers, BilanScores, DomainScore, SurveyAnswer } from "./results";

export type AnswerErrorCode =
  | "UNKNOWN_QUESTION"
  | "UNKNOWN_OPTION"
  | "UNKNOWN_ITEM"
  | "INVALID_SURVEY_ANSWER"
  | "INCOMPLETE";

/** Answers that do not fit the questionnaire or the survey; the French message names the id. */
export class AnswerError extends Error {
  override readonly name = "AnswerError";
  constructor(
    readonly code: AnswerErrorCode,
    message: string,
    /** The offending question or item id(s). */
    readonly ids: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Round half up of 100 · earned / max, in integers. `earned` and `max` are integers, max > 0. */
export function percentOf(earned: number, max: number): number {
  if (max <= 0) return 0;
  return Math.floor((200 * earned + max) / (2 * max));
}

export function masteryFor(percent: number): Mastery {
  if (percent < 40) return "non_acquis";
  if (percent < 60) return "en_cours";
  if (percent < 80) return "acquis";
  return "maitrise";
}

export function checkQcmAnswers(q: Questionnaire, qcm: BilanAnswers["qcm"]): void {
  for (const [questionId, optionId] of Object.entries(qcm)) {
    const question = q.questions.find((x) => x.id === questionId);
    if (question === undefined) {
      throw new AnswerError(
        "UNKNOWN_QUESTION",
        `Question inconnue « ${questionId} » dans le questionnaire « ${q.id} ».`,
        [questionId],
      );
    }
    if (!question.options.some((o) => o.id === optionId)) {
      throw new AnswerError(
        "UNKNOWN_OPTION",
        `Réponse inconnue « ${optionId} » pour la question « ${questionId} » du questionnaire « ${q.id} ».`,
        [questionId],
      );
    }
  }
}

function invalid(survey: Survey, itemId: string, why: string): AnswerError {
  return new AnswerError(
    "INVALID_SURVEY_ANSWER",
    `Réponse invalide à la question « ${itemId} » du questionnaire « ${survey.id} » : ${why}.`,
    [itemId],
  );
}

function checkSurveyAnswer(survey: Survey, itemId: string, value: SurveyAnswer): void {
  const item = survey.items.find((x) => x.id === itemId);
  if (item === undefined) {
    throw new AnswerError(
      "UNKNOWN_ITEM",
      `Question inconnue « ${itemId} » dans le questionnaire « ${survey.id} ».`,
      [itemId],
    );
  }
  const unknownOption = (optionId: string) =>
    new AnswerError(
      "UNKNOWN_OPTION",
      `Réponse inconnue « ${optionId} » pour la question « ${itemId} » du questionnaire « ${survey.id} ».`,
      [itemId],
    );
  switch (item.kind) {
    case "likert": {
      const { min, max } = item.scale;
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw invalid(survey, itemId, `un nombre entier de ${min} à ${max} est attendu`);
      }
      return;
    }
    case "single": {
      if (typeof value !== "string") throw invalid(survey, itemId, "un seul choix est attendu");
      if (!item.options.some((o) => o.id === value)) throw unknownOption(value);
      return;
    }
    case "multiple": {
      if (!Array.isArray(value)) throw invalid(survey, itemId, "une liste de choix est attendue");
      for (const optionId of value) {
        if (!item.options.some((o) => o.id === optionId)) throw unknownOption(optionId);
      }
      if (new Set(value).size !== value.length) {
        throw invalid(survey, itemId, "un même choix apparaît plusieurs fois");
      }
      const most = item.maxChoices ?? item.options.length;
      if (value.length > most) {
        throw invalid(survey, itemId, `au plus ${most} choix sont possibles`);
      }
      return;
    }
  }
}

export function checkSurveyAnswers(survey: Survey, answers: BilanAnswers["survey"]): void {
  for (const [itemId, value] of Object.entries(answers)) checkSurveyAnswer(survey, itemId, value);
}

/** An empty multiple-choice answer counts as not answered. */
export function isAnswered(value: SurveyAnswer | undefined): boolean {
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/** Ids of the questions and survey items not answered yet, in questionnaire order. */
export function missingAnswers(
  q: Questionnaire,
  survey: Survey,
  answers: BilanAnswers,
): { questions: string[]; items: string[] } {
  return {
    questions: q.questions.filter((x) => answers.qcm[x.id] === undefined).map((x) => x.id),
    items: survey.items.filter((x) => !isAnswered(answers.survey[x.id])).map((x) => x.id),
  };
}

/**
 * Checks that every answer refers to a known question / item / option and is
 * well formed. Partial answers are fine unless `requireComplete` is set, in
 * which case a missing answer throws INCOMPLETE listing the missing ids.
 */
export function checkAnswers(
  q: Questionnaire,
  survey: Survey,
  answers: BilanAnswers,
  options: { requireComplete?: boolean } = {},
): void {
  checkQcmAnswers(q, answers.qcm);
  checkSurveyAnswers(survey, answers.survey);
  if (options.requireComplete) {
    const missing = missingAnswers(q, survey, answers);
    const ids = [...missing.questions, ...missing.items];
    if (ids.length > 0) {
      throw new AnswerError(
        "INCOMPLETE",
        `Il reste ${ids.length} question${ids.length > 1 ? "s" : ""} sans réponse : ${ids.join(", ")}.`,
        ids,
      );
    }
  }
}

export function scoreQcm(q: Questionnaire, qcm: BilanAnswers["qcm"]): BilanScores {
  checkQcmAnswers(q, qcm);
  const domains: DomainScore[] = q.domains.map((domain) => {
    let earned = 0;
    let max = 0;
    let answered = 0;
    let total = 0;
    for (const question of q.questions) {
      if (question.domain !== domain.id) continue;
      total += 1;
      max += question.difficulty;
      const given = qcm[question.id];
      if (given === undefined) continue;
      answered += 1;
      if (given === question.correct) earned += question.difficulty;
    }
    const percent = percentOf(earned, max);
    return {
      domainId: domain.id,
      label: domain.label,
      earned,
      max,
      percent,
      mastery: masteryFor(percent),
      answered,
      total,
    };
  });
  const earned = domains.reduce((sum, d) => sum + d.earned, 0);
  const max = domains.reduce((sum, d) => sum + d.max, 0);
  const percent = percentOf(earned, max);
  return {
    questionnaireId: q.id,
    questionnaireVersion: q.version,
    domains,
    overall: { earned, max, percent, mastery: masteryFor(percent) },
    unanswered: domains.reduce((sum, d) => sum + d.total - d.answered, 0),
  };
}
