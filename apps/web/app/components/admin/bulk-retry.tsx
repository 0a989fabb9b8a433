// Bulk retry: every failed job of one kind (the 100 most recent per click), after a
// confirmation that says how many. A client-side loop over jobs.retry, one job at a time,
// so each retry is audited and checked by the server like a single one.
import { api } from "@convex/_generated/api";
import type { JobKind } from "@nexus/shared/jobs";
import { useConvex } from "convex/react";
import { useId, useState } from "react";
import { Dialog, DialogClose } from "~/components/review/dialog";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { jobKindLabels, jobKindList } from "~/utils/jobs-console";

const BULK_LIMIT = 100;

export function BulkRetry({ defaultKind }: { defaultKind?: JobKind }) {
  const convex = useConvex();
  const selectId = useId();
  const [kind, setKind] = useState<JobKind>(defaultKind ?? "bilan.generate");
  const [open, setOpen] = useState(false);
  const [jobIds, setJobIds] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function prepare() {
    setMessage(null);
    setJobIds(null);
    setOpen(true);
    try {
      const failed = await convex.query(api.jobs.list, {
        status: "failed",
        kind,
        paginationOpts: { numItems: BULK_LIMIT, cursor: null },
      });
      setJobIds(failed.page.map((job) => job.id));
    } catch (caught) {
      setMessage(toUserError(caught).message);
    }
  }

  async function confirm() {
    if (!jobIds) return;
    setBusy(true);
    let done = 0;
    const errors: string[] = [];
    for (const jobId of jobIds) {
      try {
        await convex.mutation(api.jobs.retry, { jobId });
        done++;
      } catch (caught) {
        errors.push(toUserError(caught).message);
      }
    }
    setBusy(false);
    setOpen(false);
    setMessage(
      errors.length === 0
        ? `${done} tâche${done > 1 ? "s" : ""} relancée${done > 1 ? "s" : ""}.`
        : `${done} tâche(s) relancée(s), ${errors.length} refusée(s) : ${errors[0]}`,
    );
  }

  const count = jobIds?.length ?? 0;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-base font-semibold text-slate-900">Relancer les échecs d'un type</h2>
      <div className="mt-2 flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor={selectId} className="block text-sm font-medium text-slate-800">
            Type de tâche
          </label>
          <select
            id={selectId}
            value={kind}
            onChange={(event) => setKind(event.target.value as JobKind)}
            className="mt-1 min-h-11 rounded-md border border-slate-300 bg-white px-2"
          >
            {jobKindList.map((k) => (
              <option key={k} value={k}>
                {jobKindLabels[k]}
              </option>
            ))}
          </select>
        </div>
        <Button variant="secondary" onClick={prepare}>
          Relancer les échecs…
        </Button>
      </div>
      {message ? (
        <p role="status" className="mt-2 text-sm text-slate-800">
          {message}
        </p>
      ) : null}
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Relancer les tâches échouées : ${jobKindLabels[kind]}`}
      >
        <p className="text-sm text-slate-700" aria-live="polite">
          {jobIds === null
            ? "Recherche des tâches échouées…"
            : count === 0
              ? "Aucune tâche échouée de ce type."
              : `${count} tâche${count > 1 ? "s" : ""} échouée${count > 1 ? "s" : ""} ${count > 1 ? "seront relancées" : "sera relancée"}${count === BULK_LIMIT ? ` (les ${BULK_LIMIT} plus récentes)` : ""}.`}
        </p>
        <div className="mt-4 flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Ne rien faire</Button>
          </DialogClose>
          <Button onClick={confirm} disabled={busy || count === 0}>
            {busy ? "Relance en cours…" : `Relancer ${count} tâche${count > 1 ? "s" : ""}`}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
