// The registry of questionnaires and of the pedagogical survey. Data files are
// imported statically (this package is bundled into Convex functions: no fs)
// and validated once, when this module loads: a broken file throws at import.

import mathsPremiere from "../questionnaires/maths-premiere.json";
import mathsTerminale from "../questionnaires/maths-terminale.json";
import nsiTerminale from "../questionnaires/nsi-terminale.json";
import pedagogicalSurvey from "../questionnaires/pedagogical-survey.json";
import physiqueChimiePremiere from "../questionnaires/physique-chimie-premiere.json";
import type { Niveau, Subject } from "./domain";
import {
  parseQuestionnaire,
  parseSurvey,
  type Questionnaire,
  QuestionnaireFileError,
  type Survey,
} from "./questionnaire";

/** Asked for a questionnaire id that does not exist; the message is shown to people. */
export class UnknownQuestionnaireError extends Error {
  override readonly name = "UnknownQuestionnaireError";
  readonly code = "UNKNOWN_QUESTIONNAIRE";
  constructor(readonly questionnaireId: string) {
    super(`Questionnaire inconnu : « ${questionnaireId} ».`);
  }
}

/**
 * Validates every file and the registry as a whole: each file's id matches its
 * name, ids are unique and there is at most one questionnaire per subject and niveau.
 */
export function buildRegistry(files: Record<string, unknown>): Map<string, Questionnaire> {
  const byId = new Map<string, Questionnaire>();
  const bySubjectNiveau = new Map<string, string>();
  for (const [file, data] of Object.entries(files)) {
    const q = parseQuestionnaire(file, data);
    if (file !== `${q.id}.json`) {
      throw new QuestionnaireFileError(file, [`[id "${q.id}"] id must match the file name`]);
    }
    if (byId.has(q.id))
      throw new QuestionnaireFileError(file, [`duplicate questionnaire id "${q.id}"`]);
    const key = `${q.subject}/${q.niveau}`;
    const other = bySubjectNiveau.get(key);
    if (other !== undefined) {
      throw new QuestionnaireFileError(file, [
        `[id "${q.id}"] ${key} already has questionnaire "${other}"`,
      ]);
    }
    byId.set(q.id, q);
    bySubjectNiveau.set(key, q.id);
  }
  return byId;
}

/** Callers share these objects: freezing them turns an accidental mutation into an error. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const registry = buildRegistry({
  "maths-premiere.json": mathsPremiere,
  "maths-terminale.json": mathsTerminale,
  "nsi-terminale.json": nsiTerminale,
  "physique-chimie-premiere.json": physiqueChimiePremiere,
});
for (const q of registry.values()) deepFreeze(q);

const survey = deepFreeze(parseSurvey("pedagogical-survey.json", pedagogicalSurvey));

export function getQuestionnaire(id: string): Questionnaire {
  const q = registry.get(id);
  if (q === undefined) throw new UnknownQuestionnaireError(id);
  return q;
}

export function questionnaireFor(subject: Subject, niveau: Niveau): Questionnaire | null {
  for (const q of registry.values()) {
    if (q.subject === subject && q.niveau === niveau) return q;
  }
  return null;
}

export function listQuestionnaires(): Questionnaire[] {
  return [...registry.values()];
}

export function getSurvey(): Survey {
  return survey;
}
