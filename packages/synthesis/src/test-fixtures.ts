// Test fixtures: valid BilanScores / PedagogicalProfile for each subject, built
// here rather than from @nexus/shared/questionnaires so these tests do not
// depend on questionnaire data. Used by tests only.
import {
  type Mastery,
  masteryLevels,
  type Niveau,
  type Statut,
  type Subject,
} from "@nexus/shared/domain";
import {
  type BilanScores,
  type DomainScore,
  type PedagogicalProfile,
  type ProfileLevel,
  zBilanScores,
  zPedagogicalProfile,
} from "@nexus/shared/results";
import type { RetrievedChunk, SynthesisInput } from "./contracts";

export const subjectDomains: Record<Subject, [string, string][]> = {
  maths: [
    ["suites", "Suites numériques"],
    ["fonctions", "Fonctions et dérivation"],
    ["probabilites", "Probabilités"],
    ["geometrie", "Géométrie repérée"],
    ["algebre", "Algèbre"],
  ],
  nsi: [
    ["python", "Programmation en Python"],
    ["donnees", "Types et structures de données"],
    ["algorithmique", "Algorithmique"],
    ["architecture", "Architecture et réseaux"],
  ],
  "physique-chimie": [
    ["mecanique", "Mouvement et interactions"],
    ["energie", "Énergie : conversions et transferts"],
    ["ondes", "Ondes et signaux"],
    ["matiere", "Constitution et transformations de la matière"],
  ],
};

/** Same thresholds as @nexus/shared/scoring (duplicated to stay independent of it). */
export function masteryOf(percent: number): Mastery {
  if (percent < 40) return "non_acquis";
  if (percent < 60) return "en_cours";
  if (percent < 80) return "acquis";
  return "maitrise";
}

const basePercent: Record<Mastery, number> = {
  non_acquis: 25,
  en_cours: 50,
  acquis: 65,
  maitrise: 85,
};

/** Scores where domain i has masteries[i]; percents differ per domain, all consistent with mastery. */
export function makeScores(subject: Subject, masteries: Mastery[]): BilanScores {
  const domains: DomainScore[] = subjectDomains[subject].map(([domainId, label], i) => {
    const mastery = masteries[i % masteries.length]!;
    const percent = basePercent[mastery] + ((i * 3) % 9);
    const max = 20;
    return {
      domainId,
      label,
      earned: (percent * max) / 100,
      max,
      percent,
      mastery,
      answered: 8,
      total: 8,
    };
  });
  const earned = domains.reduce((s, d) => s + d.earned, 0);
  const max = domains.reduce((s, d) => s + d.max, 0);
  const percent = Math.round((100 * earned) / max);
  return zBilanScores.parse({
    questionnaireId: `${subject}-premiere`,
    questionnaireVersion: 1,
    domains,
    overall: { earned, max, percent, mastery: masteryOf(percent) },
    unanswered: 0,
  });
}

export type ProfileKind = "fragile" | "moyen" | "solide";

const profileScores: Record<ProfileKind, Record<string, number>> = {
  fragile: { motivation: 30, organisation: 25, methodes: 35, stress: 80, autonomie: 30 },
  moyen: { motivation: 55, organisation: 50, methodes: 45, stress: 50, autonomie: 60 },
  solide: { motivation: 85, organisation: 75, methodes: 72, stress: 20, autonomie: 78 },
};

function levelOf(score: number): ProfileLevel {
  return score < 40 ? "faible" : score < 70 ? "moyen" : "eleve";
}

const dimensionLabels = {
  motivation: "Motivation",
  organisation: "Organisation",
  methodes: "Méthodes de travail",
  stress: "Gestion du stress",
  autonomie: "Autonomie",
} as const;

export function makeProfile(kind: ProfileKind, traits: string[] = []): PedagogicalProfile {
  return zPedagogicalProfile.parse({
    surveyId: "pedagogical-survey",
    surveyVersion: 1,
    dimensions: (Object.keys(dimensionLabels) as (keyof typeof dimensionLabels)[]).map((id) => ({
      id,
      label: dimensionLabels[id],
      score: profileScores[kind][id]!,
      level: levelOf(profileScores[kind][id]!),
    })),
    traits,
  });
}

export function makeChunks(subject: Subject): RetrievedChunk[] {
  const [first, second] = subjectDomains[subject];
  return [
    {
      chunkId: `${subject}-c1`,
      documentTitle: `Fiches de révision ${subject}`,
      page: 4,
      text: `Méthode détaillée pour ${first![1]} avec exemples corrigés.`,
      domainIds: [first![0]],
      score: 0.9,
    },
    {
      chunkId: `${subject}-c2`,
      documentTitle: "Guide méthodologique du lycée",
      page: 12,
      text: `Exercices guidés sur ${second![1]}.`,
      score: 0.7,
    },
    {
      chunkId: `${subject}-c3`,
      documentTitle: "Annales commentées",
      page: 27,
      text: "Sujets d’entraînement avec barème et corrigés.",
      score: 0.5,
    },
  ];
}

export function makeInput(options: {
  subject: Subject;
  masteries: Mastery[];
  profile?: ProfileKind;
  niveau?: Niveau;
  statut?: Statut;
  firstName?: string;
  chunks?: boolean;
  instructions?: string;
  traits?: string[];
}): SynthesisInput {
  return {
    student: {
      firstName: options.firstName ?? "Léa",
      lastName: "Martin",
      niveau: options.niveau ?? "premiere",
      statut: options.statut ?? "scolarise",
      specialites: ["Mathématiques", "Physique-chimie"],
    },
    subject: options.subject,
    scores: makeScores(options.subject, options.masteries),
    profile: makeProfile(options.profile ?? "moyen", options.traits),
    chunks: options.chunks ? makeChunks(options.subject) : [],
    ...(options.instructions !== undefined ? { instructions: options.instructions } : {}),
  };
}

/** Each rotation gives every domain a different mastery; together they give each domain each level. */
export function masteryRotations(): Mastery[][] {
  return masteryLevels.map((_, r) =>
    masteryLevels.map((__, i) => masteryLevels[(i + r) % masteryLevels.length]!),
  );
}
