// The pedagogical profile computed from the survey answers. Pure.
//
// Rules (also in packages/shared/README.md):
// - a Likert answer v on a scale min..max gives 100 · (v − min) / (max − min)
//   (1→0, 2→25, 3→50, 4→75, 5→100 on 1–5); reverse items give 100 minus that;
// - a single-choice answer gives, for each dimension its option maps, the mapped value;
// - a multiple-choice answer gives, for each dimension, the mean of the values
//   of the chosen options that map it (the item counts once per dimension);
// - a dimension's score is Math.round of the mean of its item values; with no
//   answered item it is a neutral 50 (level `moyen`), so missing answers never
//   read as a weakness;
// - levels: < 40 faible, < 70 moyen, ≥ 70 eleve (for `stress`, higher = more stressed);
// - traits: the `trait` of every chosen option, in survey order then option
//   order, without duplicates.
import type { Survey } from "./questionnaire";
import {
  type BilanAnswers,
  type PedagogicalProfile,
  type ProfileDimension,
  type ProfileLevel,
  profileDimensions,
} from "./results";
import { checkSurveyAnswers } from "./scoring";

export const NEUTRAL_SCORE = 50;

export function levelFor(score: number): ProfileLevel {
  if (score < 40) return "faible";
  if (score < 70) return "moyen";
  return "eleve";
}

export function computeProfile(
  survey: Survey,
  answers: BilanAnswers["survey"],
): PedagogicalProfile {
  checkSurveyAnswers(survey, answers);
  const values = new Map<ProfileDimension, number[]>(profileDimensions.map((d) => [d, []]));
  const traits: string[] = [];
  const addTrait = (trait: string | undefined) => {
    if (trait !== undefined && !traits.includes(trait)) traits.push(trait);
  };

  for (const item of survey.items) {
    const answer = answers[item.id];
    if (answer === undefined) continue;
    if (item.kind === "likert") {
      const { min, max } = item.scale;
      const direct = (100 * ((answer as number) - min)) / (max - min);
      values.get(item.dimension)!.push(item.reverse ? 100 - direct : direct);
      continue;
    }
    const chosenIds = typeof answer === "string" ? [answer] : (answer as string[]);
    // Option order, not click order, so the same choices always give the same profile.
    const chosen = item.options.filter((o) => chosenIds.includes(o.id));
    for (const dim of profileDimensions) {
      const mapped = chosen.flatMap((o) => {
        const v = o.contributions[dim];
        return v === undefined ? [] : [v];
      });
      if (mapped.length > 0) values.get(dim)!.push(mean(mapped));
    }
    for (const option of chosen) addTrait(option.trait);
  }

  return {
    surveyId: survey.id,
    surveyVersion: survey.version,
    dimensions: profileDimensions.map((id) => {
      const list = values.get(id)!;
      const score = list.length === 0 ? NEUTRAL_SCORE : Math.round(mean(list));
      return {
        id,
        label: survey.dimensions.find((d) => d.id === id)!.label,
        score,
        level: levelFor(score),
      };
    }),
    traits,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
