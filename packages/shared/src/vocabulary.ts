// The domain's vocabulary: value lists, their types and the French labels people read.
// No zod here, so that the web app's pages can show a label without shipping zod to the
// browser; the matching zod schemas (zRole, zSubject, …) live in ./domain, which re-exports
// all of this. Pure data only: no I/O may enter this package.
export const roles = ["admin", "assistante", "coach", "parent", "eleve"] as const;
export type Role = (typeof roles)[number];

/** Staff see every student; the others see students through a relationship. */
export const staffRoles = ["admin", "assistante"] as const satisfies readonly Role[];

export const niveaux = ["seconde", "premiere", "terminale"] as const;
export type Niveau = (typeof niveaux)[number];

export const niveauLabels: Record<Niveau, string> = {
  seconde: "Seconde",
  premiere: "Première",
  terminale: "Terminale",
};

/** A student's school situation. */
export const statuts = ["scolarise", "candidat_libre"] as const;
export type Statut = (typeof statuts)[number];

export const subjects = ["maths", "nsi", "physique-chimie"] as const;
export type Subject = (typeof subjects)[number];

export const subjectLabels: Record<Subject, string> = {
  maths: "Mathématiques",
  nsi: "Numérique et sciences informatiques",
  "physique-chimie": "Physique-chimie",
};

/**
 * Bilan status machine (ARCHITECTURE.md):
 * draft → submitted → generating → review → approved → sent,
 * failed reachable from the generating states, and back to generating for a regeneration.
 */
export const bilanStatuses = [
  "draft",
  "submitted",
  "generating",
  "review",
  "approved",
  "sent",
  "failed",
] as const;
export type BilanStatus = (typeof bilanStatuses)[number];

/** What a person reads for each status (badges, lists, e-mails). */
export const bilanStatusLabels: Record<BilanStatus, string> = {
  draft: "Brouillon",
  submitted: "Envoyé pour analyse",
  generating: "En cours de génération",
  review: "À relire",
  approved: "Approuvé",
  sent: "Envoyé",
  failed: "Échec",
};

export const bilanTransitions: Record<BilanStatus, readonly BilanStatus[]> = {
  draft: ["submitted"],
  submitted: ["generating", "failed"],
  generating: ["review", "failed"],
  review: ["generating", "approved"],
  approved: ["sent", "generating", "failed"],
  sent: ["generating"],
  failed: ["generating"],
};

export function canTransition(from: BilanStatus, to: BilanStatus): boolean {
  return bilanTransitions[from].includes(to);
}

export const masteryLevels = ["non_acquis", "en_cours", "acquis", "maitrise"] as const;
export type Mastery = (typeof masteryLevels)[number];

export const masteryLabels: Record<Mastery, string> = {
  non_acquis: "Non acquis",
  en_cours: "En cours d'acquisition",
  acquis: "Acquis",
  maitrise: "Maîtrisé",
};
