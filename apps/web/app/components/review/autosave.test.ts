import type { Synthesis } from "@nexus/shared/synthesis";
import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { toUserError } from "~/utils/errors";
import {
  type AutosaveState,
  approvalBlocker,
  autosaveReducer,
  emptyFields,
  initialAutosave,
  saveStatusLabel,
  shouldSave,
} from "./autosave";

const synthesis: Synthesis = {
  summary: "Bonne base en algèbre.",
  strengths: [{ domainId: "algebre", text: "Calcul littéral solide." }],
  weaknesses: [{ domainId: "fonctions", text: "Lecture graphique fragile." }],
  recommendations: [
    {
      title: "Revoir les fonctions",
      text: "Reprendre les tableaux de variations.",
      domainIds: ["fonctions"],
      sources: [{ chunkId: "c1", documentTitle: "Cours", page: 3 }],
    },
  ],
  studyPlan: [
    { week: 1, objectives: ["Variations"], activities: [{ description: "Exercices", hours: 2 }] },
  ],
  offers: [{ offerId: "stage", title: "Stage", reason: "Pour consolider." }],
  parentSummary: "Camille progresse.",
};

const edited = (summary: string): Synthesis => ({ ...synthesis, summary });

function run(state: AutosaveState, ...actions: Parameters<typeof autosaveReducer>[1][]) {
  return actions.reduce(autosaveReducer, state);
}

const conflictError = toUserError(
  new ConvexError({
    code: "CONFLICT",
    message: "Claire Lefèvre a modifié cette synthèse à 14 h 32 : rechargez-la…",
    currentVersion: 4,
  }),
);

describe("autosave reducer", () => {
  it("saves an edit on the version it was based on, then says Enregistré", () => {
    let state = run(initialAutosave(synthesis, 2), { type: "edit", draft: edited("Nouveau") });
    expect(state).toMatchObject({ status: "pending", dirty: true, baseVersion: 2 });
    expect(shouldSave(state)).toBe(true);
    expect(saveStatusLabel(state)).toBe("Modifications non enregistrées");
    state = run(state, { type: "saveStarted" });
    expect(saveStatusLabel(state)).toBe("Enregistrement…");
    expect(shouldSave(state)).toBe(false);
    state = run(state, { type: "saveSucceeded", version: 3 });
    expect(state).toMatchObject({ status: "saved", dirty: false, baseVersion: 3 });
    expect(saveStatusLabel(state)).toBe("Enregistré");
  });

  it("saves edits typed during a save afterwards, on the new version", () => {
    const state = run(
      initialAutosave(synthesis, 2),
      { type: "edit", draft: edited("A") },
      { type: "saveStarted" },
      { type: "edit", draft: edited("AB") },
      { type: "saveSucceeded", version: 3 },
    );
    expect(state).toMatchObject({ status: "pending", dirty: true, baseVersion: 3 });
    expect(state.draft.summary).toBe("AB");
    expect(shouldSave(state)).toBe(true);
  });

  it("ignores its own version arriving live before the save's reply", () => {
    const state = run(
      initialAutosave(synthesis, 2),
      { type: "edit", draft: edited("A") },
      { type: "saveStarted" },
      { type: "remoteVersion", synthesis: edited("A"), version: 3 },
      { type: "saveSucceeded", version: 3 },
    );
    expect(state).toMatchObject({ status: "saved", baseVersion: 3 });
  });

  it("takes another reviewer's version when nothing is unsaved", () => {
    const state = run(initialAutosave(synthesis, 2), {
      type: "remoteVersion",
      synthesis: edited("Version de Claire"),
      version: 3,
    });
    expect(state).toMatchObject({ status: "idle", baseVersion: 3, dirty: false });
    expect(state.draft.summary).toBe("Version de Claire");
  });

  it("keeps unsaved edits when another version lands, and the save then conflicts", () => {
    let state = run(
      initialAutosave(synthesis, 2),
      { type: "edit", draft: edited("Mon texte") },
      { type: "remoteVersion", synthesis: edited("Version de Claire"), version: 3 },
    );
    expect(state.draft.summary).toBe("Mon texte");
    expect(state.baseVersion).toBe(2);
    state = run(state, { type: "saveStarted" }, { type: "saveFailed", error: conflictError });
    expect(state).toMatchObject({ status: "conflict", latestVersion: 4, dirty: true });
    expect(state.message).toContain("Claire Lefèvre a modifié cette synthèse");
    expect(saveStatusLabel(state)).toBe("Non enregistré : conflit de versions");
    // Nothing is sent while in conflict, even after more typing.
    state = run(state, { type: "edit", draft: edited("Mon texte, suite") });
    expect(state.status).toBe("conflict");
    expect(shouldSave(state)).toBe(false);
    // Reload takes the latest version and clears the conflict.
    state = run(state, { type: "reload", synthesis: edited("Version de Claire"), version: 4 });
    expect(state).toMatchObject({ status: "idle", baseVersion: 4, dirty: false, message: null });
  });

  it("does not send an empty field and names it", () => {
    const state = run(initialAutosave(synthesis, 1), { type: "edit", draft: edited("  ") });
    expect(state.status).toBe("invalid");
    expect(shouldSave(state)).toBe(false);
    expect(state.message).toBe("Ce champ ne peut pas rester vide : Synthèse.");
  });

  it("reports another error and saves again after the next edit", () => {
    let state = run(
      initialAutosave(synthesis, 1),
      { type: "edit", draft: edited("A") },
      { type: "saveStarted" },
      { type: "saveFailed", error: toUserError(new Error("réseau")) },
    );
    expect(state.status).toBe("error");
    expect(shouldSave(state)).toBe(false);
    state = run(state, { type: "edit", draft: edited("AB") });
    expect(shouldSave(state)).toBe(true);
  });
});

describe("emptyFields", () => {
  it("lists every empty text field by its French label", () => {
    expect(emptyFields(synthesis)).toEqual([]);
    expect(
      emptyFields({
        ...synthesis,
        strengths: [{ domainId: "algebre", text: "" }],
        studyPlan: [{ week: 2, objectives: [" "], activities: [{ description: "", hours: 1 }] }],
        parentSummary: "",
      }),
    ).toEqual([
      "Point fort 1",
      "Semaine 2, objectif 1",
      "Semaine 2, activité 1",
      "Message aux parents",
    ]);
  });
});

describe("approvalBlocker", () => {
  it("allows approval only when every edit is saved, and says why not in French", () => {
    const loaded = initialAutosave(synthesis, 2);
    expect(approvalBlocker(loaded)).toBeNull();
    const pending = run(loaded, { type: "edit", draft: edited("Nouveau") });
    expect(approvalBlocker(pending)).toBe("Enregistrement en cours…");
    const saving = run(pending, { type: "saveStarted" });
    expect(approvalBlocker(saving)).toBe("Enregistrement en cours…");
    // An edit typed during the save waits for the next one.
    expect(approvalBlocker(run(saving, { type: "edit", draft: edited("Nouveau !") }))).toBe(
      "Enregistrement en cours…",
    );
    expect(approvalBlocker(run(saving, { type: "saveSucceeded", version: 3 }))).toBeNull();
    expect(approvalBlocker(run(loaded, { type: "edit", draft: edited(" ") }))).toBe(
      "Une modification n'est pas enregistrée : un champ est vide.",
    );
    const conflict = run(saving, { type: "saveFailed", error: conflictError });
    expect(approvalBlocker(conflict)).toBe(
      "Une modification n'est pas enregistrée : rechargez la dernière version avant d'approuver.",
    );
    expect(approvalBlocker(run(conflict, { type: "reload", synthesis, version: 4 }))).toBeNull();
    expect(
      approvalBlocker(run(saving, { type: "saveFailed", error: toUserError(new Error("réseau")) })),
    ).toBe("Une modification n'est pas enregistrée : l'enregistrement a échoué.");
  });
});
