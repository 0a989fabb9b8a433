// « Renvoyer » for a failed e-mail, behind a confirmation dialog (emails.resend). Convex only
// accepts a failed row (a sent e-mail is never sent twice) and puts it back in the queue with
// the bilan's email.send job; the live list then shows it « En attente », then « Envoyé ».
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { useMutation } from "convex/react";
import { useState } from "react";
import { Dialog, DialogClose } from "~/components/review/dialog";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";

export function EmailResend({
  email,
}: {
  email: { _id: Id<"emails">; to: string; subject: string };
}) {
  const resend = useMutation(api.emails.resend);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await resend({ emailId: email._id });
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
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        aria-label={`Renvoyer : ${email.subject} à ${email.to}`}
      >
        Renvoyer
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Renvoyer cet e-mail ?"
        description="La tâche d'envoi de ce bilan repart : elle envoie le rapport aux destinataires en échec, dont celui-ci, et n'écrit jamais une seconde fois à ceux qui l'ont déjà reçu."
      >
        <p className="break-all text-sm text-slate-700">
          {email.subject} · {email.to}
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
          <Button onClick={submit} disabled={busy}>
            {busy ? "Un instant…" : "Confirmer : renvoyer"}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
