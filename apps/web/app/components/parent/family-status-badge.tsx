// A bilan's status as a family reads it. The shared labels (« À relire », « Échec ») speak to
// the centre's staff; a parent needs to know who has the bilan in hand, and never reads about
// a worker failure (the team relaunches it: « En préparation »). Same tones as StatusBadge.
import type { BilanStatus } from "@nexus/shared/domain";
import { Badge, statusTones } from "~/components/ui/badge";

export const familyStatusLabels: Record<BilanStatus, string> = {
  draft: "Questionnaire en cours",
  submitted: "En cours d'analyse",
  generating: "En cours de rédaction",
  review: "En relecture par le coach",
  approved: "Validé par le coach",
  sent: "Envoyé",
  failed: "En préparation",
};

export function FamilyStatusBadge({ status }: { status: BilanStatus }) {
  const tone = status === "failed" ? "progress" : statusTones[status];
  return (
    <Badge tone={tone} data-status={status}>
      {status === "generating" || status === "submitted" ? (
        <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-amber-600" />
      ) : null}
      {familyStatusLabels[status]}
    </Badge>
  );
}
