// One call for what a submitted bilan needs: check the answers, score the QCM
// and compute the pedagogical profile.
import { computeProfile } from "./profile";
import { getQuestionnaire, getSurvey } from "./questionnaires";
import type { BilanAnswers, BilanScores, PedagogicalProfile } from "./results";
import { checkAnswers, scoreQcm } from "./scoring";

/** Throws UnknownQuestionnaireError or AnswerError (both with French messages). */
export function scoreBilan(
  questionnaireId: string,
  answers: BilanAnswers,
  options: { requireComplete?: boolean } = {},
): { scores: BilanScores; profile: PedagogicalProfile } {
  const questionnaire = getQuestionnaire(questionnaireId);
  const survey = getSurvey();
  checkAnswers(questionnaire, survey, answers, options);
  return {
    scores: scoreQcm(questionnaire, answers.qcm),
    profile: computeProfile(survey, answers.survey),
  };
}
