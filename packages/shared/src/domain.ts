// Domain vocabulary shared by Convex, the worker and the web app.
// Pure data and zod schemas only: no I/O may enter this package.
import { z } from "zod";
import "./zod-fr";

export const roles = ["admin", "assistante", "coach", "parent", "eleve"] as const;
export const zRole = z.enum(roles);
export type Role = z.infer<typeof zRole>;

/** Staff see every student; the others see students through a relationship. */
export const staffRoles = ["admin", "assistante"] as const satisfies readonly Role[];

export const niveaux = ["seconde", "premiere", "terminale"] as const;
export const zNiveau = z.enum(niveaux);
export type Niveau = z.infer<typeof zNiveau>;

export const niveauLabels: Record<Niveau, string> = {
  seconde: "Seconde",
  premiere: "Première",
  terminale: "Terminale",
};

/** A student's school situation. */
export const statuts = ["scolarise", "candidat_libre"] as const;
export const zStatut = z.enum(statuts);
export type Statut = z.infer<typeof zStatut>;

export const subjects = ["maths", "nsi", "physique-chimie"] as const;
export const zSubject = z.enum(subjects);
export type Subject = z.infer<typeof zSubject>;

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
export const zBilanStatus = z.enum(bilanStatuses);
export type BilanStatus = z.infer<typeof zBilanStatus>;

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
export const zMastery = z.enum(masteryLevels);
export type Mastery = z.infer<typeof zMastery>;

export const masteryLabels: Record<Mastery, string> = {
  non_acquis: "Non acquis",
  en_cours: "En cours d'acquisition",
  acquis: "Acquis",
  maitrise: "Maîtrisé",
};
