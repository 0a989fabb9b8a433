// The synthesis with autosave: status line, conflict banner (reload the latest version), and
// the editor. Editable only while the bilan is `review`. Tells the page what approval would
// approve: the version on screen, or why not yet (an edit not saved).
import type { Id } from "@convex/_generated/dataModel";
import type { Synthesis } from "@nexus/shared/synthesis";
import { useEffect, useMemo } from "react";
import { Button } from "~/components/ui/button";
import { approvalBlocker, saveStatusLabel } from "./autosave";
import { SynthesisEditor } from "./synthesis-editor";
import { useAutosave } from "./use-autosave";

const statusTone: Record<string, string> = {
  saved: "text-emerald-800",
  saving: "text-slate-700",
  pending: "text-slate-700",
  idle: "text-slate-600",
  invalid: "text-red-800",
  conflict: "text-red-800",
  error: "text-red-800",
};

/** What approving now would approve: `version`, unless `blocker` says why not (French). */
export interface ApprovalReadiness {
  version: number;
  blocker: string | null;
}

export function SynthesisReview({
  bilanId,
  synthesis,
  version,
  editable,
  domainLabel,
  onApprovalReadiness,
}: {
  bilanId: Id<"bilans">;
  synthesis: Synthesis;
  version: number;
  editable: boolean;
  domainLabel: (domainId: string) => string;
  onApprovalReadiness?: (readiness: ApprovalReadiness) => void;
}) {
  const latest = useMemo(() => ({ synthesis, version }), [synthesis, version]);
  const { state, edit, reload } = useAutosave(bilanId, latest);
  const blocker = approvalBlocker(state);
  useEffect(() => {
    onApprovalReadiness?.({ version: state.baseVersion, blocker });
  }, [onApprovalReadiness, state.baseVersion, blocker]);
  return (
    <div>
      {editable ? (
        <p
          aria-live="polite"
          data-testid="etat-enregistrement"
          className={`text-sm font-medium ${statusTone[state.status]}`}
        >
          {saveStatusLabel(state)}
        </p>
      ) : null}
      {state.status === "conflict" ? (
        <div role="alert" className="mt-3 rounded-md border border-red-300 bg-red-50 p-4">
          <p className="font-semibold text-red-900">Vos modifications n'ont pas été enregistrées</p>
          <p className="mt-1 text-sm text-red-900">{state.message}</p>
          <p className="mt-1 text-sm text-red-900">
            Copiez si besoin votre texte avant de recharger : il sera remplacé par la dernière
            version.
          </p>
          <Button className="mt-3" onClick={reload}>
            Recharger la dernière version
          </Button>
        </div>
      ) : null}
      {(state.status === "invalid" || state.status === "error") && state.message ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {state.message}
        </p>
      ) : null}
      <SynthesisEditor
        draft={state.draft}
        onChange={edit}
        readOnly={!editable}
        domainLabel={domainLabel}
      />
    </div>
  );
}
