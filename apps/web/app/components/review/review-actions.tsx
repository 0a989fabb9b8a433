// The review page's actions: ask for a regeneration (with instructions), approve (confirmed;
// only once every edit is saved, naming the version read), download the report
// (files.bilanReportUrl), and the worker's progress while it writes.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import * as Progress from "@radix-ui/react-progress";
import { useAction, useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useId, useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { Dialog, DialogClose } from "./dialog";

const MAX_INSTRUCTIONS = 2000;

export function RegenerateButton({
  bilanId,
  disabled,
}: {
  bilanId: Id<"bilans">;
  disabled: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [instructions, setInstructions] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const request = useMutation(api.review.requestRegeneration);
  const fieldId = useId();

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request({ bilanId, instructions: instructions.trim() || undefined });
      setOpen(false);
      setInstructions("");
    } catch (e) {
      setError(toUserError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button variant="secondary" disabled={disabled} onClick={() => setOpen(true)}>
        Demander une régénération
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Demander une régénération"
        description="Une nouvelle synthèse sera rédigée à partir des mêmes résultats. Vos consignes guident la rédaction."
      >
        <form onSubmit={submit}>
          <label htmlFor={fieldId} className="block text-sm font-medium text-slate-800">
            Consignes pour la nouvelle version (facultatif)
          </label>
          <textarea
            id={fieldId}
            rows={5}
            maxLength={MAX_INSTRUCTIONS}
            value={instructions}
            onChange={(e) => setInstructions(e.target.value)}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-base"
            placeholder="Par exemple : insister sur la méthode de travail, proposer un plan plus léger."
          />
          <p className="mt-1 text-xs text-slate-600">
            {instructions.length} / {MAX_INSTRUCTIONS.toLocaleString("fr-FR")} caractères
          </p>
          {error ? (
            <p role="alert" className="mt-2 text-sm text-red-800">
              {error}
            </p>
          ) : null}
          <div className="mt-4 flex flex-wrap justify-end gap-2">
            <DialogClose asChild>
              <Button variant="secondary">Annuler</Button>
            </DialogClose>
            <Button type="submit" disabled={busy}>
              {busy ? "Envoi…" : "Lancer la régénération"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/**
 * Approves the synthesis `version` on screen, as it was when the dialog opened: a version
 * landing meanwhile makes the server refuse with CONFLICT, shown in the dialog. Disabled, with
 * `blocker` shown beside it, while an edit is not saved.
 */
export function ApproveButton({
  bilanId,
  studentName,
  version,
  blocker,
}: {
  bilanId: Id<"bilans">;
  studentName: string;
  version: number;
  blocker: string | null;
}) {
  const [open, setOpen] = useState(false);
  const [readVersion, setReadVersion] = useState(version);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const approve = useMutation(api.review.approve);
  const blockerId = useId();

  function openDialog() {
    setReadVersion(version);
    setError(null);
    setOpen(true);
  }

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await approve({ bilanId, expectedVersion: readVersion });
      setOpen(false);
    } catch (e) {
      setError(toUserError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        disabled={blocker !== null}
        aria-describedby={blocker !== null ? blockerId : undefined}
        onClick={openDialog}
      >
        Approuver le bilan
      </Button>
      {/* Under the button on a phone; on a wider screen, a line below the page's actions. */}
      {blocker !== null ? (
        <p
          id={blockerId}
          data-testid="approbation-bloquee"
          className="text-sm text-slate-700 sm:order-last sm:basis-full"
        >
          {blocker}
        </p>
      ) : null}
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Approuver ce bilan ?"
        description={`Le rapport définitif sera produit puis envoyé à ${studentName} et à sa famille. La synthèse ne pourra plus être modifiée ensuite sans nouvelle génération.`}
      >
        {error ? (
          <p role="alert" className="mb-3 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <div className="flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Annuler</Button>
          </DialogClose>
          <Button onClick={confirm} disabled={busy}>
            {busy ? "Approbation…" : "Approuver et envoyer"}
          </Button>
        </div>
      </Dialog>
    </>
  );
}

export function ReportDownload({ bilanId, final }: { bilanId: Id<"bilans">; final: boolean }) {
  const reportUrl = useAction(api.files.bilanReportUrl);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const { url } = await reportUrl({ bilanId });
      window.location.assign(url);
    } catch (e) {
      setError(toUserError(e).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div>
      <Button variant="secondary" className="w-full sm:w-auto" onClick={download} disabled={busy}>
        {busy
          ? "Préparation du PDF…"
          : final
            ? "Télécharger le rapport (PDF)"
            : "Télécharger le rapport provisoire (PDF)"}
      </Button>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function GenerationProgress({
  progress,
}: {
  progress: FunctionReturnType<typeof api.bilans.progress>;
}) {
  return (
    <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
      <p className="font-semibold text-amber-950">
        {progress?.regenerating
          ? "Nouvelle version en cours de rédaction"
          : "Synthèse en cours de rédaction"}
      </p>
      <p className="mt-1 text-sm text-amber-950">
        {progress?.message ?? "La demande est prise en compte : la rédaction va commencer."}
      </p>
      {progress && progress.percent !== null ? (
        <Progress.Root
          value={progress.percent}
          max={100}
          aria-label="Avancement de la rédaction"
          className="mt-3 h-2.5 w-full overflow-hidden rounded-full bg-amber-200"
        >
          <Progress.Indicator
            className="h-full bg-amber-600 transition-[width]"
            style={{ width: `${progress.percent}%` }}
          />
        </Progress.Root>
      ) : null}
      {progress?.lastError ? (
        <p className="mt-2 text-sm text-amber-950">Dernière tentative : {progress.lastError}</p>
      ) : null}
    </div>
  );
}
