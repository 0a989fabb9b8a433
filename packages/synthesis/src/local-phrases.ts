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

// Strengths and weaknesses are printed after their domain's label (« Fonctions : … »): the
// sentence does not name the domain again, and openings vary.
export const strengthPhrases: Record<"acquis" | "maitrise", DomainPhrase[]> = {
  maitrise: [
    ({ P }) =>
      `Maîtrisé avec ${P} de réussite : les automatismes sont en place et permettent d’aborder des exercices exigeants.`,
    ({ P }) =>
      `Avec ${P}, les notions sont maîtrisées ; c’est un point d’appui solide pour la suite du programme.`,
    ({ P }) => `Très bon résultat (${P}) : les méthodes sont sûres et bien appliquées.`,
  ],
  acquis: [
    ({ P }) =>
      `Acquis (${P}) : les bases sont solides, il reste à gagner en régularité sur les questions difficiles.`,
    ({ P }) =>
      `Avec ${P} de réussite, c’est acquis ; quelques automatismes restent à consolider pour viser la maîtrise.`,
    ({ P }) => `Résultat satisfaisant (${P}) : les notions essentielles sont comprises.`,
  ],
};

export const weaknessPhrases: Record<Mastery, DomainPhrase[]> = {
  non_acquis: [
    ({ P }) => `Pas encore acquis (${P}) : les notions de base sont à reprendre pas à pas.`,
    ({ P }) =>
      `Avec ${P} de réussite, une reprise des fondamentaux s’impose avant d’aborder des exercices plus complexes.`,
    ({ P }) => `Priorité du plan (${P}) : les erreurs montrent des bases encore fragiles.`,
  ],
  en_cours: [
    ({ P }) =>
      `En cours d’acquisition (${P}) : les notions sont connues mais leur application reste irrégulière.`,
    ({ P }) =>
      `Avec ${P}, des progrès sont visibles mais manquent encore de régularité ; un entraînement ciblé devrait suffire.`,
    ({ P }) =>
      `Les bases sont présentes (${P}), mais les méthodes ne sont pas encore automatiques.`,
  ],
  // Used only when a percentage below the weak threshold carries a higher label,
  // or to name the margin of progress when no domain is weak.
  acquis: [
    ({ P }) => `Acquis (${P}), mais c’est là que la marge de progression est la plus nette.`,
    ({ P }) =>
      `Acquis (${P}) ; c’est le domaine le moins assuré du bilan et le premier à consolider.`,
  ],
  maitrise: [({ P }) => `Maîtrisé (${P}) ; c’est néanmoins le moins avancé des domaines évalués.`],
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
  { title: string; body: (L: string) => string; habits: readonly string[] }
> = {
  stress: {
    title: "Apprivoiser le stress des évaluations",
    body: (L) =>
      `Des entraînements en temps limité, d’abord courts puis plus longs, sur le domaine ${L}, aident à gagner en confiance avant les contrôles.`,
    habits: [
      "Entraînement en temps limité, suivi d’une analyse calme des erreurs",
      "Exercice chronométré court, puis relecture posée de la copie",
      "Questions de cours en temps limité pour gagner en confiance",
      "Mini-évaluation à la maison dans les conditions d’un contrôle",
    ],
  },
  organisation: {
    title: "Organiser son travail personnel",
    body: (L) =>
      `Des créneaux fixes dans la semaine, notés dans un agenda, permettent de revenir régulièrement sur le domaine ${L} au lieu de tout reprendre la veille des contrôles.`,
    habits: [
      "Planifier les séances de la semaine dans un agenda",
      "Faire le point sur l’agenda : séances tenues, séances à replacer",
      "Préparer dès le vendredi le planning de la semaine suivante",
      "Cocher dans l’agenda les objectifs atteints de la semaine",
    ],
  },
  methodes: {
    title: "Renforcer ses méthodes de travail",
    body: (L) =>
      `Reformuler chaque méthode dans une fiche personnelle, avec un exemple résolu du domaine ${L}, aide à la retenir et à la réutiliser.`,
    habits: [
      "Construire une fiche de synthèse à partir des erreurs de la semaine",
      "Compléter le carnet d’erreurs et reformuler la méthode correcte",
      "Refaire sans aide un exercice raté dans la semaine",
      "Expliquer à voix haute une méthode de la semaine, sans notes",
    ],
  },
  motivation: {
    title: "Entretenir la motivation",
    body: (L) =>
      `Se fixer chaque semaine un objectif court et atteignable dans le domaine ${L}, puis le faire valider, rend les progrès visibles et entretient l’envie de continuer.`,
    habits: [
      "Fixer un objectif court pour la semaine et le faire valider par le coach",
      "Noter les réussites de la semaine dans un carnet de progrès",
      "Choisir avec le coach le défi de la semaine suivante",
      "Relire le carnet de progrès et mesurer le chemin parcouru",
    ],
  },
  autonomie: {
    title: "Gagner en autonomie",
    body: (L) =>
      `Commencer chaque exercice du domaine ${L} sans aide, noter ce qui bloque, puis en parler lors d’un point régulier avec le coach, développe l’autonomie pas à pas.`,
    habits: [
      "Point d’étape avec le coach sur le travail de la semaine",
      "Commencer seul chaque exercice et noter les blocages pour la séance",
      "Corriger soi-même un exercice avec le corrigé, puis en parler au coach",
      "Préparer les questions à poser au coach lors de la prochaine séance",
    ],
  },
};

export const closingSentences = [
  "Avec un travail régulier, des progrès nets sont à portée de main.",
  "Un travail régulier et ciblé permettra de progresser rapidement.",
  "Les résultats montrent un potentiel réel, qu’un travail suivi permettra de confirmer.",
];

/** Weekly habits when the profile raises no particular issue. */
export const defaultHabits: readonly string[] = [
  "Auto-évaluation rapide des notions de la semaine",
  "Carte mentale des notions travaillées dans la semaine",
  "Questions flash sur les notions des semaines précédentes",
  "Relecture active des fiches de la semaine, cahier fermé",
];

/**
 * The survey's traits said in the writer's own words (a clause after « {name} »), so the
 * questionnaire is paraphrased, not quoted. Unknown traits (another survey) fall back to the
 * trait as a clause.
 */
export const traitParaphrases: Record<string, string> = {
  "Consacre peu de temps à la matière en dehors des cours.":
    "consacre pour l’instant peu de temps à la matière en dehors des cours",
  "Consacre beaucoup de temps à la matière en dehors des cours.":
    "investit déjà beaucoup de temps personnel dans la matière",
  "Travaille à heures régulières.": "a pris l’habitude de travailler à heures fixes",
  "Travaille surtout dans l'urgence, la veille des échéances.":
    "travaille plutôt dans l’urgence, juste avant les échéances",
  "Apprend en rédigeant des fiches de synthèse.": "retient mieux en écrivant ses propres fiches",
  "Apprend en s'entraînant sur des exercices.": "apprend d’abord par la pratique des exercices",
  "Apprend surtout en relisant son cours.": "révise surtout par relecture du cours",
  "Apprend en expliquant les notions à d'autres.":
    "consolide ses connaissances en les expliquant à d’autres",
  "Apprend volontiers avec des vidéos explicatives.": "s’appuie volontiers sur des vidéos",
  "N'a pas encore de méthode de travail établie.": "cherche encore sa méthode de travail",
  "Analyse ses erreurs après une mauvaise note.": "revient sur ses erreurs après une mauvaise note",
  "Vit mal les mauvaises notes et s'en inquiète longtemps.":
    "garde longtemps en tête une mauvaise note",
  "Tend à se décourager après un échec.": "perd vite confiance après un échec",
  "Cherche d'abord dans son cours en cas de blocage.":
    "se tourne d’abord vers son cours quand un exercice bloque",
  "Sollicite rapidement de l'aide en cas de difficulté.":
    "demande vite de l’aide devant une difficulté",
  "Abandonne souvent un exercice difficile.": "lâche prise assez vite devant un exercice difficile",
  "Préfère travailler en autonomie, au calme.": "travaille de préférence en autonomie, au calme",
  "Aime travailler en petit groupe.": "apprécie le travail en petit groupe",
  "Progresse bien avec un accompagnement individuel.": "tire profit d’un accompagnement individuel",
  "Travaille avec un fond sonore.": "travaille volontiers avec un fond sonore",
};
