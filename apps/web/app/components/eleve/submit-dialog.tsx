// « Envoyer mon bilan »: a confirmation (Radix Dialog) that says how many questions are left
// unanswered, then bilans.submit; a refusal (rate limit…) is shown inside the dialog.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import * as Dialog from "@radix-ui/react-dialog";
import { useMutation } from "convex/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError, type UserFacingError } from "~/utils/errors";
import { InlineError } from "./inline-error";

export function SubmitDialog({
  bilanId,
  unanswered,
  disabled,
  onSubmitted,
}: {
  bilanId: Id<"bilans">;
  unanswered: number;
  disabled: boolean;
  onSubmitted: () => void;
}) {
  const submit = useMutation(api.bilans.submit);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserFacingError | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await submit({ bilanId });
      setOpen(false);
      onSubmitted();
    } catch (caught) {
      setError(toUserError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog.Root open={open} onOpenChange={(next) => (busy ? undefined : setOpen(next))}>
      <Dialog.Trigger asChild>
        <Button disabled={disabled}>Envoyer mon bilan</Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl">
          <Dialog.Title className="text-xl font-bold text-slate-900">
            Envoyer votre bilan ?
          </Dialog.Title>
          <Dialog.Description className="mt-2 text-slate-700">
            {unanswered === 0
              ? "Vous avez répondu à toutes les questions. "
              : unanswered === 1
                ? "Une question est restée sans réponse : elle comptera comme non acquise. "
                : `${unanswered} questions sont restées sans réponse : elles compteront comme non acquises. `}
            Une fois envoyé, le bilan ne peut plus être modifié : vos résultats s'affichent tout de
            suite, et votre coach relit la synthèse avant de vous la transmettre.
          </Dialog.Description>
          <InlineError error={error} className="mt-4" />
          <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
            <Dialog.Close asChild>
              <Button variant="secondary" disabled={busy}>
                Revenir au questionnaire
              </Button>
            </Dialog.Close>
            <Button onClick={() => void confirm()} disabled={busy}>
              {busy ? "Envoi…" : "Confirmer l'envoi"}
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
