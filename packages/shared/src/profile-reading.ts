// How a family reads the pedagogical profile: every dimension on a scale where higher is
// better (the stress score is turned into « Sérénité face aux évaluations » = 100 − stress),
// four levels whose thresholds separate real profiles (the five demo students spread over
// all four), and one plain sentence per dimension and level. Pure; the stored profile is
// unchanged (scores and the three stored levels stay as computed by profile.ts).
import type { PedagogicalProfile, ProfileDimension } from "./results";

export const readingLevels = ["appui", "solide", "fragile", "attention"] as const;
export type ReadingLevel = (typeof readingLevels)[number];

/** Lower bounds of each level on the oriented 0–100 scale (higher is better). */
export const readingThresholds: Record<Exclude<ReadingLevel, "attention">, number> = {
  appui: 70,
  solide: 55,
  fragile: 40,
};

export const readingLevelLabels: Record<ReadingLevel, string> = {
  appui: "Point d’appui",
  solide: "Plutôt solide",
  fragile: "À renforcer",
  attention: "Point d’attention",
};

export function readingLevelFor(oriented: number): ReadingLevel {
  if (oriented >= readingThresholds.appui) return "appui";
  if (oriented >= readingThresholds.solide) return "solide";
  if (oriented >= readingThresholds.fragile) return "fragile";
  return "attention";
}

/** Dimensions whose raw score grows with the difficulty: shown as 100 − score. */
export const reversedDimensions: ReadonlySet<ProfileDimension> = new Set(["stress"]);

export const orientedLabels: Record<ProfileDimension, string> = {
  motivation: "Motivation",
  organisation: "Organisation",
  methodes: "Méthodes de travail",
  stress: "Sérénité face aux évaluations",
  autonomie: "Autonomie",
};

const meanings: Record<ProfileDimension, Record<ReadingLevel, string>> = {
  motivation: {
    appui: "L’envie de travailler la matière est nette et porte les efforts.",
    solide: "L’intérêt est présent ; des objectifs courts le rendront plus durable.",
    fragile: "L’intérêt varie selon les moments ; des réussites visibles aideront à le relancer.",
    attention:
      "Le découragement vient vite : il faut des objectifs courts et des progrès rendus visibles.",
  },
  organisation: {
    appui: "Le travail est planifié et régulier, ce qui facilite le suivi du plan.",
    solide: "Une organisation existe, à rendre plus régulière d’une semaine à l’autre.",
    fragile: "Le travail se fait souvent au dernier moment ; des créneaux fixes aideront.",
    attention:
      "Le travail personnel manque de cadre : un planning hebdomadaire est la première étape.",
  },
  methodes: {
    appui:
      "Les méthodes d’apprentissage sont actives et efficaces (exercices, fiches, analyse des erreurs).",
    solide: "Les méthodes sont correctes ; l’analyse des erreurs peut encore les renforcer.",
    fragile:
      "L’apprentissage repose surtout sur la relecture ; s’entraîner activement sera plus efficace.",
    attention:
      "Il n’y a pas encore de méthode de travail établie : c’est à construire avec le coach.",
  },
  stress: {
    appui: "Les évaluations sont abordées avec calme.",
    solide: "Un peu d’appréhension avant les évaluations, sans perte de moyens notable.",
    fragile:
      "Le stress des évaluations pèse parfois sur les résultats ; des entraînements en temps limité aideront.",
    attention:
      "Le stress fait perdre ses moyens pendant les évaluations : c’est une priorité du suivi.",
  },
  autonomie: {
    appui: "Le travail se lance sans qu’on ait à le rappeler et les blocages se règlent sans aide.",
    solide: "Une bonne part du travail se fait en autonomie ; l’aide reste utile sur les blocages.",
    fragile: "Le travail attend souvent un rappel ou une vérification d’un adulte.",
    attention:
      "L’autonomie est à construire : un point régulier avec le coach structurera le travail.",
  },
};

export interface ProfileReading {
  id: ProfileDimension;
  label: string;
  /** 0–100, higher is better (reversed dimensions turned). */
  score: number;
  /** The stored score, before turning (equal to `score` unless reversed). */
  rawScore: number;
  reversed: boolean;
  level: ReadingLevel;
  levelLabel: string;
  meaning: string;
}

export function readProfile(profile: PedagogicalProfile): ProfileReading[] {
  return profile.dimensions.map((d) => {
    const reversed = reversedDimensions.has(d.id);
    const score = reversed ? 100 - d.score : d.score;
    const level = readingLevelFor(score);
    return {
      id: d.id,
      label: orientedLabels[d.id],
      score,
      rawScore: d.score,
      reversed,
      level,
      levelLabel: readingLevelLabels[level],
      meaning: meanings[d.id][level],
    };
  });
}
