// Drives autosave.ts: saves the draft through review.editSynthesis after a pause in typing,
// feeds in the versions that land live (bilans.get), and exposes reload for a conflict.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { Synthesis } from "@nexus/shared/synthesis";
import { useMutation } from "convex/react";
import { useCallback, useEffect, useReducer, useRef } from "react";
import { toUserError } from "~/utils/errors";
import { autosaveReducer, initialAutosave, shouldSave } from "./autosave";

export const AUTOSAVE_DELAY_MS = 1_200;

export function useAutosave(
  bilanId: Id<"bilans">,
  latest: { synthesis: Synthesis; version: number },
) {
  const [state, dispatch] = useReducer(autosaveReducer, latest, (l) =>
    initialAutosave(l.synthesis, l.version),
  );
  const editSynthesis = useMutation(api.review.editSynthesis);
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => {
    dispatch({ type: "remoteVersion", synthesis: latest.synthesis, version: latest.version });
  }, [latest.synthesis, latest.version]);

  const save = useCallback(async () => {
    const current = stateRef.current;
    if (!shouldSave(current)) return;
    dispatch({ type: "saveStarted" });
    try {
      const { synthesisVersion } = await editSynthesis({
        bilanId,
        synthesis: current.draft,
        baseVersion: current.baseVersion,
      });
      dispatch({ type: "saveSucceeded", version: synthesisVersion });
    } catch (error) {
      dispatch({ type: "saveFailed", error: toUserError(error) });
    }
  }, [bilanId, editSynthesis]);

  // A pause after the last edit (or the end of a save with edits made meanwhile) saves.
  useEffect(() => {
    if (!shouldSave(state)) return;
    const timer = setTimeout(save, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [state, save]);

  const edit = useCallback((draft: Synthesis) => dispatch({ type: "edit", draft }), []);
  const reload = useCallback(
    () => dispatch({ type: "reload", synthesis: latest.synthesis, version: latest.version }),
    [latest.synthesis, latest.version],
  );
  return { state, edit, reload };
}
