// One sentence per status, for a parent: who has the bilan in hand and what happens next.
import type { BilanStatus } from "@nexus/shared/domain";

export function statusNote(status: BilanStatus, firstName: string): string {
  switch (status) {
    case "draft":
      return `${firstName} n'a pas encore terminé le questionnaire. Les résultats s'afficheront ici dès qu'il sera envoyé.`;
    case "submitted":
    case "generating":
      return `${firstName} a terminé le questionnaire : le centre rédige la synthèse du bilan.`;
    case "review":
      return "Le coach relit la synthèse. Vous la lirez ici, et la recevrez par e-mail, dès qu'il l'aura validée.";
    case "approved":
      return "Le coach a validé le bilan : le rapport est en cours de préparation et vous sera envoyé par e-mail.";
    case "sent":
      return "Le bilan est terminé : le rapport vous a été envoyé par e-mail et vous pouvez le télécharger ici.";
    case "failed":
      return "L'équipe du centre finalise la préparation de ce bilan. Vous serez prévenu par e-mail dès qu'il sera prêt.";
  }
}

export function BilanStatusNote({ status, firstName }: { status: BilanStatus; firstName: string }) {
  return (
    <p className="mt-2 text-slate-800" aria-live="polite">
      {statusNote(status, firstName)}
    </p>
  );
}
