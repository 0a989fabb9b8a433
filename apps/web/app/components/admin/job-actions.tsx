// Retry / cancel / reprocess a job, each behind a Radix confirmation dialog. Errors come back
// in French through toUserError; the live queries show the new state, nothing is reloaded.
import { api } from "@convex/_generated/api";
import type { JobKind, JobStatus } from "@nexus/shared/jobs";
import { useMutation } from "convex/react";
import { useState } from "react";
import { Dialog, DialogClose } from "~/components/review/dialog";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { jobKindLabels, reprocessTargetOf } from "~/utils/jobs-console";

type Action = "retry" | "cancel" | "reprocess";

const texts: Record<Action, { button: string; title: string; description: string }> = {
  retry: {
    button: "Relancer",
    title: "Relancer cette tâche ?",
    description: "Elle repart en attente avec ses tentatives remises à zéro.",
  },
  cancel: {
    button: "Annuler la tâche",
    title: "Annuler cette tâche ?",
    description:
      "Une tâche en attente est annulée tout de suite ; une tâche en cours s'arrête au prochain signal du worker.",
  },
  reprocess: {
    button: "Retraiter",
    title: "Retraiter cet élément ?",
    description: "Une nouvelle tâche est créée pour le même bilan ou le même document.",
  },
};

export interface ActionableJob {
  id: string;
  kind: JobKind;
  status: JobStatus;
  cancelRequested: boolean;
  target: { table: string; id: string } | null;
}

export function JobActions({ job }: { job: ActionableJob }) {
  const actions: Action[] = [];
  if (job.status === "failed" || job.status === "cancelled") actions.push("retry");
  if (job.status === "pending" || (job.status === "running" && !job.cancelRequested)) {
    actions.push("cancel");
  }
  if (reprocessTargetOf(job.target) && job.status !== "pending" && job.status !== "running") {
    actions.push("reprocess");
  }
  if (actions.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-2">
      {actions.map((action) => (
        <ConfirmAction key={action} action={action} job={job} />
      ))}
    </div>
  );
}

function ConfirmAction({ action, job }: { action: Action; job: ActionableJob }) {
  const retry = useMutation(api.jobs.retry);
  const cancel = useMutation(api.jobs.cancel);
  const reprocess = useMutation(api.jobs.reprocess);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = texts[action];

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      if (action === "retry") await retry({ jobId: job.id });
      else if (action === "cancel") await cancel({ jobId: job.id });
      else {
        const target = reprocessTargetOf(job.target);
        if (target) await reprocess(target);
      }
      setOpen(false);
    } catch (caught) {
      setError(toUserError(caught).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="sm"
        variant={action === "cancel" ? "secondary" : "primary"}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        aria-label={`${text.button} : ${jobKindLabels[job.kind]} ${job.id}`}
      >
        {text.button}
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={text.title} description={text.description}>
        <p className="text-sm text-slate-700">
          {jobKindLabels[job.kind]} · <code className="break-all">{job.id}</code>
        </p>
        {error ? (
          <p role="alert" className="mt-3 text-sm font-medium text-red-800">
            {error}
          </p>
        ) : null}
        <div className="mt-4 flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Ne rien faire</Button>
          </DialogClose>
          <Button
            variant={action === "cancel" ? "danger" : "primary"}
            onClick={confirm}
            disabled={busy}
          >
            {busy ? "Un instant…" : `Confirmer : ${text.button.toLowerCase()}`}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
