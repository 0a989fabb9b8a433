// The review page's autosave, as a pure reducer (the hook in use-autosave.ts drives it).
// Rules:
// - an edit marks the draft dirty; the hook saves it after a pause, sending the version the
//   draft was based on (`baseVersion`);
// - one save at a time; edits made while a save runs are saved after it, on the new version;
// - a version landing from elsewhere (another reviewer, a regeneration) replaces the draft only
//   when the coach has nothing unsaved; otherwise the draft is kept and the next save gets
//   CONFLICT: the page shows it and offers to reload, never overwriting anyone silently;
// - an empty field is not sent (the synthesis schema refuses it): the page says which;
// - approval waits until every edit is saved (approvalBlocker), so it approves what was saved.
import type { Synthesis } from "@nexus/shared/synthesis";
import type { UserFacingError } from "~/utils/errors";

export type SaveStatus = "idle" | "pending" | "saving" | "saved" | "invalid" | "conflict" | "error";

export interface AutosaveState {
  draft: Synthesis;
  /** The synthesisVersion the draft is based on. */
  baseVersion: number;
  /** The draft holds changes no save has taken yet. */
  dirty: boolean;
  status: SaveStatus;
  /** French, for conflict and error. */
  message: string | null;
  /** CONFLICT: the version to reload. */
  latestVersion: number | null;
}

export type AutosaveAction =
  | { type: "edit"; draft: Synthesis }
  | { type: "saveStarted" }
  | { type: "saveSucceeded"; version: number }
  | { type: "saveFailed"; error: UserFacingError }
  | { type: "remoteVersion"; synthesis: Synthesis; version: number }
  | { type: "reload"; synthesis: Synthesis; version: number };

export function initialAutosave(synthesis: Synthesis, version: number): AutosaveState {
  return {
    draft: synthesis,
    baseVersion: version,
    dirty: false,
    status: "idle",
    message: null,
    latestVersion: null,
  };
}

/** Labels of the text fields left empty (nothing is saved while there is one). */
export function emptyFields(synthesis: Synthesis): string[] {
  const fields: [string, string][] = [
    [synthesis.summary, "Synthèse"],
    ...synthesis.strengths.map((s, i): [string, string] => [s.text, `Point fort ${i + 1}`]),
    ...synthesis.weaknesses.map((w, i): [string, string] => [
      w.text,
      `Point à travailler ${i + 1}`,
    ]),
    ...synthesis.recommendations.flatMap((r, i): [string, string][] => [
      [r.title, `Titre de la recommandation ${i + 1}`],
      [r.text, `Recommandation ${i + 1}`],
    ]),
    ...synthesis.studyPlan.flatMap((week): [string, string][] => [
      ...week.objectives.map((o, i): [string, string] => [
        o,
        `Semaine ${week.week}, objectif ${i + 1}`,
      ]),
      ...week.activities.map((a, i): [string, string] => [
        a.description,
        `Semaine ${week.week}, activité ${i + 1}`,
      ]),
    ]),
    ...synthesis.offers.map((o, i): [string, string] => [o.reason, `Offre ${i + 1}`]),
    [synthesis.parentSummary, "Message aux parents"],
  ];
  return fields.filter(([value]) => value.trim() === "").map(([, label]) => label);
}

/** Whether the hook should start a save now (after its pause); after an error, the next edit. */
export function shouldSave(state: AutosaveState): boolean {
  return state.dirty && state.status === "pending";
}

export function autosaveReducer(state: AutosaveState, action: AutosaveAction): AutosaveState {
  switch (action.type) {
    case "edit": {
      const invalid = emptyFields(action.draft);
      // In conflict the draft stays editable (to copy from), but nothing is sent until reload.
      if (state.status === "conflict") return { ...state, draft: action.draft, dirty: true };
      if (state.status === "saving") return { ...state, draft: action.draft, dirty: true };
      return {
        ...state,
        draft: action.draft,
        dirty: true,
        status: invalid.length > 0 ? "invalid" : "pending",
        message:
          invalid.length > 0 ? `Ce champ ne peut pas rester vide : ${invalid.join(", ")}.` : null,
      };
    }
    case "saveStarted":
      return { ...state, dirty: false, status: "saving", message: null };
    case "saveSucceeded": {
      const next = { ...state, baseVersion: action.version, latestVersion: null };
      if (!state.dirty) return { ...next, status: "saved", message: null };
      const invalid = emptyFields(state.draft);
      return invalid.length > 0
        ? {
            ...next,
            status: "invalid",
            message: `Ce champ ne peut pas rester vide : ${invalid.join(", ")}.`,
          }
        : { ...next, status: "pending", message: null };
    }
    case "saveFailed":
      if (action.error.code === "CONFLICT") {
        return {
          ...state,
          dirty: true,
          status: "conflict",
          message: action.error.message,
          latestVersion: action.error.currentVersion ?? null,
        };
      }
      // Kept dirty: the next edit saves again.
      return { ...state, dirty: true, status: "error", message: action.error.message };
    case "remoteVersion": {
      if (action.version <= state.baseVersion) return state;
      if (state.status === "conflict") {
        return { ...state, latestVersion: Math.max(state.latestVersion ?? 0, action.version) };
      }
      // Our own save's version arrives before its reply; others' edits wait for a save.
      if (state.dirty || state.status === "saving") return state;
      return initialAutosave(action.synthesis, action.version);
    }
    case "reload":
      return initialAutosave(action.synthesis, action.version);
  }
}

/** The short status line next to the editor (polite live region). */
export function saveStatusLabel(state: AutosaveState): string {
  switch (state.status) {
    case "idle":
      return `Version ${state.baseVersion}`;
    case "pending":
      return "Modifications non enregistrées";
    case "saving":
      return "Enregistrement…";
    case "saved":
      return "Enregistré";
    case "invalid":
      return "Non enregistré : un champ est vide";
    case "conflict":
      return "Non enregistré : conflit de versions";
    case "error":
      return "Échec de l'enregistrement";
  }
}

/** Why the coach cannot approve yet (French, shown by the button), or null when all is saved. */
export function approvalBlocker(state: AutosaveState): string | null {
  switch (state.status) {
    case "pending":
    case "saving":
      return "Enregistrement en cours…";
    case "invalid":
      return "Une modification n'est pas enregistrée : un champ est vide.";
    case "conflict":
      return "Une modification n'est pas enregistrée : rechargez la dernière version avant d'approuver.";
    case "error":
      return "Une modification n'est pas enregistrée : l'enregistrement a échoué.";
    case "idle":
    case "saved":
      return state.dirty ? "Une modification n'est pas enregistrée." : null;
  }
}
