// Phrase banks of the local writer. Every phrase is a complete, correct French
// sentence for any domain label: labels are always quoted after "domaine", so no
// article, gender or élision depends on them, and the student is never the
// subject of an agreeing adjective (gender-neutral by construction).
import type { Mastery, Subject } from "@nexus/shared/domain";
import type { ProfileDimension } from "@nexus/shared/results";

/** Fill values for one domain: quoted label and formatted percentage. */
export interface DomainWords {
  L: string;
  P: string;
}

type DomainPhrase = (w: DomainWords) => string;

export const subjectWords: Record<Subject, { en: string }> = {
  maths: { en: "en mathématiques" },
  nsi: { en: "en NSI" },
  "physique-chimie": { en: "en physique-chimie" },
};

export const overallPhrases: Record<Mastery, string[]> = {
  non_acquis: [
    "les bases sont encore fragiles et demandent un travail suivi",
    "plusieurs notions de base restent à reconstruire",
  ],
  en_cours: [
    "les acquis sont en construction et peuvent progresser nettement",
    "les connaissances sont en place par endroits mais restent irrégulières",
  ],
  acquis: [
    "les acquis sont solides et quelques points restent à consolider",
    "les notions essentielles sont comprises et bien appliquées",
  ],
  maitrise: [
    "le niveau est très solide sur l’essentiel du programme",
    "les notions sont maîtrisées et permettent de viser plus haut",
  ],
};

export const strengthPhrases: Record<"acquis" | "maitrise", DomainPhrase[]> = {
  maitrise: [
    ({ L, P }) =>
      `Le domaine ${L} est maîtrisé avec ${P} de réussite : les automatismes sont en place et permettent d’aborder des exercices exigeants.`,
    ({ L, P }) =>
      `Avec ${P} dans le domaine ${L}, les notions sont maîtrisées ; c’est un point d’appui solide pour la suite du programme.`,
    ({ L, P }) =>
      `Très bon résultat dans le domaine ${L} (${P}) : les méthodes sont sûres et bien appliquées.`,
  ],
  acquis: [
    ({ L, P }) =>
      `Le domaine ${L} est acquis (${P}) : les bases sont solides, il reste à gagner en régularité sur les questions difficiles.`,
    ({ L, P }) =>
      `Avec ${P} de réussite, le domaine ${L} est acquis ; quelques automatismes restent à consolider pour viser la maîtrise.`,
    ({ L, P }) =>
      `Résultat satisfaisant dans le domaine ${L} (${P}) : les notions essentielles sont comprises.`,
  ],
};

export const weaknessPhrases: Record<Mastery, DomainPhrase[]> = {
  non_acquis: [
    ({ L, P }) =>
      `Le domaine ${L} n’est pas encore acquis (${P}) : les notions de base sont à reprendre pas à pas.`,
    ({ L, P }) =>
      `Avec ${P} de réussite, le domaine ${L} demande une reprise des fondamentaux avant d’aborder des exercices plus complexes.`,
    ({ L, P }) =>
      `Le domaine ${L} (${P}) est prioritaire : les erreurs montrent des bases encore fragiles.`,
  ],
  en_cours: [
    ({ L, P }) =>
      `Le domaine ${L} est en cours d’acquisition (${P}) : les notions sont connues mais leur application reste irrégulière.`,
    ({ L, P }) =>
      `Avec ${P}, le domaine ${L} progresse mais manque encore de régularité ; un entraînement ciblé devrait suffire pour le consolider.`,
    ({ L, P }) =>
      `Dans le domaine ${L} (${P}), les bases sont présentes mais les méthodes ne sont pas encore automatiques.`,
  ],
  // Used only when a percentage below the weak threshold carries a higher label,
  // or to name the margin of progress when no domain is weak.
  acquis: [
    ({ L, P }) =>
      `Le domaine ${L} est acquis (${P}), mais c’est là que la marge de progression est la plus nette.`,
    ({ L, P }) =>
      `Le domaine ${L} (${P}) est acquis ; c’est le domaine le moins assuré du bilan et le premier à consolider.`,
  ],
  maitrise: [
    ({ L, P }) =>
      `Le domaine ${L} (${P}) est maîtrisé ; c’est néanmoins le moins avancé des domaines évalués.`,
  ],
};

export const recommendationTitles: Record<Mastery, DomainPhrase[]> = {
  non_acquis: [
    ({ L }) => `Reprendre les bases du domaine ${L}`,
    ({ L }) => `Reconstruire le domaine ${L} pas à pas`,
  ],
  en_cours: [
    ({ L }) => `Consolider le domaine ${L}`,
    ({ L }) => `Rendre plus sûres les méthodes du domaine ${L}`,
  ],
  acquis: [
    ({ L }) => `Approfondir le domaine ${L}`,
    ({ L }) => `Viser la maîtrise du domaine ${L}`,
  ],
  maitrise: [({ L }) => `Aller plus loin dans le domaine ${L}`],
};

export const recommendationOpeners: Record<Mastery, DomainPhrase[]> = {
  non_acquis: [
    ({ L, P }) =>
      `Avec ${P}, le domaine ${L} demande de reprendre le cours notion par notion, en commençant par les définitions et les exemples les plus simples.`,
    ({ L, P }) =>
      `Le domaine ${L} (${P}) se retravaille d’abord par des exercices d’application directe, refaits jusqu’à devenir faciles.`,
  ],
  en_cours: [
    ({ L, P }) =>
      `Le domaine ${L} (${P}) se consolide par des séries courtes d’exercices progressifs, en corrigeant soi-même chaque erreur.`,
    ({ L, P }) =>
      `Pour le domaine ${L} (${P}), alterner des exercices de difficulté croissante et la relecture des erreurs notées dans une fiche.`,
  ],
  acquis: [
    ({ L, P }) =>
      `Le domaine ${L} (${P}) peut encore progresser grâce à des exercices de synthèse et des sujets de type examen.`,
  ],
  maitrise: [
    ({ L, P }) =>
      `Le domaine ${L} (${P}) permet d’aborder des problèmes ouverts et des exercices d’approfondissement.`,
  ],
};

export const methodTips: Record<Subject, string[]> = {
  maths: [
    "rédiger chaque étape du raisonnement plutôt que de viser directement le résultat",
    "refaire les exercices types sans regarder la correction, puis comparer",
    "tenir une fiche de méthodes avec un exemple résolu pour chaque type de question",
    "vérifier chaque résultat par un calcul de contrôle ou un ordre de grandeur",
  ],
  nsi: [
    "écrire et tester de petits programmes en Python pour chaque notion",
    "dérouler un algorithme à la main sur un exemple avant de passer au code",
    "découper chaque problème en fonctions courtes et les tester une par une",
    "relire les messages d’erreur et noter ceux qui reviennent souvent",
  ],
  "physique-chimie": [
    "vérifier systématiquement les unités et les ordres de grandeur",
    "schématiser la situation avant de poser le moindre calcul",
    "relier chaque formule à sa signification physique et à ses conditions d’utilisation",
    "rédiger les réponses avec la démarche, le résultat et son unité",
  ],
};

export const activityPhrases: Record<
  Subject,
  { course: DomainPhrase; practice: DomainPhrase; challenge: DomainPhrase; exam: DomainPhrase }
> = {
  maths: {
    course: ({ L }) => `Relire le cours du domaine ${L} et compléter la fiche de méthodes`,
    practice: ({ L }) => `Exercices d’application progressifs sur le domaine ${L}`,
    challenge: ({ L }) => `Exercices de synthèse mêlant le domaine ${L} aux autres notions`,
    exam: ({ L }) => `Exercice de type bac sur le domaine ${L}, rédigé en temps limité`,
  },
  nsi: {
    course: ({ L }) => `Reprendre le cours du domaine ${L} avec des exemples commentés`,
    practice: ({ L }) => `Programmer de petits exercices sur le domaine ${L} et les tester`,
    challenge: ({ L }) => `Mini-projet mobilisant le domaine ${L}`,
    exam: ({ L }) => `Exercice de type épreuve écrite sur le domaine ${L}, en temps limité`,
  },
  "physique-chimie": {
    course: ({ L }) => `Revoir le cours du domaine ${L} : définitions, lois et unités`,
    practice: ({ L }) => `Exercices d’application sur le domaine ${L}, avec schéma et unités`,
    challenge: ({ L }) => `Problème de type examen centré sur le domaine ${L}`,
    exam: ({ L }) => `Sujet d’annales sur le domaine ${L}, rédigé en temps limité`,
  },
};

export type PlanPhase = "reprise" | "consolidation" | "entrainement" | "approfondissement";

export const phaseObjectives: Record<PlanPhase, DomainPhrase[]> = {
  reprise: [
    ({ L }) => `Reprendre les bases du domaine ${L}`,
    ({ L }) => `Revoir les notions essentielles du domaine ${L}`,
  ],
  consolidation: [
    ({ L }) => `Consolider les méthodes du domaine ${L}`,
    ({ L }) => `Gagner en régularité dans le domaine ${L}`,
  ],
  entrainement: [
    ({ L }) => `S’entraîner sur des exercices variés du domaine ${L}`,
    ({ L }) => `Automatiser les méthodes du domaine ${L} par la pratique`,
  ],
  approfondissement: [
    ({ L }) => `Approfondir le domaine ${L} avec des exercices exigeants`,
    ({ L }) => `Se confronter à des sujets d’examen sur le domaine ${L}`,
  ],
};

/** Profile dimensions seen as an issue or as an asset, with their French wording. */
export const profileIssue: Partial<
  Record<ProfileDimension, { level: "faible" | "eleve"; clause: string }>
> = {
  stress: { level: "eleve", clause: "le stress face aux évaluations est marqué" },
  organisation: {
    level: "faible",
    clause: "l’organisation du travail personnel reste à structurer",
  },
  methodes: { level: "faible", clause: "les méthodes de travail sont à renforcer" },
  motivation: { level: "faible", clause: "la motivation est à soutenir" },
  autonomie: { level: "faible", clause: "l’autonomie reste à développer" },
};

export const profileAsset: Partial<
  Record<ProfileDimension, { level: "faible" | "eleve"; clause: string }>
> = {
  motivation: { level: "eleve", clause: "la motivation est un atout" },
  organisation: { level: "eleve", clause: "l’organisation du travail est un atout" },
  methodes: { level: "eleve", clause: "les méthodes de travail sont efficaces" },
  autonomie: { level: "eleve", clause: "l’autonomie est un atout" },
  stress: { level: "faible", clause: "le stress face aux évaluations est bien géré" },
};

/** Order in which profile issues are addressed when several are present. */
export const issuePriority: ProfileDimension[] = [
  "stress",
  "organisation",
  "methodes",
  "motivation",
  "autonomie",
];

export const profileRecommendations: Record<
  ProfileDimension,
  { title: string; body: (L: string) => string; habit: string }
> = {
  stress: {
    title: "Apprivoiser le stress des évaluations",
    body: (L) =>
      `Des entraînements en temps limité, d’abord courts puis plus longs, sur le domaine ${L}, aident à gagner en confiance avant les contrôles.`,
    habit: "Entraînement en temps limité, suivi d’une analyse calme des erreurs",
  },
  organisation: {
    title: "Organiser son travail personnel",
    body: (L) =>
      `Des créneaux fixes dans la semaine, notés dans un agenda, permettent de revenir régulièrement sur le domaine ${L} au lieu de tout reprendre la veille des contrôles.`,
    habit: "Planifier les séances de la semaine dans un agenda",
  },
  methodes: {
    title: "Renforcer ses méthodes de travail",
    body: (L) =>
      `Reformuler chaque méthode dans une fiche personnelle, avec un exemple résolu du domaine ${L}, aide à la retenir et à la réutiliser.`,
    habit: "Construire une fiche de synthèse à partir des erreurs de la semaine",
  },
  motivation: {
    title: "Entretenir la motivation",
    body: (L) =>
      `Se fixer chaque semaine un objectif court et atteignable dans le domaine ${L}, puis le faire valider, rend les progrès visibles et entretient l’envie de continuer.`,
    habit: "Fixer un objectif court pour la semaine et le faire valider par le coach",
  },
  autonomie: {
    title: "Gagner en autonomie",
    body: (L) =>
      `Commencer chaque exercice du domaine ${L} sans aide, noter ce qui bloque, puis en parler lors d’un point régulier avec le coach, développe l’autonomie pas à pas.`,
    habit: "Point d’étape avec le coach sur le travail de la semaine",
  },
};

export const closingSentences = [
  "Avec un travail régulier, des progrès nets sont à portée de main.",
  "Un travail régulier et ciblé permettra de progresser rapidement.",
  "Les résultats montrent un potentiel réel, qu’un travail suivi permettra de confirmer.",
];
