// Which questionnaire subjects a student may start, from their niveau and spécialités.
// Spécialités are free text typed by staff (« Mathématiques », « NSI », « Physique-chimie »,
// « Maths expertes »…); each is recognised by a normalised keyword. Rules:
// - a subject is offered when a questionnaire exists for the student's niveau and one of
//   their spécialités names that subject;
// - a student without any spécialité on record (seconde, or not filled in yet) is offered
//   every subject that has a questionnaire for their niveau.
// Pure: Convex (bilans.availableSubjects) and the web app share it.
import { type Niveau, type Subject, subjects } from "./domain";
import { questionnaireFor } from "./questionnaires";

/** Lowercase ASCII, accents and punctuation folded to spaces. */
function fold(text: string): string {
  return ` ${text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()} `;
}

const KEYWORDS: Record<Subject, readonly string[]> = {
  maths: [" math", " mathematiques "],
  nsi: [" nsi ", " numerique et sciences informatiques ", " informatique "],
  "physique-chimie": [" physique ", " physique chimie ", " pc "],
};

/** The questionnaire subject a spécialité label names, or null (SVT, SES, HGGSP…). */
export function subjectOfSpecialite(label: string): Subject | null {
  const folded = fold(label);
  for (const subject of subjects) {
    if (KEYWORDS[subject].some((keyword) => folded.includes(keyword))) return subject;
  }
  return null;
}

/** Subjects the student may start, in the order of `subjects` (see the rules above). */
export function subjectsForStudent(student: {
  niveau: Niveau;
  specialites: readonly string[];
}): Subject[] {
  const withQuestionnaire = subjects.filter((s) => questionnaireFor(s, student.niveau) !== null);
  if (student.specialites.length === 0) return withQuestionnaire;
  const named = new Set(student.specialites.map(subjectOfSpecialite));
  return withQuestionnaire.filter((s) => named.has(s));
}

/**
 * Subjects a coaching session may be booked in: those the student's spécialités name, or every
 * subject when none is named (no questionnaire needed: coaching is not a bilan).
 */
export function bookableSubjects(student: { specialites: readonly string[] }): Subject[] {
  const named = new Set(student.specialites.map(subjectOfSpecialite));
  const out = subjects.filter((s) => named.has(s));
  return out.length > 0 ? out : [...subjects];
}
