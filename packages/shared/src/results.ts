// The computed results of a bilan: what scoring produces and what every
// later stage (synthesis, grounding check, PDF, email) must quote exactly.
import { z } from "zod";
import "./zod-fr";
import { zMastery } from "./domain";

/** Answers as stored on a bilan: QCM option ids and survey responses by item id. */
export const zSurveyAnswer = z.union([z.number(), z.string(), z.array(z.string())]);
export type SurveyAnswer = z.infer<typeof zSurveyAnswer>;

export const zBilanAnswers = z.object({
  qcm: z.record(z.string(), z.string()),
  survey: z.record(z.string(), zSurveyAnswer),
});
export type BilanAnswers = z.infer<typeof zBilanAnswers>;

export const zDomainScore = z.object({
  domainId: z.string(),
  label: z.string(),
  /** Difficulty-weighted points earned and available. */
  earned: z.number(),
  max: z.number(),
  /** Integer percentage 0–100: the only form a percentage is ever shown in. */
  percent: z.number().int().min(0).max(100),
  mastery: zMastery,
  answered: z.number().int(),
  total: z.number().int(),
});
export type DomainScore = z.infer<typeof zDomainScore>;

export const zBilanScores = z.object({
  questionnaireId: z.string(),
  questionnaireVersion: z.number().int(),
  domains: z.array(zDomainScore),
  overall: z.object({
    earned: z.number(),
    max: z.number(),
    percent: z.number().int().min(0).max(100),
    mastery: zMastery,
  }),
  unanswered: z.number().int(),
});
export type BilanScores = z.infer<typeof zBilanScores>;

export const profileDimensions = [
  "motivation",
  "organisation",
  "methodes",
  "stress",
  "autonomie",
] as const;
export const zProfileDimension = z.enum(profileDimensions);
export type ProfileDimension = z.infer<typeof zProfileDimension>;

export const zProfileLevel = z.enum(["faible", "moyen", "eleve"]);
export type ProfileLevel = z.infer<typeof zProfileLevel>;

export const zPedagogicalProfile = z.object({
  surveyId: z.string(),
  surveyVersion: z.number().int(),
  dimensions: z.array(
    z.object({
      id: zProfileDimension,
      label: z.string(),
      /** Integer 0–100; for `stress`, higher means more stressed. */
      score: z.number().int().min(0).max(100),
      level: zProfileLevel,
    }),
  ),
  /** Short French statements derived from the survey (e.g. preferred ways of working). */
  traits: z.array(z.string()),
});
export type PedagogicalProfile = z.infer<typeof zPedagogicalProfile>;
