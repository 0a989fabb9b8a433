// « Confirmer la réception » / « Non reçu » for an e-mail whose delivery is uncertain, each
// behind a confirmation dialog (emails.confirm). Errors in French through toUserError; the
// live query moves the e-mail to its new status.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { useMutation } from "convex/react";
import { useState } from "react";
import { Dialog, DialogClose } from "~/components/review/dialog";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";

const texts = {
  delivered: {
    button: "Confirmer la réception",
    title: "Confirmer la réception de cet e-mail ?",
    description:
      "Faites-le seulement après avoir vérifié auprès de la famille ou du fournisseur d'envoi : l'e-mail sera marqué comme envoyé.",
    confirm: "Confirmer : reçu",
  },
  notDelivered: {
    button: "Non reçu",
    title: "Déclarer cet e-mail non reçu ?",
    description:
      "L'e-mail sera marqué en échec ; la tâche d'envoi pourra alors le renvoyer, une seule fois.",
    confirm: "Confirmer : non reçu",
  },
} as const;

export function EmailConfirmActions({
  email,
}: {
  email: { _id: Id<"emails">; to: string; subject: string };
}) {
  return (
    <div className="flex flex-wrap gap-2">
      <ConfirmEmail email={email} delivered />
      <ConfirmEmail email={email} delivered={false} />
    </div>
  );
}

function ConfirmEmail({
  email,
  delivered,
}: {
  email: { _id: Id<"emails">; to: string; subject: string };
  delivered: boolean;
}) {
  const confirm = useMutation(api.emails.confirm);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = delivered ? texts.delivered : texts.notDelivered;

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await confirm({ emailId: email._id, delivered });
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
        variant={delivered ? "primary" : "secondary"}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        aria-label={`${text.button} : ${email.subject} à ${email.to}`}
      >
        {text.button}
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={text.title} description={text.description}>
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
          <Button variant={delivered ? "primary" : "danger"} onClick={submit} disabled={busy}>
            {busy ? "Un instant…" : text.confirm}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
